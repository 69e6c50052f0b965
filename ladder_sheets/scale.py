"""The rating and expectation scale: every other spelling of it derives from here (a module of
its own so that findings.py, which model.py imports, can name it too)."""

from __future__ import annotations

SCALE = (1, 5)
SCALE_POINTS = tuple(range(SCALE[0], SCALE[1] + 1))
SCALE_TEXT = f"{SCALE[0]}-{SCALE[1]}"
