"""The long sheets parsed by fastexcel in a child process while this process scans them
(workbook/parser_process.py): the grids are the ones the reader's own parse gives, a sheet is
taken from the child only once its scan has answered, a sheet the scan refuses is refused with
the same message, and a child that dies, garbles or cannot get the memory it asks for leaves
the sheet to this process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_faults_reader import edit_member
from test_reader_columnar import assert_same_grids, history, write_book

from ladder_sheets.errors import UnreadableFile
from ladder_sheets.workbook import columnar, parser_process
from ladder_sheets.workbook.extent import sheet_parts
from ladder_sheets.workbook.grid import Grid, LongGrid, read_grids


class Watch:
    """Which long sheets the child gave, which this process parsed, and every child."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.from_child: list[str] = []
        self.here: list[str] = []
        self.children: list[parser_process.ParserProcess] = []
        real_take, real_parse = parser_process.ParserProcess.take, columnar.ColumnarReader._parse
        real_init = parser_process.ParserProcess.__init__

        def init(child: parser_process.ParserProcess, *args: Any) -> None:
            real_init(child, *args)
            self.children.append(child)

        def take(child: parser_process.ParserProcess, sheet: str) -> Any:
            found = real_take(child, sheet)  # raises Gone where the child cannot give it
            self.from_child.append(sheet)
            return found

        def parse(reader: columnar.ColumnarReader, sheet: str) -> Any:
            self.here.append(sheet)
            return real_parse(reader, sheet)

        monkeypatch.setattr(parser_process.ParserProcess, "__init__", init)
        monkeypatch.setattr(parser_process.ParserProcess, "take", take)
        monkeypatch.setattr(columnar.ColumnarReader, "_parse", parse)

    def all_stopped(self) -> bool:
        """Every child stopped, and the folder its columns came through removed."""
        return all(c._child is None and not c._folder.exists() for c in self.children)


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Grid], dict[str, Grid]]:
    """(grids with the child parsing every long sheet, grids parsed here after the scans)."""
    with monkeypatch.context() as patch:
        patch.setattr(parser_process, "MIN_XML_BYTES", 0)
        ahead = read_grids(path)
    with monkeypatch.context() as patch:
        patch.setattr(parser_process, "MIN_XML_BYTES", 1 << 62)
        here = read_grids(path)
    return ahead, here


def long_book(tmp_path: Path, seed: int = 1) -> Path:
    rows = history(2000, seed)
    rows[5][6] = ("=NA()", "#N/A")  # an error cell: fastexcel reports it, the scan knows it
    evidence = [
        ["Cycle", "Employee ID", "Scope Criteria Met", "Ready"],
        *[["2024-Q1", f"E{i:05d}", "Yes", i % 2 == 0] for i in range(300)],
    ]
    mixed = [["Cycle", "Employee ID", "Rating"], *[["2024-Q1", f"E{i}", 3] for i in range(200)]]
    mixed[150][2] = "three"  # fastexcel refuses the column (strict): calamine reads the sheet
    return write_book(
        tmp_path / "long.xlsx",
        {"Ratings History": rows, "Promotion Evidence": evidence, "Ratings History (2)": mixed},
    )


def test_the_child_gives_the_grids_this_process_would_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = long_book(tmp_path)
    watch = Watch(monkeypatch)
    ahead, here = both(path, monkeypatch)
    long = ["Ratings History", "Promotion Evidence", "Ratings History (2)"]
    assert watch.from_child == long  # the first reading: every long sheet from the child
    assert watch.here == long  # the second: parsed here
    assert len(watch.children) == 1 and watch.all_stopped()
    assert_same_grids(ahead, here)
    grid = ahead["Ratings History"]
    assert isinstance(grid, LongGrid) and grid.get(5, 6) == "#N/A"
    assert ahead["Ratings History (2)"].get(150, 2) == "three"


def write_script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "child.py"
    script.write_text(f"import sys\n{body}\n", encoding="utf-8")
    return script


