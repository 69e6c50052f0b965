"""A seeded, structure-aware fuzzer over workbooks and review exports.

Each case is a damaged copy of a small, valid input (an invented company's merged workbook and
its exports): a lying count or address, a renamed, emptied or missing package part, a duplicate
sheet name, a truncated or bit-flipped part, a ragged or over-wide CSV. The CLI runs on it in a
forked child (modules already imported, so a case costs its own work only) with a time limit
and an address-space cap; the parent records the exit code, whether stderr holds a traceback,
the child's peak memory (getrusage) and whether the inputs are byte for byte unchanged.

    python tests/fuzzing.py --cases 300 --seed 1     # the figures, from the command line
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Per case: CPU seconds (RLIMIT_CPU: a loaded machine does not make a case time out), and a
# wall-clock limit well above it as the last resort.
CPU_LIMIT = 60
TIMEOUT = 300.0
_RUNS = itertools.count()
ADDRESS_SPACE = 4 << 30  # the child's cap: a runaway allocation fails instead of swapping


@dataclass
class Outcome:
    name: str
    args: list[str]
    code: int  # exit code, or -signal
    seconds: float  # CPU time (user + system) of the child
    peak_kb: int  # the child's peak resident set (includes the pages shared with the parent)
    traceback: bool
    unchanged: bool
    stderr: str = ""
    stdout: str = ""

    @property
    def crashed(self) -> bool:
        return self.code < 0 and not self.timed_out

    @property
    def timed_out(self) -> bool:
        return self.code in (-signal.SIGKILL, -signal.SIGXCPU)

    @property
    def ok(self) -> bool:
        return self.code in (0, 1, 2) and not self.traceback and self.unchanged


@dataclass
class Figures:
    outcomes: list[Outcome] = field(default_factory=list)
    baseline_kb: int = 0

    def summary(self) -> str:
        runs = len(self.outcomes)
        crashes = sum(o.crashed for o in self.outcomes)
        exit3 = sum(o.code == 3 for o in self.outcomes)
        timeouts = sum(o.timed_out for o in self.outcomes)
        tracebacks = sum(o.traceback for o in self.outcomes)
        changed = sum(not o.unchanged for o in self.outcomes)
        peak = max((o.peak_kb for o in self.outcomes), default=0)
        codes: dict[int, int] = {}
        for o in self.outcomes:
            codes[o.code] = codes.get(o.code, 0) + 1
        return (
            f"runs {runs}, crashes {crashes}, exit 3 {exit3}, timeouts {timeouts}, "
            f"tracebacks {tracebacks}, inputs changed {changed}, "
            f"peak memory {peak / 1024:.0f} MB (parent {self.baseline_kb / 1024:.0f} MB), "
            f"exit codes {dict(sorted(codes.items()))}"
        )


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"<missing>")
    return h.hexdigest()


def run_cli(args: list[str], inputs: list[Path], name: str = "") -> Outcome:
    """`ladder-sheets ARGS` in a forked child; the parent has imported the CLI already."""
    from ladder_sheets import cli

    before = digest(inputs)
    stem = Path(tempfile.gettempdir()) / f"ladder-fuzz-{os.getpid()}-{next(_RUNS)}"
    err_path, out_path = stem.with_suffix(".stderr"), stem.with_suffix(".stdout")
    started = time.monotonic()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 4
        try:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
            resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 10))
            fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, 1)
            os.dup2(fd, 2)
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb"), encoding="utf-8")
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb"), encoding="utf-8")
            sys.argv = ["ladder-sheets", *args]
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 5
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    deadline = started + TIMEOUT
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    seconds = usage.ru_utime + usage.ru_stime
    code = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text("utf-8", "replace") if err_path.exists() else ""
    stdout = out_path.read_text("utf-8", "replace") if out_path.exists() else ""
    err_path.unlink(missing_ok=True)
    out_path.unlink(missing_ok=True)
    return Outcome(
        name=name,
        args=args,
        code=code,
        seconds=seconds,
        peak_kb=usage.ru_maxrss,
        traceback="Traceback (most recent call last)" in stderr,
        unchanged=digest(inputs) == before,
        stderr=stderr[-2000:],
        stdout=stdout[:100_000],
    )


# ---------------------------------------------------------------------------------------------
# The valid inputs every case starts from.


@dataclass
class Seeds:
    folder: Path
    workbook: Path  # merged: Ratings History, Gap Analysis, Promotion Readiness, ...
    exports: list[Path]


def make_seeds(folder: Path, people: int = 12) -> Seeds:
    from ladder_sheets.commands.merge import merge
    from ladder_sheets.demo.company import generate_company
    from ladder_sheets.demo.exports import write_samples

    folder.mkdir(parents=True, exist_ok=True)
    paths = write_samples(generate_company(people), folder)
    workbook = paths["framework"]
    exports = [paths[k] for k in ("long", "wide", "labels", "self_and_manager")]
    merge(workbook, [exports[0]])
    return Seeds(folder, workbook, exports)


# ---------------------------------------------------------------------------------------------
# Workbook mutations: each takes the members (name -> bytes, in order) and the rng.

Members = dict[str, bytes]


def _sheets(m: Members) -> list[str]:
    return [n for n in m if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]


def _sub(data: bytes, pattern: bytes, repl: bytes, rng: random.Random) -> bytes:
    found = list(re.finditer(pattern, data))
    if not found:
        return data
    hit = rng.choice(found)
    return data[: hit.start()] + repl + data[hit.end() :]


def lying_unique_count(m: Members, rng: random.Random) -> Members:
    key = "xl/sharedStrings.xml"
    if key in m:
        attr = rng.choice([b"uniqueCount", b"count"])
        big = rng.choice([b"99999999999", b"4294967296", b"2147483647", b"-1", b"x"])
        m[key] = re.sub(attr + rb'="[^"]*"', attr + b'="' + big + b'"', m[key], count=1)
    return m


def cell_past_grid(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    bad = rng.choice(
        [b"AAAA1", b"XFE1", b"ZZZZZZ9", b"A1048577", b"B99999999", b"A0", b"a1", b"1A", b"A-5"]
    )
    m[sheet] = _sub(m[sheet], rb'(?<=<c r=")[A-Z]+\d+', bad, rng)
    return m


def row_past_grid(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    big = rng.choice([b"1048577", b"99999999", b"0", b"-3"])
    m[sheet] = _sub(m[sheet], rb'(?<=<row r=")\d+', big, rng)
    return m


def unaddressed_cells(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    m[sheet] = re.sub(rb'(<c) r="[A-Z]+\d+"', rb"\1", m[sheet])
    if rng.random() < 0.5:
        m[sheet] = _sub(m[sheet], rb'(?<=<row r=")\d+', b"1048577", rng)
    return m


def lying_dimension(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    ref = rng.choice([b"A1:XFD1048576", b"A1:ZZZZ99999999", b"A1", b"B2:A1", b"garbage"])
    m[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', m[sheet])
    return m


def backslash_member(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    return {(n.replace("/", "\\") if n == sheet else n): d for n, d in m.items()}


def empty_content_types(m: Members, rng: random.Random) -> Members:
    m["[Content_Types].xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    )
    return m


def missing_part(m: Members, rng: random.Random) -> Members:
    candidates = [
        n
        for n in m
        if n.startswith("xl/") and n != "xl/workbook.xml" and not n.endswith("workbook.xml.rels")
    ]
    del m[rng.choice(candidates)]
    return m


def dangling_relationship(m: Members, rng: random.Random) -> Members:
    rels = "xl/_rels/workbook.xml.rels"
    m[rels] = _sub(m[rels], rb'(?<=Target=")[^"]+', b"worksheets/nowhere.xml", rng)
    return m


def duplicate_sheet_name(m: Members, rng: random.Random) -> Members:
    book = m["xl/workbook.xml"]
    names = re.findall(rb'<sheet name="([^"]+)"', book)
    if len(names) >= 2:
        a, b = rng.sample(names, 2)
        twin = a.upper() if rng.random() < 0.5 else a
        m["xl/workbook.xml"] = book.replace(
            b'<sheet name="' + b + b'"', b'<sheet name="' + twin + b'"', 1
        )
    return m


def truncated_part(m: Members, rng: random.Random) -> Members:
    name = rng.choice([n for n in m if n.endswith((".xml", ".rels"))])
    m[name] = m[name][: rng.randrange(0, max(1, len(m[name])))]
    return m


def flipped_bytes(m: Members, rng: random.Random) -> Members:
    name = rng.choice([n for n in m if n.endswith((".xml", ".rels"))])
    data = bytearray(m[name])
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    m[name] = bytes(data)
    return m


def huge_shared_index(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    big = rng.choice([b"99999999999", b"-1", b"1e9", b""])
    m[sheet] = _sub(m[sheet], rb'(?<=t="s"><v>)\d+', big, rng)
    return m


def odd_attribute(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    edits = [
        (rb' t="s"', b' t="e"'),
        (rb' t="s"', b' t="zz"'),
        (rb' s="\d+"', b' s="99999"'),
        (rb"<v>[^<]*</v>", b"<v>not a number</v>"),
        (rb'<mergeCell ref="[^"]*"', b'<mergeCell ref="A1:XFD1048576"'),
    ]
    pattern, repl = rng.choice(edits)
    m[sheet] = _sub(m[sheet], pattern, repl, rng)
    return m


def deep_nesting(m: Members, rng: random.Random) -> Members:
    sheet = rng.choice(_sheets(m))
    depth = rng.choice([1000, 50000])
    m[sheet] = m[sheet].replace(
        b"<sheetData>", b"<sheetData>" + b"<x>" * depth + b"</x>" * depth, 1
    )
    return m


WORKBOOK_MUTATIONS: list[Callable[[Members, random.Random], Members]] = [
    lying_unique_count,
    cell_past_grid,
    row_past_grid,
    unaddressed_cells,
    lying_dimension,
    backslash_member,
    empty_content_types,
    missing_part,
    dangling_relationship,
    duplicate_sheet_name,
    truncated_part,
    flipped_bytes,
    huge_shared_index,
    odd_attribute,
    deep_nesting,
]


def mutate_workbook(src: Path, dst: Path, rng: random.Random) -> str:
    """A damaged copy of `src` at `dst` (one to three mutations); returns their names."""
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    chosen = [rng.choice(WORKBOOK_MUTATIONS) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    for mutation in chosen:
        members = mutation(members, rng)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return "+".join(f.__name__ for f in chosen)


# ---------------------------------------------------------------------------------------------
# Export mutations (CSV text).


def over_wide_header(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    extra = rng.choice([1000, 50_000, 1_000_000])
    lines[0] = lines[0].rstrip(b"\r") + b"," * extra
    return b"\n".join(lines)


def over_wide_row(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    i = rng.randrange(1, max(2, len(lines) - 1))
    lines[i] = lines[i].rstrip(b"\r") + b",x" * rng.choice([100, 200_000])
    return b"\n".join(lines)


def ragged_rows(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    for _ in range(rng.randint(1, 20)):
        i = rng.randrange(1, max(2, len(lines)))
        if i < len(lines):
            cut = lines[i].split(b",")
            lines[i] = b",".join(cut[: rng.randrange(len(cut) + 1)])
    return b"\n".join(lines)


def unterminated_quote(text: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(text))
    return text[:at] + b'"' + text[at:]


def nul_bytes(text: bytes, rng: random.Random) -> bytes:
    data = bytearray(text)
    for _ in range(rng.randint(1, 20)):
        data.insert(rng.randrange(len(data)), 0)
    return bytes(data)


def bad_encoding(text: bytes, rng: random.Random) -> bytes:
    data = bytearray(text)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.choice([0x80, 0xFF, 0xC3, 0xFE])
    return bytes(data)


def long_field(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + b"A" * rng.choice([100_000, 5_000_000])
    return b"\n".join(lines)


def blank_lines(text: bytes, rng: random.Random) -> bytes:
    lines = text.split(b"\n")
    i = rng.randrange(len(lines))
    return b"\n".join(lines[:i] + [b""] * rng.choice([10, 100_000]) + lines[i:])


def truncated_export(text: bytes, rng: random.Random) -> bytes:
    return text[: rng.randrange(len(text))]


def swapped_delimiter(text: bytes, rng: random.Random) -> bytes:
    return text.replace(b",", rng.choice([b";", b"\t", b"|", b'","']))


EXPORT_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    over_wide_header,
    over_wide_row,
    ragged_rows,
    unterminated_quote,
    nul_bytes,
    bad_encoding,
    long_field,
    blank_lines,
    truncated_export,
    swapped_delimiter,
]


def mutate_export(src: Path, dst: Path, rng: random.Random) -> str:
    text = src.read_bytes()
    chosen = [rng.choice(EXPORT_MUTATIONS) for _ in range(rng.choice([1, 1, 2]))]
    for mutation in chosen:
        text = mutation(text, rng)
    dst.write_bytes(text)
    return "+".join(f.__name__ for f in chosen)


# ---------------------------------------------------------------------------------------------


def run_cases(seeds: Seeds, cases: int, seed: int, work: Path) -> Figures:
    """`cases` damaged inputs: about half workbooks through check, a quarter through merge,
    a quarter exports through check and merge; each outcome recorded."""
    rng = random.Random(seed)
    figures = Figures(baseline_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    work.mkdir(parents=True, exist_ok=True)
    csvs = [e for e in seeds.exports if e.suffix == ".csv"]
    for i in range(cases):
        kind = rng.random()
        case = work / f"case{i}"
        case.mkdir(exist_ok=True)
        if kind < 0.75:
            damaged = case / "framework.xlsx"
            what = mutate_workbook(seeds.workbook, damaged, rng)
            if kind < 0.5:
                args, inputs = ["check", str(damaged)], [damaged]
            else:
                export = rng.choice(seeds.exports)
                out = case / "merged.xlsx"
                args, inputs = ["merge", str(damaged), str(export), "-o", str(out)], [damaged]
        else:
            export = rng.choice(csvs)
            damaged = case / export.name
            what = mutate_export(export, damaged, rng)
            command = rng.choice(["check", "merge"])
            args = [command, str(seeds.workbook), str(damaged)]
            if command == "merge":
                args += ["-o", str(case / "merged.xlsx")]
            inputs = [seeds.workbook, damaged]
        figures.outcomes.append(run_cli(args, inputs, name=f"case {i}: {what}"))
        for leftover in case.iterdir():
            leftover.unlink()
        case.rmdir()
    return figures


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ladder-fuzz-") as folder:
        seeds = make_seeds(Path(folder) / "seeds")
        started = time.monotonic()
        figures = run_cases(seeds, options.cases, options.seed, Path(folder) / "cases")
        for o in figures.outcomes:
            if not o.ok or options.verbose:
                last = o.stderr.strip().splitlines()[-1:] if o.stderr.strip() else [""]
                print(f"{o.name}: exit {o.code} {o.seconds:.1f}s {o.peak_kb // 1024} MB {last[0]}")
        print(figures.summary(), f"in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
