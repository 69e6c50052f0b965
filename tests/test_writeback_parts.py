"""The write-back's part editors on small hand-written XML."""

from __future__ import annotations

import re

from defusedxml import ElementTree as SafeET

from ladder_sheets.xlsx.sheet_xml import adapt_sheet, content_hash, shared_strings_text
from ladder_sheets.xlsx.styles_merge import StyleMap, merge_styles
from ladder_sheets.xlsx.workbook_xml import (
    add_worksheet_titles,
    drop_calc_chain_sheet,
    marker_value,
    parse_marker,
)

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet(cells: str) -> bytes:
    return f"<worksheet {NS}><sheetData><row r='1'>{cells}</row></sheetData></worksheet>".encode()


def no_strings() -> list[str]:
    return []


def test_content_hash_reads_inline_and_shared_strings_alike() -> None:
    inline = sheet(
        '<c r="A1" t="inlineStr"><is><t>Avery &amp; Co</t></is></c><c r="B1"><v>3</v></c>'
    )
    sst = f'<sst {NS}><si><t>Avery &amp; Co</t><rPh sb="0" eb="1"><t>x</t></rPh></si></sst>'
    shared = sheet('<c r="A1" t="s"><v>0</v></c><c r="B1" s="4"><v>3.0</v></c><c r="C1" s="2"/>')
    assert shared_strings_text(sst.encode()) == ["Avery & Co"]
    assert content_hash(inline, no_strings) == content_hash(
        shared, lambda: shared_strings_text(sst.encode())
    )


def test_content_hash_sees_a_typed_value_and_a_changed_formula() -> None:
    base = content_hash(sheet('<c r="A1"><f>B1-C1</f><v>-1</v></c>'), no_strings)
    assert content_hash(sheet('<c r="A1"><f>B1-C1</f><v>2</v></c>'), no_strings) == base
    assert content_hash(sheet('<c r="A1"><f>B1+C1</f><v>-1</v></c>'), no_strings) != base
    assert content_hash(sheet('<c r="A1"><v>-1</v></c>'), no_strings) != base


def test_adapt_sheet_renumbers_styles_and_inlines_strings() -> None:
    scratch = (
        f'<worksheet {NS}><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<cols><col min="1" max="1" style="1"/></cols><sheetData><row r="1" s="2" customFormat="1">'
        '<c r="A1" s="1" t="s"><v>1</v></c><c r="B1" s="2"><v>5</v></c></row></sheetData>'
        '<conditionalFormatting sqref="B1"><cfRule type="cellIs" dxfId="0" priority="1" '
        'operator="lessThan"><formula>0</formula></cfRule></conditionalFormatting></worksheet>'
    ).encode()
    styles = StyleMap(xf=[0, 17, 18], dxf=[4])
    out = adapt_sheet(scratch, styles, ["<t>Gap</t>", "<t>Rating &lt; 3</t>"]).decode()
    SafeET.fromstring(out)
    assert '<c r="A1" s="17" t="inlineStr"><is><t>Rating &lt; 3</t></is></c>' in out
    assert '<c r="B1" s="18">' in out and '<row r="1" s="18"' in out
    assert 'style="17"' in out and 'dxfId="4"' in out and "tabSelected" not in out


def test_styles_are_appended_after_hr_styles_and_reused_when_identical() -> None:
    hr = (
        f'<styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="0.000"/></numFmts>'
        '<fonts count="1"><font><sz val="10"/><name val="Arial"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<dxfs count="0"/></styleSheet>'
    ).encode()
    scratch = (
        f'<styleSheet {NS}><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/>'
        '<numFmt numFmtId="165" formatCode="0.000"/></numFmts>'
        '<fonts count="2"><font><sz val="10"/><name val="Arial"/></font><font><b/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/></patternFill></fill>'
        '</fills><borders count="1"><border/></borders>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<dxfs count="1"><dxf><font><color rgb="FF9C0006"/></font></dxf></dxfs></styleSheet>'
    ).encode()
    merged, styles = merge_styles(hr, scratch)
    text = merged.decode()
    assert text.startswith(hr.decode()[: hr.decode().index("<numFmts")])
    assert re.findall(r'numFmtId="(\d+)" formatCode="([^"]+)"', text) == [
        ("164", "0.000"),
        ("165", "0.0%"),
    ]
    # scratch xf 0 and xf 2 equal HR's xf 0 and xf 1; xf 1 is new (bold font 1, fill 2)
    assert styles.xf == [0, 2, 1] and styles.dxf == [0]
    root = SafeET.fromstring(merged)
    counts = {c.tag.split("}")[1]: (c.get("count"), len(c)) for c in root}
    assert counts["fonts"] == ("2", 2) and counts["fills"] == ("3", 3)
    assert counts["cellXfs"] == ("3", 3) and counts["dxfs"] == ("1", 1)
    again, same = merge_styles(merged, scratch)
    assert again == merged and same == styles  # a second run adds nothing


