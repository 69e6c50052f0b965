"""The reporting tree: every manager exists, nobody manages themselves, no loops.

Packs are built by walking this tree, so a loop or a dangling manager would silently drop or
repeat people; those are errors. Several people without a manager is allowed (more than one
company leader, or contractors) and reported as info.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ladder_sheets.findings import Finding, error, info
from ladder_sheets.model import Table
from ladder_sheets.schema.schemas import id_key
from ladder_sheets.values import did_you_mean, is_blank


def check_tree(employees: Table) -> list[Finding]:
    data = employees.data
    ids = {id_key(v): i for i, v in data["employee_id"].items() if not is_blank(v)}
    names = [v for v in data["employee_id"] if not is_blank(v)]
    # each key's ID as the sheet spells it, at the row ids names (the last with that key)
    spelled = {id_key(v): v for v in names}
    findings: list[Finding] = []
    manager_of: dict[str, str] = {}
    roots: list[Any] = []
    bosses = data["manager_id"].tolist()
    rows = zip(data.index, data["employee_id"].tolist(), list(bosses), strict=True)
    for at, (index, me, boss) in enumerate(rows):
        if is_blank(me):
            continue
        if is_blank(boss):
            roots.append(index)
            continue
        if id_key(boss) == id_key(me):
            findings.append(
                error(
                    "self-manager",
                    f"Employee '{me}' is their own manager.",
                    "Set Manager ID to the person they report to, or leave it blank at the top.",
                    employees.where(index, "manager_id"),
                )
            )
        elif id_key(boss) not in ids:
            findings.append(
                error(
                    "unknown-manager",
                    f"Manager ID '{boss}' of '{me}' is not an employee.{did_you_mean(boss, names)}",
                    "Use an Employee ID from this sheet, or add the manager as an employee.",
                    employees.where(index, "manager_id"),
                )
            )
        else:
            bosses[at] = spelled[id_key(boss)]  # the ID as the sheet spells it
            manager_of[id_key(me)] = id_key(boss)
    data["manager_id"] = pd.Series(bosses, index=data.index, dtype=object)
    findings += _loops(employees, manager_of, ids)
    if len(roots) > 1:
        people = ", ".join(str(data.at[i, "employee_id"]) for i in roots[:10])
        more = f" and {len(roots) - 10} more" if len(roots) > 10 else ""
        findings.append(
            info(
                "several-roots",
                f"{len(roots)} people have no manager: {people}{more}.",
                "Fine for several leaders; otherwise fill in their Manager ID.",
                employees.where(roots[1], "manager_id"),
            )
        )
    return findings


def _loops(employees: Table, manager_of: dict[str, str], ids: dict[str, Any]) -> list[Finding]:
    """One finding per loop, naming everyone in it, at the first member's Manager ID cell."""
    findings = []
    done: set[str] = set()
    for start in manager_of:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = manager_of.get(node)
        if node is not None and node in on_path:
            loop = path[path.index(node) :]
            first = min(loop, key=lambda k: ids[k])
            loop = loop[loop.index(first) :] + loop[: loop.index(first)]
            shown = [str(employees.data.at[ids[k], "employee_id"]) for k in loop]
            findings.append(
                error(
                    "manager-loop",
                    "Reporting loop: " + " -> ".join([*shown, shown[0]]) + ".",
                    "Break the loop: someone in it must report to a person outside it.",
                    employees.where(ids[first], "manager_id"),
                )
            )
        done.update(path)
    return findings
