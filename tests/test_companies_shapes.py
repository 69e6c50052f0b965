"""Framework workbooks kept the way HR teams keep them: five invented companies, each with its
own shape of the same four parts (levels, competencies, the role x competency matrix,
employees), written with openpyxl, then read as a new user reads them (merge without a
mapping, inspect, check).

Each company's statuses and gaps are computed from the product's definitions
(companies/expect.py over the company's spec), never by running the tool: either the workbook
is read right, or the user gets one clear question naming the file, sheet and cell. The
ratings come as the canonical export (tests/companies/exports.py `plain`), so that only the
workbook is on trial here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from companies import book as books
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.roster import Company
from companies.spec import Spec, build, quarters
from test_companies import merged_tables, wrong_numbers

from ladder_sheets.cli import cli

Shape = Callable[[openpyxl.Workbook, Spec], None]


def files(
    folder: Path, spec: Spec, book: Book, shape: Shape | None = None
) -> tuple[Path, list[Path]]:
    """The company's workbook (written by `book`, then reshaped by `shape` as HR edits it in
    Excel) and its ratings as the canonical export, keyed as the workbook keys people."""
    folder.mkdir(parents=True, exist_ok=True)
    workbook = books.write(spec, book, folder / "framework.xlsx")
    if shape is not None:
        wb = openpyxl.load_workbook(workbook)
        shape(wb, spec)
        wb.save(workbook)
    out = folder / "exports"
    out.mkdir(exist_ok=True)
    key = book.person_key
    export = Export("plain", key=key, reviewer_key=key, raters=("manager", "self"))
    return workbook, tools.plain(spec, out, export)


def understood(name: str, spec: Spec, workbook: Path, exports: list[Path]) -> Any:
    """merge (dry run) without a mapping: no error, and every status and gap as the
    definitions give them."""
    result, tables = merged_tables(workbook, exports, write=False)
    errors = [f"{f.where} {f.code}: {f.message}" for f in result.report.errors]
    assert not errors, f"merge stopped with {len(errors)} error(s), first: {errors[:3]}"
    company = Company(name, spec, Book(), Export("plain"), [])
    problems = wrong_numbers(company, tables)
    assert not problems, f"{len(problems)} wrong: {problems[:10]}"
    return result


def run_cli(*args: object) -> Any:
    outcome = CliRunner().invoke(cli, [str(a) for a in args])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome


def header_row(ws: Any, first: str) -> int:
    """The row of `ws` whose first cell is `first` (the table's header)."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)


# --- Halvard Systems: matrix headers "Engineer II (L3)", the job title before the code -------


def halvard() -> tuple[Spec, Book, Shape]:
    """Job titles that contain one another ("Engineer", "Engineer II") as the Matrix's level
    headers, the title first and the code in brackets; a company banner and a logo row above
    every table, panes frozen below the header and a filter on it."""
    titles = {
        "L1": "Engineer I",
        "L2": "Engineer",
        "L3": "Engineer II",
        "L4": "Staff Engineer",
        "M1": "Manager",
        "M2": "Senior Manager",
    }
    spec = build(
        "Halvard Systems",
        seed=33,
        families={"Engineering": {"IC": ["L1", "L2", "L3", "L4"], "Management": ["M1", "M2"]}},
        people=10,
        cycles=quarters("2026-Q1", 2),
        titles=titles,
    )
    book = Book(level_header=lambda lv: f"{lv['title']} ({lv['level']})")

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        for ws in wb.worksheets:
            ws.insert_rows(1, 3)
            ws["A1"] = "HALVARD SYSTEMS"
            ws.row_dimensions[1].height = 48  # where the logo sits
            ws["A2"] = f"{ws.title} - FY2026 - internal"
            ws.freeze_panes = "B5"
            ws.auto_filter.ref = f"A4:{openpyxl.utils.get_column_letter(ws.max_column)}4"

    return spec, book, shape


def test_halvard_title_and_code_headers_are_read_at_their_level(tmp_path: Path) -> None:
    """Before: "Engineer I (L1)" was read as L2, whose title "Engineer" is its first word, and
    "Engineer II (L3)" was left unread: a column at the wrong level."""
    spec, book, shape = halvard()
    workbook, exports = files(tmp_path, spec, book, shape)
    understood("Halvard Systems", spec, workbook, exports)
    outcome = run_cli("inspect", workbook)
    for lv in spec["levels"]:
        header = f"{lv['title']} ({lv['level']})"
        assert f"level {lv['level']} " in outcome.output
        line = next(x for x in outcome.output.splitlines() if f"'{header}'" in x)
        assert f"level {lv['level']} " in line, line
        assert "(level code on the Levels sheet)" in line, line


@pytest.mark.parametrize(
    ("header", "level"),
    [
        ("Engineer I (L1)", "L1"),
        ("Engineer (L2)", "L2"),
        ("Engineer II (L3)", "L3"),
        ("Engineer II", "L3"),
        ("L3 - Engineer II", "L3"),
        ("L1 - Junior", "L1"),
        ("Level L1", "L1"),
        ("L 4", "L4"),
        # two levels named, or a title then words that are no level: not a level column
        ("L1 - Engineer", None),
        ("Engineer (L3)", None),
        ("Engineer III", None),
        ("Notes for L3", None),
    ],
)
def test_a_level_header_names_one_level_or_none(header: str, level: str | None) -> None:
    from ladder_sheets.values import normalize_header
    from ladder_sheets.workbook.header import level_code

    codes = {normalize_header(c): c for c in ("L1", "L2", "L3", "L4")}
    titles = {"Engineer I": "L1", "Engineer": "L2", "Engineer II": "L3", "Staff Engineer": "L4"}
    codes.update({normalize_header(t): c for t, c in titles.items()})
    assert level_code(header, codes) == level


# --- Brackenridge Robotics: the roster says job titles, the matrix "L3 – Senior Engineer" -----


def brackenridge() -> tuple[Spec, Book, Shape]:
    """Sheets in its own words (Career levels, Competency framework, Expectations, Staff
    list), every table an Excel table (ListObject); levels as rows of the matrix written
    "L3 – Senior Engineer" (an en dash); the staff list's Level column holds the job title, one
    person's as "code – title"."""
    titles = {
        "L1": "Associate Engineer",
        "L2": "Engineer",
        "L3": "Senior Engineer",
        "L4": "Staff Engineer",
        "M1": "Engineering Manager",
        "M2": "Director of Engineering",
    }
    spec = build(
        "Brackenridge Robotics",
        seed=34,
        families={"Engineering": {"IC": ["L1", "L2", "L3", "L4"], "Management": ["M1", "M2"]}},
        people=11,
        cycles=quarters("2025-Q4", 3),
        titles=titles,
    )
    book = Book(
        sheets={
            "levels": "Career levels",
            "competencies": "Competency framework",
            "matrix": "Expectations",
            "criteria": "Promotion rules",
            "people": "Staff list",
        },
        matrix="transposed",
        level_header=lambda lv: f"{lv['level']} \u2013 {lv['title']}",
    )

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Staff list"]
        col = [c.value for c in ws[1]].index("Level") + 1
        for r in range(2, ws.max_row + 1):
            code = ws.cell(r, col).value
            ws.cell(r, col).value = f"{code} \u2013 {titles[code]}" if r == 3 else titles[code]
        for n, name in enumerate(("Career levels", "Competency framework", "Staff list")):
            ws = wb[name]
            table = openpyxl.worksheet.table.Table(displayName=f"Table{n + 1}", ref=ws.dimensions)
            table.tableStyleInfo = openpyxl.worksheet.table.TableStyleInfo(
                name="TableStyleMedium2", showRowStripes=True
            )
            ws.add_table(table)

    return spec, book, shape


def test_brackenridge_levels_as_job_titles_are_read_as_their_codes(tmp_path: Path) -> None:
    """Before: every staff member's level ('Senior Engineer') and every level row of the
    matrix ('L3 – Senior Engineer') was an unknown-level error, one per cell."""
    spec, book, shape = brackenridge()
    workbook, exports = files(tmp_path, spec, book, shape)
    result = understood("Brackenridge Robotics", spec, workbook, exports)
    said = {
        f.where.sheet: f for f in result.report.findings if f.code == "level-names-read-as-codes"
    }
    assert set(said) == {"Staff list", "Expectations"}
    staff = said["Staff list"]
    assert staff.where.cell == "G2" and str(staff.where.file) == str(workbook)
    assert f"{len(spec['people'])} level cell(s)" in staff.message
    levels = {lv["level"] for lv in spec["levels"]}
    assert f"{len(levels)} level cell(s)" in said["Expectations"].message


def test_a_title_two_families_share_is_read_in_the_row_family(tmp_path: Path) -> None:
    """'Manager' is a title in Engineering (EM1 and EM2) and in Sales (SM1): on a Sales row it
    names SM1, its family's one 'Manager'; on an Engineering row it names two levels and stays
    an error at its cell, never a guess."""
    spec = build(
        "Brackenridge Robotics",
        seed=35,
        families={
            "Engineering": {"IC": ["E1", "E2", "E3"], "Management": ["EM1", "EM2"]},
            "Sales": {"IC": ["S1", "S2", "S3"], "Management": ["SM1", "SM2"]},
        },
        people=14,
        cycles=quarters("2026-Q1", 2),
        titles={"EM1": "Manager", "EM2": "Manager", "SM1": "Manager"},
    )
    title = {lv["level"]: lv["title"] for lv in spec["levels"]}
    sales = [p["id"] for p in spec["people"] if p["level"] == "SM1"]
    engineering = [p["id"] for p in spec["people"] if p["level"] in ("EM1", "EM2")]
    assert sales and engineering  # the cases this test is about

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Employees"]
        col = [c.value for c in ws[1]].index("Level") + 1
        for r in range(2, ws.max_row + 1):
            ws.cell(r, col).value = title[ws.cell(r, col).value]

    workbook, _ = files(tmp_path, spec, Book(), shape)
    outcome = run_cli("check", workbook, "--format", "json")
    assert outcome.exit_code == 1
    found = json.loads(outcome.output)["findings"]
    unknown = [f for f in found if f["code"] == "unknown-level"]
    wb = openpyxl.load_workbook(workbook)
    rows = {wb["Employees"].cell(r, 1).value: r for r in range(2, wb["Employees"].max_row + 1)}
    (one,) = unknown  # the same cause, grouped: one finding with every place
    assert one["message"] == "Level 'Manager' is not known."
    places = [p.rpartition("!")[2] for p in one.get("places") or [one["where"]]]
    assert sorted(places) == sorted(f"G{rows[p]}" for p in engineering)
    (said,) = [f for f in found if f["code"] == "level-names-read-as-codes"]
    n = len(spec["people"]) - len(engineering)
    assert said["message"].startswith(f"{n} level cell(s)")


# --- Marlowe & Finch: expectations as "3 - Proficient", "n/a", the scale's words ---------------

SCALE_WORDS = {1: "Novice", 2: "Developing", 3: "Proficient", 4: "Advanced", 5: "Expert"}


def marlowe() -> tuple[Spec, Book, Shape]:
    """The matrix speaks its scale: "3 - Proficient" in most cells, the bare word in the
    Collaboration row (the sheet numbers each word elsewhere), "n/a" where a level does not
    expect the competency; a blank spacer column between the IC and Management levels, a
    merged group header over each, and a Notes column beside the table."""
    spec = build(
        "Marlowe & Finch",
        seed=36,
        families={"Engineering": {"IC": ["C1", "C2", "C3", "C4"], "Management": ["CM1", "CM2"]}},
        people=10,
        cycles=quarters("2026-Q1", 3),
        cycles_at_next=2,
    )
    words = {w for c in spec["matrix"]["Engineering"].values() for w in c.values() if w}
    # every word the Collaboration row writes bare is numbered somewhere else
    assert {v for v in spec["matrix"]["Engineering"]["Collaboration"].values() if v} <= words

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Matrix"]
        for row in ws.iter_rows(min_row=2):
            bare = row[1].value == "Collaboration"
            for cell in row[2:]:
                if cell.value is None:
                    cell.value = "n/a"
                elif bare:
                    cell.value = SCALE_WORDS[cell.value]
                else:
                    cell.value = f"{cell.value} - {SCALE_WORDS[cell.value]}"
        notes = ws.max_column + 1
        ws.cell(1, notes, "Notes")
        ws.cell(2, notes, "Reworded for 2026")
        ws.cell(4, notes, "3")  # a note that looks like a number is not an expectation
        ws.insert_cols(7)  # C..F are C1-C4, then the spacer, then CM1, CM2
        ws.insert_rows(1)
        ws["C1"] = "Individual contributor"
        ws.merge_cells("C1:F1")
        ws["H1"] = "Management"
        ws.merge_cells("H1:I1")

    return spec, Book(), shape


def test_marlowe_expectations_in_the_words_of_the_scale(tmp_path: Path) -> None:
    """Before: every cell was an expectation-not-a-number error (one per cell)."""
    spec, book, shape = marlowe()
    workbook, exports = files(tmp_path, spec, book, shape)
    result = understood("Marlowe & Finch", spec, workbook, exports)
    said = [f for f in result.report.findings if f.code == "expectation-words-read"]
    assert len(said) == 1 and said[0].where.sheet == "Matrix"
    cells = sum(len(by_level) for by_level in spec["matrix"]["Engineering"].values())
    assert said[0].message.startswith(f"{cells} expectation cell(s)")
    assert "'n/a' as blank (not expected)" in said[0].message


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3 - Proficient", 3),
        ("3 \u2013 Proficient", 3),
        ("4: Advanced", 4),
        ("2. Developing", 2),
        ("Expert (5)", 5),
        ("Novice [1]", 1),
        ("3.5 - Between", 3.5),
        ("7 - Master", 7),  # read as written: the scale check reports it out of scale
        ("Proficient", None),
        ("3 - 4", None),
        ("Level 3", None),
    ],
)
def test_the_number_a_cell_names(text: str, number: float | None) -> None:
    from ladder_sheets.workbook.expectation_words import numbered

    pair = numbered(text)
    assert (pair[0] if pair else None) == number


