"""Delimiter sniffing regressions (found by the round-trip property test)."""

from __future__ import annotations

from ladder_sheets.exports.sniff import sniff_delimiter


def test_semicolons_inside_a_quoted_comment_do_not_win_over_the_comma():
    text = 'Employee ID,Competency,Rating,Comment\nE000,Communication,1,";\n;\n;"\n'
    assert sniff_delimiter(text) == ","


def test_a_title_with_a_comma_above_a_semicolon_table():
    text = "Acme Corp - export, Q2 2026\nEmployee Number;Employee;Skill;Score\nE1;A, B;C;Meets\n"
    assert sniff_delimiter(text) == ";"
