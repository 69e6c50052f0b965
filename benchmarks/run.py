"""Time each command on merge's real output, against fastexcel's read of the same cells.

    python -m benchmarks.run --sizes 2000 10000 --cycles 8 --growth-sizes 2000 \\
        --growth-cycles 3 8 16 --runs 3 --work DIR --reuse --json benchmarks/results.json

    python -m benchmarks.run --sizes 200 --cycles 3 --growth-cycles 3 4 --runs 1   # smoke

For each organisation (people x cycles, benchmarks/synthetic.py): the workbook holds cycles
1..N-2; cycle N-1 is merged for real (untimed, "base"), so the workbook measured was written by
the tool, with whatever it keeps beside it. Then, each in a fresh interpreter on a fresh copy of
its input folder (peak memory: the larger of os.wait4's peak RSS, the largest one process of the
tree reached, and the peak of the tree's memory taken together, sampled every 0.1 s while more
than one process runs: the sum of each process's proportional set size, so a pool worker forked
from the command counts only the pages it does not share, and a parser child counts in full):

- merge of cycle N into base, and the same with the files beside the workbook deleted;
  the output of the first merge is "merged", what every other command reads;
- check of merged (the cache merge wrote is warm), of merged re-saved by LibreOffice headless
  (cache stale: the cache files are kept beside the re-saved workbook), and of merged with the
  cache deleted;
- packs per manager (jobs=1 and jobs=2) and calibrate of merged;
- floors: fastexcel reading every cell of each input (plus pandas' C parser for the export),
  and xlsxwriter writing the cells each command wrote; the naive pandas script with --naive.

The growth organisations (--growth-sizes x --growth-cycles) measure merge and check after merge
only. Every measurement is saved to --json as soon as it is taken; --resume skips those already
there. Prints progress to stderr, then the table; rewrites the measured part of RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report import GROWTH_ROWS, ROWS, Org, Row, render_results, render_table, update_results_file
from .synthetic import build
from .tasks import HARNESS_FILES

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Measure:
    """Every run of one measurement of one organisation."""

    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    complete: bool = False
    loads: list[float] = field(default_factory=list)

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
            "complete": self.complete,
            "loads": self.loads,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Measure:
        m = cls(d["seconds"], d["peak_mb"], d["info"], d["error"], d.get("complete", False))
        m.loads = d.get("loads", [])
        return m


class TreeMemory(threading.Thread):
    """The peak of a process tree's memory taken together (MB), sampled while the tree has more
    than one process: os.wait4 gives only the largest single process, and a command whose
    child parses while it scans holds both at once. Each process counts its proportional set
    size (Pss in /proc/PID/smaps_rollup), so pages a forked worker shares are counted once."""

    INTERVAL = 0.1

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_mb = 0.0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        if not Path("/proc/self/smaps_rollup").exists():
            return  # not Linux: wait4's peak alone
        while not self._done.wait(self.INTERVAL):
            pids = self._tree()
            if len(pids) > 1:
                self.peak_mb = max(self.peak_mb, sum(map(_pss_kib, pids)) / 1024)

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                # "pid (name) state ppid ...": the name may hold spaces and brackets
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree, grew = {self.root}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        return sorted(tree)


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass  # gone meanwhile
    return 0


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
        tree = TreeMemory(proc.pid)
        tree.start()
        _, status, usage = os.wait4(proc.pid, 0)
        tree.stop()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(usage.ru_maxrss / 1024, tree.peak_mb)  # ru_maxrss in KiB on Linux
    if result_path.exists():
        result = json.loads(result_path.read_text(encoding="utf-8"))
    else:
        tail = (out / "log.txt").read_text(encoding="utf-8", errors="replace").strip()
        killed = " (killed after --timeout)" if proc.returncode == -9 else ""
        last = tail.splitlines()[-1] if tail else ""
        result = {"error": f"exit {proc.returncode}{killed}: {last}"}
    return result, peak


class Bench:
    """Runs the measurements of every organisation; saves after each one."""

    def __init__(self, args: argparse.Namespace, info: dict[str, Any]) -> None:
        self.args = args
        self.info = info
        self.orgs: dict[str, Org] = {}
        self.saved: dict[str, Any] = {}
        if args.resume and args.json and args.json.exists():
            text = _unplace(args.json.read_text(encoding="utf-8"), args.work)
            self.saved = json.loads(text).get("orgs", {})

    def save(self) -> None:
        if self.args.json:
            text = _place(json.dumps(self.as_json(), indent=1), self.args.work)
            self.args.json.write_text(text, encoding="utf-8")

    def as_json(self) -> dict[str, Any]:
        return {"machine": self.info, "orgs": {k: o.as_json() for k, o in self.orgs.items()}}

    def run(self, org: Org, key: str, spec: dict[str, Any], runs: int) -> Measure:
        """`runs` runs of one measurement (skipped when --resume finds it complete)."""
        saved = self.saved.get(org.key, {}).get("results", {}).get(key)
        if saved and saved.get("complete") and saved.get("error") is None:
            org.results[key] = Measure.from_dict(saved)
            _progress(f"{org.name}  {key:<40} kept from {self.args.json}")
            return org.results[key]
        m = org.results[key] = Measure()
        for r in range(runs):
            if r and self.args.budget and sum(m.seconds) > self.args.budget:
                break  # a slow measurement: fewer runs rather than a missed deadline
            folder = org.folder / "runs" / _slug(key) / f"r{r}"
            load = round(os.getloadavg()[0], 2)
            _progress(f"{org.name}  {key:<40} run {r + 1}/{runs} (load {load})")
            result, peak = measure({**spec, "out": str(folder)}, self.args.timeout)
            if "error" in result:
                m.error = str(result["error"])[:400]
                _progress(f"    failed: {m.error}")
                break
            m.seconds.append(result.pop("seconds"))
            m.peak_mb.append(peak)
            m.info = {**result, "folder": str(folder)}
            m.loads.append(load)  # 1-minute load average as the run started
            _progress(f"    {m.seconds[-1]:.2f} s, peak {peak:.0f} MB")
        m.complete = m.error is None
        self.save()
        return m

    def organisation(self, people: int, cycles: int, rows: tuple[Row, ...]) -> Org:
        args = self.args
        key = f"{people}-c{cycles}-s{args.seed}"
        folder = args.work / key
        t0 = time.perf_counter()
        _progress(f"{key}: writing the organisation (reused with --reuse when there)")
        files = build(people, folder, cycles=cycles, seed=args.seed, reuse=args.reuse)
        org = Org(key, folder, files, time.perf_counter() - t0)
        self.orgs[key] = org
        if not args.resume:  # inputs written by an earlier version of the tool are not reused
            for name in ("base", "merged", "resaved", "runs"):
                shutil.rmtree(folder / name, ignore_errors=True)
                (folder / f"{name}.json").unlink(missing_ok=True)
        common = {"max_cells": args.max_cells, "adopt_continuations": args.adopt_continuations}
        wb = files.workbook.name
        # base: cycle N-1 merged for real into the synthetic workbook (untimed as a target)
        if not (folder / "base.json").exists():
            spec = {"kind": "prepare", "source": str(folder), "workbook": wb, "drop": True}
            spec.update(export=str(files.seed_export), **common)
            m = self.run(org, "prepare:merge of cycle N-1", spec, 1)
            if m.error or m.info.get("errors") or not m.info.get("written"):
                m.error = m.error or f"merge of cycle N-1 stopped: {m.info.get('first_error')}"
                self.save()
                return org
            _keep(Path(m.info["folder"]) / "input", folder / "base", {"seconds": m.median})
        inputs = {name: folder / name for name in ("base", "merged", "resaved")}
        for row in rows:
            if args.only and row.label not in args.only and row.command not in args.only:
                continue
            if row.jobs == 1 and row.command == "packs" and people > args.serial_packs_max:
                continue
            if row.input == "resaved" and not self.resave(org):
                continue
            if row.input != "base" and not (folder / "merged.json").exists():
                org.results[f"command:{row.label}"] = Measure(error="no merged output")
                continue
            spec = {"kind": "command", "command": row.command, "jobs": row.jobs}
            spec.update(source=str(inputs[row.input]), workbook=wb, drop=row.drop, **common)
            spec["export"] = str(files.export) if row.command == "merge" else None
            m = self.run(org, f"command:{row.label}", spec, args.runs)
            if row.label == "merge" and m.seconds and not (folder / "merged.json").exists():
                if m.info.get("errors") or not m.info.get("written"):
                    m.error = f"merge stopped: {m.info.get('first_error')}"
                    self.save()
                    continue
                run0 = Path(m.info["folder"]).parent / "r0"
                size = (run0 / "input" / wb).stat().st_size
                _keep(run0 / "input", folder / "merged", {"from": str(run0), "bytes": size})
            if row.command in ("packs", "calibrate", "merge") and m.seconds:
                org.outputs.setdefault(row.command, _output(row.command, m, files.workbook))
        return org

    def resave(self, org: Org) -> bool:
        """merged re-saved by LibreOffice headless into resaved/, beside the cache files merge
        wrote (now stale); False, with the reason recorded, when it cannot be done."""
        folder, key = org.folder, "command:check, re-saved by LibreOffice"
        if (folder / "resaved.json").exists():
            org.resave = json.loads((folder / "resaved.json").read_text(encoding="utf-8"))
            return True
        if not (folder / "merged.json").exists():
            return False
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if self.args.no_libreoffice or not soffice:
            why = "--no-libreoffice" if self.args.no_libreoffice else "soffice not found"
            org.results[key] = Measure(error=f"not measured: {why}")
            return False
        _progress(f"{org.name}  re-saving merged with LibreOffice headless")
        target = folder / "resaved"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder / "merged", target)
        workbook = target / org.files.workbook.name
        with tempfile.TemporaryDirectory(prefix="ladder-bench-lo-") as tmp:
            profile, outdir = Path(tmp) / "profile", Path(tmp) / "out"
            cmd = [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(outdir),
                str(workbook),
            ]
            t0 = time.perf_counter()
            reason: str | None = None
            try:
                done = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=self.args.timeout, check=False
                )
                made = outdir / workbook.name
                reason = None if made.exists() else (done.stderr or done.stdout).strip()[-300:]
            except subprocess.TimeoutExpired:
                reason = f"LibreOffice took more than {self.args.timeout:.0f} s"
            if reason is not None:
                org.results[key] = Measure(error=f"LibreOffice re-save failed: {reason}")
                shutil.rmtree(target, ignore_errors=True)
                self.save()
                return False
            shutil.move(made, workbook)
        seconds = round(time.perf_counter() - t0, 1)
        org.resave = {"seconds": seconds, "bytes": workbook.stat().st_size}
        (folder / "resaved.json").write_text(json.dumps(org.resave), encoding="utf-8")
        return True

    def floors(self, org: Org, naive: bool) -> None:
        """fastexcel's read of each input measured, and the writes of each command."""
        folder, files, runs = org.folder, org.files, self.args.runs
        wb = files.workbook.name
        wanted = {r.input for r in ROWS if f"command:{r.label}" in org.results}
        for name in ("base", "merged", "resaved"):
            if name not in wanted or not (folder / f"{name}.json").exists():
                continue
            spec: dict[str, Any] = {"kind": "floor-read", "workbook": str(folder / name / wb)}
            spec["export"] = str(files.export) if name == "base" else None
            self.run(org, f"floor-read:{name}", spec, runs)
            if naive:
                self.run(org, f"naive-read:{name}", {**spec, "kind": "naive-read"}, 1)
        for command, output in org.outputs.items():
            spec = {"kind": "floor-write", "command": command, "output": output, "export": None}
            spec["cycle"] = files.cycles[-1]
            self.run(org, f"floor-write:{command}", spec, runs)
            if naive:
                self.run(org, f"naive-write:{command}", {**spec, "kind": "naive-write"}, 1)

    def profile(self, org: Org) -> None:
        for row in ROWS:
            m = org.results.get(f"command:{row.label}")
            if m is None or not m.seconds or row.jobs != 1:
                continue
            spec = json.loads((Path(m.info["folder"]) / "spec.json").read_text(encoding="utf-8"))
            spec.update(out=str(org.folder / "runs" / f"profile-{_slug(row.label)}"))
            spec["profile"] = str(org.folder / f"profile-{_slug(row.label)}.txt")
            _progress(f"{org.name}  profile {row.label}")
            result, _ = measure(spec, self.args.timeout)
            m.info["top"] = result.get("top", result.get("error"))
        self.save()


