"""What one measurement runs, in its own process: a command, its I/O floor, or the naive script.

`run_task` is called in a fresh interpreter by `benchmarks.run` (so peak RSS belongs to one
measurement). Preparation that is not part of the work (copying the workbook, reading the
cells a floor will write) happens before the clock starts.

- floor: python-calamine reads the input workbook's cells (and pandas' C parser the export),
  xlsxwriter in constant-memory mode writes the same cells the command wrote;
- naive: pandas read_excel / read_csv / DataFrame.to_excel with the default engines, doing the
  same reads and writes.
"""

from __future__ import annotations

import importlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import python_calamine
import xlsxwriter

Cells = dict[str, list[list[Any]]]  # sheet name -> rows of values

# Sheets merge writes back; the rest of the workbook is kept as it was.
MERGE_SHEETS = ("Ratings History", "Promotion Evidence", "Gap Analysis", "Promotion Readiness")


def read_cells(path: Path, only: tuple[str, ...] | None = None) -> Cells:
    """Every cell of every sheet (or of the sheets in `only`, including numbered
    continuations such as "Ratings History (2)"), read with python-calamine."""
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    out: Cells = {}
    for name in wb.sheet_names:
        if only is None or any(name == s or name.startswith(f"{s} (") for s in only):
            out[name] = wb.get_sheet_by_name(name).to_python()
    return out


def write_cells(path: Path, sheets: Cells) -> None:
    """The same cells in a plain workbook: xlsxwriter, constant memory, no formats."""
    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name[:31])
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
    wb.close()


def naive_read(workbook: Path, export: Path | None) -> None:
    pd.read_excel(workbook, sheet_name=None)
    if export is not None:
        pd.read_csv(export)


def naive_write(path: Path, sheets: Cells) -> None:
    with pd.ExcelWriter(path) as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name[:31], index=False, header=False)


def outputs_of(spec: dict[str, Any]) -> list[tuple[Path, Cells]]:
    """The cells a command wrote in an earlier run (read before the clock starts)."""
    command = spec["command"]
    if command == "merge":
        return [(Path(spec["out"]) / "floor.xlsx", read_cells(Path(spec["output"]), MERGE_SHEETS))]
    if command == "packs":
        return [
            (Path(spec["out"]) / p.name, read_cells(p))
            for p in sorted(Path(spec["output"]).glob("*.xlsx"))
        ]
    if command == "calibrate":
        return [(Path(spec["out"]) / "floor.xlsx", read_cells(Path(spec["output"])))]
    return []  # check writes nothing


