"""The calibration committee's decisions: the four it can take, what each records, and the one
reader of them, from the Promotion Candidates sheet of a pack `ladder-sheets calibrate` wrote
(sheets/calibration_pack.py writes that sheet with these names and choices)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.cellmap import column_letters
from ladder_sheets.errors import DataError, LayoutError
from ladder_sheets.values import clean_text, did_you_mean
from ladder_sheets.workbook.safe import open_xlsx

# Committee decision -> the calibration confirmation it records (None: nothing recorded).
CONFIRMS: dict[str, bool | None] = {
    "Promote": True,
    "Not yet": False,
    "Defer": None,
    "Needs more evidence": None,
}
DECISIONS = tuple(CONFIRMS)
CANDIDATES_SHEET = "Promotion Candidates"
DECISION_HEADER = "Committee Decision"
NOTES_HEADER = "Notes"


def read_decisions(pack_path: str | Path) -> pd.DataFrame:
    """The committee's decisions from a pack: employee_id, cycle, decision, notes, cell (the
    decision's A1 address). Rows with neither a decision nor notes are left out."""
    pack_path = Path(pack_path)
    wb = open_xlsx(pack_path, read_only=True, data_only=True)
    try:
        if CANDIDATES_SHEET not in wb.sheetnames:
            raise LayoutError(
                f"no '{CANDIDATES_SHEET}' sheet: this is not a calibration pack",
                file=str(pack_path),
                hint="give the pack that `ladder-sheets calibrate` wrote",
            )
        rows = list(wb[CANDIDATES_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    return _decisions(rows, str(pack_path))


def _decisions(rows: list[tuple[Any, ...]], file: str) -> pd.DataFrame:
    wanted = {"Employee ID": "employee_id", "Cycle": "cycle"}
    wanted |= {DECISION_HEADER: "decision", NOTES_HEADER: "notes"}
    header_at = -1
    for r, row in enumerate(rows):
        heads = {str(clean_text(v)): j for j, v in enumerate(row) if clean_text(v) in wanted}
        if len(heads) == len(wanted):
            header_at = r
            break
    else:
        raise LayoutError(
            f"the '{CANDIDATES_SHEET}' sheet has lost its header row",
            file=file,
            sheet=CANDIDATES_SHEET,
            hint="keep the columns " + ", ".join(wanted) + " as the pack wrote them",
        )
    by_key = {d.casefold(): d for d in DECISIONS}
    out = []
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        got = {wanted[h]: clean_text(row[j]) if j < len(row) else None for h, j in heads.items()}
        if not got["decision"] and not got["notes"]:
            continue
        cell = f"{column_letters(heads[DECISION_HEADER])}{i}"
        said = got["decision"]
        if said and said.casefold() not in by_key:
            raise DataError(
                f"'{said}' is not a committee decision",
                file=file,
                sheet=CANDIDATES_SHEET,
                cell=cell,
                hint="use one of: " + ", ".join(DECISIONS) + did_you_mean(said, DECISIONS),
            )
        if said:
            got["decision"] = by_key[said.casefold()]
        out.append({**got, "cell": cell})
    cols = ["employee_id", "cycle", "decision", "notes", "cell"]
    return pd.DataFrame(out, columns=cols, dtype=object)
