"""The export reader works column by column; these pin what a row-by-row reading gives.

Each test builds its export here and compares the whole output (every value, its type, its
place, the findings in order with their places, the caps per code) with a reference written
in the test: by hand for the small cases, and for the property test by `reference`, a
row-by-row reading of the few value kinds the strategy draws (every one listed in a table
below with what it reads as)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.exports import read_export
from ladder_sheets.exports.reader import Export

HISTORY = [
    "cycle",
    "employee_id",
    "competency",
    "rating",
    "rater_type",
    "reviewer",
    "evidence",
    "source",
    "imported_at",
]
EVIDENCE = ["cycle", "employee_id", "scope_met", "endorsed", "calibrated", "note", "source"]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Export"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    wb.save(path)
    return path


def table_rows(export: Export, name: str) -> list[dict[str, tuple[Any, str]]]:
    """Each row of a table as {column: (value, place)}, checking the table's frame on the way:
    canonical columns, object dtypes, a 0..n-1 index, one sheet per row."""
    table = export.ratings if name == "history" else export.evidence
    columns = HISTORY if name == "history" else EVIDENCE
    assert list(table.data.columns) == columns == list(table.cells.columns)
    assert all(str(t) == "object" for t in [*table.data.dtypes, *table.cells.dtypes])
    assert list(table.data.index) == list(range(len(table.data))) == list(table.cells.index)
    assert len(table.sheets) == len(table.data) and table.file == str(export.path)
    return [
        {c: (table.data.at[i, c], table.cells.at[i, c]) for c in columns}
        for i in range(len(table.data))
    ]


def typed(rows: list[dict[str, tuple[Any, str]]]) -> list[dict[str, tuple[str, Any, str]]]:
    """Rows with each value's type beside it, so 3 and 3.0 and True and 1 stay apart."""
    return [{c: (type(v).__name__, v, p) for c, (v, p) in row.items()} for row in rows]


def findings(export: Export) -> list[tuple[Any, ...]]:
    return [(f.code, f.severity.value, f.where.line, f.where.column) for f in export.findings]


