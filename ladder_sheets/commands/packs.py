"""`packs`: a gap workbook for each manager (direct reports, or the whole line) or employee.

The framework is checked and analysed once; the analysis tables are then cut once into a slice
per person (`slices.person_slices`), and each pack gets the slices of its recipient's people
(`recipients.Recipient.people`) and nothing else. With many recipients the packs are written by
worker processes, started before the check so each holds only the packs it is handed, never the
framework. Optional encryption (msoffcrypto-tool, ECMA-376 agile encryption, as Excel does)
happens in the worker, before the pack reaches the disk.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.api import PathLike, check
from ladder_sheets.errors import DataError
from ladder_sheets.findings import Report
from ladder_sheets.model import manager_rows
from ladder_sheets.packs.passwords import (
    pack_passwords,
    password_record,
    read_passwords,
    save_passwords,
)
from ladder_sheets.packs.recipients import Recipient, recipients
from ladder_sheets.packs.slices import PackData, behavior_rows, level_rows, pack_data, person_slices
from ladder_sheets.packs.workbook import write_pack
from ladder_sheets.values import cycle_end
from ladder_sheets.xlsx.safe_write import remove_stale_temps

__all__ = ["PacksResult", "read_passwords", "write_packs"]

PARALLEL_FROM = 24  # below this many packs, handing them to worker processes costs more
CHUNK_MAX = 16  # packs per hand-over: small enough to keep both workers busy to the end

PackTask = tuple[Path, PackData, str | None]


@dataclass
class PacksResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    cycle: str | None = None
    passwords_file: Path | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class PackOptions:
    """What `write_packs` was asked for, handed on as one value."""

    by: str
    cycle: str | None
    tree: bool
    only: tuple[str, ...]
    encrypt: bool
    passwords: PathLike | None
    passwords_out: PathLike | None
    mapping: Any
    progress: Callable[[int, int], None] | None
    sign_off: bool = False


def write_packs(
    workbook: PathLike,
    out_dir: PathLike,
    *,
    by: str = "manager",
    cycle: str | None = None,
    tree: bool = False,
    only: Sequence[str] = (),
    encrypt: bool = False,
    passwords: PathLike | None = None,
    passwords_out: PathLike | None = None,
    jobs: int | None = None,
    mapping: Any = None,
    progress: Callable[[int, int], None] | None = None,
    sign_off: bool = False,
) -> PacksResult:
    started = dt.datetime.now()
    jobs = jobs or _cores()
    # Workers forked now are small: they never hold the framework the check is about to read.
    # A run for a few named recipients stays in one process.
    few = bool(only) and len(set(only)) < PARALLEL_FROM
    pool = ProcessPoolExecutor(max_workers=jobs) if jobs > 1 and not few else None
    try:
        if pool is not None:
            pool.submit(_ready).result()
        options = PackOptions(
            by,
            cycle,
            tree,
            tuple(only),
            encrypt,
            passwords,
            passwords_out,
            mapping,
            progress,
            sign_off,
        )
        result = _prepare_and_write(workbook, Path(out_dir), pool, options)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    result.seconds = (dt.datetime.now() - started).total_seconds()
    return result


def _prepare_and_write(
    workbook: PathLike, out: Path, pool: ProcessPoolExecutor | None, options: PackOptions
) -> PacksResult:
    from ladder_sheets.analysis.analyse import analyse

    checked = check(workbook, mapping=options.mapping)
    result = PacksResult(report=checked.report)
    if checked.report.errors:
        return result
    fw = checked.framework
    done = analyse(fw, cycle=options.cycle)
    gaps, readiness, analysed = done.gaps, done.readiness, done.cycle
    if analysed is None:
        raise DataError(
            "the workbook holds no ratings yet, so there is nothing to put in packs",
            file=str(workbook),
            sheet=fw.sheet("history"),
            hint="run `ladder-sheets merge WORKBOOK EXPORT` with the cycle's review export first",
        )
    result.cycle = analysed
    people = fw.employees.data.copy()
    people["employee_id"] = people["employee_id"].map(_id)
    people["manager_id"] = people["manager_id"].map(_id)
    slices = person_slices(
        people,
        gaps.assign(employee_id=gaps["employee_id"].map(_id)),
        readiness.assign(employee_id=readiness["employee_id"].map(_id)),
        _manager_trend(fw.history.data),
        analysed,
    )
    levels, behaviors = level_rows(fw.levels.data), behavior_rows(fw.behaviors.data)
    employees_sheet = fw.sheet("employees")
    del checked, fw, gaps, readiness, done  # the slices hold all a pack shows; free the rest

    chosen = recipients(people, by=options.by, tree=options.tree, only=options.only)
    missing = sorted(set(map(str, options.only)) - {r.employee_id for r in chosen})
    if missing:
        raise DataError(
            f"no employee with ID {', '.join(missing)} in the {employees_sheet} sheet",
            file=str(workbook),
            sheet=employees_sheet,
            hint="use the IDs of the Employee ID column",
        )
    result.recipients = chosen
    used, generated = pack_passwords(chosen, options.passwords) if options.encrypt else ({}, False)
    if options.encrypt and (generated or options.passwords_out):
        password_record(out, options.passwords_out)  # refused inside the folder before any pack
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out)  # once here, not once per pack
    created = dt.datetime.combine(cycle_end(analysed), dt.time(12, 0))
    tasks = (
        (
            out / r.file_name,
            pack_data(
                r,
                slices,
                levels,
                behaviors,
                cycle=analysed,
                created=created,
                sign_off=options.sign_off,
            ),
            used.get(r.employee_id),
        )
        for r in chosen
    )
    result.written = _write_all(tasks, len(chosen), pool, options.progress)
    if options.encrypt:
        result.passwords_file = save_passwords(
            chosen, used, out, options.passwords, options.passwords_out, generated
        )
    return result


def _write_all(
    tasks: Iterable[PackTask],
    total: int,
    pool: ProcessPoolExecutor | None,
    progress: Callable[[int, int], None] | None,
) -> list[Path]:
    done: list[Path] = []
    if pool is None or total < PARALLEL_FROM:
        for task in tasks:
            done.append(write_pack(*task))
            if progress:
                progress(len(done), total)
        return done
    size = max(1, min(CHUNK_MAX, total // 8))
    # Each chunk is handed over as soon as it is cut, so workers write while the rest is cut.
    futures: list[Future[list[Path]]] = [pool.submit(_write_chunk, c) for c in _chunks(tasks, size)]
    for future in futures:
        done.extend(future.result())
        if progress:
            progress(len(done), total)
    return done


def _chunks(tasks: Iterable[PackTask], size: int) -> Iterator[list[PackTask]]:
    chunk: list[PackTask] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_chunk(chunk: list[PackTask]) -> list[Path]:
    return [write_pack(*task) for task in chunk]


def _ready() -> None:
    """Run once in the pool so its workers are forked before the check."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _manager_trend(history: pd.DataFrame) -> pd.DataFrame:
    cols = ["employee_id", "competency", "cycle", "rating"]
    if history.empty:
        return pd.DataFrame(columns=cols)
    out = history.loc[manager_rows(history["rater_type"]), cols].copy()
    out["employee_id"] = out["employee_id"].map(_id)
    return out.dropna(subset=["rating"])


def _id(v: object) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = str(v).strip()
    return text or None