def test_calc_chain_loses_only_the_replaced_sheets_entries() -> None:
    chain = (
        f'<calcChain {NS}><c r="B2" i="1"/><c r="B3"/><c r="A1" i="3"/><c r="A2"/>'
        '<c r="C1" i="1"/></calcChain>'
    ).encode()
    trimmed = drop_calc_chain_sheet(chain, 3)
    assert trimmed is not None
    assert re.findall(r'<c r="(\w+)"(?: i="(\d+)")?/>', trimmed.decode()) == [
        ("B2", "1"),
        ("B3", "1"),
        ("C1", "1"),
    ]
    assert drop_calc_chain_sheet(chain, 2) is None


def test_app_titles_get_the_new_worksheets_after_the_old_ones() -> None:
    app = (
        '<Properties xmlns:vt="v"><HeadingPairs><vt:vector size="4" baseType="variant">'
        "<vt:variant><vt:lpstr>Arbeitsbl\u00e4tter</vt:lpstr></vt:variant><vt:variant><vt:i4>2</vt:i4>"
        "</vt:variant><vt:variant><vt:lpstr>Benannte Bereiche</vt:lpstr></vt:variant><vt:variant>"
        '<vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="3"'
        ' baseType="lpstr"><vt:lpstr>Levels</vt:lpstr><vt:lpstr>Matrix</vt:lpstr>'
        "<vt:lpstr>Matrix!Druckbereich</vt:lpstr></vt:vector></TitlesOfParts></Properties>"
    ).encode()
    out = add_worksheet_titles(app, ["Levels", "Matrix"], ["Gap Analysis"]).decode()
    assert re.findall(r"<vt:lpstr>([^<]*)</vt:lpstr>", out.split("<TitlesOfParts>")[1]) == [
        "Levels",
        "Matrix",
        "Gap Analysis",
        "Matrix!Druckbereich",
    ]
    assert "<vt:i4>3</vt:i4>" in out and '<vt:vector size="4" baseType="lpstr">' in out


def test_marker_round_trips_names_with_quotes_and_bars() -> None:
    value = marker_value("ab" * 32, "cd" * 16, 'Gap "Q3" | draft')
    assert parse_marker(value) == ("ab" * 32, "cd" * 16, 'Gap "Q3" | draft')
    assert parse_marker('"v0|x|y|z"') is None and parse_marker("Sheet1!$A$1") is None


def test_adapt_sheet_renumbers_the_tags_styles_only() -> None:
    """Only the s= of <c> and <row> tags is renumbered: text, a formula's string and an
    attribute named like it keep theirs; an index spelt "007" reads as 7; a cell or row
    without a style keeps none."""
    looks_like = 'a <c s="1"> b s="2"'
    escaped = looks_like.replace("<", "&lt;").replace(">", "&gt;")
    scratch = sheet(
        f'<c r="A1" s="1" t="inlineStr"><is><t>{escaped}</t></is></c>'
        '<c r="B1" s="007"><v>5</v></c><c r="C1"><v>6</v></c>'
        '<c r="D1" s="2" t="str"><f>IF(A1=" s=""1""",1,2)</f><v>2</v></c>'
        '<c r="E1" cm="1" s="0"><v>1</v></c>'
    ).replace(b"<row r='1'>", b'<row r="1" ss="1"><c r="Z1" s="2"/></row><row r="2" s="1">')
    styles = StyleMap(xf=[30, 31, 32, 33, 34, 35, 36, 37], dxf=[])
    out = adapt_sheet(scratch, styles, []).decode()
    SafeET.fromstring(out)
    assert f'<c r="A1" s="31" t="inlineStr"><is><t>{escaped}</t></is></c>' in out
    assert '<c r="B1" s="37"><v>5</v></c><c r="C1"><v>6</v></c>' in out
    assert '<c r="D1" s="32" t="str"><f>IF(A1=" s=""1""",1,2)</f>' in out
    assert '<c r="E1" cm="1" s="30">' in out
    assert '<row r="1" ss="1"><c r="Z1" s="32"/></row><row r="2" s="31">' in out


def test_adapt_sheet_quick_cell_pattern_gives_what_the_general_one_does() -> None:
    """Cells as xlsxwriter writes them take a quicker pattern; wherever a piece holds an
    's="' it does not account for (a row's style, a cell written otherwise, a text), the
    general pattern renumbers the piece, so the output is the same either way."""
    from ladder_sheets.xlsx import sheet_xml

    styles = StyleMap(xf=[30, 31, 32, 33], dxf=[])

    def general(xml: bytes) -> str:
        return sheet_xml._CELL_OR_ROW_STYLE.sub(
            lambda m: m.group(1) + b'%d"' % styles.xf[int(m.group(2))], xml
        ).decode()

    plain = '<c r="A1" s="1"><v>1</v></c><c r="XFD1048576" s="3"><v>2</v></c><c r="B1"><v>3</v></c>'
    cases = [
        plain,
        plain + '<c r="C1" s="2" t="inlineStr"><is><t>she said s="3"</t></is></c>',
        plain + '<c t="n" r="D1" s="2"><v>4</v></c>',  # another order: the general pattern
    ]
    for body in cases:
        scratch = sheet(body)
        assert adapt_sheet(scratch, styles, []).decode() == general(scratch)
    out = adapt_sheet(sheet(cases[1]), styles, []).decode()
    assert '<c r="XFD1048576" s="33">' in out and '<t>she said s="3"</t>' in out
    assert '<c t="n" r="D1" s="32">' in adapt_sheet(sheet(cases[2]), styles, []).decode()
