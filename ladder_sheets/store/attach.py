"""Reading a workbook whose history lives in a store: the store checked, then joined.

The reader calls `attach` when the workbook has a History Store sheet. The store file must be
the one the workbook was last written with, else the workbook is refused (exit 2) with what is
wrong and what to do; it is never read as "only the cycles the sheet keeps":

- store missing: the file the sheet names is not beside the workbook (a workbook copied alone);
- store of another workbook: its Store ID is not the workbook's;
- store older than the workbook: a lower generation (a store restored from an old copy, or a
  merge that wrote the workbook and stopped before the store);
- store newer than the workbook: a higher generation (the workbook restored from a backup while
  the store went on);
- store changed: same generation, other bytes (edited or rewritten by another program).

Then the history table is the store's rows for the cycles the sheet no longer keeps, followed
by the sheet's rows, which are the record for the cycles it keeps (a correction typed into the
sheet counts, and goes into the store at the next merge). A rating read from the store names
the store file and its row there ("acme.history.parquet", "row 1234"); one read from the sheet
its Sheet!Cell, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.cellmap import CellMap, SheetRows
from ladder_sheets.errors import UnreadableFile
from ladder_sheets.findings import Finding, Where, info
from ladder_sheets.model import Framework, Table, columns, stacked_places
from ladder_sheets.store.files import (
    FORMAT,
    StoreStamp,
    digest,
    read_stamp,
    read_store,
    store_path_for,
)
from ladder_sheets.store.record import STORE_SHEET, RecordError, StoreRecord, read_record

ROW = "row "  # a store row's place: "row 1234" (1 = the first rating in the file)


class StoreRefused(UnreadableFile):
    """The workbook's history store is missing or is not the one it was written with."""


@dataclass
class AttachedStore:
    """The store a workbook was read with (Framework.store)."""

    record: StoreRecord
    path: Path
    rows: int  # rows taken from the store (the cycles the sheet does not keep)

    @property
    def stamp(self) -> StoreStamp:
        return self.record.stamp


def attach(framework: Framework, values: dict[tuple[int, int], Any]) -> Framework:
    """`framework` with its history completed from the store (in place, and returned)."""
    file = str(framework.path)
    try:
        record = read_record(values, file)
    except RecordError as exc:
        raise StoreRefused(
            f"the History Store sheet cannot be read: {exc}",
            file=file,
            sheet=STORE_SHEET,
            cell=exc.cell,
            hint="the sheet is written by ladder-sheets; restore it from the last version merge "
            "wrote (or a backup), or undo the edit",
        ) from None
    path = framework.path.parent / record.file
    verify(record, path, file)
    try:
        stored = read_store(path)
    except Exception as exc:  # the stamp reads, the rows do not: damaged or another layout
        raise StoreRefused(
            f"the rows of the history store '{record.file}' cannot be read "
            f"({type(exc).__name__}: {exc})",
            file=file,
            sheet=STORE_SHEET,
            cell="B2",
            hint=f"restore '{record.file}' from a backup of this folder",
        ) from None
    trimmed = ~stored["cycle"].isin(list(record.kept)).to_numpy()
    positions = np.flatnonzero(trimmed)
    sheet_part = framework.tables.get("history")
    part = Table(
        "history",
        stored.iloc[positions].reset_index(drop=True),
        CellMap(columns("history"), [store_rows(positions, stored["cycle"].to_numpy()[positions])]),
        pd.Series([record.file] * len(positions), dtype=object),
        file,
    )
    parts = [part, *([sheet_part] if sheet_part is not None and len(sheet_part.data) else [])]
    if len(parts) == 1:
        framework.tables["history"] = part
    else:
        data = pd.concat([p.data for p in parts], ignore_index=True)
        sheets = pd.concat([p.sheets for p in parts], ignore_index=True)
        framework.tables["history"] = Table(
            "history", data, stacked_places("history", parts), sheets, file
        )
    framework.sources["history"] = [*framework.sources.get("history", []), record.file]
    framework.store = AttachedStore(record, path, len(positions))
    framework.findings.extend(_notes(record, sheet_part, file))
    return framework


