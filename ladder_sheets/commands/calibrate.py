"""`calibrate`: the quarterly calibration prep pack, from the workbook's history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.api import PathLike, check
from ladder_sheets.commands.merge import MergeResult
from ladder_sheets.errors import DataError
from ladder_sheets.findings import Report


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
    if history.empty or history["cycle"].dropna().empty:
        raise DataError(
            "the workbook holds no ratings yet, so there is nothing to calibrate",
            file=str(workbook),
            sheet=history_sheet,
            hint="run `ladder-sheets merge WORKBOOK EXPORT` with the cycle's review export first",
        )
    known = sorted(history["cycle"].dropna().unique())
    chosen = str(parse_cycle(cycle) if cycle else known[-1])
    if chosen not in known:
        raise DataError(
            f"no ratings for cycle {cycle} in {history_sheet} (it holds {', '.join(known)})",
            file=str(workbook),
            sheet=history_sheet,
            hint=f"pass one of the recorded cycles, e.g. --cycle {known[-1]}",
        )
    if family is not None:
        families = sorted({str(f) for f in fw.levels.data["family"].dropna()})
        if family not in families:
            from ladder_sheets.values import did_you_mean

            raise DataError(
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
    result.people = int(len(readiness))
    result.ratings = int((history["cycle"] == chosen).sum())
    result.seconds = (dt.datetime.now() - started).total_seconds()
    return result


def _version(workbook: Path) -> str:
    stamp = dt.datetime.fromtimestamp(workbook.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return f"{workbook.name}, saved {stamp}"


@dataclass
class ApplyResult:
    merged: MergeResult
    confirmed: int = 0
    declined: int = 0
    pending: int = 0


def apply_decisions(
    workbook: PathLike,
    pack: PathLike,
    *,
    out: PathLike | None = None,
    backup: bool = False,
    mapping: Any = None,
) -> ApplyResult:
    """Record the committee's decisions from a calibration pack as calibration evidence
    ("Promote" confirms, "Not yet" withholds, the others record nothing) and regenerate the
    analysis sheets, so Ready pending sign-off becomes Ready where the committee confirmed."""
    from ladder_sheets.commands.merge import merge
    from ladder_sheets.workbook.decisions import CONFIRMS, read_decisions

    decisions = read_decisions(pack)
    rows = []
    counts = {True: 0, False: 0, None: 0}
    for d in decisions.itertuples(index=False):
        if not d.decision:
            continue
        confirms = CONFIRMS.get(str(d.decision))
        counts[confirms] += 1
        if confirms is None:
            continue
        decision, notes = str(d.decision), str(d.notes or "")
        note = f"Calibration: {decision}" + (f" ({notes})" if notes else "")
        rows.append(
            {
                "cycle": d.cycle,
                "employee_id": d.employee_id,
                "calibrated": confirms,
                "note": note,
                "source": Path(pack).name,
            }
        )
    merged = merge(
        workbook, [], out=out, backup=backup, mapping=mapping, evidence=pd.DataFrame(rows)
    )
    return ApplyResult(merged, counts[True], counts[False], counts[None])
