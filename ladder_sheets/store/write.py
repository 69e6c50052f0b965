"""merge's side of the store: which cycles the sheet keeps, and the store written with the
workbook.

The sheet keeps the cycles readiness and trends need, counted from the criteria and the
windows the analysis uses (`kept_cycle_count`): the longest "Cycles At Next Level" of the
Promotion Criteria, the trend of Gap Analysis and of the packs (4 cycles each), and two for the
calibration pack's change from the previous cycle. The analysis itself always runs on the
whole history (store and sheet together), so the count decides what a person can read in the
workbook, never a number in it.

Order of the writes (`StorePlan`): the new store goes to a temporary file beside the target
first; its digest goes into the History Store sheet; the workbook is written (atomically); only
then does the temporary file replace the store. A failure before the workbook is written
removes the temporary file and leaves both as they were; a crash between the two renames leaves
a workbook one generation ahead of its store, which the reader refuses with that explanation.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.analysis.gaps import gap_table
from ladder_sheets.cellmap import CellMap
from ladder_sheets.findings import Where
from ladder_sheets.model import Framework, Table, columns, stacked_places
from ladder_sheets.packs.slices import MAX_TREND
from ladder_sheets.store.attach import store_rows
from ladder_sheets.store.files import StoreStamp, digest, store_path_for, write_store
from ladder_sheets.store.record import STORE_SHEET, StoreRecord

# Calibration's "change from the previous cycle" needs the cycle before the one it calibrates.
CALIBRATION_CYCLES = 2


def kept_cycle_count(framework: Framework) -> int:
    """How many of the latest cycles Ratings History keeps when the history is in a store."""
    import inspect

    trend = int(inspect.signature(gap_table).parameters["trend_cycles"].default)
    criteria = framework.tables.get("criteria")
    longest = 0
    if criteria is not None and "cycles_at_next" in criteria.data:
        runs = pd.to_numeric(criteria.data["cycles_at_next"], errors="coerce").dropna()
        longest = int(runs.max()) if len(runs) else 0
    return max(trend, MAX_TREND, CALIBRATION_CYCLES, longest)


def kept_cycles(
    history: pd.DataFrame, count: int, previous: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The cycles Ratings History keeps (cycles sort as text: "2026-Q3"): the latest `count`;
    or, when the sheet kept `previous` and keeping them with the new cycles makes fewer than
    2 x `count`, all of those, so merge appends the new cycle to the sheet instead of
    rewriting it (the sheet is trimmed back to `count` cycles one merge in `count`)."""
    cycles = sorted({str(c) for c in history["cycle"].dropna().unique()})
    latest = cycles[-count:] if count > 0 else []
    if previous:
        since = [c for c in cycles if c >= min(previous)]
        if len(since) < 2 * count and set(latest) <= set(since):
            return tuple(since)
    return tuple(latest)


