"""Who receives which pack, and what each pack may contain.

A manager's pack covers their direct reports, or with `tree` everyone below them; an employee's
pack covers that one person. The scope is decided here, once, and every table that goes into a
pack is filtered by it, so nothing about anyone else can reach the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))} | {
    f"LPT{i}" for i in range(1, 10)
}


@dataclass(frozen=True)
class Recipient:
    kind: str  # "manager" or "employee"
    employee_id: str
    name: str
    email: str
    people: tuple[str, ...]  # employee IDs the pack covers, in display order
    file_name: str = ""


def reports_by_manager(employees: pd.DataFrame) -> dict[str, list[str]]:
    """Direct reports of every manager (IDs as text), people in the order of the sheet."""
    out: dict[str, list[str]] = defaultdict(list)
    for emp, mgr in zip(employees["employee_id"], employees["manager_id"], strict=True):
        if _blank(emp) or _blank(mgr) or str(emp).strip() == str(mgr).strip():
            continue
        out[str(mgr).strip()].append(str(emp).strip())
    return dict(out)


def line_below(manager: str, reports: dict[str, list[str]]) -> list[str]:
    """Everyone below `manager`, breadth first; safe against loops (the check reports them)."""
    seen: set[str] = {manager}
    order: list[str] = []
    queue = list(reports.get(manager, []))
    while queue:
        emp = queue.pop(0)
        if emp in seen:
            continue
        seen.add(emp)
        order.append(emp)
        queue.extend(reports.get(emp, []))
    return order


def recipients(
    employees: pd.DataFrame,
    *,
    by: str = "manager",
    tree: bool = False,
    only: Iterable[str] = (),
) -> list[Recipient]:
    """The recipients of a run: every manager with reports (or every employee), or only the
    IDs given. File names are safe on every system and unique within the run."""
    people = {
        str(r.employee_id).strip(): r
        for r in employees.itertuples(index=False)
        if not _blank(r.employee_id)
    }
    wanted = {str(i).strip() for i in only}
    reports = reports_by_manager(employees)
    out: list[Recipient] = []
    for emp, row in people.items():
        if wanted and emp not in wanted:
            continue
        if by == "manager":
            covered = line_below(emp, reports) if tree else list(reports.get(emp, []))
            if not covered and not wanted:
                continue
        else:
            covered = [emp]
        out.append(
            Recipient(
                kind=by,
                employee_id=emp,
                name=_text(getattr(row, "name", None)) or emp,
                email=_text(getattr(row, "email", None)),
                people=tuple(covered),
            )
        )
    names = unique_file_names(out)
    return [
        Recipient(r.kind, r.employee_id, r.name, r.email, r.people, n)
        for r, n in zip(out, names, strict=True)
    ]


def safe_file_stem(text: str, limit: int = 80) -> str:
    """A file name part that every OS accepts and a person can read: accents kept, path
    separators and control characters dropped, no leading dots, no reserved device names."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text or text.upper() in _RESERVED:
        text = f"_{text}" if text else "unnamed"
    return text[:limit].rstrip(" .")


def unique_file_names(items: list[Recipient]) -> list[str]:
    used: set[str] = set()
    out = []
    for r in items:
        label = "Gap pack" if r.kind == "manager" else "My progression"
        stem = safe_file_stem(f"{label} - {r.name} ({r.employee_id})")
        name, n = f"{stem}.xlsx", 2
        while name.lower() in used:  # case-insensitive file systems
            name, n = f"{stem} {n}.xlsx", n + 1
        used.add(name.lower())
        out.append(name)
    return out


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or not str(v).strip()


def _text(v: object) -> str:
    return "" if _blank(v) else str(v).strip()