# --- Ostrander Health: the scale's words alone: one question, settled by the mapping ----------


def ostrander() -> tuple[Spec, Book, Shape]:
    """Expectations written only as words ("Proficient") on a transposed matrix named
    "Competency framework"; nothing in the workbook says which number each word is."""
    spec = build(
        "Ostrander Health",
        seed=37,
        families={"Operations": {"IC": ["O1", "O2", "O3", "O4"], "Management": ["OM1", "OM2"]}},
        people=9,
        cycles=quarters("2026-Q1", 2),
    )
    book = Book(sheets={"matrix": "Competency framework"}, matrix="transposed")

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Competency framework"]
        for row in ws.iter_rows(min_row=2):
            for cell in row[2:]:
                if isinstance(cell.value, int):
                    cell.value = SCALE_WORDS[cell.value]

    return spec, book, shape


def test_ostrander_words_without_numbers_are_one_question(tmp_path: Path) -> None:
    """Before: one expectation-not-a-number error per cell (and quality warnings about
    competencies expected nowhere). Now one error at the first word's cell, naming every word
    with its count and the mapping that settles it; merge writes nothing."""
    spec, book, shape = ostrander()
    workbook, exports = files(tmp_path, spec, book, shape)
    before = workbook.read_bytes()
    outcome = run_cli("check", workbook, "--format", "json")
    assert outcome.exit_code == 1
    errors = [f for f in json.loads(outcome.output)["findings"] if f["severity"] == "error"]
    assert [f["code"] for f in errors] == ["expectation-words"], errors
    (asked,) = errors
    assert (asked["sheet"], asked["cell"]) == ("Competency framework", "C2")
    counts: dict[str, int] = {}
    for by_level in spec["matrix"]["Operations"].values():
        for value in by_level.values():
            if value is not None:
                counts[SCALE_WORDS[value]] = counts.get(SCALE_WORDS[value], 0) + 1
    assert asked["message"].startswith(f"{sum(counts.values())} expectation cell(s) hold words")
    for word, n in counts.items():
        assert f"'{word}' ({n} cell{'s' * (n != 1)})" in asked["message"]
        assert f'"{word}" = N' in asked["hint"]
    warnings = {f["code"] for f in json.loads(outcome.output)["findings"]}
    assert "missing-expectation" not in warnings  # no knock-on of the cells left unread

    merged = run_cli("merge", workbook, *exports)
    assert merged.exit_code == 1 and "expectation-words" in merged.output
    assert workbook.read_bytes() == before

    mapping = tmp_path / "scale.toml"
    lines = [f'"{w}" = {n}' for n, w in SCALE_WORDS.items()]
    mapping.write_text("[expectations.labels]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result, tables = merged_tables(workbook, exports, write=False, mapping=mapping)
    assert not result.report.errors, result.report.errors[:3]
    company = Company("Ostrander Health", spec, Book(), Export("plain"), [])
    assert wrong_numbers(company, tables) == []


def test_a_mapping_label_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    spec, book, shape = ostrander()
    workbook, _ = files(tmp_path, spec, book, shape)
    mapping = tmp_path / "scale.toml"
    mapping.write_text('[expectations.labels]\n"Proficient" = "three"\n', encoding="utf-8")
    outcome = run_cli("check", workbook, "--mapping", mapping)
    assert outcome.exit_code == 2
    assert "'Proficient' = 'three' is not a number" in outcome.output


# --- Quenby Logistics: totals rows, a second header row, IDs as numbers and as text ----------


def numeric_ids(spec: Spec, first: int = 2001) -> Spec:
    """The spec with every person's ID a number written as text ("2001"), everywhere."""
    new = {p["id"]: str(first + n) for n, p in enumerate(spec["people"])}
    for p in spec["people"]:
        p["id"], p["manager"] = new[p["id"]], new.get(p["manager"])
    for r in spec["ratings"]:
        r["person"], r["reviewer"] = new[r["person"]], new.get(r["reviewer"], r["reviewer"])
    for e in spec["evidence"]:
        e["person"] = new[e["person"]]
    return spec


def quenby() -> tuple[Spec, Book, Shape]:
    """A matrix with the job titles in a second header row under the level codes, a blank
    spacer column between the tracks and an "Average" row below; a staff list under two title
    rows with dates as text (31/12/2025), Employee IDs stored as numbers in some rows and as
    text in others (Excel's green triangle), a hidden stale "Previous Level" column and a
    "Total headcount" row below, panes frozen."""
    titles = {
        "Q1": "Coordinator",
        "Q2": "Senior Coordinator",
        "Q3": "Specialist",
        "Q4": "Lead Specialist",
        "QM1": "Team Lead",
        "QM2": "Operations Manager",
    }
    spec = numeric_ids(
        build(
            "Quenby Logistics",
            seed=38,
            families={"Operations": {"IC": ["Q1", "Q2", "Q3", "Q4"], "Management": ["QM1", "QM2"]}},
            people=12,
            cycles=quarters("2025-Q4", 3),
            titles=titles,
        )
    )
    book = Book(
        dates="dmy",
        titles={"people": ["Quenby Logistics - staff list", "As of 30/11/2026"]},
    )

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Matrix"]
        last = ws.max_row
        ws.cell(last + 1, 2, "Average")
        for col in range(3, ws.max_column + 1):
            cells = [ws.cell(r, col).value for r in range(2, last + 1)]
            numbers = [v for v in cells if v is not None]
            ws.cell(last + 1, col, round(sum(numbers) / len(numbers), 2))
        ws.insert_rows(2)
        for col in range(3, ws.max_column + 1):
            ws.cell(2, col, titles[ws.cell(1, col).value])
        ws.insert_cols(7)  # the spacer between Q4 and QM1
        ws.column_dimensions["G"].width = 2

        ws = wb["Employees"]
        top = header_row(ws, "Employee ID")
        head = [c.value for c in ws[top]]
        keyed = [head.index("Employee ID") + 1, head.index("Manager ID") + 1]
        for r in range(top + 1, ws.max_row + 1):
            for col in keyed:
                value = ws.cell(r, col).value
                if value is not None:
                    ws.cell(r, col).value = int(value) if r % 2 else str(value)
        level = head.index("Level") + 1
        ws.insert_cols(level + 1)
        ws.cell(top, level + 1, "Previous Level")
        for r in range(top + 1, ws.max_row + 1):
            ws.cell(r, level + 1, "Q1")
        ws.column_dimensions[openpyxl.utils.get_column_letter(level + 1)].hidden = True
        total = ws.max_row + 2
        ws.cell(total, 1, "Total headcount")
        ws.cell(total, 2, len(spec["people"]))
        ws.freeze_panes = ws.cell(top + 1, 2)

        ws = wb["Promotion Evidence"]
        for r in range(2, ws.max_row + 1):
            ws.cell(r, 2).value = int(ws.cell(r, 2).value)

    return spec, book, shape


def test_quenby_totals_rows_and_a_second_header_row_are_not_records(tmp_path: Path) -> None:
    """Before: the Average row was a competency 'Average' (an unknown-competency error per
    level), the titles under the codes were expectations in words, and the headcount row a
    person with a blank level."""
    spec, book, shape = quenby()
    workbook, exports = files(tmp_path, spec, book, shape)
    result = understood("Quenby Logistics", spec, workbook, exports)
    skipped = {f.where.sheet: f for f in result.report.findings if f.code == "totals-row-skipped"}
    wb = openpyxl.load_workbook(workbook)
    average = max(r for r in range(1, wb["Matrix"].max_row + 1) if wb["Matrix"].cell(r, 2).value)
    headcount = wb["Employees"].max_row
    assert skipped["Matrix"].where.cell == f"B{average}"
    assert skipped["Matrix"].message.startswith(f"row {average} ('Average')")
    assert skipped["Employees"].where.cell == f"A{headcount}"
    assert set(skipped) == {"Matrix", "Employees"}
    assert not [f for f in result.report.findings if f.code.startswith("expectation-words")]


@pytest.mark.parametrize(
    ("label", "totals"),
    [
        ("Total", True),
        ("TOTAL", True),
        ("Grand total", True),
        ("Subtotal", True),
        ("Average", True),
        ("Total headcount", True),
        ("Total Rewards", False),
        ("Totally Reliable", False),
        ("Average Handle Time", False),
        ("Counting", False),
    ],
)
def test_what_a_totals_row_says(label: str, totals: bool) -> None:
    from ladder_sheets.workbook.header import is_totals_label

    assert is_totals_label(label) is totals


def test_inspect_asks_the_words_and_its_mapping_answers_them(tmp_path: Path) -> None:
    """inspect shows the question among its doubts and writes the words into the mapping,
    commented out; numbered by the user, the mapping reads the company right, and inspect
    with it writes a mapping that keeps the numbers."""
    spec, book, shape = ostrander()
    workbook, exports = files(tmp_path, spec, book, shape)
    first = tmp_path / "first.toml"
    outcome = run_cli("inspect", workbook, "--write-mapping", first)
    assert "error: " in outcome.output and "expectation cell(s) hold words" in outcome.output
    text = first.read_text(encoding="utf-8")
    used = {SCALE_WORDS[v] for c in spec["matrix"]["Operations"].values() for v in c.values() if v}
    assert {w for w in SCALE_WORDS.values() if f'# "{w}" = ' in text} == used
    numbers = {w: n for n, w in SCALE_WORDS.items()}
    answered = tmp_path / "answered.toml"
    for w in used:
        text = text.replace(f'# "{w}" = ', f'"{w}" = {numbers[w]}')
    answered.write_text(text, encoding="utf-8")
    result, tables = merged_tables(workbook, exports, write=False, mapping=answered)
    assert not result.report.errors, result.report.errors[:3]
    company = Company("Ostrander Health", spec, Book(), Export("plain"), [])
    assert wrong_numbers(company, tables) == []

    again = tmp_path / "again.toml"
    run_cli("inspect", workbook, "--mapping", answered, "--write-mapping", again)
    kept = again.read_text(encoding="utf-8")
    assert all(f'"{w}" = {float(numbers[w])!r}' in kept for w in used), kept
    assert "# " + '"' not in kept.split("[expectations.labels]")[1].split("[")[0]


# --- Last year's level columns kept hidden beside this year's ----------------------------------


def stale_columns(decorate_current: bool) -> tuple[Spec, Book, Shape]:
    """Last year's expectations kept in hidden columns "E1 (2024)"... left of this year's "E1"
    (or, with `decorate_current`, this year's headed "E2 (2026)" too)."""
    spec = build(
        "Halvard Systems",
        seed=42,
        families={"Engineering": {"IC": ["E1", "E2", "E3", "E4"], "Management": ["M1", "M2"]}},
        people=10,
        cycles=quarters("2026-Q1", 2),
    )

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Matrix"]
        ws.insert_cols(3, 4)
        for i, code in enumerate(["E1", "E2", "E3", "E4"]):
            ws.cell(1, 3 + i, f"{code} (2024)")
            for r in range(2, ws.max_row + 1):
                ws.cell(r, 3 + i, 1)  # stale: last year everyone was expected at 1
            ws.column_dimensions[openpyxl.utils.get_column_letter(3 + i)].hidden = True
        if decorate_current:
            ws["H1"] = "E2 (2026)"

    return spec, Book(), shape


def test_stale_hidden_level_columns_are_not_read(tmp_path: Path) -> None:
    """Before: 'E1 (2024)', the first column naming E1, was read and 'E1' left unused: last
    year's expectations, silently. Now the column headed by the code alone is read and each
    stale one is a warning at its header."""
    spec, book, shape = stale_columns(decorate_current=False)
    workbook, exports = files(tmp_path, spec, book, shape)
    result = understood("Halvard Systems", spec, workbook, exports)
    twins = [f for f in result.report.findings if f.code == "level-column-twin"]
    assert [(f.where.sheet, f.where.cell) for f in twins] == [
        ("Matrix", "C1"),
        ("Matrix", "D1"),
        ("Matrix", "E1"),
        ("Matrix", "F1"),
    ]
    assert "'E1 (2024)' (C1) also names level E1, which is read from 'E1' (G1)" in twins[0].message


def test_two_columns_decorated_alike_are_one_question(tmp_path: Path) -> None:
    spec, book, shape = stale_columns(decorate_current=True)
    workbook, exports = files(tmp_path, spec, book, shape)
    outcome = run_cli("check", workbook, "--format", "json")
    assert outcome.exit_code == 1
    errors = [f for f in json.loads(outcome.output)["findings"] if f["severity"] == "error"]
    assert [(f["code"], f["cell"]) for f in errors] == [("ambiguous-level-column", "D1")]
    assert "'E2 (2024)' (D1), 'E2 (2026)' (H1) all name level E2" in errors[0]["message"]
    mapping = tmp_path / "levels.toml"
    mapping.write_text('[expectations.levels]\n"E2 (2026)" = "E2"\n', encoding="utf-8")
    result, tables = merged_tables(workbook, exports, write=False, mapping=mapping)
    assert not result.report.errors, result.report.errors[:3]
    company = Company("Halvard Systems", spec, Book(), Export("plain"), [])
    assert wrong_numbers(company, tables) == []


@pytest.mark.parametrize("style", ["%d-%b-%y", "%d-%b-%Y", "%d %b %y"])
def test_dates_as_excel_writes_them_in_text(style: str, tmp_path: Path) -> None:
    """In Level Since pasted from an HR system as Excel's text dates ("01-Dec-25"). Before:
    one not-a-date error per person."""
    spec, book, _ = halvard()

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        ws = wb["Employees"]
        col = [c.value for c in ws[1]].index("In Level Since") + 1
        for r in range(2, ws.max_row + 1):
            ws.cell(r, col).value = ws.cell(r, col).value.strftime(style)

    workbook, exports = files(tmp_path, spec, book, shape)
    understood("Halvard Systems", spec, workbook, exports)


def test_time_in_level_written_with_its_unit(tmp_path: Path) -> None:
    """ "12 months" on the Levels sheet, "1 year" in the criteria, under a header that names no
    unit ('Min Time In Level'). Before: one not-a-number error per cell."""
    spec, book, _ = halvard()
    months = {lv["level"]: lv["min_quarters"] * 3 for lv in spec["levels"]}
    assert set(months.values()) == {12}  # build's default: 4 quarters

    def shape(wb: openpyxl.Workbook, spec: Spec) -> None:
        for sheet, unit in (("Levels", "months"), ("Promotion Criteria", "years")):
            ws = wb[sheet]
            col = [c.value for c in ws[1]].index("Min Quarters In Level") + 1
            ws.cell(1, col).value = "Min Time In Level"
            for r in range(2, ws.max_row + 1):
                q = ws.cell(r, col).value
                ws.cell(r, col).value = f"{q * 3:g} months" if unit == "months" else "1 year"

    workbook, exports = files(tmp_path, spec, book, shape)
    result = understood("Halvard Systems", spec, workbook, exports)
    said = [f for f in result.report.findings if f.code == "unit-converted"]
    assert [(f.where.sheet, f.where.cell) for f in said] == [
        ("Levels", "F2"),
        ("Promotion Criteria", "G2"),
    ]
    assert "('12 months' as 4)" in said[0].message and "('1 year' as 4)" in said[1].message


@pytest.mark.parametrize(
    ("text", "quarters"),
    [("18 months", 6), ("1.5 years", 6), ("1 year 6 months", 6), ("2 yrs", 8), ("4", None)],
)
def test_quarters_a_time_with_its_unit_says(text: str, quarters: float | None) -> None:
    from ladder_sheets.workbook.readings import quarters_of_text

    assert quarters_of_text(text) == quarters