@dataclass
class StorePlan:
    """The store merge writes with the workbook at `target`."""

    target: Path  # the workbook being written
    history: pd.DataFrame  # the whole history, store order: trimmed cycles first
    kept: tuple[str, ...]
    stamp: StoreStamp
    tmp: Path | None = None
    record: StoreRecord | None = None
    backup: Path | None = None
    written: bool = False
    appends: bool = False  # the sheet keeps every cycle it kept (new rows may be appended)
    store_file: str = ""  # the store the workbook was read with (its rows' "sheet")
    seconds: dict[str, float] = field(default_factory=dict)

    sheets = (STORE_SHEET,)  # the sheet merge writes (and replaces) with the store

    @property
    def path(self) -> Path:
        return store_path_for(self.target)

    @cached_property
    def sheet_rows(self) -> pd.DataFrame:
        """The rows Ratings History keeps (computed once: merge asks for them three times)."""
        return self.history[self._kept_mask()].reset_index(drop=True)

    def _kept_mask(self) -> np.ndarray:
        return self.history["cycle"].isin(list(self.kept)).to_numpy()

    @classmethod
    def of(
        cls, framework: Framework, history: pd.DataFrame, target: Path, now: dt.datetime | None
    ) -> StorePlan:
        attached = framework.store
        previous = attached.record.kept if attached is not None else ()
        kept = kept_cycles(history, kept_cycle_count(framework), previous)
        mask = history["cycle"].isin(list(kept)).to_numpy()
        ordered = pd.concat([history[~mask], history[mask]], ignore_index=True)
        cycles = tuple(sorted({str(c) for c in ordered["cycle"].dropna().unique()}))
        stamp = StoreStamp(
            store_id=attached.stamp.store_id if attached is not None else uuid.uuid4().hex,
            generation=attached.stamp.generation + 1 if attached is not None else 1,
            rows=len(ordered),
            cycles=cycles,
            workbook=target.name,
            written_at=(now or dt.datetime.now()).replace(microsecond=0).isoformat(" "),
        )
        plan = cls(target, ordered, kept, stamp)
        # the sheet keeps what it kept: the new rows may be appended (merge decides)
        plan.appends = bool(previous) and set(previous) <= set(kept)
        plan.store_file = attached.record.file if attached is not None else ""
        return plan

    def table(self, sheet_name: str, rows_per_sheet: int, sheet_table: Any) -> Table:
        """The history as merge analyses it, each rating at its place after the write: the
        trimmed cycles at their row of the store, the kept ones at their cell of the sheet
        (`sheet_table(rows, file, sheet, rows_per_sheet)` lays those out, as merge does)."""
        file = str(self.target)
        store_file = store_path_for(self.target).name
        mask = self._kept_mask()
        positions = np.flatnonzero(~mask)
        rows = self.history.iloc[positions].reset_index(drop=True)
        trimmed = Table(
            "history",
            rows,
            CellMap(columns("history"), [store_rows(positions, rows["cycle"].to_numpy())]),
            pd.Series([store_file] * len(positions), dtype=object),
            file,
        )
        kept = sheet_table(self.sheet_rows, file, sheet_name, rows_per_sheet)
        parts = [p for p in (trimmed, kept) if len(p.data)]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return kept
        data = pd.concat([p.data for p in parts], ignore_index=True)
        sheets = pd.concat([p.sheets for p in parts], ignore_index=True)
        return Table("history", data, stacked_places("history", parts), sheets, file)

    def write_temp(self) -> StoreRecord:
        """The new store into a temporary file beside the target; the record of it."""
        from ladder_sheets.errors import os_problem
        from ladder_sheets.xlsx.safe_write import TEMP_PREFIX

        final = store_path_for(self.target)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".parquet", dir=final.parent
            )
            os.close(fd)
            self.tmp = Path(name)
            if self.target.exists():  # the store is as private as the workbook, no more
                shutil.copymode(self.target, self.tmp)
            write_store(self.history, self.tmp, self.stamp)
        except OSError as exc:
            self.discard()
            raise os_problem(exc, final, kept=True) from None
        self.record = StoreRecord(
            file=final.name,
            stamp=self.stamp,
            kept=self.kept,
            digest=digest(self.tmp),
            where=Where(file=str(self.target), sheet=STORE_SHEET),
        )
        return self.record

    def commit(self, backup: bool) -> None:
        """The temporary file becomes the store (the one it replaces kept with `backup`)."""
        from ladder_sheets.errors import os_problem
        from ladder_sheets.xlsx.safe_write import keep_backup

        assert self.tmp is not None
        final = store_path_for(self.target)
        try:
            if backup and final.exists():
                self.backup = keep_backup(final)
            os.replace(self.tmp, final)
        except OSError as exc:
            raise os_problem(exc, final, "write the history store") from None
        self.tmp = None
        self.written = True

    def discard(self) -> None:
        if self.tmp is not None and self.tmp.exists():
            self.tmp.unlink()
        self.tmp = None