def _notes(record: StoreRecord, sheet_part: Table | None, file: str) -> list[Finding]:
    """What check says of a workbook read with its store: where the earlier cycles came from,
    and any cycle typed into the sheet that the store does not hold."""
    out = []
    if record.trimmed:
        out.append(
            info(
                "history-in-store",
                f"ratings of {_span(record.trimmed)} were read from the history store "
                f"'{record.file}' beside the workbook (Ratings History keeps "
                f"{_span(record.kept)}); {record.stamp.rows} ratings in all",
                f"keep '{record.file}' with the workbook; the whole history in one file: "
                f"ladder-sheets history export {Path(file).name} -o history.xlsx",
                Where(file=file, sheet=STORE_SHEET, cell="B2"),
            )
        )
    if sheet_part is not None and len(sheet_part.data):
        known = set(record.kept) | set(record.stamp.cycles)
        column = sheet_part.data["cycle"]
        distinct = {v: str(v).strip() for v in pd.unique(column.to_numpy(dtype=object))}
        for value, cycle in sorted(distinct.items(), key=lambda item: item[1]):
            if value is None or cycle in known or (isinstance(value, float) and value != value):
                continue
            at = int(np.flatnonzero((column == value).to_numpy())[0])
            place = sheet_part.where(column.index[at], "cycle")
            out.append(
                info(
                    "cycle-only-in-sheet",
                    f"Ratings History holds {cycle}, which the history store "
                    f"'{record.file}' does not (added by hand since the last merge?)",
                    "the next merge writes it into the store; remove the rows if they are "
                    "not meant to be there",
                    place,
                )
            )
    return out


def refuse_unrecorded(workbook: Path) -> None:
    """A store beside a workbook that has no History Store sheet (deleted, or the workbook
    replaced by a version from before it opted in): StoreRefused, since reading the sheet
    alone would silently leave out the cycles only the store holds."""
    path = store_path_for(workbook)
    if not path.is_file():
        return
    try:
        stamp = read_stamp(path)
    except Exception:  # not ours to judge: a file of that name that is no store
        return
    if stamp is None:
        return
    raise StoreRefused(
        f"'{path.name}' beside the workbook holds a ratings history ({stamp.rows} ratings of "
        f"{_span(stamp.cycles)}, written with {stamp.workbook or 'a workbook'} on "
        f"{stamp.written_at or 'an unknown date'}), but the workbook has no History Store "
        "sheet saying it uses it; read alone, the workbook would leave out every cycle only "
        "the store holds",
        file=str(workbook),
        hint=f"restore the workbook's History Store sheet (from the version merge wrote, or "
        f"NAME.bak.xlsx), or, if this workbook no longer uses the store, move '{path.name}' "
        "to another folder",
    )


@dataclass(frozen=True)
class StoreRows(SheetRows):
    """Places of store rows: "row n (cycle)", n counted from 1 in the file, whatever the
    column; findings.Where names the store file for them, never a sheet."""

    cycles: np.ndarray | None = None  # each row's cycle, as the store holds it

    def at(self, position: int, column: str) -> str:
        if not self.letters.get(column, ""):
            return ""
        cycle = None if self.cycles is None else self.cycles[position]
        return f"{ROW}{self.rows[position]}{_cycle(cycle)}"

    def column(self, column: str) -> np.ndarray:
        if not self.letters.get(column, "") or self.cycles is None:
            return super().column(column)
        rows = self.rows.astype(str).astype(object)
        return ROW + rows + np.array([_cycle(c) for c in self.cycles], dtype=object)  # type: ignore[no-any-return]


def _cycle(value: Any) -> str:
    text = None if value is None or value != value else str(value).strip()
    return f" ({text})" if text else ""


def store_rows(positions: np.ndarray, cycles: Any = None) -> SheetRows:
    """Places of store rows: "row n (cycle)" (see StoreRows); `cycles` holds each row's."""
    return StoreRows(
        np.asarray(positions) + 1,
        dict.fromkeys(columns("history"), ROW),
        None if cycles is None else np.asarray(cycles, dtype=object),
    )


