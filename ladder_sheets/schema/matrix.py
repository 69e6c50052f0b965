"""The Matrix and Behaviors cells of a framework, grouped for the quality rules (quality.py and
descriptions.py both read them)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ladder_sheets.model import Framework
from ladder_sheets.schema.catalog import Catalog, Level
from ladder_sheets.schema.schemas import name_key
from ladder_sheets.values import is_blank


class MatrixCells:
    """Matrix and Behaviors cells grouped by (family, track, competency), lowest level first."""

    def __init__(self) -> None:
        self.expected: dict[tuple[str, str, str], list[tuple[Level, Any]]] = defaultdict(list)
        self.behavior: dict[tuple[str, str, str], Any] = {}  # (family, competency, level) -> row

    @classmethod
    def of(cls, framework: Framework, catalog: Catalog) -> MatrixCells:
        out = cls()
        for index, row in framework.expectations.data.iterrows():
            level = catalog.level(row["family"], row["level"])
            if level is None or is_blank(row["competency"]):
                continue
            key = (level.family, level.track, name_key(row["competency"]))
            if all(seen is not level for seen, _ in out.expected[key]):  # a duplicate cell
                out.expected[key].append((level, index))
        for group in out.expected.values():
            group.sort(key=lambda pair: pair[0].order)
        for index, row in framework.behaviors.data.iterrows():
            level = catalog.level(row["family"], row["level"])
            if level is not None and not is_blank(row["competency"]):
                key = (name_key(level.family), name_key(row["competency"]), name_key(level.level))
                out.behavior.setdefault(key, index)
        return out

    def behavior_row(self, level: Level, competency: str) -> Any:
        key = (name_key(level.family), name_key(competency), name_key(level.level))
        return self.behavior.get(key)