def test_long_rows_with_rater_reviewer_and_evidence(tmp_path: Path) -> None:
    header = ["Cycle", "Employee ID", "Competency", "Rating", "Rater Type", "Reviewer"]
    header += ["Scope Criteria Met", "Manager Endorsement"]
    rows = [
        header,
        ["2026-Q3", "e001", "communication", "4", "Manager", "Ann Lee", "Yes", ""],
        ["2026-Q3", "E001", "Delivery", "Meets", "Self", "", "", "No"],
        [],
        ["", "E002", "Delivery", "N/A", "", "Bo", "maybe", "Yes"],
        ["Autumn", "", "Delivery", "3"],  # no employee: skipped before its cycle is read
        ["Autumn", "E002", "Delivery", "Great", "Boss", "Bo", "No", "No"],
        header,  # a paged export repeats its header
        ["Autumn", "E002", "Delivery", "5", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "2026-Q3_reviews.csv", rows)
    export = read_export(path, competencies=["Communication", "Delivery"], employees=["E001"])
    name = path.name
    assert typed(table_rows(export, "history")) == typed(
        [
            {
                "cycle": ("2026-Q3", "2:Cycle"),
                "employee_id": ("E001", "2:Employee ID"),
                "competency": ("Communication", "2:Competency"),
                "rating": (4.0, "2:Rating"),
                "rater_type": ("manager", "2:Rater Type"),
                "reviewer": ("Ann Lee", "2:Reviewer"),
                "evidence": (None, ""),
                "source": (name, ""),
                "imported_at": (None, ""),
            },
            {
                "cycle": ("2026-Q3", "3:Cycle"),
                "employee_id": ("E001", "3:Employee ID"),
                "competency": ("Delivery", "3:Competency"),
                "rating": (3.0, "3:Rating"),
                "rater_type": ("self", "3:Rater Type"),
                "reviewer": (None, "3:Reviewer"),
                "evidence": (None, ""),
                "source": (name, ""),
                "imported_at": (None, ""),
            },
            {
                "cycle": ("Autumn", "7:Cycle"),
                "employee_id": ("E002", "7:Employee ID"),
                "competency": ("Delivery", "7:Competency"),
                "rating": ("Great", "7:Rating"),
                "rater_type": ("Boss", "7:Rater Type"),
                "reviewer": ("Bo", "7:Reviewer"),
                "evidence": (None, ""),
                "source": (name, ""),
                "imported_at": (None, ""),
            },
            {
                "cycle": ("Autumn", "9:Cycle"),
                "employee_id": ("E002", "9:Employee ID"),
                "competency": ("Delivery", "9:Competency"),
                "rating": (5.0, "9:Rating"),
                "rater_type": ("manager", "9:Rater Type"),
                "reviewer": (None, "9:Reviewer"),
                "evidence": (None, ""),
                "source": (name, ""),
                "imported_at": (None, ""),
            },
        ]
    )
    # one evidence row per employee x cycle; a blank cycle took the file name's (no place)
    assert typed(table_rows(export, "evidence")) == typed(
        [
            {
                "cycle": ("2026-Q3", "2:Cycle"),
                "employee_id": ("E001", "2:Employee ID"),
                "scope_met": (True, "2:Scope Criteria Met"),
                "endorsed": (False, "3:Manager Endorsement"),  # filled from a later row
                "calibrated": (None, ""),
                "note": (None, ""),
                "source": (name, ""),
            },
            {
                "cycle": ("2026-Q3", ""),
                "employee_id": ("E002", "5:Employee ID"),
                "scope_met": ("maybe", "5:Scope Criteria Met"),
                "endorsed": (True, "5:Manager Endorsement"),
                "calibrated": (None, ""),
                "note": (None, ""),
                "source": (name, ""),
            },
            {
                "cycle": ("Autumn", "7:Cycle"),
                "employee_id": ("E002", "7:Employee ID"),
                "scope_met": (False, "7:Scope Criteria Met"),
                "endorsed": (False, "7:Manager Endorsement"),
                "calibrated": (None, ""),
                "note": (None, ""),
                "source": (name, ""),
            },
        ]
    )
    assert findings(export) == [
        ("evidence-not-yes-no", "warning", 5, "Scope Criteria Met"),
        ("export-row-without-employee", "warning", 6, "Employee ID"),
        ("cycle-unreadable", "error", 7, "Cycle"),  # once, where it is first read
        ("unknown-label", "error", 7, "Rating"),
        ("ratings-skipped", "info", None, None),
    ]
    assert export.findings[-1].message.startswith("1 blank or N/A")


def test_self_and_manager_side_by_side_with_comments_and_conflicts(tmp_path: Path) -> None:
    header = ["Employee ID", "Competency", "Self Rating", "Manager Rating", "Self Comment"]
    header += ["Manager Comment", "Calibrated", "Promotion Evidence", "Cycle"]
    rows = [
        header,
        ["E1", "Delivery", "4", "", "mine", "", "Yes", "", "Q3 2026"],
        ["E1", "Ownership", "", "3", "", "Led\nthe  move ", "No", "case A", "2026Q3"],
        ["E1", "Delivery", "-", "4", "", "", "Yes", "case B", "2026-Q3"],
    ]
    path = write_csv(tmp_path / "reviews.csv", rows)
    export = read_export(path)
    got = [
        (r["rater_type"][0], r["rating"], r["evidence"], r["cycle"])
        for r in table_rows(export, "history")
    ]
    # line 3's record spans two lines (a comment with a line break), so line 4 is record 3
    assert got == [
        ("self", (4.0, "2:Self Rating"), ("mine", "2:Self Comment"), ("2026-Q3", "2:Cycle")),
        ("manager", (3.0, "3:Manager Rating"), ("Led\nthe  move", "3:Manager Comment"),
         ("2026-Q3", "3:Cycle")),
        ("manager", (4.0, "5:Manager Rating"), (None, "5:Manager Comment"),
         ("2026-Q3", "5:Cycle")),
    ]  # fmt: skip
    evidence = table_rows(export, "evidence")
    assert [(r["calibrated"], r["note"]) for r in evidence] == [
        ((True, "2:Calibrated"), ("case A", "3:Promotion Evidence"))
    ]
    # the note may differ between rows; a yes/no may not (line 3 said No after line 2's Yes)
    assert findings(export) == [
        ("evidence-conflict", "warning", 3, "Calibrated"),
        ("ratings-skipped", "info", None, None),
    ]
    assert "'No' here but was 'True'" in export.findings[0].message
    assert export.findings[1].message.startswith("3 blank or N/A")


def test_wide_xlsx_places_types_and_raters(tmp_path: Path) -> None:
    header = ["Employee ID", "Rater Type", "Communication (Self)", "Communication", "Delivery"]
    rows: list[list[Any]] = [
        ["Review Q3 2026"],
        [None],
        [*header, "Delivery Comments"],
        ["E1", "Peer", 4, "Exceeds", 2.5, "fine"],
        [1002, None, True, None, "7 out of 5", None],
        [None, None, None, None, None, None, "a note past the header's last column"],
    ]
    path = write_xlsx(tmp_path / "wide.xlsx", rows)
    export = read_export(path, competencies=["Communication", "Delivery"])
    assert (export.shape, export.sheet, export.header_row) == ("wide", "Export", 3)
    got = [
        (r["employee_id"], r["competency"], r["rating"], r["rater_type"], r["evidence"])
        for r in typed(table_rows(export, "history"))
    ]
    assert got == [
        (("str", "E1", "A4"), ("str", "Communication", "C3"), ("float", 4.0, "C4"),
         ("str", "self", "B4"), ("NoneType", None, "")),
        (("str", "E1", "A4"), ("str", "Communication", "D3"), ("float", 4.0, "D4"),
         ("str", "peer", "B4"), ("NoneType", None, "")),
        (("str", "E1", "A4"), ("str", "Delivery", "E3"), ("float", 2.5, "E4"),
         ("str", "peer", "B4"), ("str", "fine", "F4")),
        (("str", "1002", "A5"), ("str", "Communication", "C3"), ("str", "True", "C5"),
         ("str", "self", "B5"), ("NoneType", None, "")),
        (("str", "1002", "A5"), ("str", "Delivery", "E3"), ("float", 7.0, "E5"),
         ("str", "manager", "B5"), ("NoneType", None, "F5")),
    ]  # fmt: skip
    assert {r["cycle"] for r in table_rows(export, "history")} == {("2026-Q3", "")}
    assert len(export.evidence.data) == 0
    # a yes/no cell is no rating; the blank Communication of 1002 is skipped
    assert [(f.code, f.where.cell) for f in export.findings] == [
        ("unknown-label", "C5"),
        ("ratings-skipped", None),
    ]


def test_caps_per_code_count_every_finding_and_list_the_first(tmp_path: Path) -> None:
    header = ["Employee ID", "Competency", "Rating", "Endorsed", "Cycle"]
    rows = [header]
    for n in range(40):
        # every row: an unknown label and an answer that is no yes/no; every 4th: a bad cycle
        rows.append(
            [f"E{n:02d}", "Delivery", f"Grade {n}", f"perhaps {n}", "?" if n % 4 else "Q1 2026"]
        )
    rows.append(["", "Delivery", "3", "", ""])
    path = write_csv(tmp_path / "export.csv", rows, delimiter=";")
    export = read_export(path)
    # row by row: the cycle (once, on line 3), the rating, then the evidence answer
    expected: list[tuple[Any, ...]] = []
    for n in range(40):
        line = n + 2
        if n == 1:
            expected.append(("cycle-unreadable", "error", line, "Cycle"))
        expected.append(("unknown-label", "error", line, "Rating"))
        expected.append(("evidence-not-yes-no", "warning", line, "Endorsed"))
    expected.append(("export-row-without-employee", "warning", 42, "Employee ID"))
    per_code: dict[str, int] = {}
    capped = []
    for item in expected:
        per_code[item[0]] = per_code.get(item[0], 0) + 1
        if per_code[item[0]] <= 25:
            capped.append(item)
    # then, per capped code in the order each first appeared, how many more there were
    capped += [
        ("unknown-label", "error", None, None),
        ("evidence-not-yes-no", "warning", None, None),
    ]
    assert findings(export) == capped
    assert [f.message for f in export.findings[-2:]] == ["15 more like the above"] * 2
    assert {f.where.file for f in export.findings[-2:]} == {str(path)}
    assert len(export.ratings.data) == 40 and len(export.evidence.data) == 40


# The value kinds the property test draws, and what each reads as.
CYCLES = {"2026-Q3": "2026-Q3", "Q4 2026": "2026-Q4", "soon": None, "": "file"}
RATINGS = {"1": 1.0, "4": 4.0, " 5 ": 5.0, "Meets": 3.0, "3 - Meets": 3.0, "N/A": "skip"}
RATINGS |= {"": "skip", "Great": "unknown"}
RATERS = {"Manager": "manager", "Self": "self", "peer": "peer", "": "manager", "Boss": "Boss"}
ANSWERS = {"Yes": True, "No": False, "y": True, "": None, "maybe": "bad"}
EMPLOYEES = ["E001", "E002", "e002", ""]
REVIEWERS = {"Ann Lee": "Ann Lee", "  Bo ": "Bo", "": None}
HEADER = ["Cycle", "Employee ID", "Competency", "Rating", "Rater Type", "Reviewer"]
HEADER += ["Scope Criteria Met", "Manager Endorsement"]
FILE_CYCLE = "2026-Q3"  # from the file name

export_row = st.tuples(
    st.sampled_from(list(CYCLES)),
    st.sampled_from(EMPLOYEES),
    st.sampled_from(["Delivery", "delivery", "Ownership"]),
    st.sampled_from(list(RATINGS)),
    st.sampled_from(list(RATERS)),
    st.sampled_from(list(REVIEWERS)),
    st.sampled_from(list(ANSWERS)),
    st.sampled_from(list(ANSWERS)),
)


def reference(rows: list[tuple[str, ...]], name: str) -> tuple[list[Any], list[Any], list[Any]]:
    """History rows, evidence rows and findings (code, line, column) read row by row."""
    history: list[Any] = []
    evidence: dict[tuple[str, str], dict[str, Any]] = {}
    notes: list[tuple[str, int, str]] = []
    seen_cycles: set[str] = set()
    skipped = 0
    for n, (cycle, emp, comp, rating, rater, reviewer, scope, endorsed) in enumerate(rows):
        line = n + 2
        if not emp:
            if rating.strip():
                notes.append(("export-row-without-employee", line, "Employee ID"))
            continue
        employee = "E002" if emp == "e002" else emp  # the framework's spelling
        if cycle:
            if CYCLES[cycle] is None and cycle not in seen_cycles:
                notes.append(("cycle-unreadable", line, "Cycle"))
            seen_cycles.add(cycle)
            read_cycle, cycle_place = CYCLES[cycle] or cycle, f"{line}:Cycle"
        else:
            read_cycle, cycle_place = FILE_CYCLE, ""
        value = RATINGS[rating]
        if value == "skip":
            skipped += 1
        else:
            if value == "unknown":
                notes.append(("unknown-label", line, "Rating"))
                value = rating
            history.append(
                (read_cycle, cycle_place, employee, "Delivery" if comp == "delivery" else comp,
                 value, RATERS[rater], f"{line}:Rater Type", REVIEWERS[reviewer], line)
            )  # fmt: skip
        key = (employee, read_cycle)
        first = key not in evidence
        if first:
            evidence[key] = {"cycle": (read_cycle, cycle_place), "line": line}
        held = evidence[key]
        for column, header, answer in (
            ("scope_met", "Scope Criteria Met", scope),
            ("endorsed", "Manager Endorsement", endorsed),
        ):
            read = ANSWERS[answer]
            if read is None:
                continue
            if read == "bad":
                notes.append(("evidence-not-yes-no", line, header))
                read = answer
            if column not in held:
                held[column] = (read, f"{line}:{header}")
            elif held[column][0] != read:
                notes.append(("evidence-conflict@", line, header))
    # conflicts come after the row's yes/no findings: move each behind its row's others
    ordered = sorted(
        enumerate(notes), key=lambda t: (t[1][1], t[1][0] == "evidence-conflict@", t[0])
    )
    out = [(code.rstrip("@"), line, col) for _, (code, line, col) in ordered]
    if skipped:
        out.append(("ratings-skipped", None, None))
    if not history:
        out.insert(len(out) - bool(skipped), ("export-no-ratings", 1, None))
    rows_out = [
        (e["cycle"], k[0], e.get("scope_met", (None, "")), e.get("endorsed", (None, "")))
        for k, e in evidence.items()
    ]
    return history, rows_out, out


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(export_row, min_size=1, max_size=30))
def test_long_export_matches_a_row_by_row_reading(rows: list[tuple[str, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "2026-Q3_reviews.csv", [HEADER, *map(list, rows)])
        export = read_export(path, competencies=["Delivery", "Ownership"], employees=["E002"])
    history, evidence, notes = reference(rows, path.name)
    got = [
        (r["cycle"][0], r["cycle"][1], r["employee_id"][0], r["competency"][0], r["rating"][0],
         r["rater_type"][0], r["rater_type"][1], r["reviewer"][0],
         int(r["rating"][1].split(":")[0]))
        for r in table_rows(export, "history")
    ]  # fmt: skip
    assert got == history
    assert all(type(g[4]) is type(h[4]) for g, h in zip(got, history, strict=True))
    got_evidence = [
        (r["cycle"], r["employee_id"][0], r["scope_met"], r["endorsed"])
        for r in table_rows(export, "evidence")
    ]
    assert got_evidence == evidence
    codes = [(f.code, f.where.line, f.where.column) for f in export.findings]
    # every file is small enough that no code reaches the cap; the reader's own findings
    # (the header's cycle, the summary) come from reader.py, checked by the other tests
    assert [c for c in codes if c[0] not in ("cycle-unknown",)] == notes


def test_dates_and_numbers_as_cycles_in_a_workbook(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating", "Cycle End"]]
    rows += [
        ["E1", "Delivery", 3, dt.date(2026, 12, 31)],
        ["E1", "Delivery", 4, 2026],  # a number is no cycle: reported once, kept as written
        ["E2", "Delivery", 4, 2026],
        ["E2", "Delivery", 4, "2026"],
    ]
    export = read_export(write_xlsx(tmp_path / "x.xlsx", rows))
    got = [r["cycle"] for r in table_rows(export, "history")]
    assert got == [("2026-Q4", "D2"), ("2026", "D3"), ("2026", "D4"), ("2026", "D5")]
    # the date is said to be read as its quarter, once, at the column's header
    assert [(f.code, f.where.cell) for f in export.findings] == [
        ("cycle-unreadable", "D3"),
        ("cycle-read-as-quarter", "D1"),
    ]