def verify(record: StoreRecord, path: Path, file: str) -> StoreStamp:
    """The store's stamp when it is the one `record` names; StoreRefused saying why not."""
    expected = record.stamp
    where = {"file": file, "sheet": STORE_SHEET, "cell": "B2"}
    what = f"{expected.rows} ratings of {_span(expected.cycles)}" + (
        f", {_span(record.trimmed)} kept nowhere else" if record.trimmed else ""
    )
    if not path.is_file():
        raise StoreRefused(
            f"the workbook keeps its ratings history in '{record.file}' ({what}), and that file "
            f"is not in the same folder ({path.parent}); without it the history would be only "
            f"the cycles of Ratings History ({_span(record.kept)}), so nothing is read",
            **where,
            hint=f"put '{record.file}' beside the workbook (copy and move the two together), "
            "or restore it from the backup you keep of this folder",
        )
    try:
        stamp = read_stamp(path)
    except Exception as exc:  # no Parquet, truncated, unreadable
        raise StoreRefused(
            f"the history store '{record.file}' cannot be read ({type(exc).__name__}: {exc})",
            **where,
            hint=f"restore '{record.file}' from a backup of this folder",
        ) from None
    if stamp is None:
        raise StoreRefused(
            f"'{record.file}' is a Parquet file but not a ladder-sheets history store",
            **where,
            hint=f"restore the store '{record.file}' that belongs to this workbook",
        )
    if stamp.format > FORMAT:
        raise StoreRefused(
            f"the history store '{record.file}' was written by a newer ladder-sheets (store "
            f"format {stamp.format}; this one reads format {FORMAT})",
            **where,
            hint="upgrade ladder-sheets (pip install -U ladder-sheets)",
        )
    if stamp.store_id != expected.store_id:
        raise StoreRefused(
            f"'{record.file}' is the history store of another workbook "
            f"({stamp.workbook or 'unnamed'}, Store ID {stamp.store_id}), not of this one "
            f"(Store ID {expected.store_id})",
            **where,
            hint="put this workbook's own store beside it; two workbooks never share one",
        )
    if stamp.generation < expected.generation:
        missing = [c for c in expected.cycles if c not in stamp.cycles]
        raise StoreRefused(
            f"the history store '{record.file}' is older than the workbook: it was written by "
            f"merge {stamp.generation} ({stamp.written_at or 'time unknown'}), the workbook by "
            f"merge {expected.generation}"
            + (f"; it lacks {', '.join(missing)}" if missing else ""),
            **where,
            hint=f"put the '{record.file}' written with this workbook beside it (the latest "
            "one); if merge was stopped between the two writes, run it again on the "
            "workbook's previous version (--backup keeps it)",
        )
    if stamp.generation > expected.generation:
        extra = [c for c in stamp.cycles if c not in expected.cycles]
        raise StoreRefused(
            f"the history store '{record.file}' is newer than the workbook: it was written by "
            f"merge {stamp.generation} ({stamp.written_at or 'time unknown'}), the workbook by "
            f"merge {expected.generation}"
            + (
                f"; the store holds {', '.join(extra)}, which the workbook does not know"
                if extra
                else ""
            )
            + " (is this workbook an older copy or a backup?)",
            **where,
            hint="use the workbook the latest merge wrote; to go back to this version, restore "
            f"the '{record.file}' of the same day too",
        )
    if digest(path) != record.digest or stamp.rows != expected.rows:
        raise StoreRefused(
            f"the history store '{record.file}' was changed after the workbook was written "
            "(its content is not what merge recorded in the History Store sheet)",
            **where,
            hint=f"restore the '{record.file}' written with this workbook; correct a rating "
            "in Ratings History (or with merge --replace-cycle), never in the store",
        )
    return stamp


def _span(cycles: tuple[str, ...] | list[str]) -> str:
    cycles = sorted(cycles)
    if not cycles:
        return "no cycle"
    return cycles[0] if len(cycles) == 1 else f"{cycles[0]} to {cycles[-1]}"
