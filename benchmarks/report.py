"""The benchmark's table and the measured part of RESULTS.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START, END = "<!-- results:start -->", "<!-- results:end -->"
# Targets of issue 7 at 10,000 people, seconds: command -> limit (packs: per 1,000 packs).
TARGETS = {"check": 10.0, "merge": 60.0, "packs (jobs=2)": 60.0, "calibrate": 30.0}
PEAK_LIMIT_MB = 2048.0

Rows = tuple[tuple[str, str, int], ...]


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "-" if a is None or not b else f"{a / b:.2f}"


def render_table(sizes: dict[int, dict[str, Any]], rows: Rows) -> str:
    """One markdown table per size, the packs speed-up, and the cost ratio between sizes."""
    out: list[str] = []
    for s in sizes.values():
        files, res = s["files"], s["results"]
        out += [
            f"### {files.people:,} people, {files.managers:,} managers, "
            f"{len(files.cycles)} cycles ({files.cycles[0]}..{files.cycles[-1]})",
            "",
            f"Organisation generated in {s['generated']:.1f} s (files already in --work are "
            "reused with --reuse; writing them at 10,000 people takes minutes).",
            "",
            "| command | median s | spread s (min-max) | peak MB | floor s | x floor "
            "| naive s | x naive | note |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, command, _ in rows:
            m = res.get(f"command:{label}")
            floor, naive = res.get(f"floor:{command}"), res.get(f"naive:{command}")
            if m is None:
                continue
            spread = "-" if m.spread is None else f"{_s(m.spread[0])}-{_s(m.spread[1])}"
            fm = floor.median if floor else None
            nm = naive.median if naive else None
            note = (m.error or "").splitlines()[0] if m.error else ""
            if command == "packs" and m.info.get("files"):
                note = f"{m.info['files']} packs"
            peak = "-" if m.peak is None else f"{m.peak:.0f}"
            out.append(
                f"| {label} | {_s(m.median)} | {spread} | {peak} | {_s(fm)} | "
                f"{_ratio(m.median, fm)} | {_s(nm)} | {_ratio(m.median, nm)} | {note} |"
            )
        one, two = res.get("command:packs (jobs=1)"), res.get("command:packs (jobs=2)")
        extras = []
        if one and two and one.median and two.median:
            extras.append(f"packs speed-up jobs=1 -> jobs=2: {one.median / two.median:.2f}x")
        if two and two.median and files.managers:
            extras.append(f"packs per 1,000 (jobs=2): {two.median * 1000 / files.managers:.1f} s")
        for key in ("floor", "naive"):
            failed = [k for k, m in res.items() if k.startswith(key) and m.error]
            extras += [f"{k} failed: {(res[k].error or '').splitlines()[0]}" for k in failed]
        out += ["", *[f"- {e}" for e in extras], ""]
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        a, b = sizes[small]["results"], sizes[large]["results"]
        out += [
            f"### Cost ratio {small:,} -> {large:,} people (linear = {large / small:.1f})",
            "",
            "| command | time ratio | peak ratio |",
            "| --- | ---: | ---: |",
        ]
        for label, _, _ in rows:
            ma, mb = a.get(f"command:{label}"), b.get(f"command:{label}")
            if ma and mb:
                out.append(
                    f"| {label} | {_ratio(mb.median, ma.median)} | {_ratio(mb.peak, ma.peak)} |"
                )
        out.append("")
    return "\n".join(out)


def render_targets(sizes: dict[int, dict[str, Any]], rows: Rows) -> str:
    """The issue's targets, checked at the largest size measured."""
    n = max(sizes)
    files, res = sizes[n]["files"], sizes[n]["results"]
    out = [
        f"### Targets at {files.people:,} people",
        "",
        "| command | target s | measured s | peak < 2 GB | within 2x floor | faster than naive |",
        "| --- | ---: | ---: | --- | --- | --- |",
    ]
    for label, command, _ in rows:
        m = res.get(f"command:{label}")
        if m is None or label not in TARGETS:
            continue
        measured = m.median
        if measured is not None and command == "packs" and files.managers:
            measured = measured * 1000 / files.managers  # per 1,000 packs
        floor, naive = res.get(f"floor:{command}"), res.get(f"naive:{command}")
        fm = floor.median if floor else None
        nm = naive.median if naive else None

        def yes(ok: bool | None) -> str:
            return "-" if ok is None else "yes" if ok else "**no**"

        time_ok = None if measured is None else measured <= TARGETS[label]
        out.append(
            f"| {label}{' (per 1,000)' if command == 'packs' else ''} | {TARGETS[label]:.0f} | "
            f"{_s(measured)} {'' if time_ok is None else 'ok' if time_ok else '**missed**'} | "
            f"{yes(None if m.peak is None else m.peak < PEAK_LIMIT_MB)} | "
            f"{yes(None if not (m.median and fm) else m.median <= 2 * fm)} | "
            f"{yes(None if not (m.median and nm) else m.median < nm)} |"
        )
    return "\n".join(out)


def render_results(info: dict[str, Any], sizes: dict[int, dict[str, Any]], rows: Rows) -> str:
    """The measured part of RESULTS.md: machine, run, tables, targets, profiles."""
    out = [
        f"Run {info['date']}: `python -m benchmarks.run --sizes "
        f"{' '.join(str(n) for n in sizes)} --cycles {info['cycles']} --runs {info['runs']}` "
        f"(naive script: {info['naive_runs']}); seed {info['seed']}.",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram_gb']} GB RAM, Python "
        f"{info['python']}. Load average (1, 5, 15 min) before: {info['load_before']}, after: "
        f"{info['load_after']}.",
        "",
        *(
            [
                f"The reader's cells-per-sheet limit (workbook/extent.py MAX_CELLS) was lifted "
                f"to {info['max_cells']:,} for the commands: with the shipped limit every "
                "command refuses these workbooks (see the notes).",
                "",
            ]
            if info.get("max_cells")
            else []
        ),
        *([f"{info['note_merge']}.", ""] if info.get("note_merge") else []),
        render_table(sizes, rows),
        render_targets(sizes, rows),
        "",
    ]
    n = max(sizes)
    tops = [
        (label, sizes[n]["results"][f"command:{label}"].info.get("top"))
        for label, _, jobs in rows
        if jobs == 1 and f"command:{label}" in sizes[n]["results"]
    ]
    if any(top for _, top in tops):
        out += [f"### Profile at {n:,} people (pyinstrument, self time, top frames)", ""]
        for label, top in tops:
            if isinstance(top, list):
                frames = "; ".join(f"`{name}` {sec:.1f} s" for name, sec in top[:6])
                out.append(f"- **{label}**: {frames}")
            elif top:
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
