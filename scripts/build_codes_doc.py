"""Write docs/codes.md from the registry of finding codes (ladder_sheets/codes.py).

Run from anywhere: python3 scripts/build_codes_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ladder_sheets.codes import markdown  # noqa: E402

DOC = REPO / "docs" / "codes.md"


def main() -> int:
    DOC.write_text(markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC.relative_to(REPO)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
