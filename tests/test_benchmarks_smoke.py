"""The benchmark generator and runner at a tiny size, so they cannot rot (not a timed test)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import run
from benchmarks.report import ROWS, TARGETS, Org, evaluate
from benchmarks.synthetic import COMPETENCIES_PER_TRACK, Files, build, cycle_names, generate
from ladder_sheets.api import check


def test_same_seed_same_organisation_other_seed_differs() -> None:
    a, b, c = generate(60, seed=3, cycles=3), generate(60, seed=3, cycles=3), generate(60, seed=4)
    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.ratings, b.ratings)
    assert not a.ratings["manager"].equals(c.ratings["manager"].iloc[: len(a.ratings)])


def test_tree_spans_depth_families_and_twelve_competencies() -> None:
    org = generate(400, seed=7, cycles=2)
    people = org.people.set_index("employee_id")
    spans = Counter(people["manager_id"].dropna())
    # Breadth first, span 5-8: only the last manager filled may have fewer reports.
    assert sum(1 for s in spans.values() if not 5 <= s <= 8) <= 1
    depth: dict[object, int] = {}
    for eid, manager in people["manager_id"].items():
        depth[eid] = 0 if pd.isna(manager) else depth[manager] + 1  # managers come first
    # Spans of 8 fill 1 + 6 + 48 + 384 people in depths 0-3; spans of 5 need depth 4.
    assert 3 <= max(depth.values()) <= 4
    assert set(people["family"]) == {"Engineering", "Sales", "People"}
    assert set(people.loc[people["family"] == "Engineering", "track"]) == {"IC", "Management"}
    per_person = org.ratings.groupby(["cycle", "employee_id"])["competency"].nunique()
    assert set(per_person) == {COMPETENCIES_PER_TRACK}
    assert len(per_person) == 2 * (len(people) - 1)  # everyone but the CEO, each cycle
    share = org.ratings["self"].notna().mean()
    assert 0.7 < share < 0.95  # most people self-assess


def test_cycles_count_back_from_the_last_quarter() -> None:
    assert cycle_names(3) == ("2026-Q2", "2026-Q3", "2026-Q4")
    assert cycle_names(5)[0] == "2025-Q4"


def test_written_workbook_and_exports_pass_check(tmp_path: Path) -> None:
    files = build(30, tmp_path, cycles=4, seed=5)
    result = check(files.workbook, ratings=[files.seed_export])
    assert result.report.errors == []
    history = result.framework.history.data
    assert sorted(history["cycle"].unique()) == list(files.cycles[:-2])
    assert set(history["rater_type"]) == {"manager", "self"}
    for path, cycle in ((files.seed_export, files.cycles[-2]), (files.export, files.cycles[-1])):
        export = pd.read_csv(path)
        assert set(export["Cycle"]) == {cycle}
        assert len(export) == 29 * COMPETENCIES_PER_TRACK
    # Once the last cycle is merged: a manager rating per row, a self rating where given.
    selfs = sum(int(pd.read_csv(p)["Self Rating"].notna().sum()) for p in (files.seed_export,
                files.export))  # fmt: skip
    assert files.history_rows == len(history) + 2 * 29 * COMPETENCIES_PER_TRACK + selfs


def _org(people: int, cycles: int, managers: int, medians: dict[str, float]) -> Org:
    files = Files(Path(), Path(), Path(), people, managers, cycle_names(cycles), people * cycles)
    org = Org(f"{people}-c{cycles}", Path(), files, 0.0)
    for key, seconds in medians.items():
        # three runs whose median is `seconds`; the peak grows with the time
        org.results[key] = run.Measure([seconds * 1.5, seconds, seconds * 0.9], [seconds * 10])
    return org


def test_targets_are_judged_from_the_measured_figures() -> None:
    measured = {
        "command:merge": 20.0,
        "command:merge, cache deleted": 40.0,
        "command:check after merge": 6.0,  # over 5 s
        "command:check, re-saved by LibreOffice": 9.0,
        "command:check, cache deleted": 12.0,
        "command:packs (jobs=2)": 30.0,
        "command:calibrate": 8.0,
        "floor-read:base": 5.0,
        "floor-read:merged": 7.0,
        "floor-read:resaved": 8.0,  # 9 / 8 = 1.125x: met; 12 / 7 = 1.71x: missed
        "floor-write:merge": 3.0,
        "floor-write:packs": 10.0,
        "floor-write:calibrate": 1.0,
    }
    main = _org(10_000, 8, 1_500, measured)
    growth = [_org(2_000, c, 300, {"command:merge": t}) for c, t in ((3, 4.0), (8, 4.4), (16, 5.0))]
    orgs = {o.key: o for o in (main, *growth)}
    got = {t["target"]: t for t in evaluate(orgs)}
    assert len(got) == len(TARGETS)

    def target(name: str, value: float, met: bool, x_read: float | None = None) -> None:
        assert got[name]["measured"] == pytest.approx(value), name
        assert got[name]["met"] is met, name
        if x_read is not None:
            assert got[name]["x_read"] == pytest.approx(x_read), name

    target("check after a merge (cache warm)", 6.0, False, 6.0 / 7.0)
    target("check, re-saved by LibreOffice (cache stale)", 9.0 / 8.0, True)
    target("check, cache deleted", 12.0 / 7.0, False)
    target("merge of one cycle", 20.0, True, 20.0 / 5.0)
    assert got["merge of one cycle"]["x_floor"] == pytest.approx(20.0 / (5.0 + 3.0))
    target("merge flat from fewest to most cycles", 5.0 / 4.0, False)  # 25 % apart
    target("calibrate", 8.0, True)
    assert got["calibrate"]["x_floor"] == pytest.approx(8.0 / (7.0 + 1.0))
    target("1,000 packs (jobs=2)", 30.0 * 1000 / 1500, True)  # 20 s per 1,000
    target("peak memory, every command", 400.0, True)  # merge, cache deleted: 40 s x 10
    assert "merge, cache deleted" in got["peak memory, every command"]["text"]


def test_a_command_that_stopped_on_errors_misses_its_target() -> None:
    org = _org(10_000, 8, 1_500, {"command:calibrate": 2.0, "floor-read:merged": 7.0})
    org.results["command:calibrate"].info["errors"] = 3
    got = {t["target"]: t for t in evaluate({org.key: org})}
    assert got["calibrate"]["met"] is False
    assert got["check after a merge (cache warm)"]["met"] is None  # not measured


def _cells(text: str, first: str, width: int | None = None) -> list[str]:
    """The cells of the first markdown table row (of `width` cells) whose first is `first`."""
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] == first and width in (None, len(cells)):
            return cells
    raise AssertionError(f"no row {first!r}")


@pytest.mark.slow
def test_benchmark_runs_every_command_on_merges_output_at_a_tiny_size(tmp_path: Path) -> None:
    results, raw, work = tmp_path / "RESULTS.md", tmp_path / "results.json", tmp_path / "work"
    argv = ["--sizes", "25", "--cycles", "3", "--growth-cycles", "3", "4", "--runs", "1",
            "--work", str(work), "--results", str(results), "--json", str(raw)]  # fmt: skip
    soffice = shutil.which("soffice") is not None
    if not soffice:
        argv.append("--no-libreoffice")
    assert run.main(argv) == 0
    assert str(work) not in raw.read_text(encoding="utf-8")  # no path of this machine
    shown = " ".join(argv).replace(str(work), "$WORK")
    command = json.loads(raw.read_text(encoding="utf-8"))["machine"]["command"]
    assert command == f"python -m benchmarks.run {shown}"
    saved = json.loads(raw.read_text(encoding="utf-8").replace("$WORK", str(work)))
    assert {"nproc", "ram_gb", "python", "load_before", "load_after"} <= set(saved["machine"])
    org = saved["orgs"]["25-c3-s7"]
    measured = org["results"]
    for row in ROWS:
        m = measured[f"command:{row.label}"]
        if row.input == "resaved" and not soffice:
            assert "not measured" in m["error"]
            continue
        assert m["error"] is None, (row.label, m["error"])
        assert m["median"] > 0 and m["peak"] > 0
        assert m["info"]["errors"] == 0, (row.label, m["info"])
        # Every command ran on a copy of the input its row names: merge on the workbook the
        # tool wrote when it merged cycle N-1, the others on the output of the measured merge.
        spec = json.loads((Path(m["info"]["folder"]) / "spec.json").read_text(encoding="utf-8"))
        assert Path(spec["source"]) == work / "25-c3-s7" / row.input
    assert measured["command:merge"]["info"]["written"].endswith("framework_25.xlsx")
    merged = work / "25-c3-s7" / "merged" / "framework_25.xlsx"
    assert check(merged).framework.history.data["cycle"].nunique() == 3  # cycle N is in it
    text = results.read_text(encoding="utf-8")
    for what, *_ in TARGETS:
        assert _cells(text, what, 7)[-1] in {"met", "**missed**", "not measured"}
    for row in ROWS:
        cells, m = _cells(text, row.label, 12), measured[f"command:{row.label}"]
        if m["median"] is None:
            continue
        read = measured[f"floor-read:{row.input}"]["median"]
        write = measured.get(f"floor-write:{row.command}", {}).get("median", 0.0)
        assert cells[6] == f"{m['median'] / read:.2f}"  # x fastexcel read
        assert cells[8] == f"{m['median'] / (read + write):.2f}"  # x floor
    packs = measured["command:packs (jobs=2)"]["median"]
    assert f"{packs * 1000 / org['managers']:.1f} s" in _cells(text, "1,000 packs (jobs=2)")[2]
    # The growth table: a row per cycle count, merge measured on each.
    merges = [saved["orgs"][k]["results"]["command:merge"]["median"] for k in ("25-c3-s7",
              "25-c4-s7")]  # fmt: skip
    assert _cells(text, "25")[1] == "3"
    flat = _cells(text, "merge flat from fewest to most cycles")[2]
    assert flat.startswith(f"{max(merges) / min(merges):.2f} ")
    # --resume keeps what is complete: nothing is measured again.
    assert run.main([*argv, "--resume"]) == 0
    again = json.loads(raw.read_text(encoding="utf-8"))["orgs"]["25-c3-s7"]["results"]
    assert again["command:merge"]["seconds"] == measured["command:merge"]["seconds"]


@pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="the tree is sampled from Linux's /proc"
)
def test_peak_memory_counts_a_child_and_its_parent_together() -> None:
    """A command holding 150 MB while its child holds 250 MB peaks at about 400 MB: os.wait4
    alone would say 250 (the largest single process)."""
    child = "b = bytearray(250 << 20); import time; time.sleep(1.0)"
    parent = (
        "import subprocess, sys; a = bytearray(150 << 20); "
        f"subprocess.run([sys.executable, '-c', {child!r}])"
    )
    proc = subprocess.Popen([sys.executable, "-c", parent])
    tree = run.TreeMemory(proc.pid)
    tree.start()
    _, _, usage = os.wait4(proc.pid, 0)
    tree.stop()
    alone = usage.ru_maxrss / 1024
    assert 250 <= alone < 330
    assert 400 <= tree.peak_mb < 400 + 2 * 80  # two interpreters' own pages on top
