"""The user's file system, not a bug: a full disk, a read-only folder, a long path are exit 1
with what to do (never exit 3), and leave nothing half-written (backups included); read-only,
symlinked and hard-linked workbooks are handled as the user expects (docs/writeback.md)."""

from __future__ import annotations

import errno
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from fuzzing import Seeds, make_seeds, run_cli

from ladder_sheets.workbook.history_cache import cache_path


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return make_seeds(tmp_path_factory.mktemp("seeds"))


@pytest.fixture
def workbook(seeds: Seeds, tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return Path(shutil.copy2(seeds.workbook, folder / "framework.xlsx"))


def merge_args(workbook: Path, seeds: Seeds, *more: str) -> list[str]:
    return ["merge", str(workbook), str(seeds.exports[1]), *more]


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    """What a failed write left beside the workbook. The workbook's history cache is no
    leftover: the check before the write makes it, whole, for the workbook as it still is."""
    caches = {cache_path(folder / name).name for name in keep}
    return sorted(p.name for p in folder.iterdir() if p.name not in keep | caches)


def failing(error: int):  # noqa: ANN201
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    return fail


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (errno.ENOSPC, "disk is full"),
        (errno.EACCES, "may not write"),
        (errno.EROFS, "read-only"),
        (errno.EDQUOT, "quota"),
    ],
)
def test_a_failing_disk_is_exit_1_with_what_to_do_and_nothing_left_behind(
    seeds: Seeds, workbook: Path, monkeypatch: pytest.MonkeyPatch, error: int, said: str
) -> None:
    before = workbook.read_bytes()
    monkeypatch.setattr(os, "fsync", failing(error))  # after the new workbook was written
    done = run_cli(merge_args(workbook, seeds), [workbook])
    assert done.code == 1, done.stderr
    assert said in done.stderr and "Internal error" not in done.stderr and not done.traceback
    assert workbook.read_bytes() == before
    assert leftovers(workbook.parent, {workbook.name}) == []


def test_a_folder_that_refuses_the_temporary_file_is_exit_1(
    seeds: Seeds, workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", failing(errno.EACCES))
    done = run_cli(merge_args(workbook, seeds, "-o", str(workbook.parent / "out.xlsx")), [])
    assert done.code == 1 and "may not write" in done.stderr, done.stderr
    assert leftovers(workbook.parent, {workbook.name}) == []


def test_a_path_too_long_is_exit_1(seeds: Seeds, workbook: Path) -> None:
    out = workbook.parent / ("x" * 300 + ".xlsx")
    done = run_cli(merge_args(workbook, seeds, "-o", str(out)), [workbook])
    assert done.code == 1, done.stderr
    assert "too long" in done.stderr and not done.traceback
    assert leftovers(workbook.parent, {workbook.name}) == []


def test_a_backup_the_disk_cannot_hold_leaves_no_truncated_backup(
    seeds: Seeds, workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = workbook.read_bytes()

    def half_then_full(source: str, target: str, **kwargs: object) -> str:
        Path(target).write_bytes(Path(source).read_bytes()[:1000])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copy2", half_then_full)
    done = run_cli(merge_args(workbook, seeds, "--backup"), [workbook])
    assert done.code == 1 and "disk is full" in done.stderr, done.stderr
    assert "backup" in done.stderr
    assert workbook.read_bytes() == before
    assert leftovers(workbook.parent, {workbook.name}) == []  # no .bak, no temporary file


def test_a_failed_write_after_the_backup_leaves_the_workbook_and_a_whole_backup(
    seeds: Seeds, workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = workbook.read_bytes()
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst) == workbook:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    done = run_cli(merge_args(workbook, seeds, "--backup"), [workbook])
    assert done.code == 1, done.stderr
    assert leftovers(workbook.parent, {workbook.name}) == ["framework.bak.xlsx"]
    assert workbook.with_name("framework.bak.xlsx").read_bytes() == before


def test_a_complete_backup_opens(seeds: Seeds, workbook: Path) -> None:
    before = workbook.read_bytes()
    done = run_cli(merge_args(workbook, seeds, "--backup"), [])
    assert done.code == 0, done.stderr
    backup = workbook.with_name("framework.bak.xlsx")
    assert backup.read_bytes() == before
    assert zipfile.ZipFile(backup).testzip() is None


def test_a_read_only_workbook_is_refused_with_how_to_allow_it(seeds: Seeds, workbook: Path) -> None:
    workbook.chmod(0o444)
    before = workbook.read_bytes()
    done = run_cli(merge_args(workbook, seeds), [workbook])
    assert done.code == 1, done.stderr
    assert "read-only" in done.stderr and "chmod u+w" in done.stderr
    assert workbook.read_bytes() == before and (workbook.stat().st_mode & 0o777) == 0o444


def test_a_symlinked_workbook_is_followed_and_the_link_kept(seeds: Seeds, workbook: Path) -> None:
    link = workbook.parent / "link.xlsx"
    link.symlink_to(workbook.name)
    before = workbook.read_bytes()
    done = run_cli(merge_args(link, seeds), [])
    assert done.code == 0, done.stderr
    assert link.is_symlink() and link.resolve() == workbook.resolve()
    assert workbook.read_bytes() != before  # the real file has the new sheets
    assert "Gap Analysis" in zipfile.ZipFile(workbook).read("xl/workbook.xml").decode()


def test_a_hard_linked_workbook_is_refused_not_split(seeds: Seeds, workbook: Path) -> None:
    other = workbook.parent / "other-name.xlsx"
    os.link(workbook, other)
    before = workbook.read_bytes()
    done = run_cli(merge_args(workbook, seeds), [workbook, other])
    assert done.code == 1, done.stderr
    assert "hard links" in done.stderr and "-o" in done.stderr
    assert workbook.read_bytes() == before == other.read_bytes()
    assert os.stat(workbook).st_ino == os.stat(other).st_ino
    written = run_cli(merge_args(workbook, seeds, "-o", str(workbook.parent / "new.xlsx")), [])
    assert written.code == 0, written.stderr
