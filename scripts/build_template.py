"""Write templates/competency_matrix.xlsx (the canonical workbook with the worked example).

Run from anywhere: python3 scripts/build_template.py [--empty OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ladder_sheets.sheets.template import write_template  # noqa: E402


def main(argv: list[str]) -> int:
    out = write_template(REPO / "templates" / "competency_matrix.xlsx", example=True)
    sys.stdout.write(f"wrote {out.relative_to(REPO)}\n")
    if len(argv) == 2 and argv[0] == "--empty":
        sys.stdout.write(f"wrote {write_template(Path(argv[1]), example=False)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
