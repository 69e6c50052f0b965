"""Who a framework change affects: each person's gaps and readiness judged by the old
framework and by the new one, on the same people and ratings.

People keep the level code they have in the workbook that holds them; where that code was
renamed (framework_diff), they are judged at the renamed level on the other side, so a rename
alone moves nobody.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ladder_sheets.analysis.framework_diff import FRAMEWORK_TABLES, FrameworkDiff
from ladder_sheets.analysis.gaps import gap_table, shown
from ladder_sheets.analysis.ladder import key
from ladder_sheets.analysis.rating_index import RatingHistory
from ladder_sheets.analysis.readiness import readiness_table
from ladder_sheets.model import Framework, Table
from ladder_sheets.values import clean_text

IMPACT_COLUMNS = [
    "employee_id",
    "name",
    "family",
    "manager_id",
    "manager",
    "level",
    "cycle",
    "status_old",
    "status_new",
    "gap_changes",
    "summary",
]


def judged_by(
    framework: Framework, people: Framework, rename: dict[tuple[str, ...], str]
) -> Framework:
    """`framework`'s parts with `people`'s employees, ratings and evidence; employees at a level
    `rename` maps ((family key, level key) -> code) take the code `framework` uses."""
    tables = {t: framework.tables[t] for t in FRAMEWORK_TABLES if t in framework.tables}
    for t in ("history", "evidence"):
        if t in people.tables:
            tables[t] = people.tables[t]
    employees = people.employees
    if rename and len(employees.data):
        data = employees.data.copy()
        known = {(key(r.get("family")), key(r.get("level"))) for r in _records(framework.levels)}
        data["level"] = [
            rename.get((key(fam), key(lvl)), lvl) if (key(fam), key(lvl)) not in known else lvl
            for fam, lvl in zip(data["family"], data["level"], strict=True)
        ]
        employees = Table(employees.name, data, employees.places, employees.sheets, employees.file)
    tables["employees"] = employees
    return Framework(framework.path, tables, [], framework.sheet_names, framework.sources)


def diff_impact(
    old: Framework,
    new: Framework,
    people: Framework,
    diff: FrameworkDiff,
    cycle: str | None = None,
) -> pd.DataFrame:
    """One row per person whose readiness status or any gap (to current or next level) differs
    between `old` and `new`, for `cycle` (default: the latest with manager ratings). Sorted by
    family, manager, name. `gap_changes` lists (competency, what, old, new) tuples."""
    forward = dict(diff.renamed)
    backward: dict[tuple[str, ...], str] = {
        (fam, key(code)): old_code for (fam, old_code), code in forward.items()
    }
    fw_old = judged_by(old, people, backward)
    fw_new = judged_by(new, people, forward)
    history = people.history
    index = RatingHistory.from_table(history)
    if not index.manager_cycles:
        return pd.DataFrame(columns=IMPACT_COLUMNS)
    r_old = readiness_table(fw_old, history, people.evidence, cycle=cycle, history=index)
    r_new = readiness_table(fw_new, history, people.evidence, cycle=cycle, history=index)
    g_old = gap_table(fw_old, history, cycle=cycle, history=index)
    g_new = gap_table(fw_new, history, cycle=cycle, history=index)

    names = {
        key(r.get("employee_id")): clean_text(r.get("name")) for r in _records(people.employees)
    }
    gaps = _gap_changes(g_old, g_new)
    before = {key(r["employee_id"]): r for r in r_old.to_dict("records")}
    rows: list[dict[str, Any]] = []
    for r in r_new.to_dict("records"):
        emp = key(r["employee_id"])
        was = before.get(emp, {})
        status_old, status_new = was.get("status"), r["status"]
        changed = gaps.get(emp, [])
        if status_old == status_new and not changed:
            continue
        parts = [f"{status_old} -> {status_new}"] if status_old != status_new else []
        parts += [
            f"{comp}: {what} {shown(a) or 'none'} -> {shown(b) or 'none'}"
            for comp, what, a, b in changed
        ]
        rows.append(
            {
                "employee_id": r["employee_id"],
                "name": r["name"],
                "family": r["family"],
                "manager_id": r["manager_id"],
                "manager": names.get(key(r["manager_id"])),
                "level": r["level"],
                "cycle": r["cycle"],
                "status_old": status_old,
                "status_new": status_new,
                "gap_changes": changed,
                "summary": "; ".join(parts),
            }
        )
    table = pd.DataFrame(rows, columns=IMPACT_COLUMNS)
    if len(table):
        order = table[["family", "manager", "name"]].map(lambda v: key(v) if v else "~")
        table = table.loc[order.sort_values(["family", "manager", "name"]).index]
    return table.reset_index(drop=True)


def _gap_changes(
    g_old: pd.DataFrame, g_new: pd.DataFrame
) -> dict[str, list[tuple[str, str, float, float]]]:
    """Per employee key: (competency, "gap to current" / "gap to next", old, new) wherever the
    gap differs (a gap that appears or disappears counts)."""

    def by_key(df: pd.DataFrame) -> dict[tuple[str, str], dict[Any, Any]]:
        return {(key(r["employee_id"]), key(r["competency"])): r for r in df.to_dict("records")}

    a, b = by_key(g_old), by_key(g_new)
    out: dict[str, list[tuple[str, str, float, float]]] = {}
    for k in [*b, *(k for k in a if k not in b)]:
        ra, rb = a.get(k, {}), b.get(k, {})
        comp = (rb or ra)["competency"]
        for column, what in (("gap_current", "gap to current"), ("gap_next", "gap to next")):
            x, y = float(ra.get(column, math.nan)), float(rb.get(column, math.nan))
            if _same(x, y):
                continue
            out.setdefault(k[0], []).append((comp, what, x, y))
    return out


def _same(x: float, y: float) -> bool:
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) < 1e-9


def _records(table: Table) -> list[dict[str, Any]]:
    return table.data.to_dict("records")  # type: ignore[return-value]
