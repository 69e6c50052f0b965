"""Every real workbook of the shared corpus gives an Export or a clear LadderError, never a
traceback (encrypted, hostile, legacy and corrupt files included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import shared

from ladder_sheets.errors import EncryptedFile, HostileFile, LadderError
from ladder_sheets.exports import read_export

CORPUS = shared("corpus")
FILES = (
    sorted(p for p in CORPUS.glob("*") if p.suffix not in (".md", ".tsv"))
    if CORPUS.is_dir()
    else []
)


@pytest.mark.skipif(not FILES, reason="the shared corpus is not beside the repository")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_reads_or_fails_clearly(path: Path) -> None:
    try:
        export = read_export(path, cycle="2026-Q3")
    except LadderError as exc:
        assert exc.file == str(path) and str(exc)
        if "xmlbomb" in path.name:
            assert isinstance(exc, HostileFile)
        if "protected" in path.name:
            assert isinstance(exc, EncryptedFile)
        return
    # none of these workbooks is a review export: nothing is imported and the reason is given
    assert len(export.ratings) == 0
    assert export.report.errors
