"""The paths that must stay lean at HR scale: the constant_memory scratch keeps every row, the
sheet rewrite is cut in pieces without changing a byte, and the contents hash is batch-invariant."""

from __future__ import annotations

import hashlib
import re
import shutil
import textwrap
from pathlib import Path
from xml.parsers import expat

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as hyp

from ladder_sheets.commands.merge import (
    EVIDENCE_SHEET,
    GAP_SHEET,
    HISTORY_SHEET,
    READINESS_SHEET,
    merge,
)
from ladder_sheets.sheets.readiness import SHORTFALLS_WIDTH, _lines, is_plain, wrapped_lines
from ladder_sheets.sheets.styles import LINE_HEIGHT, WRAP_WIDTH
from ladder_sheets.xlsx.sheet_xml import _pieces, adapt_sheet, content_hash
from ladder_sheets.xlsx.styles_merge import StyleMap

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EXPORTS = sorted((SAMPLES / "exports").iterdir()) if (SAMPLES / "exports").exists() else []


def data_rows(ws: object, first: int) -> list[tuple[object, ...]]:
    """Rows from Excel row `first` on that hold any value."""
    rows = ws.iter_rows(min_row=first, values_only=True)  # type: ignore[attr-defined]
    return [r for r in rows if any(v is not None for v in r)]


@pytest.mark.skipif(not EXPORTS, reason="samples/ (the sample company) is missing")
def test_merge_sheets_written_row_by_row_keep_every_row(tmp_path: Path) -> None:
    workbook = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    result = merge(workbook, [EXPORTS[0]])
    assert result.written == workbook and result.history is not None
    wb = openpyxl.load_workbook(workbook)

    history = data_rows(wb[HISTORY_SHEET], 2)
    assert len(history) == len(result.history.history) > 0
    # the last row written is the table's last row, not an earlier one repeated
    last = result.history.history.iloc[-1]
    assert history[-1][0] == last.iloc[0]

    gaps = data_rows(wb[GAP_SHEET], 3)
    assert [r[0] for r in gaps] == result.gaps["employee_id"].tolist()
    readiness = data_rows(wb[READINESS_SHEET], 3)
    assert [r[0] for r in readiness] == result.readiness["employee_id"].tolist()
    assert len(data_rows(wb[EVIDENCE_SHEET], 2)) >= 0  # present and readable

    # set_row before each row's cells: what falls short, wrapped, gets its tall row (Gap
    # Analysis keeps its descriptions on one line: no tall rows there)
    said = ["; ".join(s) for s in result.readiness["shortfalls"].tolist()]
    scope = [s if isinstance(s, str) else "" for s in result.readiness["scope_criteria"]]
    lines = [
        max(len(textwrap.wrap(text, SHORTFALLS_WIDTH - 2)), len(textwrap.wrap(s, WRAP_WIDTH - 2)))
        for text, s in zip(said, scope, strict=True)
    ]
    long_rows = [i + 3 for i, n in enumerate(lines) if n > 1]
    assert long_rows, "the sample company should have wrapped shortfalls"
    dims = wb[READINESS_SHEET].row_dimensions
    for row in long_rows[:50]:
        assert dims[row].height == LINE_HEIGHT * lines[row - 3]
    assert all(d.height is None for d in wb[GAP_SHEET].row_dimensions.values() if d.index > 2)


