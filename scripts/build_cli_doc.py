"""Write docs/cli.md: every command's --help, as `ladder-sheets COMMAND --help` prints it.

Run from anywhere: python3 scripts/build_cli_doc.py (tests/test_cli_doc.py checks it is current).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DOC = REPO / "docs" / "cli.md"


def reference() -> str:
    from click.testing import CliRunner

    from ladder_sheets.cli import cli

    runner = CliRunner()

    def help_of(*args: str) -> str:
        done = runner.invoke(cli, [*args, "--help"], prog_name="ladder-sheets", terminal_width=100)
        assert done.exit_code == 0, done.output
        return done.output.rstrip()

    parts = [
        "# Command-line reference",
        "",
        "Generated from each command's `--help` by `python3 scripts/build_cli_doc.py`; do not edit",
        "by hand (tests/test_cli_doc.py fails when it is out of date).",
        "",
        "## ladder-sheets",
        "",
        "```text",
        help_of(),
        "```",
    ]
    for name in sorted(cli.list_commands(None)):  # type: ignore[arg-type]
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        if command is None or command.hidden:
            continue
        parts += ["", f"## ladder-sheets {name}", "", "```text", help_of(name), "```"]
    return "\n".join(parts) + "\n"


def main() -> int:
    DOC.write_text(reference(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC.relative_to(REPO)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
