"""The engine's one escape and unescape: what goes into a part comes back out the same."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ladder_sheets.xlsx.xmltext import escape_attr, escape_text, unescape


def test_references_excel_and_libreoffice_write_are_decoded():
    assert unescape("Avery &amp; Co &lt;3&gt;") == "Avery & Co <3>"
    assert unescape("say &quot;hi&quot; &apos;x&apos;") == "say \"hi\" 'x'"
    assert unescape("line&#10;break&#x9;tab") == "line\nbreak\ttab"
    assert unescape("plain") == "plain"


def test_escapes_by_place():
    assert escape_text('a & b < c > "d"') == 'a &amp; b &lt; c &gt; "d"'
    assert escape_attr('a & "b"') == "a &amp; &quot;b&quot;"


@given(st.text())
def test_round_trip(text: str):
    assert unescape(escape_text(text)) == text
    assert unescape(escape_attr(text)) == text
