"""merge --backup: the version each merge replaces is kept, the newest as NAME.bak.xlsx."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
EXPORTS = sorted((SAMPLES / "exports").iterdir()) if SAMPLES.exists() else []
pytestmark = pytest.mark.skipif(not EXPORTS, reason="samples/ is missing")


def test_each_merge_keeps_the_version_it_replaces(tmp_path: Path):
    workbook = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    versions = [workbook.read_bytes()]
    runner = CliRunner()
    for export in EXPORTS[:3]:
        result = runner.invoke(cli, ["merge", str(workbook), str(export), "--backup"])
        assert result.exit_code == 0, result.output
        newest = tmp_path / "acme.bak.xlsx"
        assert f"Backup of the version it replaced: {newest}" in result.output
        assert newest.read_bytes() == versions[-1]  # restoring "the backup" loses nothing
        versions.append(workbook.read_bytes())
    older = sorted(tmp_path.glob("acme.bak-*.xlsx"))
    assert len(older) == 2
    assert {p.read_bytes() for p in older} == set(versions[:2])
