"""A spec's ratings written as review exports in the style of the tools HR teams use.

Columns are invented, in the style of each tool's documented export (not copies): 15Five,
Workday, Lattice, Culture Amp, Leapsome, HiBob, BambooHR, Quantum Workplace and a Google Form.
Each writer takes an `Export` (how the company's tool names raters, keys people, writes cycles,
scales and files) and returns the files it wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from companies.spec import Spec, person, quarter_end

RATERS = ("manager", "self", "peer", "upward", "additional")


@dataclass
class Export:
    tool: str
    key: str = "email"  # how the export names the person rated: id, email or name
    reviewer_key: str = "name"
    words: dict[str, str] = field(default_factory=dict)  # rater -> the tool's word
    raters: tuple[str, ...] = RATERS  # which raters the export holds
    labels: list[str] | None = None  # the scale's labels, lowest first; None: numbers
    cycle: Callable[[str], Any] = lambda q: q  # the tool's name for a quarter
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    per_cycle: bool = True  # one file per cycle, else one file for all
    xlsx: bool = False
    rater_header: str = "Rater Type"  # for the plain long export
    tabs: dict[str, list[list[Any]]] = field(default_factory=dict)  # XLSX tabs before the data

    def word(self, rater: str) -> str:
        return self.words.get(rater, rater.title())

    def value(self, rating: float) -> Any:
        return self.labels[int(rating) - 1] if self.labels else rating


def half(q: str) -> str:
    year, n = q.split("-Q")
    return f"H{(int(n) + 1) // 2} {year}"


def named_half(q: str) -> str:
    year, n = q.split("-Q")
    return f"{'Mid-year' if int(n) <= 2 else 'Year-end'} {year}"


def short_quarter(q: str) -> str:
    year, n = q.split("-Q")
    return f"Q{n}-{year[2:]}"


def spaced_quarter(q: str) -> str:
    year, n = q.split("-Q")
    return f"Q{n} {year}"


def quarter_start(q: str) -> dt.date:
    end = quarter_end(q)
    return dt.date(end.year, end.month - 2, 1)


def who(spec: Spec, pid: str, key: str) -> Any:
    p = person(spec, pid)
    assert p is not None, pid
    return p[key]


def ratings_of(spec: Spec, ex: Export, cycle: str | None) -> list[dict[str, Any]]:
    return [
        r
        for r in spec["ratings"]
        if r["rater"] in ex.raters and (cycle is None or r["cycle"] == cycle)
    ]


def batches(spec: Spec, ex: Export) -> list[tuple[str, str | None]]:
    """(file stem, cycle or None for all cycles)."""
    if ex.per_cycle:
        return [(f"{ex.tool}-{c}", c) for c in spec["cycles"]]
    return [(f"{ex.tool}-all", None)]


def save(rows: list[list[Any]], path: Path, ex: Export, tabs: dict[str, list[list[Any]]]) -> Path:
    if ex.xlsx:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, tab in {**ex.tabs, **tabs, "__data__": rows}.items():
            ws = wb.create_sheet("Responses" if name == "__data__" else name)
            for row in tab:
                ws.append(row)
        path = path.with_suffix(".xlsx")
        wb.save(path)
        return path
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=ex.delimiter, lineterminator="\r\n").writerows(rows)
    path = path.with_suffix(".csv")
    path.write_bytes(buffer.getvalue().encode(ex.encoding))
    return path


def long_export(
    spec: Spec,
    out: Path,
    ex: Export,
    columns: list[tuple[str, Callable[[dict[str, Any]], Any]]],
    tabs: dict[str, list[list[Any]]] | None = None,
    title: list[list[Any]] | None = None,
) -> list[Path]:
    """One row per rating: `columns` are (header, value of a rating)."""
    files = []
    for stem, cycle in batches(spec, ex):
        rows: list[list[Any]] = [*(title or []), [h for h, _ in columns]]
        rows += [[f(r) for _, f in columns] for r in ratings_of(spec, ex, cycle)]
        files.append(save(rows, out / stem, ex, tabs or {}))
    return files


def wide_export(
    spec: Spec,
    out: Path,
    ex: Export,
    lead: list[tuple[str, Callable[[dict[str, Any]], Any]]],
    column: Callable[[str, str], str],
    split_raters: bool,
    tail: list[tuple[str, Callable[[list[dict[str, Any]]], Any]]] = (),  # type: ignore[assignment]
    tabs: dict[str, list[list[Any]]] | None = None,
) -> list[Path]:
    """One row per person and cycle (and rater when `split_raters`), one column per
    competency (and rater, named by `column(competency, rater word)`)."""
    comps = [c["name"] for c in spec["competencies"]]
    raters = [r for r in ex.raters if r in ("manager", "self")]
    files = []
    for stem, cycle in batches(spec, ex):
        if split_raters:
            head = [h for h, _ in lead] + [column(c, "") for c in comps]
        else:
            head = [h for h, _ in lead] + [column(c, ex.word(r)) for r in raters for c in comps]
        head += [h for h, _ in tail]
        rows: list[list[Any]] = [head]
        cycles = [cycle] if cycle else spec["cycles"]
        for q in cycles:
            for p in spec["people"]:
                mine = [
                    r
                    for r in spec["ratings"]
                    if r["person"] == p["id"] and r["cycle"] == q and r["rater"] in raters
                ]
                if not mine:
                    continue
                groups = [[r for r in mine if r["rater"] == k] for k in raters]
                if not split_raters:
                    groups = [mine]
                for group in groups:
                    if not group:
                        continue
                    first = group[0]
                    got = {(r["competency"], r["rater"]): ex.value(r["rating"]) for r in group}
                    row = [f(first) for _, f in lead]
                    if split_raters:
                        row += [got.get((c, first["rater"])) for c in comps]
                    else:
                        row += [got.get((c, r)) for r in raters for c in comps]
                    row += [f(group) for _, f in tail]
                    rows.append(row)
        files.append(save(rows, out / stem, ex, tabs or {}))
    return files


# --- the tools ---------------------------------------------------------------------------


def plain(spec: Spec, out: Path, ex: Export) -> list[Path]:
    """The canonical long export (Cycle, Employee ID, ..., a rater column)."""
    return long_export(
        spec,
        out,
        ex,
        [
            ("Cycle", lambda r: ex.cycle(r["cycle"])),
            ("Employee ID", lambda r: who(spec, r["person"], ex.key)),
            ("Employee Name", lambda r: who(spec, r["person"], "name")),
            ("Competency", lambda r: r["competency"]),
            ("Rating", lambda r: ex.value(r["rating"])),
            (ex.rater_header, lambda r: ex.word(r["rater"])),
            (
                "Reviewer",
                lambda r: who(spec, r["reviewer"], ex.reviewer_key) if r["reviewer"] else "",
            ),
        ],
    )


def fifteen_five(spec: Spec, out: Path, ex: Export) -> list[Path]:
    return long_export(
        spec,
        out,
        ex,
        [
            ("Review Cycle", lambda r: ex.cycle(r["cycle"])),
            ("Reviewee", lambda r: who(spec, r["person"], "name")),
            ("Reviewee Email", lambda r: who(spec, r["person"], "email")),
            ("Reviewer", lambda r: who(spec, r["reviewer"], "name") if r["reviewer"] else ""),
            ("Review Type", lambda r: ex.word(r["rater"])),
            ("Competency", lambda r: r["competency"]),
            ("Rating", lambda r: ex.value(r["rating"])),
            ("Comment", lambda r: ""),
        ],
    )


def lattice(spec: Spec, out: Path, ex: Export) -> list[Path]:
    # keyed by the tool's own user IDs when the company's export carries them
    ids = (
        [("Reviewee ID", lambda r: who(spec, r["person"], "tool_id"))]
        if ex.key == "tool_id"
        else []
    )
    return long_export(
        spec,
        out,
        ex,
        [
            ("Review cycle", lambda r: ex.cycle(r["cycle"])),
            *ids,
            ("Reviewee name", lambda r: who(spec, r["person"], "name")),
            ("Reviewee email", lambda r: who(spec, r["person"], "email")),
            ("Reviewer name", lambda r: who(spec, r["reviewer"], "name") if r["reviewer"] else ""),
            (
                "Reviewer email",
                lambda r: who(spec, r["reviewer"], "email") if r["reviewer"] else "",
            ),
            ("Review direction", lambda r: ex.word(r["rater"])),
            ("Question", lambda r: r["competency"]),
            ("Response", lambda r: ex.value(r["rating"])),
        ],
    )


def leapsome(spec: Spec, out: Path, ex: Export) -> list[Path]:
    return long_export(
        spec,
        out,
        ex,
        [
            ("Cycle", lambda r: ex.cycle(r["cycle"])),
            ("Reviewee", lambda r: who(spec, r["person"], ex.key)),
            ("Reviewer", lambda r: who(spec, r["reviewer"], "email") if r["reviewer"] else ""),
            ("Relationship", lambda r: ex.word(r["rater"])),
            ("Skill", lambda r: r["competency"]),
            ("Score", lambda r: ex.value(r["rating"])),
        ],
    )


def quantum(spec: Spec, out: Path, ex: Export) -> list[Path]:
    return long_export(
        spec,
        out,
        ex,
        [
            ("Employee ID", lambda r: who(spec, r["person"], "id")),
            ("First Name", lambda r: who(spec, r["person"], "first")),
            ("Last Name", lambda r: who(spec, r["person"], "last")),
            ("Evaluation Type", lambda r: ex.word(r["rater"])),
            ("Evaluator", lambda r: who(spec, r["reviewer"], "name") if r["reviewer"] else ""),
            ("Competency", lambda r: r["competency"]),
            ("Rating", lambda r: ex.value(r["rating"])),
            ("Period Start", lambda r: quarter_start(r["cycle"]).isoformat()),
            ("Period End", lambda r: quarter_end(r["cycle"]).isoformat()),
        ],
    )


def workday(spec: Spec, out: Path, ex: Export) -> list[Path]:
    """Manager and self side by side on one row, under a report title (Workday's custom
    report shape); period dates instead of a cycle name."""
    files = []
    for stem, cycle in batches(spec, ex):
        rows: list[list[Any]] = [
            ["Performance Review - Competency Ratings"],
            [f"Run by People Analytics on {dt.date(2026, 12, 1).isoformat()}"],
            [],
            [
                "Worker",
                "Employee ID",
                "Review Period Start Date",
                "Review Period End Date",
                "Competency",
                "Manager Evaluation",
                "Self-Evaluation",
            ],
        ]
        mine = [r for r in spec["ratings"] if cycle is None or r["cycle"] == cycle]
        keys = dict.fromkeys((r["cycle"], r["person"], r["competency"]) for r in mine)
        for q, pid, c in keys:
            got = {
                r["rater"]: r["rating"]
                for r in mine
                if (r["cycle"], r["person"], r["competency"]) == (q, pid, c)
            }
            if "manager" not in got and "self" not in got:
                continue
            rows.append(
                [
                    who(spec, pid, "name"),
                    who(spec, pid, "id"),
                    quarter_start(q),
                    quarter_end(q),
                    c,
                    ex.value(got["manager"]) if "manager" in got else None,
                    ex.value(got["self"]) if "self" in got else None,
                ]
            )
        files.append(save(rows, out / stem, ex, {}))
    return files


def culture_amp(spec: Spec, out: Path, ex: Export) -> list[Path]:
    return wide_export(
        spec,
        out,
        ex,
        [
            ("Employee Name", lambda r: who(spec, r["person"], "name")),
            ("Employee Email", lambda r: who(spec, r["person"], "email")),
            ("Cycle", lambda r: ex.cycle(r["cycle"])),
        ],
        lambda c, word: f"{word} - {c}",
        split_raters=False,
        tail=[("Overall Rating", lambda rows: 3)],
    )


def hibob(spec: Spec, out: Path, ex: Export) -> list[Path]:
    summary = [["Cycle", "Completed reviews"], *([ex.cycle(c), 12] for c in spec["cycles"])]
    return wide_export(
        spec,
        out,
        ex,
        [
            ("Display name", lambda r: who(spec, r["person"], "name")),
            ("Email", lambda r: who(spec, r["person"], "email")),
            ("Review cycle", lambda r: ex.cycle(r["cycle"])),
        ],
        lambda c, word: f"{c} [{word}]",
        split_raters=False,
        tabs={"Summary": summary},
    )


def bamboohr(spec: Spec, out: Path, ex: Export) -> list[Path]:
    return wide_export(
        spec,
        out,
        ex,
        [
            ("Employee #", lambda r: who(spec, r["person"], "id")),
            ("Employee Name", lambda r: who(spec, r["person"], "name")),
            ("Assessment Type", lambda r: ex.word(r["rater"])),
            ("Completed Date", lambda r: (quarter_end(r["cycle"])).strftime("%m/%d/%Y")),
        ],
        lambda c, word: c,
        split_raters=True,
    )


def google_form(spec: Spec, out: Path, ex: Export) -> list[Path]:
    return wide_export(
        spec,
        out,
        ex,
        [
            (
                "Timestamp",
                lambda r: f"{quarter_end(r['cycle']).strftime('%m/%d/%Y')} 17:04:11",
            ),
            ("Email Address", lambda r: who(spec, r["reviewer"], "email") if r["reviewer"] else ""),
            ("Who are you reviewing?", lambda r: who(spec, r["person"], ex.key)),
            ("You are their", lambda r: ex.word(r["rater"])),
            ("Review period", lambda r: ex.cycle(r["cycle"])),
        ],
        lambda c, word: f"Rate each area [{c}]",
        split_raters=True,
    )


TOOLS: dict[str, Callable[[Spec, Path, Export], list[Path]]] = {
    "plain": plain,
    "15five": fifteen_five,
    "workday": workday,
    "lattice": lattice,
    "cultureamp": culture_amp,
    "leapsome": leapsome,
    "hibob": hibob,
    "bamboohr": bamboohr,
    "quantum": quantum,
    "googleform": google_form,
}
