"""Time each command at HR scale against its I/O floor and a naive pandas script.

    python -m benchmarks.run --sizes 2000 10000 --cycles 8 --runs 3 [--profile]

For each size: generate a synthetic organisation (benchmarks/synthetic.py), then run every
measurement in a fresh interpreter (peak RSS from os.wait4, i.e. that process and the pool
workers it waited for, each counted alone): check, merge of the last cycle (on a copy each
run), packs per manager with jobs=1 and jobs=2, calibrate; then each command's I/O floor and
the naive script (benchmarks/tasks.py). Prints the table and rewrites the measured part of
benchmarks/RESULTS.md (between the markers; the notes around them are kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report import render_results, render_table, update_results_file
from .synthetic import Files, build

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ("check", "merge", "packs", "calibrate")
# Table rows: (label, command, jobs)
ROWS = (
    ("check", "check", 1),
    ("merge", "merge", 1),
    ("packs (jobs=1)", "packs", 1),
    ("packs (jobs=2)", "packs", 2),
    ("calibrate", "calibrate", 1),
)


@dataclass
class Measure:
    """Every run of one measurement at one size."""

    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def spread(self) -> tuple[float, float] | None:
        return (min(self.seconds), max(self.seconds)) if self.seconds else None

    @property
    def peak(self) -> float | None:
        return max(self.peak_mb) if self.peak_mb else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "peak_mb": self.peak_mb,
            "median": self.median,
            "peak": self.peak,
            "info": self.info,
            "error": self.error,
        }


def measure(spec: dict[str, Any], timeout: float) -> tuple[dict[str, Any], float]:
    """Run one task in a fresh interpreter; (its result, its peak RSS in MB)."""
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    spec_path, result_path = out / "spec.json", out / "result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    with (out / "log.txt").open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.run", "--child", str(spec_path), str(result_path)],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    if result_path.exists():
        result = json.loads(result_path.read_text(encoding="utf-8"))
    else:
        tail = (out / "log.txt").read_text(encoding="utf-8", errors="replace").strip()
        result = {"error": f"exit {proc.returncode}: {tail.splitlines()[-1] if tail else ''}"}
    return result, peak


def bench_size(files: Files, work: Path, args: argparse.Namespace) -> dict[str, Measure]:
    """Every measurement at one size, keyed "kind:label"."""
    results: dict[str, Measure] = {}
    outputs: dict[str, str] = {}
    inputs = {
        "check": (files.workbook, files.export),
        "merge": (files.workbook, files.export),
        "packs": (files.merged, None),
        "calibrate": (files.merged, None),
    }

    def run(key: str, spec: dict[str, Any], runs: int) -> Measure:
        m = results.setdefault(key, Measure())
        for r in range(runs):
            if r and args.budget and sum(m.seconds) > args.budget:
                break  # a slow measurement: fewer runs rather than a missed deadline
            spec = {**spec, "out": str(work / key.replace(":", "_").replace(" ", "") / f"r{r}")}
            _progress(f"{files.people:>6} people  {key:<22} run {r + 1}/{runs}")
            result, peak = measure(spec, args.timeout)
            if "error" in result:
                m.error = str(result["error"])[:300]
                _progress(f"        failed: {m.error}")
                break
            m.seconds.append(result.pop("seconds"))
            m.peak_mb.append(peak)
            m.info = result
        return m

    for label, command, jobs in ROWS:
        if args.only and label not in args.only and command not in args.only:
            continue
        if command == "packs" and jobs == 1 and files.people > args.serial_packs_max:
            continue  # the speed-up is read at the smaller sizes: saves the longest run
        workbook, export = inputs[command]
        spec = {"kind": "command", "command": command, "jobs": jobs, "workbook": str(workbook)}
        spec.update(export=str(export) if export else None, max_cells=args.max_cells)
        spec["adopt_continuations"] = args.adopt_continuations
        m = run(f"command:{label}", spec, args.runs)
        last = work / f"command_{label.replace(' ', '')}" / f"r{max(len(m.seconds) - 1, 0)}"
        if command == "merge" and m.info.get("written"):
            outputs["merge"] = m.info["written"]
        elif command == "packs" and m.seconds and "packs" not in outputs:
            outputs["packs"] = str(last / "packs")
        elif command == "calibrate" and m.seconds:
            outputs["calibrate"] = str(last / "calibration.xlsx")
    if args.only:
        return results
    # A merge that failed leaves no output: its floor then writes the history and evidence
    # sheets of the merged workbook (what merge would have written, less the analysis sheets).
    outputs.setdefault("merge", str(files.merged))
    for command in COMMANDS:
        if command != "check" and command not in outputs:
            continue
        workbook, export = inputs[command]
        spec = {"kind": "floor", "command": command, "workbook": str(workbook)}
        spec.update(export=str(export) if export else None, output=outputs.get(command))
        run(f"floor:{command}", spec, args.runs)
    if args.naive_from:
        results.update(_saved_naive(args.naive_from, files.people))
        return _profiled(results, files, work, inputs, args)
    # The naive script: pandas reads each input workbook whole (once per workbook, the same
    # for every command reading it), then writes what each command wrote.
    reads = {}
    for name, (workbook, export) in (("", inputs["check"]), ("-merged", inputs["packs"])):
        spec = {"kind": "naive-read", "command": "read", "workbook": str(workbook)}
        spec["export"] = str(export) if export else None
        reads[workbook] = run(f"naive:read{name}", spec, args.naive_runs)
    for command in COMMANDS:
        workbook, export = inputs[command]
        read = reads[workbook]
        if command == "check":
            results["naive:check"] = read
            continue
        if command not in outputs:
            continue
        spec = {"kind": "naive", "command": command, "workbook": str(workbook)}
        spec.update(export=None, output=outputs.get(command))
        write = run(f"naive:write-{command}", spec, args.naive_runs)
        if read.median is not None and write.median is not None:
            results[f"naive:{command}"] = Measure(
                seconds=[read.median + write.median],
                peak_mb=[max(read.peak or 0, write.peak or 0)],
                info={"read": read.median, "write": write.median},
            )
    return _profiled(results, files, work, inputs, args)


def _saved_naive(path: Path, people: int) -> dict[str, Measure]:
    """The naive script's measurements at this size from a run saved with --json (the script
    does not depend on the project's code; it takes about 40 minutes at 10,000 people)."""
    saved = json.loads(path.read_text(encoding="utf-8"))["sizes"].get(str(people), {})
    return {
        k: Measure(m["seconds"], m["peak_mb"], m["info"], m["error"])
        for k, m in saved.get("results", {}).items()
        if k.startswith("naive:")
    }


