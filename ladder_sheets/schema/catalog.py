"""What the framework defines, looked up by name the way people type names.

Names are matched case-, spacing- and punctuation-insensitively (`name_key`); the catalog answers
with the framework's own spelling, so referencing tables can be rewritten to it and joins in the
analysis are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ladder_sheets.model import Framework
from ladder_sheets.schema.schemas import id_key, name_key
from ladder_sheets.values import is_blank


@dataclass(frozen=True)
class Level:
    family: str
    track: str
    level: str
    order: float
    index: Any  # row in the Levels table


@dataclass
class Catalog:
    # family key -> canonical family name ("" for a framework without families)
    families: dict[str, str] = field(default_factory=dict)
    # (family key, level key) -> Level
    levels: dict[tuple[str, str], Level] = field(default_factory=dict)
    # competency key -> canonical name
    competencies: dict[str, str] = field(default_factory=dict)
    # competency key -> category (Core / Functional / None)
    categories: dict[str, str | None] = field(default_factory=dict)
    # employee id key -> canonical id
    employees: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, framework: Framework) -> Catalog:
        out = cls()
        levels = framework.levels.data
        for index, row in levels.iterrows():
            if is_blank(row["level"]):
                continue
            family = row["family"] or ""
            out.families.setdefault(name_key(family), family)
            order = row["order"] if not is_blank(row["order"]) else math.inf
            level = Level(family, row["track"] or "", row["level"], float(order), index)
            out.levels.setdefault((name_key(family), name_key(row["level"])), level)
        for _, row in framework.competencies.data.iterrows():
            if not is_blank(row["competency"]):
                out.competencies.setdefault(name_key(row["competency"]), row["competency"])
                out.categories.setdefault(name_key(row["competency"]), row["category"])
        for value in framework.employees.data["employee_id"]:
            if not is_blank(value):
                out.employees.setdefault(id_key(value), value)
        return out

    def family(self, name: Any) -> str | None:
        """The known family of that name; a blank name means the only family, if there is one."""
        if is_blank(name):
            return next(iter(self.families.values())) if len(self.families) == 1 else None
        return self.families.get(name_key(name))

    def level(self, family: Any, name: Any) -> Level | None:
        """The level of that name in the family; with no family given, a level of that name in
        any family (the first one)."""
        key = name_key(name)
        known = self.family(family)
        if known is not None:
            return self.levels.get((name_key(known), key))
        if is_blank(family):
            for (_, level_key), level in self.levels.items():
                if level_key == key:
                    return level
        return None

    def level_names(self, family: Any) -> list[str]:
        known = self.family(family)
        return [
            lv.level
            for (fam, _), lv in self.levels.items()
            if known is None or fam == name_key(known)
        ]

    def track(self, family: str, track: str) -> list[Level]:
        """The levels of one track of a family, lowest first."""
        return sorted(
            (
                lv
                for lv in self.levels.values()
                if name_key(lv.family) == name_key(family) and lv.track == track
            ),
            key=lambda lv: lv.order,
        )

    def tracks(self) -> list[tuple[str, str]]:
        """Every (family, track) pair that has levels, in first-seen order."""
        seen: dict[tuple[str, str], None] = {}
        for lv in self.levels.values():
            seen.setdefault((lv.family, lv.track), None)
        return list(seen)

    def next_level(self, level: Level) -> Level | None:
        steps = self.track(level.family, level.track)
        higher = [lv for lv in steps if lv.order > level.order]
        return higher[0] if higher else None
