"""docs/cli.md is every command's current --help (scripts/build_cli_doc.py writes it)."""

from __future__ import annotations

import importlib.util

from helpers import REPO

from ladder_sheets.cli import cli


def _reference() -> str:
    spec = importlib.util.spec_from_file_location(
        "build_cli_doc", REPO / "scripts/build_cli_doc.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.reference())


def test_docs_cli_md_is_current():
    made = _reference()
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == made, (
        "docs/cli.md is out of date: run python3 scripts/build_cli_doc.py"
    )
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        if command is not None and not command.hidden:
            assert f"## ladder-sheets {name}\n" in made
    assert "Usage: ladder-sheets merge" in made and "--replace-cycle" in made
