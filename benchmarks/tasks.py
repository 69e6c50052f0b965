"""What one measurement runs, in its own process: a command, a floor, or the naive script.

`run_task` is called in a fresh interpreter by `benchmarks.run` (so peak RSS belongs to one
measurement). Preparation that is not part of the work (copying the input folder, reading the
cells a floor will write) happens before the clock starts.

- command: the input folder (the workbook and whatever the tool keeps beside it, such as its
  history cache) is copied into the run's folder, optionally without the files beside the
  workbook, and the command runs on the copy;
- floor-read: fastexcel reads every cell of the workbook's input sheets into Arrow (the
  generated sheets are timed apart: they are not input), pandas' C parser reads the export;
- floor-write: xlsxwriter in constant-memory mode writes the cells the command wrote;
- naive-read / naive-write: pandas read_excel / read_csv / DataFrame.to_excel with the default
  engines, doing the same reads and writes.
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

GENERATED = ("Gap Analysis", "Promotion Readiness")  # ladder_sheets.model.GENERATED_SHEETS
HISTORY, EVIDENCE = "Ratings History", "Promotion Evidence"
HARNESS_FILES = ("spec.json", "result.json", "log.txt")


def _named(name: str, sheets: tuple[str, ...]) -> bool:
    """The sheet is one of `sheets` or a numbered continuation ("Ratings History (2)")."""
    return any(name == s or name.startswith(f"{s} (") for s in sheets)


def read_cells(path: Path, only: tuple[str, ...] | None = None) -> Cells:
    """Every cell of every sheet (or of the sheets in `only`, continuations included), read
    with python-calamine."""
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return {
        name: wb.get_sheet_by_name(name).to_python()
        for name in wb.sheet_names
        if only is None or _named(name, only)
    }


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


def fastexcel_read(workbook: Path) -> dict[str, Any]:
    """fastexcel reads every sheet into Arrow (the record batch is built through the Arrow
    PyCapsule interface, so pyarrow is not needed). Returns the seconds for the input sheets
    and, apart, for the generated ones, with the cells read."""
    import fastexcel

    started = time.perf_counter()
    reader = fastexcel.read_excel(str(workbook))
    opened = time.perf_counter() - started
    seconds = {"input": opened, "generated": 0.0}
    cells = {"input": 0, "generated": 0}
    for name in reader.sheet_names:
        part = "generated" if _named(name, GENERATED) else "input"
        t0 = time.perf_counter()
        try:
            sheet = reader.load_sheet(name)
        except Exception:  # a header fastexcel cannot name: every row as data
            sheet = reader.load_sheet(name, header_row=None)
        sheet.__arrow_c_array__()
        seconds[part] += time.perf_counter() - t0
        cells[part] += (sheet.height + 1) * sheet.width
    return {
        "read_s": seconds["input"],
        "generated_read_s": seconds["generated"],
        "cells": cells["input"],
        "generated_cells": cells["generated"],
    }


def naive_read(workbook: Path, export: Path | None) -> None:
    pd.read_excel(workbook, sheet_name=None)
    if export is not None:
        pd.read_csv(export)


def naive_write(path: Path, sheets: Cells) -> None:
    with pd.ExcelWriter(path) as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name[:31], index=False, header=False)


def new_history_rows(merged: Path, cycle: str) -> Cells:
    """The header and the rows of `cycle` of every history sheet: what merge adds to it."""
    out: Cells = {}
    for name, rows in read_cells(merged, (HISTORY,)).items():
        if not rows:
            continue
        at = [str(v).strip().lower() for v in rows[0]].index("cycle")
        out[name] = [rows[0], *(r for r in rows[1:] if str(r[at]) == cycle)]
    return out


def outputs_of(spec: dict[str, Any]) -> list[tuple[Path, Cells]]:
    """The cells a command wrote in an earlier run (read before the clock starts). For merge:
    the generated sheets, Promotion Evidence and the new cycle's history rows."""
    command, out, output = spec["command"], Path(spec["out"]), Path(spec["output"])
    if command == "merge":
        cells = {**read_cells(output, (*GENERATED, EVIDENCE))}
        cells.update(new_history_rows(output, spec["cycle"]))
        return [(out / "floor.xlsx", cells)]
    if command == "packs":
        return [(out / p.name, read_cells(p)) for p in sorted(output.glob("*.xlsx"))]
    if command == "calibrate":
        return [(out / "floor.xlsx", read_cells(output))]
    raise ValueError(f"no output to write for {command!r}")


