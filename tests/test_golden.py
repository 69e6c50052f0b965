"""Golden part-by-part comparisons of generated workbooks: every XML part of the template
(`ladder-sheets init`, with the worked example and empty) against a copy kept in
tests/golden/, compared canonicalised (C14N), without timestamps. A difference names the part.

After a deliberate change to what the template writes:
    LADDER_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and commit the changed files of tests/golden/ with the change that explains them.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

import pytest

from ladder_sheets.sheets.template import write_template

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("LADDER_UPDATE_GOLDEN") == "1"
_STAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def parts(path: Path) -> dict[str, str]:
    """Each XML part of the package, canonicalised, timestamps left out."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            data = z.read(name)
            if name.endswith((".xml", ".rels")):
                out[name] = canonicalize(_STAMPS.sub(b"", data).decode("utf-8"), strip_text=True)
    return out


@pytest.mark.parametrize("example", [True, False], ids=["example", "empty"])
def test_template_parts_match_the_golden_copy(tmp_path: Path, example: bool):
    made = parts(write_template(tmp_path / "framework.xlsx", example=example))
    folder = GOLDEN / ("template" if example else "template-empty")
    if UPDATE:
        for old in folder.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, text in made.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text + "\n", encoding="utf-8")
    kept = {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8").rstrip("\n")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    assert sorted(made) == sorted(kept), "parts added or removed (LADDER_UPDATE_GOLDEN=1)"
    for name in made:
        assert made[name] == kept[name], (
            f"{name} differs from tests/golden (LADDER_UPDATE_GOLDEN=1)"
        )
