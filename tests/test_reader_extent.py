"""The extent scan bounds every cell calamine (and fastexcel) can place, however the sheet's XML
writes it: an address in single quotes, `r = "..."`, a tab or a newline after `<c`, a prefixed
element, a second r= (calamine takes the last), a cell without an address after a row in single
quotes. Each of these once slipped past the scan, and a value at XFD1048576 written so made
calamine allocate 512 GB and abort the process."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
import python_calamine
import xlsxwriter

from ladder_sheets.workbook import extent as extent_module
from ladder_sheets.workbook.extent import scan_extent

SHEET = "Ratings History"
PART = "xl/worksheets/sheet1.xml"
NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# (row tag, cell tag) at row {row}, column {col}; every one is placed by calamine
VARIANTS = {
    "single quotes": ("<row r='{row}'>", "<c r='{col}{row}'><v>7</v></c>"),
    "spaced equals": ('<row r="{row}">', '<c r = "{col}{row}"><v>7</v></c>'),
    "tab after c": ('<row r="{row}">', '<c\tr="{col}{row}"><v>7</v></c>'),
    "newline after c": ('<row r="{row}">', '<c\nr="{col}{row}"><v>7</v></c>'),
    "prefixed cell": ('<row r="{row}">', f'<x:c {NS} r="{{col}}{{row}}"><x:v>7</x:v></x:c>'),
    "second r": ('<row r="{row}">', '<c r="A{row}" s="0" r="{col}{row}"><v>7</v></c>'),
    "slash in a value": ('<row r="{row}">', '<c r="{col}{row}" x="/>"><v>7</v></c>'),
    "row in single quotes": ("<row r='{row}'>", "<c><v>7</v></c>"),
    "row after a far cell": ('<row r="{row}">', '<c r="{col}{row}"/><c><v>7</v></c>'),
}


def patched(tmp_path: Path, name: str, row: int, col: str) -> Path:
    """A small Ratings History with one more row, written as VARIANTS[name] says."""
    source = tmp_path / "source.xlsx"
    if not source.exists():
        book = xlsxwriter.Workbook(str(source))
        ws = book.add_worksheet(SHEET)
        ws.write_row(0, 0, ["Cycle", "Employee ID"])
        ws.write_row(1, 0, ["2024-Q1", "E1"])
        book.close()
    row_tag, cell = VARIANTS[name]
    extra = (row_tag + cell + "</row>").format(row=row, col=col).encode()
    target = tmp_path / f"{name.replace(' ', '_')}_{col}{row}.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == PART:
                data = data.replace(b"</sheetData>", extra + b"</sheetData>")
            zout.writestr(info, data)
    return target


@pytest.mark.parametrize("chunk", [1 << 20, 7], ids=["chunk-1MB", "chunk-7B"])
@pytest.mark.parametrize("name", list(VARIANTS))
def test_the_extent_bounds_where_calamine_places_every_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, chunk: int
) -> None:
    monkeypatch.setattr(extent_module, "_CHUNK", chunk)  # tags cut across chunks, too
    path = patched(tmp_path, name, 30, "Z")
    placed = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET)
    last_row, last_col = placed.end
    assert last_row == 29  # the premise: calamine places the value on row 30
    extent = scan_extent(path, PART, SHEET)
    assert extent.max_row >= last_row and extent.max_col >= last_col


def test_a_value_in_the_last_cell_never_aborts_the_reader(tmp_path: Path) -> None:
    paths = [patched(tmp_path, name, 1_048_576, "XFD") for name in VARIANTS]
    script = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
        from ladder_sheets.errors import UnreadableFile
        from ladder_sheets.workbook.grid import read_grids
        for path in sys.argv[1:]:
            try:
                grid = read_grids(path)["Ratings History"]
                print("read", max(grid.values))
            except UnreadableFile as exc:
                print("refused", exc.cell)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = done.stdout.split("\n")[:-1]
    assert len(outcomes) == len(VARIANTS)
    # read sparsely with the value on the last row, or refused (outside the grid; a second
    # r= is XML that openpyxl refuses)
    for name, outcome in zip(VARIANTS, outcomes, strict=True):
        assert outcome.startswith(("read (1048575, ", "refused")), (name, outcome)


def test_what_writers_write_is_scanned_without_the_tag_by_tag_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet(SHEET)
    ws.write_row(0, 0, ["Cycle", "Employee ID", "Rating", "Comment"])
    for r in range(1, 40_000):
        ws.write_row(r, 0, ["2024-Q1", f"E{r:05d}", r % 5, "fine = good, r=3" if r == 9 else None])
    book.close()
    slow: list[int] = []
    real = extent_module._Scan._tags

    def spy(self: extent_module._Scan, data: bytes) -> str | None:
        slow.append(len(data))
        return real(self, data)

    monkeypatch.setattr(extent_module._Scan, "_tags", spy)
    extent = scan_extent(path, PART, SHEET, extent_module.LONG_SHEET_CELLS)
    assert (extent.max_row, extent.max_col, extent.min_row, extent.min_col) == (39_999, 3, 0, 0)
    assert extent.cells == 4 + 39_999 * 3 + 1
    assert len(slow) == 1  # only the chunk whose text looks like an address is read tag by tag


_SHAPED = re.compile(r'([A-Z]{1,3})([1-9][0-9]{0,6})"')


def _plain_parse(cells: list[tuple[bytes, bool]]) -> tuple[object, int]:
    """What _last_cell must find, worked out cell by cell with a regular expression: the
    extent of the cells with content, or the offset of the first address of another shape."""
    offset, found = 0, []
    for address, content in cells:
        shaped = _SHAPED.match(address.decode("latin-1") + '"')
        if shaped is None or shaped.end() != len(address) + 1:
            return None, offset
        letters, digits = shaped.groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - ord("A") + 1
        if content:
            found.append((int(digits), col))
        offset += len(_cell(address, content))
    if not found:
        return None, -1
    rows, cols = [r for r, _ in found], [c for _, c in found]
    return ((min(rows), min(cols)), (max(rows), max(cols))), -1


def _cell(address: bytes, content: bool) -> bytes:
    return b'<c r="' + address + (b'" t="inlineStr"><is><t>x</t></is></c>' if content else b'"/>')


def test_the_numpy_reading_of_addresses_agrees_with_a_plain_parse() -> None:
    """Addresses of every length of letters and digits, leading zeros, lower case, a fourth
    letter, an eighth digit, garbage: the extent (or the first bad address) is the one a
    cell-by-cell parse finds."""
    rnd = random.Random(14)
    letters = "ABCXYZ"
    for _ in range(2000):
        cells = []
        for _ in range(rnd.randint(1, 8)):
            if rnd.random() < 0.8:
                name = "".join(rnd.choice(letters) for _ in range(rnd.choice([1, 1, 2, 3, 4, 0])))
                number = str(rnd.randint(1, 10 ** rnd.randint(1, 8)))
                if rnd.random() < 0.1:
                    number = "0" + number
                address = (name + number).encode()
            else:
                address = bytes(rnd.choice(b'AZaz09" ') for _ in range(rnd.randint(0, 12)))
                address = address.split(b'"')[0]
            cells.append((address, rnd.random() < 0.7))
        data = b"".join(_cell(a, c) for a, c in cells)
        text = np.frombuffer(data + extent_module._PAD, dtype=np.uint8)
        plain = extent_module._plain_cells(text, len(data))
        assert plain is not None
        starts, content, _, _ = plain
        assert content.tolist() == [c for _, c in cells]
        assert extent_module._last_cell(text, starts, content) == _plain_parse(cells)


def test_a_greater_than_sign_in_a_text_keeps_each_cell_tag_its_own_end() -> None:
    """'>' may stand unescaped in a text: the cells after it are still told apart, with
    content or empty, and one in a quoted value sends the chunk to the tag-by-tag reading."""
    data = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a > b</t></is></c><c r="B1" s="1"/>'
        b'<c r="C1"><v>3</v></c><c r="D1" s="2"/></row>'
    )
    text = np.frombuffer(data + extent_module._PAD, dtype=np.uint8)
    plain = extent_module._plain_cells(text, len(data))
    assert plain is not None
    assert plain[1].tolist() == [True, False, True, False]
    quoted = data.replace(b'<c r="B1" s="1"/>', b'<c r="B1" x=">"/>')
    text = np.frombuffer(quoted + extent_module._PAD, dtype=np.uint8)
    assert extent_module._plain_cells(text, len(quoted)) is None
