"""Safe writes: a failed or killed write leaves the original whole and no temporary file behind."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pytest
import xlsxwriter
from helpers import sha256 as sha

from ladder_sheets.errors import WriteRefused
from ladder_sheets.xlsx import package as package_module
from ladder_sheets.xlsx.safe_write import (
    TEMP_PREFIX,
    atomic_write,
    backup_path,
    fingerprint,
    keep_backup,
    lock_files,
    remove_stale_temps,
)
from ladder_sheets.xlsx.writeback import write_back

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "framework.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Matrix")
    for row in range(200):
        ws.write_row(row, 0, [f"Competency {row}", row % 5 + 1, row % 3 + 2])
    wb.close()
    return path


def gap(wb: xlsxwriter.Workbook) -> None:
    ws = wb.add_worksheet("Gap Analysis")
    for row in range(2000):
        ws.write_row(row, 0, ["Avery Quill", row % 5, -1])


def test_failure_inside_the_temporary_write_leaves_the_original(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sha(workbook)
    real_save = package_module.Package.save

    def disk_full(self: package_module.Package, out: BinaryIO) -> None:
        real_save(self, out)  # the whole package is in the temporary file...
        raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk fills

    monkeypatch.setattr(package_module.Package, "save", disk_full)
    with pytest.raises(WriteRefused, match="No space left") as caught:  # exit 1, not a bug
        write_back(workbook, gap)
    assert "disk is full" in caught.value.hint
    assert sha(workbook) == before
    assert [p.name for p in workbook.parent.iterdir()] == ["framework.xlsx"]


def test_killed_writer_leaves_the_original_and_the_next_run_cleans_up(workbook: Path) -> None:
    before = sha(workbook)
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from pathlib import Path
        sys.path.insert(0, {str(REPO)!r})
        from ladder_sheets.xlsx import package
        from ladder_sheets.xlsx.writeback import write_back

        real_save = package.Package.save

        def save_then_die(self, out):
            real_save(self, out)
            out.flush()
            os.kill(os.getpid(), signal.SIGKILL)  # killed mid-write, before the rename

        package.Package.save = save_then_die

        def gap(wb):
            wb.add_worksheet("Gap Analysis").write(0, 0, "x")

        write_back(Path({str(workbook)!r}), gap)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()
    assert sha(workbook) == before
    leftovers = [p for p in workbook.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 0
    # the next run removes what the killed writer left, and writes
    assert write_back(workbook, gap).added == ["Gap Analysis"]
    assert [p.name for p in workbook.parent.iterdir()] == ["framework.xlsx"]


def test_workbook_saved_during_the_write_is_not_overwritten(workbook: Path) -> None:
    def someone_saves_meanwhile(wb: xlsxwriter.Workbook) -> None:
        gap(wb)
        with workbook.open("ab") as f:
            f.write(b"\0")  # another program saved the file after it was read

    with pytest.raises(WriteRefused):
        write_back(workbook, someone_saves_meanwhile)
    assert workbook.read_bytes().endswith(b"\0")
    assert [p.name for p in workbook.parent.iterdir()] == ["framework.xlsx"]


def test_atomic_write_replaces_only_after_a_complete_write(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")

    def failing(out: BinaryIO) -> None:
        out.write(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(target, failing)
    assert target.read_bytes() == b"old"
    atomic_write(target, lambda out: out.write(b"new") and None)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_stale_temp_files_of_live_processes_are_kept(tmp_path: Path) -> None:
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-abc.xlsx"
    mine.write_bytes(b"in progress")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = tmp_path / f"{TEMP_PREFIX}{dead.stdout.strip()}-def.xlsx"
    gone.write_bytes(b"left by a crash")
    assert remove_stale_temps(tmp_path) == [gone]
    assert mine.exists() and not gone.exists()


def test_fingerprint_follows_content(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"abc")
    first = fingerprint(path)
    assert first.size == 3
    assert first.sha256 == hashlib.sha256(b"abc").hexdigest()
    os.utime(path, ns=(first.mtime_ns + 10**9, first.mtime_ns + 10**9))
    assert fingerprint(path).same_content(first)  # touched, same bytes
    path.write_bytes(b"abd")
    assert not fingerprint(path).same_content(first)


def test_lock_files_of_excel_and_libreoffice(tmp_path: Path) -> None:
    target = tmp_path / "framework.xlsx"
    assert lock_files(target) == []
    (tmp_path / "~$framework.xlsx").write_bytes(b"")
    (tmp_path / ".~lock.framework.xlsx#").write_bytes(b"")
    assert {p.name for p in lock_files(target)} == {"~$framework.xlsx", ".~lock.framework.xlsx#"}


def test_backup_names(tmp_path: Path) -> None:
    # The newest backup is always NAME.bak.xlsm; the one before moves to a name stamped with
    # the time its version was saved; none is deleted, and the workbook is not touched.
    target = tmp_path / "framework.xlsm"
    assert backup_path(target).name == "framework.bak.xlsm"
    target.write_bytes(b"first")
    os.utime(target, (1_700_000_000, 1_700_000_000))
    assert keep_backup(target) == tmp_path / "framework.bak.xlsm"
    target.write_bytes(b"second")
    assert keep_backup(target) == tmp_path / "framework.bak.xlsm"
    target.write_bytes(b"third")
    assert keep_backup(target) == tmp_path / "framework.bak.xlsm"
    stamp = datetime.fromtimestamp(1_700_000_000).strftime("%Y%m%d-%H%M%S")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert f"framework.bak-{stamp}.xlsm" in names
    assert (tmp_path / f"framework.bak-{stamp}.xlsm").read_bytes() == b"first"
    assert (tmp_path / "framework.bak.xlsm").read_bytes() == b"third"
    older = [n for n in names if n.startswith("framework.bak-")]
    assert len(older) == 2 and len(names) == 4
    assert {(tmp_path / n).read_bytes() for n in older} == {b"first", b"second"}
    assert target.read_bytes() == b"third"
