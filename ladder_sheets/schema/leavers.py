"""The people the people sheet marks as left (workbook/status.py reads how it says so): taken
out of the Employees the analysis sees, and remembered, so that what names them says why."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ladder_sheets.model import Table
from ladder_sheets.schema.schemas import id_key
from ladder_sheets.values import clean_text
from ladder_sheets.workbook.status import by_date


@dataclass
class Leavers:
    """ID key -> how the people sheet says they left ("Status 'Terminated' at Employees!H4")."""

    said: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.said)

    def __contains__(self, key: object) -> bool:
        return key in self.said


def split_employees(employees: Table, marked: pd.Series | None) -> tuple[Table, Leavers]:
    """The rows of people still employed, and the Leavers of the rows `marked` (each row's
    reason, workbook/status.py; None for people employed). A rehired person's old row marked
    as left is not a second row of their ID."""
    leavers = Leavers()
    if marked is None or not marked.notna().any():
        return employees, leavers
    data = employees.data
    reasons = marked.reindex(data.index)
    gone = reasons.notna().to_numpy(dtype=bool)
    for index in data.index[gone]:
        person = clean_text(data.at[index, "employee_id"])
        if person is None:
            continue
        said = str(reasons[index])
        cell = employees.where(index, "left_on" if by_date(said) else "status")
        leavers.said.setdefault(id_key(person), f"{said} at {cell}")
    kept = data.index[~gone]
    still = leavers.said.keys() & {id_key(v) for v in data.loc[kept, "employee_id"].tolist()}
    for key in still:  # rehired: their current row counts
        del leavers.said[key]
    table = Table(
        employees.name,
        data.loc[kept],
        employees.cells.loc[kept],  # places by label: the rows kept keep their cells
        employees.sheets.loc[kept] if len(employees.sheets) else employees.sheets,
        employees.file,
    )
    return table, leavers