# Paths of this machine stay out of what is saved: the work folder and the repository are
# written as these names and put back when a run is resumed.
WORK, HERE = "$WORK", "$REPO"


def _place(text: str, work: Path) -> str:
    for path, name in ((work.resolve(), WORK), (work, WORK), (REPO, HERE)):
        # the folder itself or a path inside it, not a sibling named after it (work.json)
        at = re.escape(json.dumps(str(path))[1:-1]) + r"(?=[/\\\s\"']|$)"
        text = re.sub(at, name, text, flags=re.MULTILINE)
    return text


def _unplace(text: str, work: Path) -> str:
    return text.replace(WORK, json.dumps(str(work))[1:-1]).replace(
        HERE, json.dumps(str(REPO))[1:-1]
    )


def _keep(source: Path, target: Path, note: dict[str, Any]) -> None:
    """A run's input folder (the workbook written in place and what the tool wrote beside it)
    becomes an input of later measurements; the .json beside it says it is whole."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*HARNESS_FILES))
    target.with_name(f"{target.name}.json").write_text(json.dumps(note), encoding="utf-8")


def _output(command: str, m: Measure, workbook: Path) -> str:
    folder = Path(m.info["folder"])
    if command == "merge":
        return str(folder / "input" / workbook.name)
    return str(folder / ("packs" if command == "packs" else "calibration.xlsx"))


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


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
        "commit": _commit(),
    }


def _commit() -> str:
    """The commit measured, "+changes" when the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head}{' +changes' if dirty else ''}" if head else "?"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    p.add_argument("--cycles", type=int, default=8, help="cycles of the main organisations")
    p.add_argument(
        "--growth-sizes",
        type=int,
        nargs="*",
        default=None,
        help="people of the growth table (default: the smallest of --sizes)",
    )
    p.add_argument(
        "--growth-cycles",
        type=int,
        nargs="*",
        default=[3, 8, 16],
        help="cycles of the growth table (none: no growth table)",
    )
    p.add_argument("--runs", type=int, default=3, help="runs of each command and floor")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--work", type=Path, help="folder for generated files (default: a temp dir)")
    p.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    p.add_argument("--json", type=Path, help="also write every measurement as JSON here")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the synthetic workbooks and exports already in --work",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="keep the measurements already complete in --json and the inputs "
        "prepared in --work (implies --reuse)",
    )
    p.add_argument(
        "--naive",
        action="store_true",
        help="also time the naive pandas script (about 40 minutes at 10,000 people)",
    )
    p.add_argument(
        "--no-libreoffice",
        action="store_true",
        help="skip the LibreOffice re-save (the cache-stale check is then the "
        "cache-deleted one alone)",
    )
    p.add_argument("--profile", action="store_true", help="profile each command (pyinstrument)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed")
    p.add_argument(
        "--budget", type=float, help="no further runs of a measurement past this many seconds"
    )
    p.add_argument(
        "--serial-packs-max",
        type=int,
        default=10**9,
        help="measure packs with jobs=1 only up to this many people",
    )
    p.add_argument(
        "--max-cells",
        type=int,
        help="lift the reader's cells-per-sheet limits (workbook/extent.py)",
    )
    p.add_argument("--adopt-continuations", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--only", nargs="+", help="only these rows (e.g. merge)")
    p.add_argument("--from-json", type=Path, help="render a run saved with --json; run nothing")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.resume:
        args.reuse = True
    if args.growth_sizes is None:
        args.growth_sizes = [min(args.sizes)]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return _child(Path(args.child[0]), Path(args.child[1]))
    if args.from_json:
        info, orgs = _from_json(json.loads(args.from_json.read_text(encoding="utf-8")))
        print(render_table(orgs))
        update_results_file(args.results, render_results(info, orgs))
        return 0
    started = dt.datetime.now(dt.UTC)
    words = sys.argv[1:] if argv is None else argv
    info = machine()
    info.update(command=shlex.join(["python", "-m", "benchmarks.run", *words]))
    if args.work is not None:
        info["command"] = _place(info["command"], args.work)
    info.update(date=started.strftime("%Y-%m-%d %H:%M UTC"), runs=args.runs, seed=args.seed)
    info.update(cycles=args.cycles, max_cells=args.max_cells)
    args.work = args.work or Path(tempfile.mkdtemp(prefix="ladder-bench-"))
    _progress(f"work folder {args.work}")
    bench = Bench(args, info)
    plan: list[tuple[int, int, tuple[Row, ...]]] = [(n, args.cycles, ROWS) for n in args.sizes]
    growth = tuple(r for r in ROWS if r.label in GROWTH_ROWS)
    plan += [
        (n, c, growth)
        for n in args.growth_sizes
        for c in args.growth_cycles
        if (n, c) not in {(m, args.cycles) for m in args.sizes}
    ]
    for people, cycles, rows in plan:
        org = bench.organisation(people, cycles, rows)
        if rows == ROWS:
            bench.floors(org, args.naive)
            if args.profile and people == max(args.sizes):
                bench.profile(org)
    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    info["finished"] = dt.datetime.now(dt.UTC).strftime("%H:%M UTC")
    info["growth"] = {"sizes": args.growth_sizes, "cycles": args.growth_cycles}
    bench.save()
    print(render_table(bench.orgs))
    update_results_file(args.results, render_results(info, bench.orgs))
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
    result_path.write_text(json.dumps(result, default=str), encoding="utf-8")
    return code


def _from_json(saved: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Org]]:
    orgs = {k: Org.from_json(k, o, Measure.from_dict) for k, o in saved["orgs"].items()}
    return saved["machine"], orgs


def _progress(text: str) -> None:
    sys.stderr.write(f"{dt.datetime.now():%H:%M:%S} {text}\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
