"""`merge`: a cycle's review exports into Ratings History, then Gap Analysis and Promotion
Readiness regenerated in the same workbook.

read -> check (errors stop here, nothing written) -> merge history -> analyse -> write back.
The write goes through the lossless write-back engine: HR's own sheets stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.api import PathLike, check, refresh_history_cache
from ladder_sheets.cellmap import CellMap, SheetRows, column_letters
from ladder_sheets.commands.append_plan import AppendPlan, HistoryWrite
from ladder_sheets.commands.merge_history import HistoryMerge, merge_evidence, merge_history
from ladder_sheets.findings import Report, error
from ladder_sheets.model import GENERATED_SHEETS, TABLES, Framework, Table
from ladder_sheets.sheets.history import ROWS_PER_SHEET
from ladder_sheets.store.record import STORE_SHEET
from ladder_sheets.versions import VERSIONS_SHEET, FrameworkVersions
from ladder_sheets.workbook import history_cache, history_extend
from ladder_sheets.xlsx.append.prepare import PreparedAppend

GAP_SHEET, READINESS_SHEET = GENERATED_SHEETS
HISTORY_SHEET = TABLES["history"][0]  # the template's names; a workbook's own win (OwnedSheets)
EVIDENCE_SHEET = TABLES["evidence"][0]


@dataclass
class MergeResult:
    report: Report
    written: Path | None = None
    history: HistoryMerge | None = None
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    readiness: pd.DataFrame = field(default_factory=pd.DataFrame)
    cycle: str | None = None
    cycles_imported: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (now called, generated as)
    history_write: HistoryWrite | None = None  # appended or rewritten, and why
    versions: FrameworkVersions | None = None  # the framework recorded for each cycle
    evidence_before: pd.DataFrame = field(default_factory=pd.DataFrame)  # as it was read
    not_rated: tuple[int, int] = (0, 0)  # (no manager rating in the cycle, status carried)
    backup: Path | None = None  # the version the write replaced (--backup)
    store: Any = None  # store.write.StorePlan: the history store written with the workbook
    unstored: Path | None = None  # the store file `unstore` removed (or its backup)
    seconds: float = 0.0

    @property
    def stopped(self) -> bool:
        """True when errors kept the workbook from being written."""
        return self.written is None


def merge(
    workbook: PathLike,
    exports: Sequence[PathLike],
    *,
    out: PathLike | None = None,
    replace_cycles: Sequence[str] = (),
    cycle: str | None = None,
    analyse_cycle: str | None = None,
    labels: Mapping[str, float] | None = None,
    mapping: Any = None,
    evidence: pd.DataFrame | None = None,
    evidence_replaces: Sequence[str] = (),
    backup: bool = False,
    force: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
    rows_per_sheet: int = ROWS_PER_SHEET,
    append_history: bool = True,
    history_store: bool = False,
    unstore: bool = False,
) -> MergeResult:
    """Import exports into the workbook's history and regenerate the analysis sheets.

    `evidence` adds promotion evidence rows (columns of the evidence table) that come from
    elsewhere than an export, such as a calibration committee's decisions; its
    `evidence_replaces` columns replace what is recorded for its cycles and people, blanks
    included (see merge_evidence). Returns the result
    with `written=None` when check found errors or a changed rating needs `replace_cycles`;
    the workbook is then untouched. `rows_per_sheet` is a test hook (history sheets split
    before Excel's row limit); leave it as it is.

    When the merged history is the recorded one plus rows after it, the recorded history
    sheets are kept as they are and only the new rows are appended (`result.history_write`
    says which path was taken and why; see docs/writeback.md).

    `history_store` opts the workbook into a history store (ladder_sheets/store): the whole
    history goes into a Parquet file beside the workbook and Ratings History keeps the cycles
    readiness and trends need. A workbook that has opted in keeps its store on every merge.
    `unstore` opts out (`history unstore`): the whole history, the store's cycles and the
    sheet's, is written into Ratings History, the History Store sheet is removed and the store
    file deleted (kept as NAME.history.bak.parquet with `backup`), only once the workbook is
    written."""
    from ladder_sheets.xlsx.writeback import fingerprint

    started = dt.datetime.now()
    say = progress or (lambda _msg: None)
    workbook = Path(workbook)
    replace_cycles = [_cycle_option(c, "--replace-cycle") for c in replace_cycles]
    before = fingerprint(workbook)

    say(f"Checking {workbook.name} and {len(exports)} export(s)")
    checked = check(workbook, exports, labels=labels, cycle=cycle, mapping=mapping)
    result = MergeResult(report=checked.report)
    if result.report.errors:
        return result
    existing, merged = _merge_ratings(checked, replace_cycles, now, result, say)
    if len(merged.conflicts):
        return result  # a changed rating: errors said, nothing written
    result.evidence_before = checked.framework.evidence.data
    # History store (ladder_sheets/store): on when asked or when the workbook has one.
    unstoring = unstore and checked.framework.store is not None
    if not unstoring and (history_store or checked.framework.store is not None):
        from ladder_sheets.store.write import StorePlan

        target = Path(out) if out is not None else workbook
        result.store = StorePlan.of(checked.framework, merged.history, target, now)
    tables = _Merged.of(
        workbook,
        checked,
        existing,
        merged,
        evidence,
        evidence_replaces,
        rows_per_sheet,
        result.store,
    )
    planned = None
    if not dry_run and result.store is None and append_history and not unstoring:
        planned = plan_history_write(
            workbook, checked, existing, merged, tables.sheets, rows_per_sheet
        )
        # The append is decided: the recorded rows as read, check's ratings they are part of
        # and its typed history are not needed again. Let go before the analysis, the write
        # and the cache's extension, each of which held them too (three copies of the history)
        existing = tables.existing = pd.DataFrame()
        _release_history(checked)
    say("Computing gaps and promotion readiness")
    _analyse(checked.framework, tables, analyse_cycle, now, result)
    carry = None
    if not dry_run:
        # a write that keeps the history sheets re-keys their cache instead of reading them
        carry = history_cache.carry_from(workbook)
        _write(
            workbook,
            checked,
            tables,
            result,
            say,
            before=before,
            out=out,
            backup=backup,
            force=force,
            rows_per_sheet=rows_per_sheet,
            append_history=append_history and not unstoring,  # the sheet gets every row
            remove=(STORE_SHEET,) if unstoring else (),
            planned=planned,
        )
        if unstoring and result.written is not None:
            result.unstored = _drop_store(checked.framework.store.path, backup)
    written = result.written
    carried = written is not None and history_cache.carry_to(carry, written)
    rows, inputs = len(tables.history), checked.history_inputs
    # The refresh reads the whole history again (the extension the cached one): not while the
    # history as read, its typed copy and the tables written are held as well (that was
    # merge's peak memory).
    del checked, existing, tables
    if written is not None and not carried and _appended_only(result):
        # rows appended to the last history sheet: the cache is the old one plus those rows
        assert result.history_write is not None
        sheet = result.history_write.appended_to[0]
        carried = history_extend.extend(carry, written, inputs, sheet)
    if written is not None and not carried and rows >= history_cache.MIN_ROWS:
        refresh_history_cache(written, mapping)  # what comes next reads only the rest
    result.seconds = (dt.datetime.now() - started).total_seconds()
    return result


def _release_history(checked: Any) -> None:
    """Drop check's combined ratings and its typed history (every recorded row each) from
    `checked`: merge needs neither once the history is merged and its write planned."""
    from ladder_sheets.schema.ratings import combine

    framework = checked.framework
    checked.ratings = combine("history", [])
    if "history" in framework.tables:
        framework.tables["history"] = Table.empty("history", framework.history.file)
    # the reading's history as read and typed (a cold reading holds both, 1.7M rows each at
    # 10,000 people); check has kept what the cache's extension needs (history_inputs)
    framework.history_cache = None


def _appended_only(result: MergeResult) -> bool:
    """Rows appended to one history sheet, no sheet started, no store: what
    history_extend.extend can cache without reading the history again."""
    done = result.history_write
    return (
        done is not None
        and done.path == "append"
        and done.rows > 0
        and not done.new_sheets
        and len(done.appended_to) == 1
        and result.store is None
        and result.unstored is None
    )


def _merge_ratings(
    checked: Any,
    replace_cycles: list[str],
    now: dt.datetime | None,
    result: MergeResult,
    say: Callable[[str], None],
) -> tuple[pd.DataFrame, HistoryMerge]:
    """(the recorded history, it merged with the exports' ratings); each changed rating an
    error in the report."""
    framework, report = checked.framework, result.report
    existing, incoming = split_ratings(framework, checked.ratings)
    result.cycles_imported = sorted({c for c in incoming["cycle"].dropna().unique()})
    say(f"Merging {len(incoming)} rating(s) for {', '.join(result.cycles_imported) or '-'}")
    merged = merge_history(existing, incoming, replace_cycles=replace_cycles, imported_at=now)
    result.history = merged
    # check warned about each changed rating; for merge they are errors, said once.
    report.findings = [f for f in report.findings if f.code != "rating-changed"]
    for row in merged.conflicts.itertuples(index=False):
        report.add(
            error(
                "rating-changed",
                f"{row.employee_id}, {row.competency}, {row.cycle} ({row.rater_type}): the export "
                f"says {_num(row.new_rating)} but {framework.sheet('history')} holds "
                f"{_num(row.old_rating)} "
                f"(imported from {str(row.old_source or 'the workbook')}).",
                f"If the export is a correction, run merge again with --replace-cycle {row.cycle}.",
                checked.ratings.where(row.new_where, "rating"),
            )
        )
    return existing, merged


@dataclass
class _Merged:
    """The history and evidence as merge is about to write them, on the sheets they go to."""

    history: pd.DataFrame
    evidence: pd.DataFrame
    history_table: Table
    evidence_table: Table
    sheets: OwnedSheets
    existing: pd.DataFrame  # the history as recorded before the merge
    merged: HistoryMerge

    @classmethod
    def of(
        cls,
        workbook: Path,
        checked: Any,
        existing: pd.DataFrame,
        merged: HistoryMerge,
        evidence: pd.DataFrame | None,
        evidence_replaces: Sequence[str],
        rows_per_sheet: int,
        store: Any = None,
    ) -> _Merged:
        framework = checked.framework
        brought = [e.data for e in checked.evidence if len(e.data)]
        if evidence is not None and len(evidence):
            brought.append(evidence)
        all_evidence = merge_evidence(
            framework.evidence.data,
            pd.concat(brought, ignore_index=True) if brought else pd.DataFrame(),
        )
        if evidence is not None and len(evidence) and evidence_replaces:
            all_evidence = merge_evidence(all_evidence, evidence, replace=evidence_replaces)
        sheets = OwnedSheets.of(framework)
        file = str(workbook)
        history_table = (
            _table("history", merged.history, file, sheets.history, rows_per_sheet)
            if store is None
            else store.table(sheets.history, rows_per_sheet, partial(_table, "history"))
        )
        return cls(
            store.history if store is not None else merged.history,
            all_evidence,
            history_table,
            _table("evidence", all_evidence, file, sheets.evidence),
            sheets,
            existing,
            merged,
        )


def _analyse(
    framework: Framework,
    tables: _Merged,
    cycle: str | None,
    now: dt.datetime | None,
    result: MergeResult,
) -> None:
    """Gap Analysis and Promotion Readiness of the merged history (analysis/analyse.py), and
    the framework version each cycle is judged by."""
    from ladder_sheets.analysis.analyse import analyse
    from ladder_sheets.analysis.in_force import record_cycles
    from ladder_sheets.analysis.readiness import not_rated_yet

    done = analyse(framework, tables.history_table, tables.evidence_table, cycle=cycle)
    result.gaps, result.readiness, result.cycle = done.gaps, done.readiness, done.cycle
    # Cycles not recorded yet (those imported now; on the first merge, the whole history) are
    # judged by the framework as it is now.
    cycles = [str(c) for c in tables.history["cycle"].dropna().unique()]
    result.versions = record_cycles(framework.versions, cycles, framework, now)
    result.not_rated = not_rated_yet(done.readiness, done.index, done.cycle)


def _write(
    workbook: Path,
    checked: Any,
    tables: _Merged,
    result: MergeResult,
    say: Callable[[str], None],
    *,
    before: Any,
    out: PathLike | None,
    backup: bool,
    force: bool,
    rows_per_sheet: int,
    append_history: bool,
    remove: Sequence[str] = (),
    planned: tuple[AppendPlan | None, list[PreparedAppend], HistoryWrite] | None = None,
) -> None:
    """Ratings History (appended to where that gives the same history, else rewritten),
    Promotion Evidence and the analysis sheets, through the lossless write-back. `planned`:
    plan_history_write's answer, where it was asked already."""
    from ladder_sheets.xlsx.writeback import write_back

    sheets = tables.sheets
    store = result.store
    prepared: list[PreparedAppend] = []
    if store is not None:  # the whole history goes to the store; the sheet keeps a few cycles
        plan, prepared, result.history_write = _store_sheet_write(
            workbook, checked, tables, store, rows_per_sheet, append_history
        )
    elif planned is not None:
        plan, prepared, result.history_write = planned
    elif append_history:
        plan, prepared, result.history_write = plan_history_write(
            workbook, checked, tables.existing, tables.merged, sheets, rows_per_sheet
        )
    else:
        plan, prepared = None, []
        result.history_write = HistoryWrite.rewrite("rewrite-asked", "asked to rewrite")
    say(
        f"Writing {sheets.history} ({result.history_write.path}), {GAP_SHEET} and {READINESS_SHEET}"
    )
    build = sheet_builder(
        store.sheet_rows if store is not None else tables.history,
        tables.evidence,
        result.gaps,
        result.readiness,
        result.cycle,
        sheets,
        plan=plan,
        rows_per_sheet=rows_per_sheet,
        versions=result.versions,
        store_record=store.write_temp() if store is not None else None,
    )
    versions_sheet = (VERSIONS_SHEET,) if checked.framework.versions is not None else ()
    try:
        written = write_back(
            workbook,
            build,
            out=Path(out) if out is not None else None,
            backup=backup,
            expect=before,
            force=force,
            adopt=(*sheets.adopt(), *versions_sheet, *(store.sheets if store else ())),
            appends=prepared,
            remove=remove,
        )
    except BaseException:
        if store is not None:
            store.discard()
        raise
    if store is not None:
        store.commit(backup)
    result.written = written.path
    result.backup = written.backup
    result.renamed = list(written.renamed)


def _drop_store(path: Path, backup: bool) -> Path:
    """The store file out of the way once the workbook holds the whole history: deleted, or
    renamed NAME.history.bak.parquet with `backup`. A workbook beside a store it does not
    record is refused (store/attach.py), so a failure here is said, never left silent."""
    from ladder_sheets.errors import os_problem
    from ladder_sheets.xlsx.safe_write import keep_backup

    try:
        kept = keep_backup(path) if backup else path
        path.unlink()
    except OSError as exc:
        raise os_problem(exc, path, "remove the history store") from None
    return kept


def _store_sheet_write(
    workbook: Path,
    checked: Any,
    tables: _Merged,
    store: Any,
    rows_per_sheet: int,
    append_history: bool,
) -> tuple[AppendPlan | None, list[PreparedAppend], HistoryWrite]:
    """Ratings History of a workbook whose history is in a store (ladder_sheets/store): the
    new rows appended when the sheet keeps the cycles it kept, else the kept cycles rewritten."""
    sheets = tables.sheets
    reason = f"the whole history is in {store.path.name}; {sheets.history} keeps " + (
        ", ".join(store.kept) or "no cycle"
    )
    if append_history and store.appends:
        from_store = checked.ratings.sheets.reindex(tables.existing.index).eq(store.store_file)
        in_sheet = tables.existing[~from_store.to_numpy(dtype=bool)]
        sheet_merge = replace(tables.merged, history=store.sheet_rows)
        plan, prepared, done = plan_history_write(
            workbook, checked, in_sheet, sheet_merge, sheets, rows_per_sheet
        )
        if plan is not None:
            return plan, prepared, done
        reason += f" (rewritten: {done.reason})"
    return None, [], HistoryWrite.rewrite("history-store", reason)


@dataclass
class OwnedSheets:
    """The sheets merge writes the history and evidence into: the workbook's own (by the name
    it uses, e.g. "Ratings"), else the template's names. Every sheet these tables were read
    from is rewritten: with the rows that now belong there, or emptied to its header when the
    history needs fewer sheets than before, so no row is ever read twice."""

    history: str = HISTORY_SHEET
    evidence: str = EVIDENCE_SHEET
    read_history: tuple[str, ...] = ()
    read_evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, framework: Framework) -> OwnedSheets:
        history = tuple(framework.sources.get("history", []))
        if framework.store is not None:  # the store file is no sheet (ladder_sheets/store)
            history = tuple(s for s in history if s != framework.store.record.file)
        evidence = tuple(framework.sources.get("evidence", []))
        return cls(
            history=history[0] if history else HISTORY_SHEET,
            evidence=evidence[0] if evidence else EVIDENCE_SHEET,
            read_history=history,
            read_evidence=evidence,
        )

    def adopt(self) -> tuple[str, ...]:
        return (self.history, self.evidence, *self.read_history, *self.read_evidence)


def sheet_builder(
    history: pd.DataFrame,
    evidence: pd.DataFrame,
    gaps: pd.DataFrame,
    readiness: pd.DataFrame,
    cycle: str | None,
    sheets: OwnedSheets | None = None,
    *,
    plan: AppendPlan | None = None,
    rows_per_sheet: int = ROWS_PER_SHEET,
    versions: FrameworkVersions | None = None,
    store_record: Any = None,
) -> Callable[[Any], None]:
    """The function the write-back engine calls to build the generated sheets. With an append
    `plan`, the recorded history sheets are left to the write-back (kept, rows appended) and
    only the continuation sheets the new rows open are built."""
    from ladder_sheets.sheets.gap import build_gap_sheet
    from ladder_sheets.sheets.history import build_evidence_sheet, build_history_sheet
    from ladder_sheets.sheets.readiness import build_readiness_sheet
    from ladder_sheets.sheets.versions import build_versions_sheet

    owned = sheets or OwnedSheets()

    def build(wb: Any) -> None:
        if plan is None:
            written = build_history_sheet(
                wb, history, name=owned.history, rows_per_sheet=rows_per_sheet
            )
        else:
            written = list(plan.kept)
            if len(plan.overflow):
                written += build_history_sheet(
                    wb,
                    plan.overflow,
                    name=plan.base,
                    rows_per_sheet=rows_per_sheet,
                    first_number=plan.first_new,
                )
        for stale in owned.read_history:
            if stale not in written:
                build_history_sheet(wb, history.iloc[0:0], name=stale)
        written = build_evidence_sheet(wb, evidence, name=owned.evidence)
        for stale in owned.read_evidence:
            if stale not in written:
                build_evidence_sheet(wb, evidence.iloc[0:0], name=stale)
        build_gap_sheet(wb, gaps, cycle=cycle or "", name=GAP_SHEET, link_ratings=True)
        build_readiness_sheet(
            wb, readiness, cycle=cycle or "", name=READINESS_SHEET, link_ratings=True
        )
        if versions is not None and versions.versions:
            build_versions_sheet(wb, versions)
        if store_record is not None:
            from ladder_sheets.store.record import build_store_sheet

            build_store_sheet(wb, store_record, Path(store_record.where.file or "").name)

    return build


def plan_history_write(
    workbook: Path,
    checked: Any,
    existing: pd.DataFrame,
    merged: HistoryMerge,
    sheets: OwnedSheets,
    rows_per_sheet: int,
) -> tuple[AppendPlan | None, list[PreparedAppend], HistoryWrite]:
    """Append to the recorded history sheets when that gives the same history as a rewrite:
    (plan, prepared sheets, what was decided). Decided from the rows read and, while each
    kept sheet streams past, from its XML; any doubt takes the full rewrite."""
    from ladder_sheets.commands.append_plan import plan_append
    from ladder_sheets.sheets.history import COLUMNS
    from ladder_sheets.xlsx.append.prepare import (
        NotAppendable,
        SheetAppend,
        check_kept_sheet,
        prepare_append,
    )

    ratings = checked.ratings
    cell = getattr(ratings, "cell", None)  # a lazy place map, where the reader keeps one

    def cell_of(index: Any, column: str) -> str:
        if cell is not None:
            return str(cell(index, column) or "")
        return str(ratings.cells.at[index, column] or "")

    planned = plan_append(
        existing,
        ratings.sheets,
        cell_of,
        merged,
        sheets.read_history,
        checked.framework.sheet_names,
        rows_per_sheet,
    )
    if isinstance(planned, HistoryWrite):
        return None, [], planned
    prepared: list[PreparedAppend] = []
    last = planned.kept[-1]
    try:
        # a kept sheet scanned in full gets a record of what the scan found in its marker, so
        # that the next merges need not scan it again (xlsx/append/record.py: ScanRecord)
        for name, rows in zip(planned.kept[:-1], planned.kept_rows[:-1], strict=True):
            prepared += filter(None, [check_kept_sheet(workbook, name, COLUMNS, rows)])
        if len(planned.into_last):
            request = SheetAppend(last, COLUMNS, planned.kept_rows[-1], planned.into_last)
            prepared.append(prepare_append(workbook, request))
        else:
            kept = check_kept_sheet(workbook, last, COLUMNS, planned.kept_rows[-1])
            prepared += filter(None, [kept])
    except NotAppendable as exc:
        return None, [], HistoryWrite.rewrite(exc.code, exc.message)
    planned.kept_rows = []  # checked against the sheets; the recorded rows are let go
    added = len(planned.into_last) + len(planned.overflow)
    done = HistoryWrite(
        "append",
        "appended" if added else "nothing-new",
        f"kept the {len(existing)} recorded row(s) as they are and appended {added}",
        appended_to=[last] if len(planned.into_last) else [],
        new_sheets=planned.new_sheet_names(rows_per_sheet),
        rows=added,
    )
    return planned, prepared, done


def split_ratings(framework: Framework, ratings: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed ratings -> (what the workbook's history holds, what the exports bring).

    Rows from the workbook come from its Ratings History sheet(s); every other row is from an
    export and carries its row label in `ratings` ("where"), so a conflict can name its place
    without computing places for a million rows that have none."""
    from ladder_sheets.schema.ratings import recorded_rows

    data = ratings.data
    # Each part taken from the ratings as they are (no copy of the whole history first: at
    # 2,000 people x 8 cycles that copy was 25 MB still held while merge writes).
    mask = recorded_rows(ratings, framework).to_numpy(dtype=bool)
    recorded = int(mask.sum())
    if mask[:recorded].all():  # the history's rows first, as check combines them: no copies
        existing, incoming = data.iloc[:recorded], data.iloc[recorded:]
    else:
        existing, incoming = data[mask], data[~mask]
    return existing, incoming.assign(where=incoming.index)


def _table(
    name: str, data: pd.DataFrame, file: str, sheet_name: str, rows_per_sheet: int = ROWS_PER_SHEET
) -> Table:
    """The table as merge is about to write it: every value's cell is where it will be on the
    regenerated sheet (header on row 1, continuation sheets past Excel's row limit), so Gap
    Analysis can point each rating at its row of Ratings History."""
    from ladder_sheets.sheets.history import continuation_name

    data = data.reset_index(drop=True)
    position = np.arange(len(data))
    number = position // rows_per_sheet + 1
    letters = {column: column_letters(i) for i, column in enumerate(data.columns)}
    places = CellMap(list(data.columns), [SheetRows(position % rows_per_sheet + 2, letters)])
    names = np.array(
        [continuation_name(sheet_name, n) for n in range(1, int(number.max(initial=0)) + 1)],
        dtype=object,
    )
    sheets = pd.Series(names[number - 1] if len(data) else [], dtype=object)
    return Table(name, data, places, sheets, file)


def _cycle_option(value: str, option: str) -> str:
    """A cycle the user typed ("Q3 2026", "2026Q3") as the history records it ("2026-Q3")."""
    from ladder_sheets.errors import OptionError
    from ladder_sheets.values import parse_cycle

    try:
        parsed = parse_cycle(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise OptionError(
            f"{option} '{value}' is not a review cycle",
            hint=f"write the quarter like 2026-Q3, e.g. {option} 2026-Q3",
        )
    return parsed


def _num(value: Any) -> str:
    f = float(value)
    return str(int(f)) if f.is_integer() else f"{f:g}"
