"""Framework quality of the steps between levels and of the career tracks.

Promotion criteria for every step, criteria that agree with each other, IC and management at
equal standing, a way across and a way back, and criteria that people can actually meet. The
codes are documented with the other quality rules in quality.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.findings import Finding, Where, warning
from ladder_sheets.model import Framework, Table
from ladder_sheets.schema.catalog import Catalog, Level
from ladder_sheets.schema.quality import track_name
from ladder_sheets.schema.ratings import manager_rated
from ladder_sheets.schema.schemas import id_key, name_key
from ladder_sheets.values import is_blank, map_distinct

ASPIRATIONAL_SHARE = 0.05
ASPIRATIONAL_MIN_PEOPLE = 10


def check_steps(framework: Framework, catalog: Catalog, ratings: Table | None) -> list[Finding]:
    findings = [*_missing_criteria(framework, catalog), *_inconsistent(framework, catalog)]
    findings += _tracks(framework, catalog)
    findings += _lateral(framework.paths)
    if ratings is not None and len(ratings.data):
        findings += _aspirational(framework, catalog, ratings)
    return findings


def _criteria_row(criteria: Table, lower: Level, upper: Level) -> Any:
    for index, row in criteria.data.iterrows():
        same_family = is_blank(row["family"]) or name_key(row["family"]) == name_key(lower.family)
        if (
            same_family
            and name_key(row["from_level"]) == name_key(lower.level)
            and name_key(row["to_level"]) == name_key(upper.level)
        ):
            return index
    return None


def _steps(catalog: Catalog) -> list[tuple[Level, Level]]:
    out = []
    for family, track in catalog.tracks():
        levels = catalog.track(family, track)
        out += list(zip(levels, levels[1:], strict=False))
    return out


def _missing_criteria(framework: Framework, catalog: Catalog) -> list[Finding]:
    criteria, levels = framework.criteria, framework.levels
    steps = _steps(catalog)
    if not steps:
        return []
    if not len(criteria.data):
        return [
            warning(
                "missing-criteria",
                f"No promotion criteria: none of the {len(steps)} steps says what it takes.",
                "Add a Promotion Criteria sheet with a row per step (From Level -> To Level).",
                Where(file=levels.file or None, sheet="Promotion Criteria"),
            )
        ]
    return [
        warning(
            "missing-criteria",
            f"No promotion criteria for {lower.level} -> {upper.level} "
            f"({track_name(lower.family, lower.track)}).",
            "Add a row to Promotion Criteria for this step.",
            levels.where(lower.index, "level"),
        )
        for lower, upper in steps
        if _criteria_row(criteria, lower, upper) is None
    ]


def _inconsistent(framework: Framework, catalog: Catalog) -> list[Finding]:
    criteria = framework.criteria
    findings = []
    for index, row in criteria.data.iterrows():
        if row["min_each"] > row["min_average"]:  # NaN compares False
            findings.append(
                warning(
                    "criteria-inconsistent",
                    f"Min Each {row['min_each']:g} is above Min Average {row['min_average']:g} "
                    f"for {row['from_level']} -> {row['to_level']}: the average can never bind.",
                    "Make the floor (Min Each) at or below the average.",
                    criteria.where(index, "min_each"),
                )
            )
        lower = catalog.level(row["family"], row["from_level"])
        upper = catalog.level(row["family"], row["to_level"])
        if lower and upper and lower.track == upper.track and upper.order <= lower.order:
            findings.append(
                warning(
                    "criteria-inconsistent",
                    f"{row['from_level']} -> {row['to_level']} is not a step up.",
                    "To Level is the next level up on the same track.",
                    criteria.where(index, "to_level"),
                )
            )
    return findings


def _tracks(framework: Framework, catalog: Catalog) -> list[Finding]:
    levels, paths = framework.levels, framework.paths.data
    findings = []
    for family in catalog.families.values():
        ic, mgmt = catalog.track(family, "IC"), catalog.track(family, "Management")
        if not ic or not mgmt:
            continue
        name = family or "The framework"
        if len(ic) < len(mgmt):
            findings.append(
                warning(
                    "ic-track-shorter",
                    f"{name} has {len(ic)} IC levels but {len(mgmt)} management levels.",
                    "Give the IC track as many steps as management, so growth does not "
                    "require managing people.",
                    levels.where(ic[-1].index, "level"),
                )
            )
        top_ic = levels.data.loc[[lv.index for lv in ic], "band_max"].max()
        top_m = levels.data.loc[[lv.index for lv in mgmt], "band_max"].max()
        if top_ic < top_m:  # NaN (no bands) compares False
            findings.append(
                warning(
                    "ic-band-below-management",
                    f"{name}: the top IC band ends at {top_ic:g}, below the top management band "
                    f"({top_m:g}).",
                    "Let the top IC band reach the top management band (equal prestige).",
                    levels.where(ic[-1].index, "band_max"),
                )
            )
        for kind, code, hint in (
            ("Crossover", "no-crossover", "Add a Crossover path: which IC level may enter M1."),
            ("Return", "no-return-path", "Add a Return path from management back to IC."),
        ):
            if not _has_path(paths, kind, family):
                findings.append(
                    warning(
                        code,
                        f"{name} has IC and management tracks but no {kind} path.",
                        hint,
                        levels.where(mgmt[0].index, "track"),
                    )
                )
    return findings


def _has_path(paths: pd.DataFrame, kind: str, family: str) -> bool:
    for _, row in paths[paths["kind"] == kind].iterrows():
        families = {name_key(row["from_family"]), name_key(row["to_family"])}
        if name_key(family) in families or families == {""}:
            return True
    return False


def _lateral(paths: Table) -> list[Finding]:
    findings = []
    for index, row in paths.data[paths.data["kind"] == "Lateral"].iterrows():
        for column, what in (
            ("transferable_skills", "transferable skills"),
            ("gaps_to_close", "gaps to close"),
        ):
            if is_blank(row[column]):
                findings.append(
                    warning(
                        "lateral-path-incomplete",
                        f"The lateral path {row['from_family']} {row['from_level']} -> "
                        f"{row['to_family']} {row['to_level']} names no {what}.",
                        "Say what carries over and what the person must learn.",
                        paths.where(index, column),
                    )
                )
    return findings


def _aspirational(framework: Framework, catalog: Catalog, ratings: Table) -> list[Finding]:
    """Steps whose measurable criteria almost nobody at the from-level meets."""
    data = ratings.data
    usable = manager_rated(data)
    if not usable.any():
        return []
    # the latest cycle from the distinct cycles, and only its rows taken: a history holds
    # millions of rows of a few cycles
    cycle = data["cycle"].to_numpy(dtype=object)
    rows = np.flatnonzero(usable)
    last = max(pd.unique(cycle[rows]))
    rows = rows[cycle[rows] == last]
    people_keys, _ = map_distinct(data["employee_id"].to_numpy(dtype=object)[rows], id_key)
    ratings_then = pd.Series(data["rating"].to_numpy()[rows])
    scores = ratings_then.groupby(people_keys).agg(["mean", "min"])
    means, lows = scores["mean"].to_dict(), scores["min"].to_dict()
    criteria, employees = framework.criteria, framework.employees.data
    people: dict[Level, list[str]] = {}
    for person, family, level_name in zip(
        employees["employee_id"].tolist(),
        employees["family"].tolist(),
        employees["level"].tolist(),
        strict=True,
    ):
        level = catalog.level(family, level_name)
        if level is not None and not is_blank(person):
            people.setdefault(level, []).append(id_key(person))
    findings = []
    for index, row in criteria.data.iterrows():
        lower = catalog.level(row["family"], row["from_level"])
        if lower is None or (is_blank(row["min_average"]) and is_blank(row["min_each"])):
            continue
        # Only people rated in that cycle count: an export of one team says nothing of others.
        at_level = [p for p in people.get(lower, []) if p in means]
        if len(at_level) < ASPIRATIONAL_MIN_PEOPLE:
            continue
        meet = sum(
            1
            for person in at_level
            if not (means[person] < row["min_average"] or lows[person] < row["min_each"])
        )
        if meet / len(at_level) < ASPIRATIONAL_SHARE:
            share = f"{meet} of {len(at_level)} ({meet / len(at_level):.1%})"
            findings.append(
                warning(
                    "criteria-aspirational",
                    f"Only {share} people at {lower.level} meet the ratings "
                    f"{row['from_level']} -> {row['to_level']} asks for in {last}.",
                    "Criteria almost nobody can meet are aspirational: lower them or say so.",
                    criteria.where(index, "min_average"),
                )
            )
    return findings
