"""Every writer goes through the one atomic write: a failure half-way leaves the previous file
as it was and no temporary file beside it (packs, encrypted or not, and the template), and a new
file gets the mode a plain new file would get."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from ladder_sheets.packs import workbook as pack_workbook
from ladder_sheets.sheets import template
from ladder_sheets.xlsx.safe_write import new_file_mode


class Broke(RuntimeError):
    pass


def _half_written(target: BinaryIO, *_args: Any) -> None:
    target.write(b"PK\x03\x04 half a workbook")
    raise Broke("the writer failed half-way")


@pytest.mark.parametrize("password", [None, "secret"])
def test_a_pack_that_fails_half_way_leaves_the_previous_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str | None
) -> None:
    target = tmp_path / "pack.xlsx"
    target.write_bytes(b"previous pack")
    monkeypatch.setattr(pack_workbook, "_build", _half_written)
    with pytest.raises(Broke):
        pack_workbook.write_pack(target, object(), password)  # type: ignore[arg-type]
    assert target.read_bytes() == b"previous pack"
    assert [p.name for p in tmp_path.iterdir()] == ["pack.xlsx"]


def test_a_template_that_fails_half_way_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "framework.xlsx"
    target.write_bytes(b"previous workbook")

    def fail(self: Any) -> None:
        raise Broke("the layout failed half-way")

    monkeypatch.setattr(template._Layout, "write", fail)
    with pytest.raises(Broke):
        template.write_template(target)
    assert target.read_bytes() == b"previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["framework.xlsx"]


def test_new_files_get_the_plain_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    fresh = template.write_template(tmp_path / "new.xlsx", example=False)
    assert fresh.stat().st_mode & 0o777 == new_file_mode()
    umask = os.umask(0)
    os.umask(umask)
    assert new_file_mode() == 0o666 & ~umask
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(b"x")
    kept.chmod(0o640)
    template.write_template(kept, example=False)
    assert kept.stat().st_mode & 0o777 == 0o640
