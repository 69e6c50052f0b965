"""`calibrate`: the quarterly calibration prep pack, from the workbook's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.api import PathLike, check
from ladder_sheets.commands.merge import MergeResult
from ladder_sheets.errors import DataError, OptionError
from ladder_sheets.findings import Report
from ladder_sheets.workbook.decisions import CONFIRMS


@dataclass
class CalibrateResult:
    report: Report
    written: Path | None = None
    cycle: str | None = None
    people: int = 0
    ratings: int = 0
    seconds: float = 0.0


def calibrate(
    workbook: PathLike,
    out: PathLike,
    *,
    cycle: str | None = None,
    family: str | None = None,
    mapping: Any = None,
) -> CalibrateResult:
    """Write the calibration prep pack for `cycle` (default: the latest with ratings)."""
    from ladder_sheets.analysis.analyse import analyse
    from ladder_sheets.sheets.calibration_pack import write_calibration_pack
    from ladder_sheets.values import parse_cycle

    started = dt.datetime.now()
    workbook = Path(workbook)
    checked = check(workbook, mapping=mapping)
    result = CalibrateResult(report=checked.report)
    if checked.report.errors:
        return result
    fw = checked.framework
    history = fw.history.data
    history_sheet = fw.sheet("history")
    # each row's cycle as a number among the distinct ones: one pass over a long history
    cycle_codes: np.ndarray = np.empty(0, dtype=np.intp)
    cycles: list[str] = []
    if not history.empty:
        cycle_codes, distinct = pd.factorize(history["cycle"].to_numpy(dtype=object))
        cycles = list(distinct)
    if not len(cycles):
        raise DataError(
            "the workbook holds no ratings yet, so there is nothing to calibrate",
            file=str(workbook),
            sheet=history_sheet,
            hint="run `ladder-sheets merge WORKBOOK EXPORT` with the cycle's review export first",
        )
    known = sorted(cycles)
    try:
        chosen = str(parse_cycle(cycle) if cycle else known[-1])
    except ValueError:
        raise OptionError(
            f"--cycle '{cycle}' is not a review cycle", hint=f"e.g. --cycle {known[-1]}"
        ) from None
    if chosen not in known:
        raise OptionError(
            f"no ratings for cycle {cycle} in {history_sheet} (it holds {', '.join(known)})",
            file=str(workbook),
            sheet=history_sheet,
            hint=f"pass one of the recorded cycles, e.g. --cycle {known[-1]}",
        )
    if family is not None:
        from ladder_sheets.analysis.ladder import key as folded

        families = sorted({str(f) for f in fw.levels.data["family"].dropna()})
        family = {folded(f): f for f in families}.get(folded(family), family)
        if family not in families:
            from ladder_sheets.values import did_you_mean

            raise OptionError(
                f"no job family '{family}' on the {fw.sheet('levels')} sheet."
                + did_you_mean(family, families),
                file=str(workbook),
                sheet=fw.sheet("levels"),
                hint=f"families in this workbook: {', '.join(families)}",
            )
    readiness = analyse(fw, cycle=chosen, gaps=False).readiness
    result.written = write_calibration_pack(
        out,
        framework=fw,
        ratings=history,
        readiness=readiness,
        cycle=chosen,
        family=family,
        framework_version=_version(workbook),
    )
    result.cycle = chosen
    in_cycle = pd.Series(cycle_codes == cycles.index(chosen), index=history.index)
    # the counts printed are the pack's: people on Employees (not those who left), and with
    # --family that family's only
    from ladder_sheets.analysis.ladder import key

    staff = fw.employees.data
    if family is not None:
        readiness = readiness[readiness["family"].map(key) == key(family)]
        staff = staff.loc[staff["family"].map(key) == key(family)]
    ids = {key(e) for e in staff["employee_id"]}
    in_cycle &= history["employee_id"].map(key).isin(ids)
    result.people = int(len(readiness))
    result.ratings = int(in_cycle.sum())
    result.seconds = (dt.datetime.now() - started).total_seconds()
    return result


def _version(workbook: Path) -> str:
    stamp = dt.datetime.fromtimestamp(workbook.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return f"{workbook.name}, saved {stamp}"


NOTE_PREFIX = "Calibration: "


@dataclass
class Change:
    """A decision the committee changed for a person and cycle: both values."""

    employee_id: str
    cycle: str
    before: str
    after: str
    cell: str


@dataclass
class ApplyResult:
    merged: MergeResult
    confirmed: int = 0
    declined: int = 0
    pending: int = 0
    changed: list[Change] = field(default_factory=list)


def apply_decisions(
    workbook: PathLike,
    pack: PathLike,
    *,
    out: PathLike | None = None,
    backup: bool = False,
    mapping: Any = None,
) -> ApplyResult:
    """Record the committee's decisions from a calibration pack in Promotion Evidence and
    regenerate the analysis sheets. The decisions are a log per cycle: "Promote" confirms
    calibration, "Not yet" withholds it (the status for that cycle is then Not yet, see
    analysis.readiness), "Defer" and "Needs more evidence" leave it open; each is noted as
    "Calibration: DECISION". Applying a pack again replaces a person's decision for the
    cycle, and every change is reported with both values. A pack with no decision filled in
    writes nothing (DataError)."""
    from ladder_sheets.analysis.rating_index import cycle_of
    from ladder_sheets.commands.merge import merge
    from ladder_sheets.workbook.decisions import CANDIDATES_SHEET, read_decisions

    decisions = read_decisions(pack)
    decisions = decisions[decisions["decision"].map(bool)]
    if decisions.empty:
        raise DataError(
            "no committee decision is filled in, so nothing was recorded and the workbook "
            "is unchanged",
            file=str(pack),
            sheet=CANDIDATES_SHEET,
            hint="choose a decision in the Committee Decision column for each person the "
            "committee discussed, save the pack, then run --apply again",
        )
    rows = []
    counts: dict[bool | None, int] = {True: 0, False: 0, None: 0}
    for d in decisions.itertuples(index=False):
        decision, notes = str(d.decision), str(d.notes or "")
        confirms = CONFIRMS.get(decision)
        counts[confirms] += 1
        rows.append(
            {
                "cycle": d.cycle,
                "employee_id": d.employee_id,
                "calibrated": confirms,
                "note": NOTE_PREFIX + decision + (f" ({notes})" if notes else ""),
                "source": Path(pack).name,
            }
        )
    merged = merge(
        workbook,
        [],
        out=out,
        backup=backup,
        mapping=mapping,
        evidence=pd.DataFrame(rows),
        evidence_replaces=("calibrated", "note"),
    )
    recorded = _recorded_decisions(merged.evidence_before)
    changed = []
    for d in decisions.itertuples(index=False):
        cycle, emp, now = str(cycle_of(d.cycle) or d.cycle), str(d.employee_id), str(d.decision)
        before = recorded.get((cycle, emp))
        if before is not None and before != now:
            changed.append(Change(emp, cycle, before, now, str(d.cell)))
    return ApplyResult(merged, counts[True], counts[False], counts[None], changed)


def _recorded_decisions(evidence: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(cycle, employee) -> the committee decision Promotion Evidence holds: from its note
    ("Calibration: Not yet (...)"), else from Calibration Confirmed (Yes: Promote, No: Not
    yet)."""
    from ladder_sheets.analysis.rating_index import cycle_of, flag
    from ladder_sheets.values import clean_text

    out: dict[tuple[str, str], str] = {}
    by_confirm = {True: "Promote", False: "Not yet"}
    for rec in evidence.to_dict("records"):
        cycle, emp = cycle_of(rec.get("cycle")), clean_text(rec.get("employee_id"))
        if cycle is None or not emp:
            continue
        note = clean_text(rec.get("note")) or ""
        said = next(
            (d for d in CONFIRMS if note.startswith(NOTE_PREFIX + d)),
            by_confirm.get(flag(rec.get("calibrated"))),  # type: ignore[arg-type]
        )
        if said is not None:
            out[(cycle, str(emp))] = said
    return out