def _profiled(
    results: dict[str, Measure],
    files: Files,
    work: Path,
    inputs: dict[str, tuple[Path, Path | None]],
    args: argparse.Namespace,
) -> dict[str, Measure]:
    if args.profile and files.people == max(args.sizes):
        for label, command, jobs in ROWS:
            if jobs != 1:
                continue
            workbook, export = inputs[command]
            out = work / f"profile_{command}"
            spec = {"kind": "command", "command": command, "jobs": 1, "workbook": str(workbook)}
            spec.update(export=str(export) if export else None, out=str(out))
            spec.update(max_cells=args.max_cells, profile=str(work / f"profile_{command}.txt"))
            spec["profile"] = str(work / f"profile_{command}.txt")
            _progress(f"{files.people:>6} people  profile {label}")
            result, _ = measure(spec, args.timeout)
            results[f"command:{label}"].info["top"] = result.get("top", result.get("error"))
    return results


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    p.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    p.add_argument("--cycles", type=int, default=8)
    p.add_argument("--runs", type=int, default=3, help="runs of each command and floor")
    p.add_argument("--naive-runs", type=int, default=1, help="runs of the naive script")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--work", type=Path, help="folder for generated files (default: a temp dir)")
    p.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    p.add_argument("--json", type=Path, help="also write every measurement as JSON here")
    p.add_argument("--profile", action="store_true", help="profile each command (pyinstrument)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed")
    p.add_argument(
        "--budget", type=float, help="no further runs of a measurement past this many seconds"
    )
    p.add_argument("--reuse", action="store_true", help="reuse the organisations already in --work")
    p.add_argument(
        "--serial-packs-max",
        type=int,
        default=10**9,
        help="measure packs with jobs=1 only up to this many people",
    )
    p.add_argument(
        "--max-cells",
        type=int,
        help="lift the reader's cells-per-sheet limit (ladder_sheets.workbook.extent.MAX_CELLS)",
    )
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    p.add_argument(
        "--adopt-continuations",
        action="store_true",
        help="let merge replace unmarked 'Ratings History (2)' sheets (benchmarks/tasks.py)",
    )
    p.add_argument("--only", nargs="+", help="only these table rows (e.g. merge); no floors")
    p.add_argument("--from-json", type=Path, help="render a run saved with --json; run nothing")
    p.add_argument(
        "--naive-from",
        type=Path,
        help="take the naive script's figures from a run saved with --json instead of "
        "running it again (said in RESULTS.md)",
    )
    args = p.parse_args(argv)
    if args.child:
        return _child(Path(args.child[0]), Path(args.child[1]))
    if args.from_json:
        saved_info, saved = _from_json(json.loads(args.from_json.read_text(encoding="utf-8")))
        print(render_table(saved, ROWS))
        update_results_file(args.results, render_results(saved_info, saved, ROWS))
        return 0

    started = dt.datetime.now(dt.UTC)
    info = machine()
    work = args.work or Path(tempfile.mkdtemp(prefix="ladder-bench-"))
    sizes: dict[int, dict[str, Any]] = {}
    for n in args.sizes:
        folder = work / f"{n}-c{args.cycles}-s{args.seed}"
        t0 = time.perf_counter()
        files = build(n, folder, cycles=args.cycles, seed=args.seed, reuse=args.reuse)
        generated = time.perf_counter() - t0
        results = bench_size(files, folder, args)
        sizes[n] = {"files": files, "generated": generated, "results": results}
        if args.json:  # after each size, so a long run keeps what it measured
            args.json.write_text(json.dumps(_as_json(info, sizes), indent=1), encoding="utf-8")
    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    info["date"] = started.strftime("%Y-%m-%d %H:%M UTC")
    info.update(runs=args.runs, naive_runs=f"{args.naive_runs} run(s)")
    info.update(cycles=args.cycles, seed=args.seed)
    info["max_cells"] = args.max_cells
    if args.naive_from:
        saved = json.loads(args.naive_from.read_text(encoding="utf-8"))["machine"]
        runs = saved.get("naive_runs", "?")
        runs = runs if isinstance(runs, str) and "run" in runs else f"{runs} run(s)"
        info["naive_runs"] = f"{runs}, taken with --naive-from from the run of {saved.get('date')}"
    table = render_table(sizes, ROWS)
    print(table)
    update_results_file(args.results, render_results(info, sizes, ROWS))
    if args.json:
        args.json.write_text(json.dumps(_as_json(info, sizes), indent=1), encoding="utf-8")
    return 0


