"""Ratings from the workbook's history and from review exports, typed and checked together.

The rows of several files are concatenated into one `SourcedTable`, which keeps the file of each
row beside its cell, so a finding on a merged row still names the export and line it came from.
Duplicates are found across files: the same cycle x employee x competency x rater twice. A later
copy with the same rating (an export already merged) is a warning; a copy with another rating is
an error. Either way the later copy's rating is blanked in the typed table and the first is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..findings import Finding, Where, error, info, warning
from ..model import Framework, Table, columns
from ..values import is_blank
from .catalog import Catalog
from .models import id_key, name_key
from .references import competency_references, employee_references
from .tables import type_table


@dataclass
class SourcedTable(Table):
    """A table whose rows come from several files: `files` holds each row's file."""

    files: pd.Series = field(default_factory=lambda: pd.Series([], dtype=object))

    def where(self, index: Any, column: str | None = None) -> Where:
        place = super().where(index, column)
        row_file = self.files.get(index) if len(self.files) else None
        return dataclasses.replace(place, file=row_file) if row_file else place


def combine(name: str, tables: Sequence[Table]) -> SourcedTable:
    """Rows of every table in order, each keeping its cell, sheet and file."""
    parts = [t for t in tables if len(t.data)]
    if not parts:
        empty = Table.empty(name)
        return SourcedTable(name, empty.data, empty.cells, empty.sheets)
    data = pd.concat([t.data.reset_index(drop=True) for t in parts], ignore_index=True)
    cells = pd.concat(
        [t.cells.reindex(t.data.index).reset_index(drop=True) for t in parts], ignore_index=True
    )
    sheets = pd.concat(
        [t.sheets.reindex(t.data.index).astype(object).reset_index(drop=True) for t in parts],
        ignore_index=True,
    )
    sheets = sheets.where(sheets.notna(), None)
    files = pd.Series([t.file for t in parts for _ in range(len(t.data))], dtype=object)
    file = parts[0].file if all(t.file == parts[0].file for t in parts) else ""
    return SourcedTable(name, data[columns(name)], cells.fillna(""), sheets, file, files)


def type_all(name: str, tables: Sequence[Table]) -> tuple[list[Table], list[Finding]]:
    """Each table typed on its own (so findings carry its own places), with the findings."""
    findings: list[Finding] = []
    typed = []
    for table in tables:
        if len(table.data):
            out, found = type_table(table)
            typed.append(out)
            findings += found
    return typed, findings


