"""Parquet against DuckDB as the history store: size on disk, write of one cycle, read of all.

    python scripts/measure_store.py 2000 8 16

For each organisation size (people) and history length (cycles) from benchmarks/synthetic.py:
the history of all cycles but the last is in the store; "write" adds the last cycle the way the
store does it (Parquet: the file rewritten with the cycle appended, atomically; DuckDB: an
INSERT into the table, committed), "read" brings every row back as the pandas frame the reader
builds (object columns). Median of `runs` runs; the figures go in ladder_sheets/history_store.py.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import generate, history_rows  # noqa: E402


def _timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(people: int, cycles: int, runs: int = 5) -> dict[str, float]:
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    org = generate(people, cycles=cycles)
    history = history_rows(org, org.cycles).astype(object)
    history["rating"] = history["rating"].astype(float)
    history["imported_at"] = pd.to_datetime(history["imported_at"])
    last = org.cycles[-1]
    old, new = history[history["cycle"] != last], history[history["cycle"] == last]
    old_arrow = pa.Table.from_pandas(old, preserve_index=False)
    new_arrow = pa.Table.from_pandas(new, preserve_index=False)
    out: dict[str, float] = {"rows": len(history)}
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "h.parquet"

        def parquet_write() -> None:
            pq.write_table(old_arrow, store, compression="zstd")
            started = time.perf_counter()
            table = pa.concat_tables([pq.read_table(store), new_arrow])
            pq.write_table(table, store.with_suffix(".tmp"), compression="zstd")
            os.replace(store.with_suffix(".tmp"), store)
            out.setdefault("_pw", 0.0)
            out["_pw"] += time.perf_counter() - started

        _timed(parquet_write, runs)
        out["parquet_write_s"] = out.pop("_pw") / runs
        out["parquet_mb"] = store.stat().st_size / 1e6
        out["parquet_read_s"] = _timed(
            lambda: pq.read_table(store).to_pandas().astype(object), runs
        )

        db = Path(folder) / "h.duckdb"

        def duck_write() -> None:
            db.unlink(missing_ok=True)
            with duckdb.connect(str(db)) as con:
                con.register("old", old_arrow)
                con.execute("CREATE TABLE history AS SELECT * FROM old")
            started = time.perf_counter()
            with duckdb.connect(str(db)) as con:
                con.register("new", new_arrow)
                con.execute("INSERT INTO history SELECT * FROM new")
                con.execute("CHECKPOINT")
            out.setdefault("_dw", 0.0)
            out["_dw"] += time.perf_counter() - started

        _timed(duck_write, runs)
        out["duckdb_write_s"] = out.pop("_dw") / runs
        out["duckdb_mb"] = db.stat().st_size / 1e6

        def duck_read() -> None:
            with duckdb.connect(str(db), read_only=True) as con:
                con.sql("SELECT * FROM history").to_arrow_table().to_pandas().astype(object)

        out["duckdb_read_s"] = _timed(duck_read, runs)
    return out


def merge_cost(people: int, cycles: int, folder: Path) -> dict[str, float]:
    """merge of the last cycle and check after it, on the workbook with its history in its
    sheets and on the same workbook after `history store` (one run each: merges are slow)."""
    import shutil

    from benchmarks.synthetic import build
    from ladder_sheets.api import check
    from ladder_sheets.commands.merge import merge

    files = build(people, folder, cycles=cycles, reuse=True)
    plain, stored = folder / "plain.xlsx", folder / "stored.xlsx"
    for path in (plain, stored):
        shutil.copy(files.workbook, path)
        path.with_name(path.stem + ".history.parquet").unlink(missing_ok=True)
    out: dict[str, float] = {}

    def timed(key: str, action: Any) -> Any:
        started = time.perf_counter()
        result = action()
        out[key] = round(time.perf_counter() - started, 2)
        return result

    timed("opt_in_s", lambda: merge(stored, [], history_store=True))
    done = timed("merge_plain_s", lambda: merge(plain, [files.export]))
    out["plain_write"] = done.history_write.path
    done = timed("merge_store_s", lambda: merge(stored, [files.export]))
    out["store_write"] = done.history_write.path
    timed("check_plain_s", lambda: check(plain))
    timed("check_store_s", lambda: check(stored))
    out["plain_mb"] = round(plain.stat().st_size / 1e6, 2)
    out["stored_mb"] = round(stored.stat().st_size / 1e6, 2)
    out["store_mb"] = round(stored.with_name("stored.history.parquet").stat().st_size / 1e6, 3)
    return out


_CPU_CALL = """
import json, resource, sys
from pathlib import Path
from ladder_sheets.api import check
from ladder_sheets.commands.merge import merge
what, workbook, export = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
before = resource.getrusage(resource.RUSAGE_SELF)
if what == "merge":
    assert merge(workbook, [export]).written == workbook
