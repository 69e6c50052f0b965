"""Cross-table references: every family, level, competency and employee named exists.

Runs on the typed framework. Each unknown name is an error at its cell with the closest known
name suggested; a name that matches a known one apart from case or spacing is rewritten to the
framework's spelling in the typed copy, so the analysis can join exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.codes import CODES
from ladder_sheets.findings import Finding, error, info, warning
from ladder_sheets.model import Framework, Table, headers
from ladder_sheets.schema.catalog import Catalog
from ladder_sheets.schema.schemas import id_key, name_key
from ladder_sheets.values import did_you_mean, is_blank, map_distinct, of_type, value_types


def check_references(framework: Framework, catalog: Catalog) -> list[Finding]:
    findings: list[Finding] = []
    if catalog.levels:
        findings += _families(framework.competencies, ["family"], catalog)
        for name in ("expectations", "behaviors", "criteria", "employees"):
            findings += _families(framework.table(name), ["family"], catalog)
            levels = ["from_level", "to_level"] if name == "criteria" else ["level"]
            findings += _levels(framework.table(name), "family", levels, catalog)
        findings += _families(framework.paths, ["from_family", "to_family"], catalog)
        findings += _levels(framework.paths, "from_family", ["from_level"], catalog)
        findings += _levels(framework.paths, "to_family", ["to_level"], catalog)
        findings += _tracks(framework.employees, catalog)
    if catalog.competencies:
        for name in ("expectations", "behaviors"):
            findings += competency_references(framework.table(name), catalog, notes=True)
    return findings


def _families(table: Table, columns: Iterable[str], catalog: Catalog) -> list[Finding]:
    findings = []
    for column in columns:
        values = table.data[column].tolist()
        for at, value in enumerate(values):
            if is_blank(value):
                continue
            known = catalog.family(value)
            if known is None:
                names = [f for f in catalog.families.values() if f]
                index = table.data.index[at]
                findings.append(_unknown(table, index, column, "unknown-family", value, names))
            else:
                values[at] = known
        _assign(table, column, values)
    return findings


def _levels(table: Table, family: str, columns: Iterable[str], catalog: Catalog) -> list[Finding]:
    findings = []
    families = table.data[family].tolist()
    for column in columns:
        values = table.data[column].tolist()
        for at, (value, fam) in enumerate(zip(values, families, strict=True)):
            if is_blank(value) or (not is_blank(fam) and catalog.family(fam) is None):
                continue  # an unknown family is reported once, not again for each level
            level = catalog.level(fam, value)
            if level is None:
                names = catalog.level_names(fam)
                index = table.data.index[at]
                findings.append(_unknown(table, index, column, "unknown-level", value, names))
            else:
                values[at] = level.level
        _assign(table, column, values)
    return findings


def _tracks(employees: Table, catalog: Catalog) -> list[Finding]:
    """An employee's track must be the track of their level (readiness climbs that track)."""
    findings = []
    data = employees.data
    tracks = data["track"].tolist()
    rows = zip(data["family"].tolist(), data["level"].tolist(), tracks, strict=True)
    for at, (family, level_name, track) in enumerate(rows):
        level = catalog.level(family, level_name)
        if level is None:
            continue
        if is_blank(track):
            tracks[at] = level.track
        elif track != level.track:
            findings.append(
                warning(
                    "track-mismatch",
                    f"Track '{track}' does not match level '{level.level}', which is on "
                    f"the {level.track} track.",
                    "Correct the track or the level; the level's track is used.",
                    employees.where(data.index[at], "track"),
                )
            )
            tracks[at] = level.track
    _assign(employees, "track", tracks)
    return findings


def _assign(table: Table, column: str, values: list[Any]) -> None:
    """A rewritten column back into the table, whole (a cell at a time is slow on long tables)."""
    table.data[column] = pd.Series(values, index=table.data.index, dtype=object)


