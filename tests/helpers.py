"""Helpers the tests share: one sha256 of a file, a sheet's rows, and where the shared test
inputs are.

The shared corpus of real workbooks and the public frameworks live in ../shared beside the
repository and are never copied into it; `shared("corpus")` is that folder, and
`needs_shared("corpus")` a skip mark that says why a test skips where it is absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def sha256(path: Path) -> str:
    """The file's content as a hex digest: equal digests, equal bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sheet_rows(path: Path, sheet: str, **window: Any) -> list[tuple[Any, ...]]:
    """The values of a sheet's rows (`window`: iter_rows' min_row, max_col...), read with the
    workbook closed again: a read-only workbook left open leaks its file handle."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True, **window)]
    finally:
        wb.close()


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice keeps the cached values of an .xlsx unless told to recalculate on load.
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def libreoffice_convert(
    path: Path,
    folder: Path,
    to: str,
    timeout: int = 300,
    *,
    filter_options: str = "",
    recalculate: bool = False,
) -> Path:
    """`path` converted (saved again) by LibreOffice headless as `to` (xlsx, pdf, csv) into
    folder/to, with a profile of its own in `folder` so parallel runs do not share one.
    `filter_options` is what follows the extension in --convert-to (a filter name and its
    options); `recalculate` makes LibreOffice recompute every formula as it opens the file."""
    assert SOFFICE is not None, "LibreOffice (soffice) is not installed"
    profile = folder / "lo-profile"
    if recalculate:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    target = f"{to}:{filter_options}" if filter_options else to
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         target, "--outdir", str(folder / to), str(path)],
        capture_output=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return folder / to / f"{Path(path).stem}.{to}"


def shared(name: str) -> Path:
    """A folder of ../shared (corpus, frameworks), whether or not it is there."""
    return SHARED / name


def needs_shared(name: str) -> pytest.MarkDecorator:
    """Skip, saying why, where ../shared/NAME is not beside the repository."""
    return pytest.mark.skipif(
        not shared(name).is_dir(),
        reason=f"../shared/{name} is not beside the repository (the tests read it from there)",
    )


SAMPLES = REPO / "samples"
SAMPLE_EXPORTS = sorted((SAMPLES / "exports").iterdir()) if SAMPLES.exists() else []


@contextlib.contextmanager
def every_history_cached() -> Iterator[None]:
    """The sample company's history is below the cache's MIN_ROWS: cached all the same here."""
    from ladder_sheets.workbook import history_cache

    kept = history_cache.MIN_ROWS
    history_cache.MIN_ROWS = 0
    try:
        yield
    finally:
        history_cache.MIN_ROWS = kept


def merged_sample(folder: Path, exports: int) -> Path:
    """The sample workbook, in `folder`, with the first `exports` sample exports merged."""
    from ladder_sheets.commands.merge import merge

    target = folder / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    assert merge(target, SAMPLE_EXPORTS[:exports]).written == target
    return target


def copy_with_cache(workbook: Path, folder: Path) -> Path:
    """A copy of `workbook` in `folder` with its history cache beside it, as merge left them."""
    from ladder_sheets.workbook.history_cache import cache_path

    copy = folder / workbook.name
    shutil.copy(workbook, copy)
    shutil.copy(cache_path(workbook), cache_path(copy))
    return copy
