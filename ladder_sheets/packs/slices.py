"""The analysis tables cut once into one slice per person, and a pack's data built from the
slices of its recipient's people alone.

Cutting each table once (one pass over its columns) costs the same for 10 packs or 1,500; a
filter of the whole tables per recipient grew with recipients x rows. A slice holds plain Python
values only, so the data sent to a worker process is small and cheap to pickle, and a worker
never holds anyone outside the packs it writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ladder_sheets.packs.recipients import Recipient

MAX_TREND = 4  # past cycles shown per competency (and drawn in its sparkline)

# The columns a pack shows; the rest of each table (places, raters, sources) stays behind.
GAP_COLUMNS = (
    "competency",
    "category",
    "expected_current",
    "expected_next",
    "manager_rating",
    "self_rating",
    "gap_next",
    "next_behavior",
)
READINESS_COLUMNS = (
    "next_level",
    "status",
    "average",
    "min_average",
    "lowest_rating",
    "min_each",
    "cycles_at_next",
    "cycles_required",
    "quarters_in_level",
    "quarters_required",
    "shortfalls",
)


@dataclass
class PersonSlice:
    """Everything a pack may show about one person."""

    employee_id: str
    name: Any
    level: Any
    family: Any
    gaps: list[dict[str, Any]] = field(default_factory=list)  # gap rows, in table order
    gap_order: list[int] = field(default_factory=list)  # each gap row's place in the table
    readiness: dict[str, Any] | None = None  # their first readiness row
    trend: dict[tuple[Any, Any], Any] = field(default_factory=dict)  # (competency, cycle) -> rating


@dataclass
class PackData:
    """What one pack may show: the recipient and their people, nothing else."""

    kind: str  # "manager" or "employee"
    recipient_id: str
    recipient_name: str
    cycle: str
    people: list[PersonSlice]  # in display order
    levels: dict[tuple[Any, Any], dict[str, Any]]  # (family, level) -> title, scope
    next_behaviors: list[tuple[Any, Any]] = field(default_factory=list)  # (competency, text)
    # An employee's pack shows the readiness status and missing sign-off only when asked:
    # before the committee meets they are not the employee's to read.
    sign_off: bool = False
    created: dt.datetime = dt.datetime(2026, 1, 1)

    def employee_ids(self) -> set[str]:
        return {p.employee_id for p in self.people}


def person_slices(
    people: pd.DataFrame,
    gaps: pd.DataFrame,
    readiness: pd.DataFrame,
    trend: pd.DataFrame,
    cycle: str,
) -> dict[str, PersonSlice]:
    """One slice per person of the Employees table (IDs already text), each table read once.
    The trend keeps each person's last `MAX_TREND` cycles up to `cycle`: a pack shows the last
    cycles of its people together, and those are always among each person's own last ones."""
    out: dict[str, PersonSlice] = {}
    for emp, name, level, family in zip(
        *(_column(people, c) for c in ("employee_id", "name", "level", "family")), strict=True
    ):
        if emp is not None and emp not in out:
            out[emp] = PersonSlice(emp, name, level, family)
    rows = zip(*(_column(gaps, c) for c in ("employee_id", *GAP_COLUMNS)), strict=True)
    for place, (emp, *values) in enumerate(rows):
        if (person := out.get(emp)) is not None:
            person.gaps.append(dict(zip(GAP_COLUMNS, values, strict=True)))
            person.gap_order.append(place)
    rows = zip(*(_column(readiness, c) for c in ("employee_id", *READINESS_COLUMNS)), strict=True)
    for emp, *values in rows:
        if (person := out.get(emp)) is not None and person.readiness is None:
            person.readiness = dict(zip(READINESS_COLUMNS, values, strict=True))
    for emp, comp, past, rating in _recent_trend(trend, cycle):
        if (person := out.get(emp)) is not None:
            person.trend[(comp, past)] = rating
    return out


def _recent_trend(trend: pd.DataFrame, cycle: str) -> Iterable[tuple[Any, Any, Any, Any]]:
    if trend.empty:
        return ()
    shown = trend[trend["cycle"].notna() & trend["rating"].notna()]
    shown = shown[shown["cycle"].astype(str) <= cycle]
    if shown.empty:
        return ()
    # Cycles compare as text (as the pack orders them); rank them once, then per person.
    order = {c: i for i, c in enumerate(sorted(shown["cycle"].astype(str).unique()))}
    rank = shown["cycle"].astype(str).map(order)
    recent = rank.groupby(shown["employee_id"].to_numpy()).rank(method="dense", ascending=False)
    shown = shown[(recent <= MAX_TREND).to_numpy()]
    columns = ("employee_id", "competency", "cycle", "rating")
    return zip(*(shown[c].tolist() for c in columns), strict=True)


def pack_data(
    recipient: Recipient,
    slices: Mapping[str, PersonSlice],
    levels: Mapping[tuple[Any, Any], dict[str, Any]],
    behaviors: Mapping[tuple[Any, Any], list[tuple[Any, Any]]],
    *,
    cycle: str,
    created: dt.datetime,
    sign_off: bool = False,
) -> PackData:
    """The data of one pack: the slices of the recipient's people and the framework rows
    (titles, next-level behaviours) those people need."""
    people = [slices[e] for e in dict.fromkeys(recipient.people) if e in slices]
    families = {p.family for p in people}
    wanted = {key: row for key, row in levels.items() if key[0] in families}
    next_behaviors: list[tuple[Any, Any]] = []
    if recipient.kind == "employee" and people and people[0].readiness:
        next_behaviors = behaviors.get((people[0].family, people[0].readiness["next_level"]), [])
    return PackData(
        kind=recipient.kind,
        recipient_id=recipient.employee_id,
        recipient_name=recipient.name,
        cycle=cycle,
        people=people,
        levels=wanted,
        next_behaviors=list(next_behaviors),
        created=created,
        sign_off=sign_off or recipient.kind == "manager",
    )


def level_rows(levels: pd.DataFrame) -> dict[tuple[Any, Any], dict[str, Any]]:
    """(family, level) -> its first Levels row's title and scope."""
    out: dict[tuple[Any, Any], dict[str, Any]] = {}
    for family, level, title, scope in zip(
        *(_column(levels, c) for c in ("family", "level", "title", "scope")), strict=True
    ):
        out.setdefault((family, level), {"title": title, "scope": scope})
    return out


def behavior_rows(behaviors: pd.DataFrame) -> dict[tuple[Any, Any], list[tuple[Any, Any]]]:
    """(family, level) -> [(competency, behaviour)] in the sheet's order."""
    out: dict[tuple[Any, Any], list[tuple[Any, Any]]] = {}
    for family, level, comp, text in zip(
        *(_column(behaviors, c) for c in ("family", "level", "competency", "behavior")),
        strict=True,
    ):
        out.setdefault((family, level), []).append((comp, text))
    return out


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as plain Python values with None for blanks (a missing column is all blank)."""
    if name not in frame.columns:
        return [None] * len(frame)
    values = frame[name].astype(object)
    return values.where(values.notna(), None).tolist()