@pytest.mark.parametrize(
    "body",
    [
        "sys.exit(0)",  # dies before a word (an aborted parse)
        "sys.stdout.buffer.write((2).to_bytes(8, 'little') + b'{}'); sys.stdout.flush()",
        "sys.stdout.buffer.write(b'not a length at all')",
    ],
    ids=["dies", "another-sheet", "garbled"],
)
def test_a_child_that_dies_or_garbles_leaves_the_sheets_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    path = long_book(tmp_path)
    expected = read_grids(path)
    watch = Watch(monkeypatch)
    monkeypatch.setattr(parser_process, "_SCRIPT", write_script(tmp_path, body))
    monkeypatch.setattr(parser_process, "MIN_XML_BYTES", 0)
    grids = read_grids(path)
    assert watch.from_child == []
    assert watch.here == ["Ratings History", "Promotion Evidence", "Ratings History (2)"]
    assert watch.all_stopped()
    assert_same_grids(grids, expected)


def test_a_child_past_its_memory_limit_dies_and_this_process_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit is applied in the child: 64 MB of address space is too little for the
    interpreter with fastexcel and pyarrow, so the child cannot serve a sheet."""
    if sys.platform == "win32":
        pytest.skip("no address-space limit on Windows")
    path = long_book(tmp_path)
    expected = read_grids(path)
    watch = Watch(monkeypatch)
    monkeypatch.setattr(parser_process, "MIN_XML_BYTES", 0)
    monkeypatch.setattr(parser_process, "_BASE_BYTES", 64 << 20)
    monkeypatch.setattr(parser_process, "_PER_XML_BYTE", 0)
    grids = read_grids(path)
    assert watch.from_child == [] and watch.here == [
        "Ratings History",
        "Promotion Evidence",
        "Ratings History (2)",
    ]
    assert_same_grids(grids, expected)


def history_part(path: Path) -> str:
    return sheet_parts(path)["Ratings History"]


def test_a_value_at_xfd1048576_in_the_history_kills_only_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's parse would allocate the rectangle to Excel's last cell (and abort, or fail
    its memory limit); the scan sends the sheet to openpyxl, as without the child."""
    path = long_book(tmp_path)
    edit_member(path, history_part(path), rb'r="B3"', b'r="XFD1048576"')
    watch = Watch(monkeypatch)
    ahead, here = both(path, monkeypatch)
    # the child died on it (nothing more came from it): the sheets after it are parsed here,
    # and it never is (its rectangle goes to openpyxl)
    assert watch.from_child == []
    assert watch.here == ["Promotion Evidence", "Ratings History (2)"] * 2
    assert watch.all_stopped()
    assert_same_grids(ahead, here)
    assert ahead["Ratings History"].get(1048575, 16383) is not None


def test_a_history_cell_outside_the_grid_is_refused_with_the_same_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = long_book(tmp_path)
    edit_member(path, history_part(path), rb'r="B3"', b'r="XFE1048577"')
    watch = Watch(monkeypatch)
    messages = []
    for least in (0, 1 << 62):
        with monkeypatch.context() as patch:
            patch.setattr(parser_process, "MIN_XML_BYTES", least)
            with pytest.raises(UnreadableFile) as caught:
                read_grids(path)
        messages.append((caught.value.sheet, caught.value.cell, caught.value.message))
    assert messages[0] == messages[1]
    assert messages[0][0] == "Ratings History" and "XFE1048577" in messages[0][2]
    assert len(watch.children) == 1 and watch.all_stopped()
    assert "Ratings History" not in watch.from_child + watch.here


def test_small_long_sheets_are_parsed_here_without_a_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = long_book(tmp_path)
    watch = Watch(monkeypatch)
    read_grids(path)  # a few hundred kilobytes of XML: a process costs more than it saves
    assert watch.children == [] and watch.from_child == []
    assert "Ratings History" in watch.here


def test_a_process_that_exits_mid_reading_leaves_no_child_and_no_folder(tmp_path: Path) -> None:
    """The reader's thread is a daemon: a process that exits while it reads (Ctrl-C) never
    runs the reading's own clean-up, so the child and its folder are stopped at exit."""
    path = long_book(tmp_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ladder_sheets.workbook.parser_process import ParserProcess\n"
        "p = ParserProcess(Path(sys.argv[1]), ['Ratings History'], 0)\n"
        "print(p._child.pid, p._folder, flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    pid, folder = done.stdout.split()
    assert not Path(folder).exists()
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid), 0)