else:
    check(workbook)
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
                  "peak_mb": after.ru_maxrss / 1024}))
"""


def cpu(inputs: Path, work: Path, runs: int = 2) -> dict[str, Any]:
    """CPU seconds (user + sys: the machine is shared, so not wall time) of merge of the last
    cycle and of check after it, without and with a history store, on a benchmark organisation
    (`benchmarks.run --work` folder: base/ holds the workbook with cycles 1..N-1 that merge
    wrote, the folder the export of cycle N). Each call in a fresh interpreter, imports before
    the clock; the cache beside the workbook warm as after a merge (a check first, untimed, or
    `history store`); `runs` runs of each, every one on a fresh copy."""
    import json
    import shutil
    import subprocess

    from ladder_sheets.api import check, read_framework
    from ladder_sheets.commands.merge import merge

    base = next((inputs / "base").glob("*.xlsx"))
    export = sorted(inputs.glob("reviews_*.csv"))[-1]
    out: dict[str, Any] = {"history_rows": len(read_framework(base).history.data)}
    for store in (False, True):
        for run in range(runs):
            folder = work / f"{inputs.name}-{'store' if store else 'sheet'}-{run}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            workbook = folder / base.name
            shutil.copy(base, workbook)
            if store:
                merge(workbook, [], history_store=True)
            else:
                check(workbook)  # the cache, as merge leaves it
            for what in ("merge", "check"):
                done = subprocess.run(
                    [sys.executable, "-c", _CPU_CALL, what, str(workbook), str(export)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                key = f"{what}_{'store' if store else 'sheet'}"
                out.setdefault(key, []).append(round(figures["cpu"], 2))
                out.setdefault(key + "_peak_mb", []).append(round(figures["peak_mb"]))
            if store:
                stored = read_framework(workbook).store
                out["rows_in_store"] = stored.rows if stored is not None else 0
            out[f"workbook_mb_{'store' if store else 'sheet'}"] = round(
                workbook.stat().st_size / 1e6, 1
            )
    return out


def main(argv: list[str]) -> None:
    if argv and argv[0] == "cpu":  # cpu WORK INPUT_FOLDER... (benchmarks.run --work folders)
        work = Path(argv[1])
        for inputs in argv[2:]:
            print(Path(inputs).name, cpu(Path(inputs), work), flush=True)
        return
    if argv and argv[0] == "merge":  # merge PEOPLE CYCLES FOLDER
        people, cycles, folder = int(argv[1]), int(argv[2]), Path(argv[3])
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{people} people x {cycles} cycles:", merge_cost(people, cycles, folder), flush=True)
        return
    if argv and argv[0] == "payoff":  # payoff PEOPLE CYCLES FOLDER
        people, cycles, folder = int(argv[1]), int(argv[2]), Path(argv[3])
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{people} people x {cycles} cycles:", payoff(people, cycles, folder), flush=True)
        return
    people = int(argv[0]) if argv else 2000
    for cycles in [int(c) for c in argv[1:]] or [8, 16]:
        figures = measure(people, cycles)
        shown = ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
        )
        print(f"{people} people x {cycles} cycles: {shown}", flush=True)


def payoff(people: int, cycles: int, folder: Path, runs: int = 3) -> dict[str, float]:
    """Reading a workbook whose history is in its sheets, against the same workbook after
    `history store`: seconds of read_framework (median of `runs`) and the size of each file."""
    import shutil

    from benchmarks.synthetic import build
    from ladder_sheets.api import read_framework
    from ladder_sheets.commands.merge import merge

    files = build(people, folder, cycles=cycles, reuse=True)
    stored = folder / f"stored_{people}_{cycles}.xlsx"
    shutil.copy(files.workbook, stored)
    started = time.perf_counter()
    merge(stored, [], history_store=True)
    opt_in = time.perf_counter() - started
    rows = len(read_framework(files.workbook).history.data)
    return {
        "history_rows": rows,
        "sheet_read_s": _timed(lambda: read_framework(files.workbook), runs),
        "store_read_s": _timed(lambda: read_framework(stored), runs),
        "sheet_mb": files.workbook.stat().st_size / 1e6,
        "store_workbook_mb": stored.stat().st_size / 1e6,
        "store_mb": stored.with_name(stored.stem + ".history.parquet").stat().st_size / 1e6,
        "opt_in_s": opt_in,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
