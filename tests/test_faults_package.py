"""Everything `check` accepts, `merge` can write; what merge cannot write, both refuse the same
way: exit 2, the damaged part named, never exit 3 ("internal error")."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fuzzing import Members, Seeds, make_seeds, run_cli


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return make_seeds(tmp_path_factory.mktemp("seeds"))


def damaged(seeds: Seeds, folder: Path, edit: Callable[[Members], Members]) -> Path:
    with zipfile.ZipFile(seeds.workbook) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    path = folder / "framework.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in edit(members).items():
            zf.writestr(name, data)
    return path


def backslashes(m: Members) -> Members:
    return {n.replace("/", "\\") if n == "xl/worksheets/sheet2.xml" else n: d for n, d in m.items()}


def no_content_types(m: Members) -> Members:
    m["[Content_Types].xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    )
    return m


def missing_styles(m: Members) -> Members:
    del m["xl/styles.xml"]
    return m


def dangling(m: Members) -> Members:
    rels = "xl/_rels/workbook.xml.rels"
    m[rels] = re.sub(rb'Target="worksheets/sheet3.xml"', b'Target="worksheets/gone.xml"', m[rels])
    return m


def other_case(m: Members) -> Members:
    """Valid OPC (names compare case-insensitively), but merge reads parts by exact name."""
    rels = "xl/_rels/workbook.xml.rels"
    m[rels] = m[rels].replace(b'Target="styles.xml"', b'Target="STYLES.xml"')
    return m


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (backslashes, "xl\\worksheets\\sheet2.xml"),
        (no_content_types, "content type"),
        (missing_styles, "xl/styles.xml"),
        (dangling, "xl/worksheets/gone.xml"),
        (other_case, "xl/STYLES.xml"),
    ],
)
def test_check_and_merge_refuse_the_same_damage_the_same_way(
    seeds: Seeds, tmp_path: Path, edit: Callable[[Members], Members], named: str
) -> None:
    path = damaged(seeds, tmp_path, edit)
    checked = run_cli(["check", str(path)], [path])
    out = tmp_path / "merged.xlsx"
    merged = run_cli(["merge", str(path), str(seeds.exports[0]), "-o", str(out)], [path])
    for done in (checked, merged):
        assert done.code == 2, done.stderr
        assert named in done.stderr and not done.traceback
        assert done.unchanged
    first = [line for line in checked.stderr.splitlines() if line.startswith("Error")]
    assert first and first[0] in merged.stderr  # the same message
    assert not out.exists()


def test_the_seed_workbook_passes(seeds: Seeds) -> None:
    """The undamaged seed is read cleanly: the refusals above come from the damage."""
    done = run_cli(["check", str(seeds.workbook)], [seeds.workbook])
    assert done.code in (0, 1), done.stderr
