"""Framework quality: the rules of the field about levels, competencies and descriptions.

None of these stops a merge; they say where the framework will be hard to apply. The codes,
with what each means and the usual fix, are registered in codes.py (area "quality") and listed
in docs/codes.md.

(criteria-inconsistent is an error when a value is off the scale or negative: schemas.py.)
The rules about descriptions are in descriptions.py, those about steps and tracks in steps.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ladder_sheets.findings import Finding, Where, warning
from ladder_sheets.model import SCALE_TEXT, Framework, Table
from ladder_sheets.schema.catalog import Catalog, Level
from ladder_sheets.schema.descriptions import check_descriptions
from ladder_sheets.schema.matrix import MatrixCells
from ladder_sheets.schema.schemas import name_key
from ladder_sheets.values import is_blank

LEVELS_PER_TRACK = (4, 7)
COMPETENCIES_PER_TRACK = (6, 12)
COMPETENCIES_FAR_TOO_MANY = 20


def check_quality(framework: Framework, catalog: Catalog) -> list[Finding]:
    cells = MatrixCells.of(framework, catalog)
    return [
        *_level_counts(framework.levels, catalog),
        *_competency_counts(framework, catalog, cells),
        *_categories(framework.competencies, catalog),
        *_expectations(framework, cells),
        *_holes(framework, catalog, cells),
        *check_descriptions(framework, cells),
    ]


def _track_place(levels: Table, catalog: Catalog, family: str, track: str) -> Where:
    first = catalog.track(family, track)
    return levels.where(first[0].index, "track") if first else Where(sheet=levels.name)


def track_name(family: str, track: str) -> str:
    return f"{family} {track}".strip() if family else track


def _level_counts(levels: Table, catalog: Catalog) -> list[Finding]:
    low, high = LEVELS_PER_TRACK
    findings = []
    for family, track in catalog.tracks():
        n = len(catalog.track(family, track))
        if low <= n <= high:
            continue
        code = "levels-too-few" if n < low else "levels-too-many"
        why = "long gaps between promotions" if n < low else "differences nobody can tell apart"
        findings.append(
            warning(
                code,
                f"The {track_name(family, track)} track has {n} levels; {low}-{high} is healthy "
                f"({why}).",
                "Merge or split levels so that each step is a visible change in scope.",
                _track_place(levels, catalog, family, track),
            )
        )
    return findings


def _competency_counts(framework: Framework, catalog: Catalog, cells: MatrixCells) -> list[Finding]:
    data = framework.expectations.data
    per_track: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (family, track, competency), group in cells.expected.items():
        if any(not is_blank(data.at[i, "expected"]) for _, i in group):
            per_track[(family, track)].add(competency)
    low, high = COMPETENCIES_PER_TRACK
    findings = []
    for family, track in catalog.tracks():
        if not per_track and not len(data):
            break  # no Matrix at all: the reader reports the missing table
        n = len(per_track.get((family, track), ()))
        if n >= COMPETENCIES_FAR_TOO_MANY:
            code, text = "competencies-far-too-many", "a review of one person takes a day"
        elif n > high:
            code, text = "competencies-too-many", f"{high} is a practical ceiling"
        elif n < low:
            code, text = "competencies-too-few", f"{low}-{high} cover a role"
        else:
            continue
        findings.append(
            warning(
                code,
                f"The {track_name(family, track)} track expects {n} competencies; {text}.",
                "Aim for 6-10 competencies per track: merge overlapping ones.",
                _track_place(framework.levels, catalog, family, track),
            )
        )
    return findings


def _categories(competencies: Table, catalog: Catalog) -> list[Finding]:
    data = competencies.data
    if not len(data):
        return []
    findings = []
    for family in catalog.families.values():
        mine = data[data["family"].map(lambda f, fam=family: is_blank(f) or f == fam)]
        present = set(mine["category"].dropna())
        for category, code in (
            ("Core", "no-core-competencies"),
            ("Functional", "no-functional-competencies"),
        ):
            if category in present:
                continue
            findings.append(
                warning(
                    code,
                    f"{family or 'The framework'} has no {category} competency.",
                    "Frameworks pair shared Core competencies with role-specific Functional "
                    "ones; mark each competency's Category.",
                    competencies.where(mine.index[0] if len(mine) else data.index[0], "category"),
                )
            )
    return findings


def _expectations(framework: Framework, cells: MatrixCells) -> list[Finding]:
    matrix = framework.expectations
    data = matrix.data
    findings = []
    for group in cells.expected.values():
        previous: tuple[Level, float] | None = None
        for level, index in group:
            value: Any = data.at[index, "expected"]
            name: Any = data.at[index, "competency"]
            if is_blank(value):
                if previous is not None:
                    findings.append(
                        warning(
                            "missing-expectation",
                            f"'{name}' has no expectation at {level.level}, though "
                            f"{previous[0].level} expects {previous[1]:g}.",
                            f"Fill in the expected proficiency ({SCALE_TEXT}).",
                            matrix.where(index, "expected"),
                        )
                    )
                continue
            if previous is not None and value < previous[1]:
                findings.append(
                    warning(
                        "expectation-drops",
                        f"'{name}' expects {value:g} at {level.level}, below {previous[1]:g} at "
                        f"{previous[0].level}.",
                        "Expectations should hold or rise as the level rises.",
                        matrix.where(index, "expected"),
                    )
                )
            previous = (level, value)
    findings += _expected_nowhere(framework, cells)
    return findings


def _holes(framework: Framework, catalog: Catalog, cells: MatrixCells) -> list[Finding]:
    """A competency expected at two levels of a track and blank at a level between them: a
    person at that level has no expectation to meet, and readiness cannot judge the step.
    (A blank cell is no row of the long Matrix table, so _expectations never sees it.)"""
    data = framework.expectations.data
    findings = []
    for (family, track, _), group in cells.expected.items():
        filled = [(lv, i) for lv, i in group if not is_blank(data.at[i, "expected"])]
        if len(filled) < 2:
            continue
        have = {name_key(lv.level) for lv, _ in group}  # a blank row: _expectations says it
        (low, _), (high, high_index) = filled[0], filled[-1]
        name: Any = data.at[high_index, "competency"]
        for level in catalog.track(family, track):
            if low.order < level.order < high.order and name_key(level.level) not in have:
                findings.append(
                    warning(
                        "missing-expectation",
                        f"'{name}' is expected at {low.level} and {high.level} but blank at "
                        f"{level.level} between them (a hole in the Matrix).",
                        f"Fill in the expected proficiency at {level.level} ({SCALE_TEXT}), or "
                        "clear the levels around it if the competency does not apply there.",
                        framework.expectations.where(high_index, "expected"),
                    )
                )
    return findings


def _expected_nowhere(framework: Framework, cells: MatrixCells) -> list[Finding]:
    data = framework.expectations.data
    if not len(data):
        return []
    used = {
        comp
        for (_, _, comp), group in cells.expected.items()
        for _, i in group
        if not is_blank(data.at[i, "expected"])
    }
    table = framework.competencies
    return [
        warning(
            "missing-expectation",
            f"'{row['competency']}' is expected at no level in the Matrix.",
            "Give it an expected proficiency where it applies, or remove it.",
            table.where(index, "competency"),
        )
        for index, row in table.data.iterrows()
        if not is_blank(row["competency"]) and name_key(row["competency"]) not in used
    ]