def _child(spec_path: Path, result_path: Path) -> int:
    from .tasks import run_task

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    try:
        result = run_task(spec)
        code = 0
    except Exception as exc:  # a failing command is a measurement, reported in the table
        result = {"error": f"{type(exc).__name__}: {exc}"}
        code = 1
    result_path.write_text(json.dumps(result), encoding="utf-8")
    return code


def _as_json(info: dict[str, Any], sizes: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        "machine": info,
        "sizes": {
            str(n): {
                "people": s["files"].people,
                "managers": s["files"].managers,
                "cycles": list(s["files"].cycles),
                "generated_seconds": s["generated"],
                "results": {k: m.as_dict() for k, m in s["results"].items()},
            }
            for n, s in sizes.items()
        },
    }


def _from_json(saved: dict[str, Any]) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    sizes: dict[int, dict[str, Any]] = {}
    for n, s in saved["sizes"].items():
        files = Files(
            Path(), Path(), Path(), s["people"], s["managers"], tuple(s.get("cycles", ("?",)))
        )
        results = {
            k: Measure(m["seconds"], m["peak_mb"], m["info"], m["error"])
            for k, m in s["results"].items()
        }
        sizes[int(n)] = {"files": files, "generated": s["generated_seconds"], "results": results}
    info = {"date": "?", "load_after": "?", "runs": "?", "naive_runs": "?", "cycles": "?"}
    info["seed"] = "?"
    info.update(saved["machine"])
    return info, sizes


def _progress(text: str) -> None:
    sys.stderr.write(f"{dt.datetime.now():%H:%M:%S} {text}\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
