"""Text output for people: grouped by place, repeated findings counted, not listed."""

from __future__ import annotations

from ladder_sheets.findings import Report, Where, error
from ladder_sheets.render import SHOWN_PER_CODE, render_text


def test_many_findings_of_one_kind_are_counted_and_identical_ones_shown_once():
    many = [
        error("rating-out-of-scale", f"Rating '{9 + i}' is outside", "1-5", Where("x.csv", line=i))
        for i in range(2, 40)
    ]
    same = error("unknown-competency", "'In Level Since'", "", Where("x.xlsx", "Export", "H1"))
    text = render_text(Report([*many, same, same, same]))
    assert text.count("rating-out-of-scale:") == SHOWN_PER_CODE
    assert f"... and {38 - SHOWN_PER_CODE} more rating-out-of-scale" in text
    assert text.count("unknown-competency:") == 1
    assert text.rstrip().endswith("errors must be fixed before merge.")


def test_findings_are_listed_in_reading_order_by_sheet():
    report = Report(
        [
            error("b", "second", "", Where("w.xlsx", "Levels", "C10")),
            error("a", "first", "", Where("w.xlsx", "Levels", "B2")),
        ]
    )
    text = render_text(report)
    assert text.index("first") < text.index("second")
    assert "w.xlsx / sheet 'Levels'" in text


def test_a_long_message_wraps_at_the_width_without_breaking_words():
    message = "Expected '6' is outside the 1-5 scale (from Sales.xlsx Matrix!F9, a draft cell)."
    finding = error("expectation-out-of-scale", message, "", Where("w.xlsx", "Matrix", "G25"))
    lines = render_text(Report([finding]), width=80).splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert message in " ".join(line.strip() for line in lines)