def stage(source: Path, workbook: str, into: Path, *, drop_beside: bool) -> Path:
    """Copy the input folder into `into` (without the files beside the workbook when
    `drop_beside`: the tool's cache, whatever its name); the copy of the workbook."""
    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    for item in source.iterdir():
        if item.name in HARNESS_FILES or (drop_beside and item.name != workbook):
            continue
        if item.is_dir():
            shutil.copytree(item, into / item.name)
        else:
            shutil.copy2(item, into / item.name)
    return into / workbook


def beside(workbook: Path) -> list[str]:
    """Names and sizes of the files beside the workbook (the cache, when there is one)."""
    return sorted(
        f"{p.name} ({p.stat().st_size:,} B)"
        for p in workbook.parent.iterdir()
        if p.name != workbook.name and p.is_file()
    ) + sorted(f"{p.name}/" for p in workbook.parent.iterdir() if p.is_dir())


def run_task(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement; returns seconds and what the command reported."""
    kind = spec["kind"]
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    export = Path(spec["export"]) if spec.get("export") else None
    if kind in ("command", "prepare"):
        loaded = _preload()
        _lift_limits(spec.get("max_cells"))
        if spec.get("adopt_continuations"):
            _adopt_continuations()
        workbook = stage(
            Path(spec["source"]),
            spec["workbook"],
            out / "input",
            drop_beside=bool(spec.get("drop")),
        )
        found = beside(workbook)
        command = "merge" if kind == "prepare" else spec["command"]
        work, run_describe = _command(command, workbook, export, out, spec.get("jobs", 1))

        def describe(result: Any) -> dict[str, Any]:
            return {**run_describe(result), "import_seconds": loaded, "beside": found}

        return _timed(work, describe, spec.get("profile"))
    if kind == "floor-read":
        workbook = Path(spec["workbook"])
        result = fastexcel_read(workbook)
        csv = 0.0
        if export is not None:
            t0 = time.perf_counter()
            pd.read_csv(export, engine="c")
            csv = time.perf_counter() - t0
        return {"seconds": result["read_s"] + csv, **result, "csv_s": csv}
    if kind == "naive-read":
        return _timed(lambda: naive_read(Path(spec["workbook"]), export), lambda r: {}, None)
    outputs = outputs_of(spec)
    write = write_cells if kind == "floor-write" else naive_write

    def write_all() -> None:
        for path, cells in outputs:
            write(path, cells)

    return _timed(write_all, lambda r: {"files": len(outputs)}, None)


def _lift_limits(max_cells: int | None) -> None:
    """The reader refuses sheets past extent.MAX_CELLS and reads sheets past grid.MAX_AREA
    another way; the benchmark can lift both to measure the rest of the pipeline (names
    looked up, not imported: the reader is being rewritten)."""
    if not max_cells:
        return
    for module, name in (
        ("ladder_sheets.workbook.extent", "MAX_CELLS"),
        ("ladder_sheets.workbook.grid", "MAX_AREA"),
    ):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, name):
            setattr(mod, name, int(max_cells))


# Modules the commands import on first use: loaded before the clock starts, so a figure is the
# work itself (the one-off import cost is reported beside it). A module that moved is skipped.
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
    "fastexcel",
)


def _adopt_continuations() -> None:
    """Let merge replace unmarked 'Ratings History (2)' sheets (an early 10,000-person
    workbook needed it; merge now adopts every sheet it read the history from)."""
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
        try:
            importlib.import_module(name)
        except ImportError:
            continue
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
            lambda r: {
                "errors": len(r.report.errors),
                "findings": len(list(r.report)),
                "first_error": str(r.report.errors[0])[:300] if r.report.errors else None,
            },
        )
    if command == "merge":
        return (
            lambda: merge(workbook, exports),  # in place, on the staged copy
            lambda r: {
                "errors": len(r.report.errors),
                "first_error": str(r.report.errors[0])[:300] if r.report.errors else None,
                "written": str(r.written) if r.written else None,
                "history_write": (
                    f"history {r.history_write.path}: {r.history_write.code}"
                    if r.history_write
                    else None
                ),
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