def scratch_sheet(rows: int) -> bytes:
    """A sheet as xlsxwriter writes one with shared strings: styles 1-2, strings 0-2."""
    body = "".join(
        f'<row r="{r}" spans="1:3" s="1" customFormat="1">'
        f'<c r="A{r}" s="2" t="s"><v>{r % 3}</v></c>'
        f'<c r="B{r}" s="1"><v>{r}</v></c>'
        f'<c r="C{r}" t="s"><v>{(r + 1) % 3}</v></c></row>'
        for r in range(1, rows + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        f'<cols><col min="1" max="1" width="9" style="2"/></cols><sheetData>{body}</sheetData>'
        '<conditionalFormatting sqref="B1"><cfRule type="cellIs" dxfId="0" priority="1" '
        'operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting></worksheet>'
    ).encode()


def test_adapt_sheet_across_many_pieces_matches_a_whole_sheet_rewrite() -> None:
    rows = 40_000  # about 4 MB: several pieces
    xml = scratch_sheet(rows)
    pieces = list(_pieces(xml))
    assert len(pieces) >= 3 and b"".join(pieces) == xml
    assert all(p.endswith(b"</row>") for p in pieces[:-1])

    strings = ["<t>Ada</t>", "<t>Émile &amp; co</t>", '<t xml:space="preserve"> x </t>']
    styles = StyleMap(xf=[0, 17, 18], dxf=[5])
    out = adapt_sheet(xml, styles, strings)
    expat.ParserCreate().Parse(out, True)
    text = out.decode("utf-8")
    assert 't="s"' not in text and "tabSelected" not in text
    assert text.count('t="inlineStr"') == 2 * rows
    assert text.count("<is><t>Émile &amp; co</t></is>") == sum(
        1 for r in range(1, rows + 1) for v in (r % 3, (r + 1) % 3) if v == 1
    )
    # every style renumbered exactly once: no 1 or 2 left, 17 and 18 where they were
    assert not re.search(r'\bs="[12]"', text)
    assert text.count('s="17"') == 2 * rows and text.count('s="18"') == rows
    assert 'style="18"' in text and 'dxfId="5"' in text
    # the same rewrite, row for row, as one small sheet
    small = adapt_sheet(scratch_sheet(3), styles, strings, selected=True).decode()
    assert small.count('tabSelected="1"') == 1
    small_rows = small.split("<sheetData>")[1].split("</sheetData>")[0]
    assert small_rows == text.split("<sheetData>")[1].split('<row r="4"')[0]


def test_content_hash_is_the_same_whatever_the_batching() -> None:
    # 15,000 cells cross several hash batches; the digest must equal one hash of the whole
    xml = scratch_sheet(5_000)
    shared = ["a", "b", "c"]
    # numbers as 15 significant digits (what LibreOffice writes); legacy markers: repr
    for legacy, shown in ((False, lambda v: format(v, ".15g")), (True, repr)):
        items = []
        for r in range(1, 5_001):
            items += [f"A{r}\x1fs|{shared[r % 3]}\x1e", f"B{r}\x1fn|{shown(float(r))}\x1e"]
            items.append(f"C{r}\x1fs|{shared[(r + 1) % 3]}\x1e")
        expected = hashlib.sha256("".join(items).encode()).hexdigest()
        assert content_hash(xml, lambda: shared, legacy) == expected


# Printable ASCII, letters of other scripts and signs, spaces (runs of them) weighted up, words
# long enough to cut, hyphens where textwrap breaks a word after them and where it does not (a
# digit or one letter before, a long word made of hyphenated parts), no "--".
_PLAIN = "".join(chr(c) for c in range(0x21, 0x7F)) + "\u00e9\u00df\u2192\u2014\u4e2d"
plain_texts = (
    hyp.lists(
        hyp.one_of(
            hyp.sampled_from(["a", "bc", " ", " ", "   ", "Communication", "x" * 40]),
            hyp.sampled_from(["sign-off", "a-b-c", "x-ray", "3-4", "-ab", "ab-", "_é-ß"]),
            hyp.sampled_from(["cross-team-" * 5, "-" + "y" * 30, "z-" * 20, "\u00e9" * 9]),
            hyp.sampled_from(_PLAIN),
        ),
        max_size=60,
    )
    .map("".join)
    .filter(lambda text: "--" not in text)
)


@settings(max_examples=1500, deadline=None)
@given(text=plain_texts, width=hyp.integers(min_value=1, max_value=60))
# a line filled to the width by a space, then a word too long for any line: textwrap cuts
# nothing off it and drops the empty cut, keeping the space
@example(text="z yezc'", width=2)
# a word cut after its last hyphen that fits the line, or not when only hyphens precede it
@example(text="cross-team-cross-team", width=8)
@example(text="-y-" + "y" * 12, width=5)
@example(text="-" + "y" * 12, width=5)
def test_the_quick_line_count_is_textwraps(text: str, width: int) -> None:
    assert is_plain(text)
    assert wrapped_lines(text, width) == len(textwrap.wrap(text, width))


@settings(max_examples=200, deadline=None)
@given(
    text=hyp.lists(
        hyp.sampled_from([*"ab -\n\t\u00e9\u2014.", "--", "sign-off ", "x" * 30]), max_size=40
    ).map("".join),
    width=hyp.integers(min_value=3, max_value=60),
)
def test_row_heights_count_textwraps_lines_whatever_the_text(text: str, width: int) -> None:
    # hyphens, tabs, newlines, dashes and other letters go to textwrap itself
    assert _lines(text, width) == max(len(textwrap.wrap(text, width - 2)), 1)
