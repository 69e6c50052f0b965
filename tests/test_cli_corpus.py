"""`check` on every workbook of the shared corpus (files made by Excel, LibreOffice, POI and
fuzzers): no framework there, so each must end with exit 1 or 2 and a message naming the file,
never a traceback, and leave the file as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import shared

from ladder_sheets.cli import cli

CORPUS = shared("corpus")
FILES = (
    sorted(p for p in CORPUS.glob("*") if p.suffix not in (".tsv", ".md"))
    if CORPUS.exists()
    else []
)


@pytest.mark.skipif(not FILES, reason="the shared corpus (../shared/corpus) is not beside the repo")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_check_answers_every_corpus_file_with_a_message(path: Path) -> None:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (1, 2), result.output
    assert path.name in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
