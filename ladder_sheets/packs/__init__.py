"""`packs`: a gap workbook for each manager (direct reports, or the whole line) or employee.

The framework is checked and analysed once; then each recipient's tables are cut down to the
people in their scope (`recipients.Recipient.people`) before anything is written, and each pack
is written from that cut alone. With many recipients the writing is spread over the machine's
cores. Optional encryption uses msoffcrypto-tool (ECMA-376 agile encryption, as Excel does).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..api import PathLike, check
from ..errors import DataError, LadderError, UnreadableFile
from ..findings import Report
from ..merge import analysed_cycle
from ..values import cycle_end
from .recipients import Recipient, recipients
from .workbook import PackData, write_pack

PARALLEL_FROM = 24  # below this many packs, starting worker processes costs more than it saves


@dataclass
class PacksResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    cycle: str | None = None
    passwords_file: Path | None = None
    seconds: float = 0.0


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
) -> PacksResult:
    from ..analysis.gaps import gap_table
    from ..analysis.readiness import readiness_table

    started = dt.datetime.now()
    checked = check(workbook, mapping=mapping)
    result = PacksResult(report=checked.report)
    if checked.report.errors:
        return result
    fw = checked.framework
    history = fw.history
    gaps = gap_table(fw, history, cycle=cycle)
    readiness = readiness_table(fw, history, fw.evidence, cycle=cycle)
    analysed = analysed_cycle(gaps, readiness, cycle)
    if analysed is None:
        raise DataError(
            "the workbook holds no ratings yet, so there is nothing to put in packs",
            file=str(workbook),
            sheet="Ratings History",
            hint="run `ladder-sheets merge WORKBOOK EXPORT` with the cycle's review export first",
        )
    result.cycle = analysed
    people = fw.employees.data.copy()
    people["employee_id"] = people["employee_id"].map(_id)
    people["manager_id"] = people["manager_id"].map(_id)
    gaps = gaps.assign(employee_id=gaps["employee_id"].map(_id))
    readiness = readiness.assign(employee_id=readiness["employee_id"].map(_id))
    trend = _manager_trend(history.data)
    levels = fw.levels.data[["family", "track", "level", "title", "scope"]].copy()
    behaviors = fw.behaviors.data[["family", "level", "competency", "behavior"]].copy()

    chosen = recipients(people, by=by, tree=tree, only=only)
    missing = sorted(set(map(str, only)) - {r.employee_id for r in chosen})
    if missing:
        raise DataError(
            f"no employee with ID {', '.join(missing)} in the Employees sheet",
            file=str(workbook),
            sheet="Employees",
            hint="use the IDs of the Employee ID column",
        )
    result.recipients = chosen
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.combine(cycle_end(analysed), dt.time(12, 0))
    tasks = []
    for r in chosen:
        scope = list(r.people)
        data = PackData(
            kind=r.kind,
            recipient_id=r.employee_id,
            recipient_name=r.name,
            cycle=analysed,
            people=_ordered(people, scope),
            gaps=gaps[gaps["employee_id"].isin(scope)].reset_index(drop=True),
            readiness=readiness[readiness["employee_id"].isin(scope)].reset_index(drop=True),
            trend=trend[trend["employee_id"].isin(scope)].reset_index(drop=True),
            levels=levels,
            next_behaviors=behaviors if r.kind == "employee" else behaviors.iloc[0:0],
            created=created,
        )
        tasks.append((out / r.file_name, data))
    result.written = _write_all(tasks, jobs, progress)

    if encrypt:
        result.passwords_file = _encrypt_all(chosen, result.written, out, passwords, passwords_out)
    result.seconds = (dt.datetime.now() - started).total_seconds()
    return result


def _write_all(
    tasks: list[tuple[Path, PackData]],
    jobs: int | None,
    progress: Callable[[int, int], None] | None,
) -> list[Path]:
    jobs = jobs or os.cpu_count() or 1
    done: list[Path] = []
    total = len(tasks)
    if jobs <= 1 or total < PARALLEL_FROM:
        for path, data in tasks:
            done.append(write_pack(path, data))
            if progress:
                progress(len(done), total)
        return done
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, total // (jobs * 8))
        for path in pool.map(_write_one, tasks, chunksize=chunk):
            done.append(path)
            if progress:
                progress(len(done), total)
    return done


def _write_one(task: tuple[Path, PackData]) -> Path:
    return write_pack(*task)


def _encrypt_all(
    chosen: list[Recipient],
    files: list[Path],
    out: Path,
    passwords: PathLike | None,
    passwords_out: PathLike | None,
) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    given = read_passwords(Path(passwords)) if passwords else {}
    lacking = [r.employee_id for r in chosen if given and r.employee_id not in given]
    if lacking:
        raise DataError(
            f"no password for {len(lacking)} recipient(s): {', '.join(lacking[:10])}",
            file=str(passwords),
            hint="add a row (Employee ID, Password) for each, or leave out --passwords to "
            "have passwords generated",
        )
    used: dict[str, str] = {}
    for r, path in zip(chosen, files, strict=True):
        password = given.get(r.employee_id) or secrets.token_urlsafe(12)
        used[r.employee_id] = password
        plain = path.read_bytes()
        tmp = path.with_suffix(".encrypting")
        with tmp.open("wb") as fh:
            OOXMLFile(io.BytesIO(plain)).encrypt(password, fh)
        os.replace(tmp, path)
    target = Path(passwords_out) if passwords_out else out.parent / f"{out.name}-passwords.csv"
    if given and not passwords_out:
        return Path(str(passwords))
    with target.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Employee ID", "Name", "Email", "File", "Password"])
        for r in chosen:
            w.writerow([r.employee_id, r.name, r.email, r.file_name, used[r.employee_id]])
    return target


def read_passwords(path: Path) -> dict[str, str]:
    """A CSV of Employee ID and Password (header row required; other columns ignored)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(
            f"could not read the passwords file ({exc})",
            file=str(path),
            hint="save it as CSV (UTF-8) with the columns Employee ID and Password",
        ) from exc
    rows = list(csv.DictReader(text.splitlines()))
    norm = {k.strip().lower(): k for k in (rows[0].keys() if rows else [])}
    if "employee id" not in norm or "password" not in norm:
        raise LadderError(
            "the passwords file needs the columns 'Employee ID' and 'Password'",
            file=str(path),
            hint="add a header row: Employee ID,Password",
        )
    return {
        r[norm["employee id"]].strip(): r[norm["password"]]
        for r in rows
        if r.get(norm["employee id"]) and r.get(norm["password"])
    }


def _manager_trend(history: pd.DataFrame) -> pd.DataFrame:
    cols = ["employee_id", "competency", "cycle", "rating"]
    if history.empty:
        return pd.DataFrame(columns=cols)
    rater = history["rater_type"].fillna("manager").astype(str).str.lower()
    out = history.loc[rater.eq("manager"), cols].copy()
    out["employee_id"] = out["employee_id"].map(_id)
    return out.dropna(subset=["rating"])


def _ordered(people: pd.DataFrame, scope: list[str]) -> pd.DataFrame:
    pos = {e: i for i, e in enumerate(scope)}
    cut = people[people["employee_id"].isin(pos)]
    return cut.iloc[cut["employee_id"].map(pos).argsort()].reset_index(drop=True)


def _id(v: object) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = str(v).strip()
    return text or None
