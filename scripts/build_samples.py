"""Write samples/ (the invented Acme Corp: framework workbook, four review exports, README).

Run from anywhere: python3 scripts/build_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ladder_sheets.demo.exports import build_samples  # noqa: E402


def main() -> int:
    for path in build_samples(REPO / "samples").values():
        sys.stdout.write(f"wrote {path.relative_to(REPO)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