def run_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement; returns seconds and what the command reported."""
    kind, command = spec["kind"], spec["command"]
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    workbook = Path(spec["workbook"])
    export = Path(spec["export"]) if spec.get("export") else None
    if kind == "command":
        loaded = _preload()
        if spec.get("max_cells"):
            # The reader refuses sheets past extent.MAX_CELLS (2,000,000 today) and reads sheets
            # past grid.MAX_AREA (4,000,000) with openpyxl instead of calamine; a Ratings History
            # of 2,000 people passes the first and of 10,000 the second, so the benchmark can
            # lift both to measure the rest of the pipeline.
            from ladder_sheets.workbook import extent, grid

            extent.MAX_CELLS = grid.MAX_AREA = int(spec["max_cells"])
        if spec.get("adopt_continuations"):
            _adopt_continuations()
        work, run_describe = _command(command, workbook, export, out, spec.get("jobs", 1))

        def describe(result: Any) -> dict[str, Any]:
            return {**run_describe(result), "import_seconds": loaded}
    elif kind == "naive-read":
        # The naive script reads the whole workbook (and the export) the same way for every
        # command; measured once per workbook and added to each command's naive writes.
        def work() -> None:
            naive_read(workbook, export)

        def describe(result: Any) -> dict[str, Any]:
            return {}

    else:
        outputs = outputs_of(spec)

        def work() -> None:
            if kind == "floor":
                read_cells(workbook)
                if export is not None:
                    pd.read_csv(export)
            for path, cells in outputs:
                (write_cells if kind == "floor" else naive_write)(path, cells)

        def describe(result: Any) -> dict[str, Any]:
            return {"files": len(outputs)}

    return _timed(work, describe, spec.get("profile"))


# Modules the commands import on first use: loaded before the clock starts, so a figure is the
# work itself (the one-off import cost is reported beside it).
LAZY_MODULES = (
    "ladder_sheets.api",
    "ladder_sheets.commands.merge",
    "ladder_sheets.commands.packs",
    "ladder_sheets.commands.calibrate",
    "ladder_sheets.schema",
    "ladder_sheets.exports",
    "ladder_sheets.analysis.gaps",
    "ladder_sheets.analysis.readiness",
    "ladder_sheets.xlsx.writeback",
    "ladder_sheets.sheets.gap",
    "ladder_sheets.sheets.history",
    "ladder_sheets.sheets.readiness",
    "ladder_sheets.sheets.calibration_pack",
    "ladder_sheets.workbook.reader",
)


def _adopt_continuations() -> None:
    """merge adopts "Ratings History" and "Promotion Evidence" but not their continuation
    sheets ("Ratings History (2)" past Excel's row limit), so write-back refuses a 10,000-person
    workbook whose history continues unmarked; the benchmark can adopt them too."""
    from ladder_sheets.sheets import history as history_sheet
    from ladder_sheets.xlsx import writeback

    original = writeback.write_back

    def write_back(*args: Any, adopt: Any = (), **kwargs: Any) -> Any:
        names = [history_sheet.continuation_name(a, n) for a in adopt for n in range(1, 10)]
        return original(*args, adopt=tuple(names), **kwargs)

    writeback.write_back = write_back  # type: ignore[assignment]


def _preload() -> float:
    started = time.perf_counter()
    for name in LAZY_MODULES:
        importlib.import_module(name)
    return round(time.perf_counter() - started, 2)


def _command(
    command: str, workbook: Path, export: Path | None, out: Path, jobs: int
) -> tuple[Callable[[], Any], Callable[[Any], dict[str, Any]]]:
    from ladder_sheets.api import check
    from ladder_sheets.commands.calibrate import calibrate
    from ladder_sheets.commands.merge import merge
    from ladder_sheets.commands.packs import write_packs

    exports = [export] if export is not None else []
    if command == "check":
        return (
            lambda: check(workbook, ratings=exports),
            lambda r: {"errors": len(r.report.errors), "findings": len(list(r.report))},
        )
    if command == "merge":
        copy = out / workbook.name
        shutil.copyfile(workbook, copy)  # merge writes in place: each run starts from the original
        return (
            lambda: merge(copy, exports),
            lambda r: {
                "errors": len(r.report.errors),
                "written": str(r.written) if r.written else None,
            },
        )
    if command == "packs":
        target = out / "packs"
        shutil.rmtree(target, ignore_errors=True)
        return (
            lambda: write_packs(workbook, target, by="manager", jobs=jobs),
            lambda r: {"errors": len(r.report.errors), "files": len(r.written)},
        )
    if command == "calibrate":
        target = out / "calibration.xlsx"
        return (
            lambda: calibrate(workbook, target),
            lambda r: {"errors": len(r.report.errors), "written": str(r.written)},
        )
    raise ValueError(f"unknown command {command!r}")


def _timed(
    work: Callable[[], Any], describe: Callable[[Any], dict[str, Any]], profile: str | None
) -> dict[str, Any]:
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    out = {"seconds": seconds, **describe(result)}
    if profiler is not None and profile:
        profiler.stop()
        Path(profile).write_text(
            profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8"
        )
        out["top"] = top_frames(profiler)
    return out


def top_frames(profiler: Any, limit: int = 8) -> list[tuple[str, float]]:
    """Where the time goes, in the project's terms: each sample's time is charged to the
    innermost ladder_sheets function on its stack (library and built-in frames below it are
    its cost), summed over every call path, the largest first."""
    totals: dict[str, float] = {}
    stack: list[tuple[Any, str]] = [(profiler.last_session.root_frame(), "(outside ladder_sheets)")]
    while stack:
        frame, owner = stack.pop()
        if frame is None:
            continue
        path = str(frame.file_path or "")
        if "ladder_sheets" in path and not str(frame.function).startswith("["):
            short = path[path.rindex("ladder_sheets") :]
            owner = f"{frame.function} ({short}:{frame.line_no})"
        if not frame.children:  # leaves hold the samples: a frame's time is its leaves' sum
            totals[owner] = totals.get(owner, 0.0) + frame.time
        stack.extend((child, owner) for child in frame.children)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    return [(k, round(v, 2)) for k, v in ranked[:limit]]
