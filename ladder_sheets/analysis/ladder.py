"""The ladder: which level follows which, what each level expects, and which step applies.

Names are matched case- and space-insensitively (the validator reports spelling; here "ic3"
and "IC3" are the same level). A blank Job Family on a Matrix, Behaviors or Promotion Criteria
row applies to every family; a row naming the family wins over a blank one.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ladder_sheets.model import Framework
from ladder_sheets.values import clean_text, is_blank

NEXT_LEVEL_COLUMNS = ["family", "track", "level", "next_level", "order", "is_top"]


def key(value: Any) -> str:
    """The form names are matched on: cleaned text, case folded ("" for blank)."""
    if isinstance(value, str):
        return _text_key(value)  # names repeat: every person, competency and cycle
    return (clean_text(value) or "").casefold()


@functools.lru_cache(maxsize=65536)
def _text_key(value: str) -> str:
    return (clean_text(value) or "").casefold()


def number(value: Any) -> float:
    """A typed numeric cell as float, NaN for blank (or for text the validator let through)."""
    if is_blank(value) or isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def next_levels(levels_df: pd.DataFrame) -> pd.DataFrame:
    """For each level: the next level in Order on the same family and track.

    One row per input row (same index): family, track, level, next_level (None at the top or
    when the level has no Order), order, is_top (True only for a placed level with nothing above
    it). Crossing tracks (IC to M1) is a path, not a next level.
    """
    rows: list[dict[str, Any]] = []
    placed: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for pos, rec in enumerate(levels_df.to_dict("records")):
        order = number(rec.get("order"))
        level = clean_text(rec.get("level"))
        rows.append(
            {
                "family": clean_text(rec.get("family")),
                "track": clean_text(rec.get("track")),
                "level": level,
                "next_level": None,
                "order": order,
                "is_top": False,
            }
        )
        if not math.isnan(order) and level:
            group = (key(rec.get("family")), key(rec.get("track")))
            placed.setdefault(group, []).append((order, pos))
    for members in placed.values():
        members.sort()
        for order, pos in members:
            above = [m for m in members if m[0] > order]
            if above:
                rows[pos]["next_level"] = rows[above[0][1]]["level"]
            else:
                rows[pos]["is_top"] = True
    out = pd.DataFrame(rows, columns=NEXT_LEVEL_COLUMNS, index=levels_df.index)
    return out.astype({"order": "float64", "is_top": "bool"})


def step_for(
    criteria_df: pd.DataFrame, family: Any, from_level: Any, to_level: Any
) -> pd.Series | None:
    """The Promotion Criteria row for the step from_level -> to_level in a family.

    A row naming the family wins over a row with a blank family; among equals the first row
    wins. The returned Series keeps its index label (`.name`) so its cells can be cited.
    """
    if criteria_df.empty:
        return None
    fam, src, dst = key(family), key(from_level), key(to_level)
    general = None
    for pos, rec in enumerate(criteria_df.to_dict("records")):
        if key(rec.get("from_level")) != src or key(rec.get("to_level")) != dst:
            continue
        row_family = key(rec.get("family"))
        if row_family == fam:
            return criteria_df.iloc[pos]
        if not row_family and general is None:
            general = pos
    return criteria_df.iloc[general] if general is not None else None


@dataclass(frozen=True)
class Level:
    family: str
    track: str | None
    level: str
    order: float
    min_quarters: float
    next_level: str | None
    is_top: bool
    index: Any  # row label in the Levels table


@dataclass(frozen=True)
class Expectation:
    competency: str
    expected: float
    index: Any  # row label in the expectations table (for its cell)


@dataclass
class Ladder:
    """Lookups over the framework tables, built once per analysis."""

    framework: Framework
    levels: dict[tuple[str, str], list[Level]] = field(default_factory=dict)
    expectations: dict[tuple[str, str], dict[str, Expectation]] = field(default_factory=dict)
    behaviors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    categories: dict[tuple[str, str], str] = field(default_factory=dict)
    # competency key -> position of its first Matrix row, so output follows the Matrix order
    positions: dict[str, int] = field(default_factory=dict)
    steps: dict[tuple[str, str, str], pd.Series | None] = field(default_factory=dict)

    @classmethod
    def from_framework(cls, framework: Framework) -> Ladder:
        ladder = cls(framework)
        levels = framework.levels.data
        nexts = next_levels(levels)
        for pos, rec in enumerate(levels.to_dict("records")):
            nxt = nexts.iloc[pos]
            lvl = Level(
                family=clean_text(rec.get("family")) or "",
                track=clean_text(rec.get("track")),
                level=clean_text(rec.get("level")) or "",
                order=number(rec.get("order")),
                min_quarters=number(rec.get("min_quarters")),
                next_level=nxt["next_level"],
                is_top=bool(nxt["is_top"]),
                index=levels.index[pos],
            )
            ladder.levels.setdefault((key(lvl.family), key(lvl.level)), []).append(lvl)
        ladder._read_expectations()
        for said in framework.behaviors.data.to_dict("records"):
            text = clean_text(said.get("behavior"))
            if text:
                k = (key(said.get("family")), key(said.get("level")), key(said.get("competency")))
                ladder.behaviors.setdefault(k, text)
        for comp in framework.competencies.data.to_dict("records"):
            category = clean_text(comp.get("category"))
            if category:
                k2 = (key(comp.get("family")), key(comp.get("competency")))
                ladder.categories.setdefault(k2, category)
        return ladder

    def _read_expectations(self) -> None:
        # Family-blank rows first, so a family's own row overrides them.
        data = self.framework.expectations.data
        for blank_pass in (True, False):
            for idx, rec in data.iterrows():
                if (key(rec.get("family")) == "") != blank_pass:
                    continue
                name = clean_text(rec.get("competency"))
                if not name:
                    continue
                comp = key(name)
                self.positions.setdefault(comp, len(self.positions))
                slot = self.expectations.setdefault(
                    (key(rec.get("family")), key(rec.get("level"))), {}
                )
                slot[comp] = Expectation(name, number(rec.get("expected")), idx)

    def level(self, family: Any, level: Any, track: Any = None) -> Level | None:
        found = self.levels.get((key(family), key(level)), [])
        if len(found) > 1 and not is_blank(track):
            found = [lv for lv in found if key(lv.track) == key(track)] or found
        return found[0] if found else None

    def expected(self, family: Any, level: Any) -> dict[str, Expectation]:
        """Competency key -> expectation at a level, blank expectations included (NaN)."""
        merged = dict(self.expectations.get(("", key(level)), {}))
        if key(family):
            merged.update(self.expectations.get((key(family), key(level)), {}))
        return merged

    def behavior(self, family: Any, level: Any, competency: Any) -> str | None:
        k = (key(family), key(level), key(competency))
        return self.behaviors.get(k) or self.behaviors.get(("", k[1], k[2]))

    def category(self, family: Any, competency: Any) -> str | None:
        k = key(competency)
        return self.categories.get((key(family), k)) or self.categories.get(("", k))

    def step(self, family: Any, from_level: Any, to_level: Any) -> pd.Series | None:
        k = (key(family), key(from_level), key(to_level))
        if k not in self.steps:
            self.steps[k] = step_for(self.framework.criteria.data, family, from_level, to_level)
        return self.steps[k]