def check_ratings(ratings: SourcedTable, framework: Framework, catalog: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    if not len(ratings.data):
        return findings
    if catalog.competencies:
        findings += competency_references(ratings, catalog)
    findings += employee_references(ratings, catalog)
    recorded = recorded_rows(ratings, framework)
    findings += _against_history(ratings, recorded)
    findings += _duplicates(ratings, recorded)
    findings += _coverage(ratings, framework, catalog)
    return findings


def rating_keys(data: pd.DataFrame) -> pd.Series:
    """A key per rating row: cycle x employee x competency x rater; None for a row that is not a
    complete rating. Several peers may rate one competency, so a peer's key names the reviewer;
    a manager or self rating is one per cycle."""
    reviewer = data["reviewer"].map(name_key).where(data["rater_type"] == "peer", "")
    parts = pd.DataFrame(
        {
            "cycle": data["cycle"],
            "employee": data["employee_id"].map(id_key),
            "competency": data["competency"].map(name_key),
            "rater": data["rater_type"],
            "reviewer": reviewer,
        }
    )
    complete = (
        data[["cycle", "employee_id", "competency", "rater_type"]].notna().all(axis=1)
        & data["rating"].notna()
    )
    keys = pd.Series(list(parts.itertuples(index=False, name=None)), index=data.index)
    return keys.where(complete, None)


def recorded_rows(ratings: SourcedTable, framework: Framework) -> pd.Series:
    """True for rows read from the workbook's own Ratings History sheet(s)."""
    sheets = ratings.sheets.reindex(ratings.data.index)
    mask = sheets.isin(framework.sources.get("history", []))
    if len(ratings.files):
        own = framework.history.file or str(framework.path)
        mask &= pd.Series(ratings.files.to_numpy(), index=ratings.data.index).eq(own)
    return mask.astype(bool)


def _against_history(ratings: SourcedTable, recorded: pd.Series) -> list[Finding]:
    """An export's rating for a key the history already holds is for merge to decide: the same
    value is already imported (nothing to say), a different one is a change merge will not make
    without --replace-cycle, said here so `check` warns before the merge stops."""
    findings: list[Finding] = []
    if not recorded.any() or recorded.all():
        return findings
    keys = rating_keys(ratings.data)
    old = keys[recorded & keys.notna()]
    new = keys[~recorded & keys.notna()]
    held = {key: index for index, key in old.items()}
    for index, key in new[new.isin(set(held))].items():
        before: Any = ratings.data.at[held[key], "rating"]
        now: Any = ratings.data.at[index, "rating"]
        if before == now:
            continue
        row: Any = ratings.data.loc[index]  # type: ignore[call-overload]
        findings.append(
            warning(
                "rating-changed",
                f"{str(row['rater_type']).capitalize()} rating of '{row['employee_id']}' in "
                f"'{row['competency']}' for {row['cycle']} is {_fmt(now)} here but "
                f"{_fmt(before)} in Ratings History at "
                f"{_place(ratings.where(held[key], 'rating'))}.",
                f"If this export corrects the cycle, merge it with --replace-cycle {row['cycle']}; "
                "otherwise fix the export.",
                ratings.where(index, "rating"),
            )
        )
    return findings


def _duplicates(ratings: SourcedTable, recorded: pd.Series) -> list[Finding]:
    """The same rating twice within the history, or within the exports of this run."""
    findings = []
    keys = rating_keys(ratings.data)
    keys = keys[keys.notna()]
    # History and exports are compared by merge (see _against_history), not here.
    keys = pd.concat(
        [
            keys[recorded.reindex(keys.index)].map(lambda k: ("history", *k)),
            keys[~recorded.reindex(keys.index)].map(lambda k: ("exports", *k)),
        ]
    ).sort_index()
    repeated = keys[keys.duplicated(keep="first")]
    first = {key: index for index, key in keys[~keys.duplicated(keep="first")].items()}
    for index, key in repeated.items():
        row: Any = ratings.data.loc[index]  # type: ignore[call-overload]
        earlier = first[key]
        same_value = ratings.data.at[earlier, "rating"] == row["rating"]
        same_file = ratings.where(earlier).file == ratings.where(index).file
        what = (
            f"{row['rater_type'].capitalize()} rating of '{row['employee_id']}' in "
            f"'{row['competency']}' for {row['cycle']}"
        )
        place, was = ratings.where(index, "rating"), ratings.where(earlier, "rating")
        if same_value and not same_file:
            findings.append(
                warning(
                    "duplicate-rating",
                    f"{what} is already recorded at {_place(was)} with the same value.",
                    "Nothing to do if this export was merged before; the first copy is kept.",
                    place,
                )
            )
        else:
            findings.append(
                error(
                    "duplicate-rating",
                    f"{what} appears twice: {_fmt(row['rating'])} here and "
                    f"{_fmt(ratings.data.at[earlier, 'rating'])} at {_place(was)}.",
                    "Keep one rating per cycle, employee, competency and rater.",
                    place,
                )
            )
        ratings.data.at[index, "rating"] = np.nan
    return findings


def _coverage(ratings: SourcedTable, framework: Framework, catalog: Catalog) -> list[Finding]:
    """Missing manager ratings for expected competencies, and ratings nobody expects."""
    findings: list[Finding] = []
    expected = expected_competencies(framework)
    people = {
        id_key(r["employee_id"]): (r["family"], r["level"])
        for _, r in framework.employees.data.iterrows()
        if not is_blank(r["employee_id"])
    }
    data = ratings.data
    data = data[
        (data["rater_type"] == "manager")
        & data["rating"].notna()
        & data["cycle"].notna()
        & data["employee_id"].notna()
    ]
    # Plain dicts over arrays: a groupby over thousands of people is many times slower.
    groups: dict[tuple[str, str], list[int]] = {}
    persons = data["employee_id"].map(id_key).tolist()
    for pos, key in enumerate(zip(persons, data["cycle"].tolist(), strict=True)):
        groups.setdefault(key, []).append(pos)
    competencies = data["competency"].tolist()
    for (person, cycle), positions in groups.items():
        if person not in people:
            continue
        family, level = people[person]
        wanted = expected.get((name_key(family), name_key(level)))
        if wanted is None:
            wanted = expected.get(("", name_key(level)))
        if wanted is None:
            continue
        named = [competencies[p] for p in positions if not is_blank(competencies[p])]
        rated = {name_key(c) for c in named}
        missing = [name for key, name in wanted.items() if key not in rated]
        extra = [
            c
            for c in dict.fromkeys(named)
            if name_key(c) not in wanted and name_key(c) in catalog.competencies
        ]
        first = data.index[positions[0]]
        who: Any = data.at[first, "employee_id"]
        place = ratings.where(first, "employee_id")
        if missing:
            findings.append(
                warning(
                    "missing-rating",
                    f"'{who}' ({level}) has no manager rating in {cycle} for: "
                    f"{', '.join(missing)}.",
                    "Add the ratings, or readiness will report insufficient data.",
                    place,
                )
            )
        if extra:
            findings.append(
                info(
                    "rating-not-expected",
                    f"'{who}' is rated in {cycle} on {', '.join(extra)}, which level {level} "
                    "does not expect.",
                    "Fine if intended; the rating is shown but does not count for readiness.",
                    place,
                )
            )
    return findings


def expected_competencies(framework: Framework) -> dict[tuple[str, str], dict[str, str]]:
    """(family key, level key) -> {competency key: name} of competencies expected there."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    data = framework.expectations.data
    for _, row in data[data["expected"].notna()].iterrows():
        if is_blank(row["competency"]) or is_blank(row["level"]):
            continue
        key = (name_key(row["family"]), name_key(row["level"]))
        out.setdefault(key, {})[name_key(row["competency"])] = row["competency"]
    return out


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _place(where: Where) -> str:
    text = str(where)
    return f"{Path(where.file).name}: {text}" if where.file and where.sheet else text
