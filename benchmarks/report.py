"""What the benchmark measures (rows, targets) and how RESULTS.md shows it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .synthetic import Files

START, END = "<!-- results:start -->", "<!-- results:end -->"
TARGET_PEOPLE = 10_000  # the targets are set for this size
PEAK_LIMIT_MB = 1536.0  # 1.5 GB, every command
FLAT_LIMIT = 1.2  # merge at the growth size: slowest / fastest over the cycles measured


@dataclass(frozen=True)
class Row:
    label: str
    command: str
    input: str  # "base", "merged" or "resaved": a folder of the organisation
    drop: bool = False  # without the files beside the workbook (the cache)
    jobs: int = 1


ROWS = (
    Row("merge", "merge", "base"),
    Row("merge, cache deleted", "merge", "base", drop=True),
    Row("check after merge", "check", "merged"),
    Row("check, re-saved by LibreOffice", "check", "resaved"),
    Row("check, cache deleted", "check", "merged", drop=True),
    Row("packs (jobs=1)", "packs", "merged"),
    Row("packs (jobs=2)", "packs", "merged", jobs=2),
    Row("calibrate", "calibrate", "merged"),
)
GROWTH_ROWS = ("merge", "check after merge")
INPUTS = {
    "base": "the workbook after cycle N-1's merge, plus cycle N's export",
    "merged": "merge's output (cycle N merged)",
    "resaved": "merge's output re-saved by LibreOffice, its cache beside it (stale)",
}

# The targets: (what, row label, how measured, limit).
#   seconds: the median; x_read: median / fastexcel's read of the same input;
#   per_1000: seconds per 1,000 packs; flat: slowest / fastest merge over the growth cycles;
#   peak: the largest peak memory of every command (its process tree taken together).
TARGETS = (
    ("check after a merge (cache warm)", "check after merge", "seconds", 5.0),
    ("check, re-saved by LibreOffice (cache stale)", "check, re-saved by LibreOffice",
     "x_read", 1.5),
    ("check, cache deleted", "check, cache deleted", "x_read", 1.5),
    ("merge of one cycle", "merge", "seconds", 30.0),
    ("merge flat from fewest to most cycles", "merge", "flat", FLAT_LIMIT),
    ("calibrate", "calibrate", "seconds", 10.0),
    ("1,000 packs (jobs=2)", "packs (jobs=2)", "per_1000", 25.0),
    ("peak memory, every command", "", "peak", PEAK_LIMIT_MB),
)  # fmt: skip


@dataclass
class Org:
    """One organisation (people x cycles) and everything measured on it."""

    key: str
    folder: Path
    files: Files
    generated: float
    results: dict[str, Any] = field(default_factory=dict)  # key -> run.Measure
    outputs: dict[str, str] = field(default_factory=dict)  # command -> what it wrote
    resave: dict[str, Any] = field(default_factory=dict)

    @property
    def people(self) -> int:
        return self.files.people

    @property
    def cycles(self) -> int:
        return len(self.files.cycles)

    @property
    def name(self) -> str:
        return f"{self.people:>6} people x {self.cycles:>2} cycles"

    def get(self, key: str) -> Any:
        return self.results.get(key)

    def median(self, key: str) -> float | None:
        m = self.results.get(key)
        return m.median if m is not None else None

    def read_floor(self, row: Row) -> float | None:
        """fastexcel's read of the row's input (and pandas' read of the export, for merge)."""
        return self.median(f"floor-read:{row.input}")

    def floor(self, row: Row, kind: str = "floor") -> float | None:
        """Reading the input plus writing what the command wrote (check writes nothing)."""
        read = self.median(f"{kind}-read:{row.input}")
        if row.command == "check" or read is None:
            return read
        write = self.median(f"{kind}-write:{row.command}")
        return None if write is None else read + write

    def as_json(self) -> dict[str, Any]:
        f = self.files
        return {
            "folder": str(self.folder),
            "people": f.people,
            "managers": f.managers,
            "cycles": list(f.cycles),
            "history_rows": f.history_rows,
            "generated_seconds": self.generated,
            "outputs": self.outputs,
            "resave": self.resave,
            "results": {k: m.as_dict() for k, m in self.results.items()},
        }

    @classmethod
    def from_json(cls, key: str, d: dict[str, Any], measure: Callable[[Any], Any]) -> Org:
        files = Files(
            Path(), Path(), Path(), d["people"], d["managers"], tuple(d["cycles"]),
            d["history_rows"],
        )  # fmt: skip
        org = cls(key, Path(d["folder"]), files, d["generated_seconds"])
        org.results = {k: measure(m) for k, m in d["results"].items()}
        org.outputs, org.resave = d.get("outputs", {}), d.get("resave", {})
        return org


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _r(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _mb(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def main_orgs(orgs: dict[str, Org]) -> list[Org]:
    """Organisations on which every command was measured (not only the growth rows)."""
    return [o for o in orgs.values() if any(k.startswith("floor-read:") for k in o.results)]


def _note(m: Any) -> str:
    if m.error:
        return m.error.splitlines()[0][:160]
    info, parts = m.info, []
    if info.get("errors"):
        parts.append(f"**{info['errors']} errors**: {str(info.get('first_error'))[:120]}")
    if "files" in info and info.get("files") is not None:
        parts.append(f"{info['files']} packs")
    if info.get("history_write"):
        parts.append(str(info["history_write"])[:80])
    if info.get("beside") is not None:
        parts.append(f"beside: {', '.join(info['beside']) or 'nothing'}")
    return "; ".join(parts)


def render_org(org: Org) -> list[str]:
    f = org.files
    out = [
        f"### {f.people:,} people, {f.managers:,} managers, {org.cycles} cycles "
        f"({f.cycles[0]}..{f.cycles[-1]}), {f.history_rows:,} history rows after the merge",
        "",
        "| command | input | median s | spread s | peak MB | fastexcel read s | x read "
        "| floor s | x floor | naive s | x naive | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in ROWS:
        m = org.get(f"command:{row.label}")
        if m is None:
            continue
        spread = "-" if m.spread is None else f"{_s(m.spread[0])}-{_s(m.spread[1])}"
        read, floor, naive = org.read_floor(row), org.floor(row), org.floor(row, "naive")
        where = f"{row.input}{' (cache deleted)' if row.drop else ''}"
        out.append(
            f"| {row.label} | {where} | {_s(m.median)} | {spread} | {_mb(m.peak)} | {_s(read)} | "
            f"{_r(ratio(m.median, read))} | {_s(floor)} | {_r(ratio(m.median, floor))} | "
            f"{_s(naive)} | {_r(ratio(m.median, naive))} | {_note(m)} |"
        )
    out.append("")
    notes = [f"Organisation written in {org.generated:.1f} s (kept by --reuse)."]
    prepare = org.get("prepare:merge of cycle N-1")
    if prepare is not None and prepare.seconds:
        notes.append(f"Merge of cycle N-1 into the synthetic workbook: {_s(prepare.median)} s.")
    elif prepare is not None and prepare.error:
        notes.append(f"Merge of cycle N-1 failed: {prepare.error}")
    loads = [x for m in org.results.values() for x in getattr(m, "loads", [])]
    if loads:
        notes.append(
            f"Load average (1 min) as each run started: {min(loads):.1f}-{max(loads):.1f} "
            f"(median {sorted(loads)[len(loads) // 2]:.1f})."
        )
    merged = org.folder / "merged.json"
    if merged.exists():
        size = json.loads(merged.read_text(encoding="utf-8")).get("bytes")
        if size:
            notes.append(f"merge's output: {size / 1e6:.1f} MB.")
    if org.resave:
        notes.append(
            f"LibreOffice re-saved merged in {org.resave['seconds']} s "
            f"({org.resave['bytes'] / 1e6:.1f} MB)."
        )
    for name in INPUTS:
        m = org.get(f"floor-read:{name}")
        if m is not None and m.seconds:
            i = m.info
            csv = f", the export {_s(i['csv_s'])} s" if i.get("csv_s") else ""
            notes.append(
                f"fastexcel read {name}: {i['cells']:,} input cells in {_s(i['read_s'])} s"
                f"{csv} (generated sheets, not counted: {i['generated_cells']:,} cells, "
                f"{_s(i['generated_read_s'])} s)."
            )
    one, two = org.get("command:packs (jobs=1)"), org.get("command:packs (jobs=2)")
    if one and two and one.median and two.median:
        notes.append(f"packs speed-up jobs=1 -> jobs=2: {one.median / two.median:.2f}x.")
    if two and two.median and f.managers:
        notes.append(f"packs per 1,000 (jobs=2): {two.median * 1000 / f.managers:.1f} s.")
    failed = [k for k, m in org.results.items() if not k.startswith("command:") and m.error]
    notes += [f"{k} failed: {org.results[k].error.splitlines()[0]}" for k in failed]
    return [*out, *[f"- {n}" for n in notes], ""]


def growth(orgs: dict[str, Org]) -> dict[int, list[Org]]:
    """Organisations by people, each list by cycles, where merge was measured more than once."""
    by: dict[int, list[Org]] = {}
    for o in orgs.values():
        if o.get("command:merge") is not None:
            by.setdefault(o.people, []).append(o)
    return {n: sorted(v, key=lambda o: o.cycles) for n, v in sorted(by.items()) if len(v) > 1}


def flatness(series: list[Org]) -> tuple[float | None, str]:
    """Slowest / fastest merge over the cycles measured, and the figures it comes from."""
    times = [(o.cycles, o.median("command:merge")) for o in series]
    known = [t for _, t in times if t]
    shown = ", ".join(f"{c}: {_s(t)} s" for c, t in times)
    return (max(known) / min(known) if len(known) == len(times) else None), shown


def render_growth(orgs: dict[str, Org]) -> list[str]:
    by = growth(orgs)
    if not by:
        return []
    out = [
        "### Growth: people x cycles of history",
        "",
        "Each organisation's workbook holds cycles 1..N-1 (N-1 merged by the tool) when cycle N "
        "is merged; check reads that merge's output.",
        "",
        "| people | cycles | history rows | merge s | merge peak MB | x fewest cycles "
        "| check after merge s | check peak MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for people, series in by.items():
        first = series[0].median("command:merge")
        for o in series:
            m, c = o.get("command:merge"), o.get("command:check after merge")
            out.append(
                f"| {people:,} | {o.cycles} | {o.files.history_rows:,} | {_s(m.median)} | "
                f"{_mb(m.peak)} | {_r(ratio(m.median, first))} | "
                f"{_s(c.median if c else None)} | {_mb(c.peak if c else None)} |"
            )
    out.append("")
    for people, series in by.items():
        flat, shown = flatness(series)
        verdict = "-" if flat is None else "met" if flat <= FLAT_LIMIT else "**missed**"
        out.append(
            f"- merge at {people:,} people, slowest / fastest over {shown}: {_r(flat)} "
            f"(flat within {FLAT_LIMIT - 1:.0%}: {verdict})"
        )
    return [*out, ""]


def target_org(orgs: dict[str, Org]) -> Org | None:
    main = main_orgs(orgs)
    return max(main, key=lambda o: (o.people, o.cycles)) if main else None


def evaluate(orgs: dict[str, Org]) -> list[dict[str, Any]]:
    """Each target: what was measured, its ratio to fastexcel's read and to the floor, the
    peak, and met / missed (None when not measured)."""
    org = target_org(orgs)
    rows = {r.label: r for r in ROWS}
    out = []
    for what, label, how, limit in TARGETS:
        t: dict[str, Any] = {"target": what, "how": how, "limit": limit}
        t.update(measured=None, x_read=None, x_floor=None, peak=None, met=None, text="-")
        if how == "flat":
            by = growth(orgs)
            if by:
                people = 2000 if 2000 in by else max(by)
                flat, shown = flatness(by[people])
                t.update(measured=flat, met=None if flat is None else flat <= limit)
                t["text"] = f"{_r(flat)} ({people:,} people; {shown})"
            out.append(t)
            continue
        if org is None:
            out.append(t)
            continue
        if how == "peak":
            peaks = [
                (m.peak, r.label)
                for r in ROWS
                if (m := org.get(f"command:{r.label}")) is not None and m.peak
            ]
            if peaks:
                peak, which = max(peaks)
                t.update(measured=peak, peak=peak, met=peak <= limit)
                t["text"] = f"{peak:.0f} MB ({which})"
            out.append(t)
            continue
        row, m = rows[label], org.get(f"command:{label}")
        if m is None or m.median is None:
            if m is not None and m.error:
                t["text"] = f"not measured: {m.error.splitlines()[0][:100]}"
            out.append(t)
            continue
        x_read, x_floor = ratio(m.median, org.read_floor(row)), ratio(m.median, org.floor(row))
        t.update(x_read=x_read, x_floor=x_floor, peak=m.peak)
        if how == "x_read":
            t.update(measured=x_read, met=None if x_read is None else x_read <= limit)
            t["text"] = f"{_r(x_read)}x ({_s(m.median)} s)"
        else:
            value = m.median * 1000 / org.files.managers if how == "per_1000" else m.median
            t.update(measured=value, met=value <= limit, text=f"{_s(value)} s")
        if m.info.get("errors"):  # a command that stopped on errors did not do the work
            t.update(met=False, text=f"{t['text']}, **{m.info['errors']} errors**")
        out.append(t)
    return out


def render_targets(orgs: dict[str, Org]) -> list[str]:
    org = target_org(orgs)
    where = f"{org.people:,} people x {org.cycles} cycles" if org else "no organisation measured"
    out = [f"### Targets, measured at {where}", ""]
    if org is not None and org.people < TARGET_PEOPLE:
        out += [
            f"The targets are set for {TARGET_PEOPLE:,} people; at {org.people:,} a time "
            "target met says little (ratios to the floor say more).",
            "",
        ]
    out += [
        "| target | limit | measured | x fastexcel read | x floor | peak MB | verdict |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
    ]
    for t in evaluate(orgs):
        limit = {
            "seconds": f"{t['limit']:.0f} s",
            "per_1000": f"{t['limit']:.0f} s",
            "x_read": f"{t['limit']}x read",
            "flat": f"{t['limit']}x",
            "peak": f"{t['limit']:.0f} MB",
        }[t["how"]]
        verdict = "not measured" if t["met"] is None else "met" if t["met"] else "**missed**"
        out.append(
            f"| {t['target']} | {limit} | {t['text']} | {_r(t['x_read'])} | "
            f"{_r(t['x_floor'])} | {_mb(t['peak'])} | {verdict} |"
        )
    return [*out, ""]


def render_table(orgs: dict[str, Org]) -> str:
    """Targets, one table per main organisation, the growth table, cost between sizes."""
    out = render_targets(orgs)
    main = main_orgs(orgs)
    for org in main:
        out += render_org(org)
    out += render_growth(orgs)
    if len(main) >= 2:
        small, large = min(main, key=lambda o: o.people), max(main, key=lambda o: o.people)
        out += [
            f"### Cost ratio {small.people:,} -> {large.people:,} people "
            f"(linear = {large.people / small.people:.1f})",
            "",
            "| command | time ratio | peak ratio |",
            "| --- | ---: | ---: |",
        ]
        for row in ROWS:
            a, b = small.get(f"command:{row.label}"), large.get(f"command:{row.label}")
            if a and b:
                out.append(
                    f"| {row.label} | {_r(ratio(b.median, a.median))} | "
                    f"{_r(ratio(b.peak, a.peak))} |"
                )
        out.append("")
    return "\n".join(out)


def render_results(info: dict[str, Any], orgs: dict[str, Org]) -> str:
    """The measured part of RESULTS.md: the run, the machine, the tables, the profiles."""
    out = [
        f"Run {info.get('date', '?')} to {info.get('finished', '?')}: `{info.get('command')}`; "
        f"seed {info.get('seed')}, {info.get('runs')} run(s) of each measurement (median "
        "shown).",
        "",
        f"Machine: {info.get('nproc')} CPUs ({info.get('cpu')}), {info.get('ram_gb')} GB RAM, "
        f"Python {info.get('python')}; commit {info.get('commit', '?')}. "
        "Load average (1, 5, 15 min) before: "
        f"{info.get('load_before')}, after: {info.get('load_after')}.",
        "",
    ]
    if info.get("max_cells"):
        out += [
            f"The reader's cells-per-sheet limits were lifted to {info['max_cells']:,} "
            "(--max-cells).",
            "",
        ]
    out.append(render_table(orgs))
    org = target_org(orgs)
    tops = []
    if org is not None:
        for row in ROWS:
            m = org.get(f"command:{row.label}")
            if m is not None and m.info.get("top"):
                tops.append((row.label, m.info["top"]))
    if tops:
        out += [f"### Profile at {org.people:,} people (pyinstrument, self time)", ""]  # type: ignore[union-attr]
        for label, top in tops:
            if isinstance(top, list):
                frames = "; ".join(f"`{name}` {sec:.1f} s" for name, sec in top[:6])
                out.append(f"- **{label}**: {frames}")
            else:
                out.append(f"- **{label}**: profile failed: {top}")
        out.append("")
    return "\n".join(out)


def update_results_file(path: Path, measured: str) -> None:
    """Replace the text between the markers; keep what people wrote around them."""
    block = f"{START}\n{measured}\n{END}"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            path.write_text(f"{head}{block}{tail}", encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Benchmarks\n\nMeasured by `python -m benchmarks.run` (see its docstring); the part "
        "between the markers is rewritten by each run, the notes below it are kept.\n\n"
        f"{block}\n\n## What dominates each command\n\n(notes from the profile)\n",
        encoding="utf-8",
    )