def competency_references(table: Table, catalog: Catalog, notes: bool = False) -> list[Finding]:
    """`notes`: a name with a note in brackets after it ("Communication (core)"), whose name
    alone is a competency, is read as that competency and said once (Matrix and Behaviors
    rows; a rating's competency is not, as its note may name a rater). A mark such as
    "Delivery *" needs no note: names compare without punctuation (name_key)."""
    found = _noted(table, catalog) if notes else []
    return found + _rewrite(
        table, "competency", "unknown-competency", catalog.competencies, name_key
    )


_NOTE_AFTER = re.compile(r"^(?P<name>.*?\S)\s*[\(\[][^\)\]]*[\)\]]\s*$")


def _noted(table: Table, catalog: Catalog) -> list[Finding]:
    values = table.data["competency"].tolist()
    read: dict[str, str] = {}
    first: Any = None
    for at, value in enumerate(values):
        if not isinstance(value, str) or name_key(value) in catalog.competencies:
            continue
        m = _NOTE_AFTER.match(value.strip())
        known = catalog.competencies.get(name_key(m.group("name"))) if m else None
        if known is None:
            continue
        read[value.strip()] = known
        values[at] = known
        first = table.data.index[at] if first is None else first
    if not read:
        return []
    _assign(table, "competency", values)
    said = "; ".join(f"'{k}' as '{v}'" for k, v in list(read.items())[:6])
    return [
        info(
            "competency-note-dropped",
            f"{len(read)} competency name(s) carry a note after the name, read without it: "
            f"{said}{'; ...' if len(read) > 6 else ''}",
            CODES["competency-note-dropped"].hint,
            table.where(first, "competency"),
        )
    ]


def employee_references(
    table: Table, catalog: Catalog, quiet: np.ndarray | None = None
) -> list[Finding]:
    """Unknown Employee IDs, each an error at its cell; rows where `quiet` is True are not
    reported (the caller says something else of them), only rewritten."""
    if not catalog.employees:
        return []
    return _rewrite(table, "employee_id", "unknown-employee", catalog.employees, id_key, quiet)


def _rewrite(
    table: Table,
    column: str,
    code: str,
    known: dict[str, str],
    key: Callable[[object], str],
    quiet: np.ndarray | None = None,
) -> list[Finding]:
    """Rewrite known names to the framework's spelling (whole column at once: ratings are
    long); report each unknown one (but those in `quiet` rows)."""
    values, names = table.data[column], list(known.values())
    if _as_known(values, known, key):
        return []  # every name already spelled as the framework spells it (a history, often)
    found, _ = map_distinct(
        values.to_numpy(dtype=object), lambda v: None if is_blank(v) else known.get(key(v), False)
    )
    types = value_types(found)
    unknown = of_type(types, bool)  # known.get gave False
    spelled = of_type(types, str)
    rewritten = values.to_numpy(dtype=object).copy()
    rewritten[spelled] = found[spelled]
    table.data[column] = pd.Series(rewritten, index=values.index, dtype=object)
    if quiet is not None:
        unknown = unknown & ~quiet
    return [
        _unknown(table, index, column, code, values[index], names)
        for index in values.index[unknown]
    ]


def _as_known(values: pd.Series, known: dict[str, str], key: Callable[[object], str]) -> bool:
    """Whether each value is blank or a text exactly as `known` spells it: nothing to rewrite
    and nothing unknown. Looked at once per distinct value (a value equal to a text is that
    text: no number or date equals one)."""
    distinct = pd.unique(values.to_numpy(dtype=object))  # blanks among them, None or NaN
    return all(
        is_blank(v) or (isinstance(v, str) and known.get(key(v)) == v) for v in distinct.tolist()
    )


def _unknown(
    table: Table, index: Any, column: str, code: str, value: Any, known: list[str]
) -> Finding:
    header = headers(table.name).get(column, column)
    return error(
        code,
        f"{header} '{value}' is not known.{did_you_mean(str(value), known)}",
        CODES[code].hint,
        table.where(index, column),
    )
