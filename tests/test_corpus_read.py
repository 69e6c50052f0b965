"""Every workbook of the shared corpus is answered with a result or a clear error, quickly,
and is left byte for byte as it was."""

from __future__ import annotations

import csv
import hashlib
import time

import pytest
from helpers import shared

from ladder_sheets.errors import EncryptedFile, HostileFile, LayoutError, UnreadableFile
from ladder_sheets.model import Framework
from ladder_sheets.workbook.grid import read_grids
from ladder_sheets.workbook.reader import read_framework

CORPUS = shared("corpus")
MANIFEST = CORPUS / "MANIFEST.tsv"


def _manifest() -> list[dict[str, str]]:
    if not MANIFEST.is_file():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


ENTRIES = _manifest()
pytestmark = pytest.mark.skipif(
    not ENTRIES, reason="the shared corpus (../shared/corpus/MANIFEST.tsv) is not present"
)


def expected_error(entry: dict[str, str]) -> type[Exception] | None:
    """What the manifest's description says the file must raise, when it says."""
    feature = entry["feature"].lower()
    if feature.startswith("encrypted"):
        return EncryptedFile
    if "bomb" in feature:
        return HostileFile
    return None


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_corpus_file_reads_or_fails_clearly(entry: dict[str, str]) -> None:
    path = CORPUS / entry["file"]
    before = path.read_bytes()
    assert hashlib.sha256(before).hexdigest() == entry["sha256"]
    started = time.monotonic()
    outcome: object
    try:
        outcome = read_framework(path)
    except (UnreadableFile, LayoutError) as exc:
        outcome = exc
        assert exc.file == str(path)
        assert exc.hint
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{entry['file']} took {elapsed:.1f}s"
    wanted = expected_error(entry)
    if wanted is not None:
        assert type(outcome) is wanted
    else:
        assert isinstance(outcome, (Framework, UnreadableFile, LayoutError))
    if isinstance(outcome, Framework):
        for table in outcome.tables.values():
            assert table.data.shape == table.cells.shape
            assert len(table.sheets) == len(table.data)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "name",
    ["poi__57893-many-merges.xlsx", "xw__comment03.xlsx", "poi__MalformedSSTCount.xlsx"],
)
def test_corpus_grids_are_read(name: str) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus")
    started = time.monotonic()
    grids = read_grids(path)
    assert time.monotonic() - started < 5
    assert grids
