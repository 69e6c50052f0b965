"""People keyed in any form on the people sheet: a manager column holding Employee IDs,
e-mails, names or another of the sheet's one-per-person columns (a review tool's user ID) is
read as Employee IDs.

An e-mail or a name that belongs to exactly one person becomes that person's ID; a name two
people share is an error naming both rows (guessing would hang a team under the wrong person);
a value that is nobody's is left as written, for the reporting-tree check to report.
"""

from __future__ import annotations

import pandas as pd

from ladder_sheets.findings import Finding, Where, error, info
from ladder_sheets.model import Table
from ladder_sheets.values import clean_text, is_blank, normalize_header


def _id(value: object) -> str:
    return (clean_text(value) or "").casefold()


def resolve_managers(
    employees: Table, other_keys: dict[str, dict[str, int]] | None = None
) -> list[Finding]:
    data = employees.data
    if "manager_id" not in data.columns or not len(data):
        return []
    ids = {_id(v) for v in data["employee_id"].tolist() if not is_blank(v)}
    if all(is_blank(b) or _id(b) in ids for b in data["manager_id"].tolist()):
        return []  # every manager given by Employee ID: nothing to resolve
    by_email: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for pos, (email, name) in enumerate(
        zip(data["email"].tolist(), data["name"].tolist(), strict=True)
    ):
        if not is_blank(email):
            by_email.setdefault(_id(email), []).append(pos)
        if not is_blank(name):
            by_name.setdefault(normalize_header(name), []).append(pos)
    employee_ids = data["employee_id"].tolist()
    bosses = data["manager_id"].tolist()
    findings: list[Finding] = []
    kinds: dict[str, int] = {}
    first_cell: str | None = None
    for pos, boss in enumerate(bosses):
        if is_blank(boss) or _id(boss) in ids:
            continue
        hits, kind = by_email.get(_id(boss)), "e-mail"
        if not hits:
            hits, kind = by_name.get(normalize_header(boss)), "name"
        for header, keys in (other_keys or {}).items():
            if hits:
                break
            found = keys.get(_id(boss))
            hits, kind = ([found] if found is not None else None), f"'{header}'"
        if not hits:
            continue  # nobody's: the reporting-tree check says so
        index = data.index[pos]
        if len(hits) > 1:
            rows = " and ".join(
                f"{employees.where(data.index[h], 'name')} ({employee_ids[h]})" for h in hits[:2]
            )
            findings.append(
                error(
                    "ambiguous-manager",
                    f"manager '{boss}' of '{employee_ids[pos]}' is a name two people share: {rows}",
                    "write the manager's Employee ID or e-mail instead of the name",
                    employees.where(index, "manager_id"),
                )
            )
            continue
        target = employee_ids[hits[0]]
        if is_blank(target):
            continue
        bosses[pos] = target
        kinds[kind] = kinds.get(kind, 0) + 1
        first_cell = first_cell or employees.cell(index, "manager_id")
    data["manager_id"] = pd.Series(bosses, index=data.index, dtype=object)
    if kinds:
        said = ", ".join(f"{n} by {k}" for k, n in kinds.items())
        findings.append(
            info(
                "manager-keys-resolved",
                f"managers given by e-mail or name read as Employee IDs ({said})",
                "",
                Where(
                    file=employees.file,
                    sheet=str(employees.sheets.iloc[0]) if len(employees.sheets) else None,
                    cell=first_cell or None,
                ),
            )
        )
    return findings
