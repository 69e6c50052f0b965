"""Long and wide exports, side-by-side raters, evidence flags, cycles, labels, mappings and
XLSX files. Every input file is built in the test."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import shared

from ladder_sheets.errors import EncryptedFile, UnreadableFile
from ladder_sheets.exports import read_export

COMPETENCIES = ["Communication", "Delivery", "System Design"]
SHARED = shared("corpus").parent


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Each sheet's rows from A1 down; None leaves a cell (or a whole row) blank."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    wb.save(path)
    return path


def test_wide_xlsx_with_title_row_and_blank_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "engineering.xlsx",
        {
            "Q3 Ratings": [
                ["Engineering performance review Q3 2026"],
                [None],
                ["Employee ID", "Name", "Communication", "Delivery", "System Design", "Comments"],
                ["E001", "José Núñez", 3, 4, "Meets", "Strong quarter"],
                ["E002", "Ann Lee", 2, "Exceeds", None, "NA"],
                [None],
                ["E003", "Li Wei", "4", 3, 5, None],
            ]
        },
    )
    export = read_export(path, competencies=COMPETENCIES)
    assert (export.shape, export.sheet, export.header_row) == ("wide", "Q3 Ratings", 3)
    assert (export.encoding, export.delimiter) == (None, None)
    data, cells = export.ratings.data, export.ratings.cells
    got = list(zip(data["employee_id"], data["competency"], data["rating"], strict=True))
    assert got == [
        ("E001", "Communication", 3.0),
        ("E001", "Delivery", 4.0),
        ("E001", "System Design", 3.0),
        ("E002", "Communication", 2.0),
        ("E002", "Delivery", 4.0),
        ("E003", "Communication", 4.0),
        ("E003", "Delivery", 3.0),
        ("E003", "System Design", 5.0),
    ]
    # the cycle came from the title row; the general comment goes with each rating
    assert export.cycles == ["2026-Q3"]
    assert data.at[3, "evidence"] == "NA"
    # each value keeps its own cell: E002's Delivery rating is D5, its competency the header D3
    assert list(cells.loc[4, ["employee_id", "competency", "rating", "evidence"]]) == [
        "A5",
        "D3",
        "D5",
        "F5",
    ]
    assert cells.at[7, "rating"] == "E7"
    assert export.ratings.where(7, "rating").sheet == "Q3 Ratings"
    assert str(export.ratings.where(7, "rating")) == "Q3 Ratings!E7"
    assert export.report.flatten("code") == [("ratings-skipped",)]


def test_wide_without_known_competencies_melts_rating_columns(tmp_path: Path) -> None:
    rows = [
        ["Employee ID", "Department", "Hire Date", "Communication", "Ownership", "Cycle"],
        ["E1", "Platform", "2021-03-01", "3", "4", "2026-Q1"],
        ["E2", "Platform", "2022-07-15", "Solid", "2", "2026-Q1"],
    ]
    export = read_export(write_csv(tmp_path / "x.csv", rows))
    assert export.shape == "wide"
    data = export.ratings.data
    assert sorted(set(data["competency"])) == ["Communication", "Ownership"]
    assert data["rating"].tolist() == [3.0, 4.0, 3.0, 2.0]
    assert export.ratings.cells.at[3, "competency"] == "1:Ownership"
    assert export.ratings.cells.at[3, "rating"] == "3:Ownership"


def test_wide_with_self_and_manager_columns_per_competency(tmp_path: Path) -> None:
    rows = [
        ["Employee ID", "Communication (Self)", "Communication (Manager)", "Delivery - Self"],
        ["E1", "4", "3", "5"],
    ]
    export = read_export(write_csv(tmp_path / "2026-Q2.csv", rows), competencies=COMPETENCIES)
    data = export.ratings.data
    got = list(zip(data["competency"], data["rater_type"], data["rating"], strict=True))
    assert got == [("Communication", "self", 4.0), ("Communication", "manager", 3.0)] + [
        ("Delivery", "self", 5.0)
    ]
    assert export.cycles == ["2026-Q2"]


def test_self_and_manager_side_by_side_with_evidence_columns(tmp_path: Path) -> None:
    header = ["Employee ID", "Competency", "Self Rating", "Manager Rating", "Manager Comment"]
    header += ["Scope Criteria Met", "Manager Endorsement", "Calibration Confirmed", "Cycle"]
    rows = [
        header,
        ["E1", "Delivery", "4", "3", "Led the migration", "Yes", "Yes", "", "2026-Q3"],
        ["E1", "Communication", "4", "4", "", "", "", "", "2026-Q3"],
        ["E2", "Delivery", "Meets", "Exceeds", "", "No", "No", "No", "2026-Q3"],
        ["E2", "Communication", "3", "3", "", "Yes", "", "", "2026-Q3"],
    ]
    export = read_export(write_csv(tmp_path / "x.csv", rows))
    data = export.ratings.data
    assert len(data) == 8
    assert data["rater_type"].tolist() == ["self", "manager"] * 4
    assert data["rating"].tolist() == [4.0, 3.0, 4.0, 4.0, 3.0, 4.0, 3.0, 3.0]
    assert data.at[1, "evidence"] == "Led the migration"
    assert data.at[0, "evidence"] is None  # the manager's comment is not the self rating's
    assert export.ratings.cells.at[0, "rating"] == "2:Self Rating"
    assert export.ratings.cells.at[1, "rating"] == "2:Manager Rating"

    evidence = export.evidence.data
    assert evidence[["employee_id", "scope_met", "endorsed", "calibrated"]].values.tolist() == [
        ["E1", True, True, None],
        ["E2", False, False, False],
    ]
    assert evidence["cycle"].tolist() == ["2026-Q3", "2026-Q3"]
    assert export.evidence.cells.at[0, "endorsed"] == "2:Manager Endorsement"
    assert export.evidence.cells.at[1, "calibrated"] == "4:Calibration Confirmed"
    # E2 said "No" to scope on line 4 and "Yes" on line 5
    assert export.report.flatten("code", "line") == [("evidence-conflict", 5)]


def test_rater_type_column(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating", "Relationship", "Rated By"]]
    rows += [["E1", "Delivery", "3", r, "Kim"] for r in ("Self", "Manager", "Peer", "")]
    rows += [["E1", "Delivery", "3", "Skip-level", "Kim"]]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows))
    assert export.ratings.data["rater_type"].tolist() == [
        "self",
        "manager",
        "peer",
        "manager",
        "Skip-level",
    ]
    assert export.ratings.data["reviewer"].tolist() == ["Kim"] * 5
    assert export.ratings.cells.at[4, "rater_type"] == "6:Relationship"


@pytest.mark.parametrize(
    "header", ["Score (1-5)", "Rating [1 to 5]", "Rating (out of 5)", "Score (/5)", "Rating (1–5)"]
)
def test_a_rating_header_with_its_scale_written_after_it(tmp_path: Path, header: str) -> None:
    rows = [["Employee ID", "Competency", header], ["E1", "Delivery", "3"], ["E2", "Delivery", "4"]]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows))
    assert export.ratings.data["rating"].tolist() == [3, 4]
    assert export.ratings.cells.at[1, "rating"] == f"3:{header}"


def test_ratings_drawn_in_stars_count_their_stars(tmp_path: Path) -> None:
    drawn = {"★★★☆☆": 3.0, "★★★★★": 5.0, "⭐⭐": 2.0, "★ ★ ★ ★ ☆": 4.0}
    odd = ["★★☆☆", "☆☆☆☆☆", "★★★★★★"]  # out of 4, no star, six stars: not read as 1-5
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating"]]
    rows += [[f"E{n}", "Delivery", text] for n, text in enumerate([*drawn, *odd])]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    assert export.ratings.data["rating"].tolist() == [*drawn.values(), *odd]
    unknown = [f.message for f in export.findings if f.code == "unknown-label"]
    assert unknown == [f"rating '{t}' is neither a number nor a known label" for t in odd]
    # a wide export's columns of stars are rating columns
    wide: list[list[Any]] = [["Employee ID", "Communication", "Delivery"], ["E1", "★★★☆☆", "★★☆☆☆"]]
    export = read_export(
        write_csv(tmp_path / "w.csv", wide), competencies=COMPETENCIES, cycle="2026-Q3"
    )
    assert export.ratings.data["rating"].tolist() == [3.0, 2.0]


@pytest.mark.parametrize(
    ("header", "values", "said"),
    [
        ("Score (1-10)", [7, 3, 10], "1-10"),
        ("Rating [1 to 4]", [1, 4, 2], "1-4"),  # every value fits 1-5, and still means another
        ("Score (out of 100)", [80, 55, 90], "out of 100"),
        ("Rating (0-4)", [0, 4, 3], "0-4"),
    ],
)
def test_a_rating_header_stating_another_scale_is_one_error_and_no_rating_read(
    tmp_path: Path, header: str, values: list[int], said: str
) -> None:
    rows: list[list[Any]] = [
        ["Employee ID", "Competency", "Manager Rating (1-5)", f"Self {header}"]
    ]
    rows += [[f"E{i}", "Delivery", 3, v] for i, v in enumerate(values, 1)]
    for export in (
        read_export(write_csv(tmp_path / "2026-Q3.csv", rows)),
        read_export(write_xlsx(tmp_path / "2026-Q3.xlsx", {"Ratings": rows})),
    ):
        off = sum(not 1 <= v <= 5 for v in values)
        stated = [f for f in export.findings if f.code == "export-scale-differs"]
        assert len(stated) == 1, export.findings
        assert f"'Self {header}' says the ratings are {said}" in stated[0].message
        verb = "is" if off == 1 else "are"
        assert f"so {len(values)} ratings there were not read; {off} {verb} off" in (
            stated[0].message
        )
        if export.sheet is None:
            assert (stated[0].line, stated[0].where.column) == (1, f"Self {header}")
        else:
            assert (stated[0].sheet, stated[0].cell) == ("Ratings", "D1")
        # the manager column, on the framework's scale, is read whole; nothing of the other
        assert export.ratings.data["rating"].tolist() == [3, 3, 3]
        assert set(export.ratings.data["rater_type"]) == {"manager"}
        assert "rating-out-of-scale" not in export.report.codes()


@pytest.mark.parametrize(
    ("read", "other", "role"),
    [("Manager Rating", "Score", "manager_rating"), ("Rating", "Score", "rating")],
)
@pytest.mark.parametrize("values", [[4, 3, 2], [3, 2, 3], ["4", "2.0", 3]])
def test_a_second_rating_column_is_never_dropped_silently(
    tmp_path: Path, read: str, other: str, role: str, values: list[Any]
) -> None:
    first = [4, 2, 3]
    rows: list[list[Any]] = [["Employee ID", "Competency", read, other]]
    rows += [
        [f"E{i}", "Delivery", a, b] for i, (a, b) in enumerate(zip(first, values, strict=True), 1)
    ]
    path = write_csv(tmp_path / "2026-Q3.csv", rows)
    differ = [i for i, (a, b) in enumerate(zip(first, values, strict=True), 2) if a != float(b)]
    export = read_export(path)
    assert export.ratings.data["rating"].tolist() == first  # one rating per row
    found = {f.code: f for f in export.findings if f.code.startswith("export-")}
    if differ:
        said = found["export-ambiguous-rating"]
        assert f"'{read}' and '{other}' could each be" in said.message
        assert f"differ in {len(differ)} of 3 rows (first: line {differ[0]})" in said.message
        assert f'{role} = "{read}"' in said.hint
        # a mapping settles it either way, and says which column is left unread
        for chosen, unread, ratings in ((read, other, first), (other, read, values)):
            mapped = read_export(path, mapping={role: chosen})
            assert mapped.ratings.data["rating"].tolist() == [float(v) for v in ratings]
            assert "export-ambiguous-rating" not in mapped.report.codes()
            notes = [f.message for f in mapped.findings if f.code == "export-column-ignored"]
            assert notes == [
                f"column '{unread}' is not read: the mapping names '{chosen}' as the "
                f"{'rating' if role == 'rating' else 'manager' + chr(39) + 's rating'}"
            ]
    else:
        assert "export-ambiguous-rating" not in found
        assert f"repeats '{read}'" in found["export-column-ignored"].message


def test_a_wide_export_stating_another_scale_is_one_error_for_all_its_columns(
    tmp_path: Path,
) -> None:
    rows: list[list[Any]] = [
        ["Employee ID", "Communication (1-10)", "Delivery: Manager (1-10)", "System Design (1-5)"],
        ["E1", 7, 4, 3],
        ["E2", 2, 9, 4],
    ]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    stated = [f for f in export.findings if f.code == "export-scale-differs"]
    assert len(stated) == 1 and stated[0].where.column == "Communication (1-10)"
    said = "'Communication (1-10)', 'Delivery: Manager (1-10)' say the ratings are 1-10"
    assert said in stated[0].message
    assert "4 ratings there were not read; 2 are off the 1-5 scale (first: line 2)" in (
        stated[0].message
    )
    assert export.ratings.data[["employee_id", "competency", "rating"]].values.tolist() == [
        ["E1", "System Design", 3],
        ["E2", "System Design", 4],
    ]
    # every rating on another scale: the one error says why, with no follow-on
    alone = [[r[0], r[1]] for r in rows]
    export = read_export(write_csv(tmp_path / "2026-Q4.csv", alone), competencies=COMPETENCIES)
    assert [f.code for f in export.findings if f.severity.name == "ERROR"] == [
        "export-scale-differs"
    ]


def test_a_question_column_naming_its_competency_at_either_end(tmp_path: Path) -> None:
    questions = {
        "Communication: How clearly does this person explain decisions?": "Communication",
        "How well do they plan and ship? (Delivery)": "Delivery",
        "Technical skills - System Design": "System Design",
        "Delivery vs Communication: which is stronger?": None,  # names two: not guessed
    }
    rows: list[list[Any]] = [["Employee ID", "Question", "Rating"]]
    rows += [["E1", q, 3] for q in questions]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    read = export.ratings.data["competency"].tolist()
    assert read == [c or q for q, c in questions.items()]
    said = [f for f in export.findings if f.code == "export-competency-in-text"]
    assert len(said) == 1 and said[0].where.column == "Question"
    assert said[0].message.startswith("3 question texts of 'Question' were read")
    assert "'Technical skills - System Design' as System Design" in said[0].message


def _competency_column_rows(header: str, cells: list[str]) -> list[list[Any]]:
    """A long export whose competency column is `header`; person i, question j, rating
    1 + (i + j) % 5, so each rating is known from its row."""
    rows: list[list[Any]] = [["Employee ID", header, "Rating (1-5)", "Comments"]]
    for i in range(3):
        rows += [[f"E{i}", cell, 1 + (i + j) % 5, "ok"] for j, cell in enumerate(cells)]
    return rows


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        (
            "Competency Question",
            [
                "Communication: how clearly does this person write?",
                "How reliably do they ship? (Delivery)",
                "Technical - System Design",
            ],
        ),
        ("Framework Element", ["communication", "DELIVERY", "System design"]),
    ],
)
def test_the_competency_column_is_found_by_its_values(
    tmp_path: Path, header: str, cells: list[str]
) -> None:
    rows = _competency_column_rows(header, cells)
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    assert not [f for f in export.findings if f.severity.name == "ERROR"]
    data = export.ratings.data
    got = list(zip(data["employee_id"], data["competency"], data["rating"], strict=True))
    # the framework's spelling, in the order the cells name them
    assert got == [
        (f"E{i}", COMPETENCIES[j], float(1 + (i + j) % 5)) for i in range(3) for j in range(3)
    ]
    said = [f for f in export.findings if f.code == "export-column-understood"]
    assert len(said) == 1 and said[0].where.column == header
    assert said[0].message.startswith(f"column '{header}' read as the competency: 100% of")
    assert [(u.concept, u.evidence) for u in export.understood if u.column == header] == [
        ("competency", "values")
    ]


def test_a_column_named_like_the_competency_but_holding_none_gives_way(tmp_path: Path) -> None:
    # "Area" is one of the competency column's names; here it holds the department
    rows = _competency_column_rows("Question Text", ["Communication: how?", "Delivery: how?"])
    rows = [[*r[:1], "Area" if n == 0 else "Engineering", *r[1:]] for n, r in enumerate(rows)]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    assert export.columns["competency"] == "Question Text"
    assert export.ratings.data["competency"].tolist() == ["Communication", "Delivery"] * 3
    said = [f.message for f in export.findings if f.code == "export-column-understood"]
    assert len(said) == 1 and "column 'Area', named like a competency column" in said[0]
    assert "holds none (Engineering)" in said[0]
    # the mapping has the last word: Area stays the competency, each value unknown
    export = read_export(
        tmp_path / "2026-Q3.csv", competencies=COMPETENCIES, mapping={"competency": "Area"}
    )
    assert set(export.ratings.data["competency"]) == {"Engineering"}


@pytest.mark.parametrize(
    "cells",
    [
        # half the questions name no competency: not enough to be sure, so asked
        ["Communication: how?", "Delivery: how?", "Anything else?", "Overall impression"],
        ["Delivery vs Communication: which?", "System Design or Delivery: which?"],
    ],
)
def test_a_column_naming_competencies_too_rarely_is_not_guessed(
    tmp_path: Path, cells: list[str]
) -> None:
    rows = _competency_column_rows("Prompt", cells)
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    missing = [f.message for f in export.findings if f.code == "export-missing-column"]
    assert len(missing) == 1 and missing[0].startswith("no competency column")
    assert export.ratings.data.empty


def test_a_wide_export_keeps_a_column_naming_one_competency_as_a_value(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Communication", "Delivery", "Next Focus"]]
    rows += [["E1", 3, 4, "Delivery"], ["E2", 2, 5, "Communication"]]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    assert export.shape == "wide"
    data = export.ratings.data
    assert list(zip(data["employee_id"], data["competency"], data["rating"], strict=True)) == [
        ("E1", "Communication", 3.0),
        ("E1", "Delivery", 4.0),
        ("E2", "Communication", 2.0),
        ("E2", "Delivery", 5.0),
    ]
    assert not [f for f in export.findings if f.code == "export-column-understood"]


@pytest.mark.parametrize(
    ("employees", "written"),
    [
        (["000014", "000021", "000105"], [14, 21, 105]),  # an XLSX holding the IDs as numbers
        (["14", "21", "105"], ["0014", "021", "000105"]),  # Employees typed them as numbers
    ],
)
def test_ids_that_lost_or_gained_leading_zeros_are_read_as_the_one_id_they_match(
    tmp_path: Path, employees: list[str], written: list[Any]
) -> None:
    rows: list[list[Any]] = [["Worker No", "Competency", "Rating"]]
    rows += [[w, c, 1 + n % 5] for n, (w, c) in enumerate(zip(written, COMPETENCIES, strict=True))]
    path = write_xlsx(tmp_path / "2026-Q3.xlsx", {"Ratings": rows})
    export = read_export(path, competencies=COMPETENCIES, employees=employees)
    data = export.ratings.data
    assert list(zip(data["employee_id"], data["competency"], data["rating"], strict=True)) == [
        (e, c, float(1 + n % 5))
        for n, (e, c) in enumerate(zip(employees, COMPETENCIES, strict=True))
    ]
    assert export.columns["employee_id"] == "Worker No"  # found by its values
    [said] = [f.message for f in export.findings if f.code == "export-id-zeros"]
    pairs = sorted(zip(written, employees, strict=True), key=lambda p: p[1])
    shown = ", ".join(f"{w} as {e}" for w, e in pairs)
    assert said.startswith("3 Employee IDs in column 'Worker No' of 2026-Q3.xlsx differ")
    assert said.endswith(f"read as the one ID each matches ({shown})")


def test_an_id_two_employees_match_without_zeros_is_not_guessed(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating"], [14, "Delivery", 3]]
    rows += [["0015", "Delivery", 4]]
    path = write_xlsx(tmp_path / "2026-Q3.xlsx", {"Ratings": rows})
    export = read_export(path, competencies=COMPETENCIES, employees=["014", "0014", "0015"])
    # 14 could be 014 or 0014: kept as written, for check to report as unknown
    assert export.ratings.data["employee_id"].tolist() == ["14", "0015"]
    assert not [f for f in export.findings if f.code == "export-id-zeros"]


def test_a_tab_per_team_under_one_header_is_read_whole(tmp_path: Path) -> None:
    teams = {"Engineering": ["E1", "E2"], "Sales": ["S1"], "People": ["P1", "P2"]}
    header = ["Employee ID", "Competency", "Rating"]
    sheets: dict[str, list[list[Any]]] = {
        team: [header] + [[p, c, 1 + (n + k) % 5] for n, p in enumerate(ids) for k, c in
                          enumerate(COMPETENCIES)]
        for team, ids in teams.items()
    }  # fmt: skip
    sheets["Summary"] = [["Team", "Average rating"], ["Engineering", 3.2], ["Sales", 2.5]]
    export = read_export(write_xlsx(tmp_path / "2026-Q3.xlsx", sheets), competencies=COMPETENCIES)
    data, cells = export.ratings.data, export.ratings.cells
    got = list(zip(data["employee_id"], data["competency"], data["rating"], strict=True))
    want = [
        (p, c, float(1 + (n + k) % 5))
        for ids in teams.values()
        for n, p in enumerate(ids)
        for k, c in enumerate(COMPETENCIES)
    ]
    assert got == want
    # each rating keeps its own tab and cell
    tabs = [t for t, ids in teams.items() for _ in range(len(ids) * len(COMPETENCIES))]
    assert export.ratings.sheets.tolist() == tabs
    firsts = [export.ratings.where(i, "rating") for i in (0, 5, 6, 8, 9, 14)]
    assert [(w.sheet, w.cell) for w in firsts] == [
        ("Engineering", "C2"),
        ("Engineering", "C7"),
        ("Sales", "C2"),
        ("Sales", "C4"),
        ("People", "C2"),
        ("People", "C7"),
    ]
    assert list(cells["rating"][:4]) == ["C2", "C3", "C4", "C5"]
    assert set(data["cycle"]) == {"2026-Q3"}
    # Ratings History's Source names the tab too: which team's sheet a rating came from
    assert data["source"].tolist() == [f"2026-Q3.xlsx!{t}" for t in tabs]
    [said] = [f.message for f in export.findings if f.code == "export-sheets-read"]
    assert said == (
        "3 tabs read, each holding ratings under the same header: 'Engineering' (2026-Q3, 6 "
        "ratings), 'Sales' (2026-Q3, 3 ratings), 'People' (2026-Q3, 6 ratings)"
    )
    # a summary of averages is not a tab of ratings left unread
    assert not [f for f in export.findings if f.code == "export-sheet-not-read"]
    assert (export.sheet, export.tabs) == (None, list(teams))


def test_a_tab_per_cycle_takes_each_tab_s_cycle(tmp_path: Path) -> None:
    header = ["Employee ID", "Competency", "Rating"]
    sheets: dict[str, list[list[Any]]] = {
        "Q2 2026": [header, ["E1", "Delivery", 2], ["E2", "Delivery", 3]],
        "Mid-year 2026": [header, ["E3", "Delivery", 4]],
        "2026-Q3": [header, ["E1", "Delivery", 3], ["E2", "Delivery", 4]],
        "Notes": [["Team", "Lead", "Comment"], ["Engineering", "Ann Lee", "calibrated"]],
    }
    export = read_export(write_xlsx(tmp_path / "ratings.xlsx", sheets), competencies=COMPETENCIES)
    data = export.ratings.data
    assert list(zip(data["cycle"], data["employee_id"], data["rating"], strict=True)) == [
        ("2026-Q2", "E1", 2.0),
        ("2026-Q2", "E2", 3.0),
        ("2026-Q2", "E3", 4.0),
        ("2026-Q3", "E1", 3.0),
        ("2026-Q3", "E2", 4.0),
    ]
    assert not [f for f in export.findings if f.severity.name == "ERROR"]
    [half] = [f.message for f in export.findings if f.code == "cycle-read-as-quarter"]
    assert "read from tab 'Mid-year 2026' as 2026-Q2" in half


@pytest.mark.parametrize(
    ("name", "tabs", "cycles"),
    [
        ("export.xlsx", ["2026-Q3"], ["2026-Q3"]),  # the file names none: the tab does
        ("2026-Q3.xlsx", ["Q2 2026"], ["2026-Q3"]),  # one tab: the file's name first, as before
        ("2026-Q3.xlsx", ["Q2 2026", "2026-Q3"], ["2026-Q2", "2026-Q3"]),  # a tab per cycle
    ],
)
def test_the_cycle_of_a_tab_without_a_cycle_column(
    tmp_path: Path, name: str, tabs: list[str], cycles: list[str]
) -> None:
    header = ["Employee ID", "Competency", "Rating"]
    sheets: dict[str, list[list[Any]]] = {t: [header, ["E1", "Delivery", 3]] for t in tabs}
    export = read_export(write_xlsx(tmp_path / name, sheets), competencies=COMPETENCIES)
    assert export.ratings.data["cycle"].tolist() == cycles


def test_a_tab_of_ratings_under_another_header_is_said_not_read(tmp_path: Path) -> None:
    header = ["Employee ID", "Competency", "Rating"]
    sheets: dict[str, list[list[Any]]] = {
        "Team A": [header, ["E1", "Delivery", 2]],
        "Team B": [header, ["E2", "Delivery", 3]],
        "Team C": [["Employee ID", "Communication", "Delivery"], ["E3", 4, 5]],
    }
    export = read_export(write_xlsx(tmp_path / "2026-Q3.xlsx", sheets), competencies=COMPETENCIES)
    assert export.ratings.data["employee_id"].tolist() == ["E1", "E2"]
    [unread] = [f for f in export.findings if f.code == "export-sheet-not-read"]
    assert unread.severity.name == "WARNING" and unread.where.sheet == "Team C"
    assert unread.message.startswith("'Team C' also holds ratings, under another header")
    # naming a tab in the mapping reads that tab alone, without a word about the others
    one = read_export(
        tmp_path / "2026-Q3.xlsx", competencies=COMPETENCIES, mapping={"sheet": "Team C"}
    )
    assert one.ratings.data["employee_id"].tolist() == ["E3", "E3"]
    assert not [f for f in one.findings if f.code.startswith("export-sheet")]


MANAGER_GIVES = {"E1": [3, 4, 2], "E2": [2, 3, 3]}
SELF_GIVES = {"E1": [4, 4, 3], "E2": [3, 3, 3]}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_header_in_two_rows_reads_each_group_s_competencies(tmp_path: Path, kind: str) -> None:
    groups: list[Any] = ["Employee ID", "Name", "Manager rating", None, None]
    groups += ["Self rating", None, None, "Comments"]
    names: list[Any] = [None, None, *COMPETENCIES, *COMPETENCIES, None]
    rows: list[list[Any]] = [groups, names]
    for person in MANAGER_GIVES:
        rows.append([person, f"Person {person}", *MANAGER_GIVES[person], *SELF_GIVES[person], ""])
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "2026-Q3.xlsx", {"Q3": rows})
        book = openpyxl.load_workbook(path)
        book["Q3"].merge_cells("C1:E1")
        book["Q3"].merge_cells("F1:H1")
        book.save(path)
    else:
        path = write_csv(tmp_path / "2026-Q3.csv", rows)
    export = read_export(path, competencies=COMPETENCIES)
    data = export.ratings.data
    columns = [data[c] for c in ("employee_id", "rater_type", "competency", "rating")]
    got = sorted(zip(*columns, strict=True))
    want = sorted(
        (p, rater, c, float(v))
        for rater, table in (("manager", MANAGER_GIVES), ("self", SELF_GIVES))
        for p, values in table.items()
        for c, v in zip(COMPETENCIES, values, strict=True)
    )
    assert got == want
    assert not [f for f in export.findings if f.severity.name == "ERROR"]
    [said] = [f.message for f in export.findings if f.code == "export-two-row-header"]
    assert said == (
        "the header is read from two rows: the names in row 2 under the groups of row 1 "
        "('Manager rating' over C-E; 'Self rating' over F-H)"
    )


def test_a_title_row_over_a_header_with_a_blank_column_is_not_a_group_row(
    tmp_path: Path,
) -> None:
    rows: list[list[Any]] = [
        ["Engineering review Q3 2026", None, None, "Exported 2026-07-12"],
        ["Employee ID", "Competency", "Rating", None, "Comments"],
        ["E1", "Delivery", 3, None, "ok"],
        ["E2", "Communication", 4, None, ""],
    ]
    export = read_export(write_xlsx(tmp_path / "x.xlsx", {"R": rows}), competencies=COMPETENCIES)
    assert export.columns == {
        "employee_id": "Employee ID",
        "competency": "Competency",
        "rating": "Rating",
        "comment": "Comments",
    }
    assert export.ratings.data["rating"].tolist() == [3.0, 4.0]
    assert export.cycles == ["2026-Q3"]
    assert not [f for f in export.findings if f.code == "export-two-row-header"]


@pytest.mark.parametrize(
    ("title", "name", "cycle"),
    [
        ("Mid-Year Review 2026 - Responses (exported 15 Jul 2026)", "export.csv", "2026-Q2"),
        ("Year-end review 2025", "export.csv", "2025-Q4"),
        ("Responses (exported 15 Jul 2026)", "H1 2026 ratings.csv", "2026-Q2"),
        ("Performance review Q3 2026", "export.csv", "2026-Q3"),
    ],
)
def test_the_cycle_a_title_or_file_name_names_wins_over_completion_dates(
    tmp_path: Path, title: str, name: str, cycle: str
) -> None:
    rows: list[list[Any]] = [[title], [], ["Employee ID", "Competency", "Rating", "Submitted At"]]
    rows += [["E1", "Delivery", 3, "2026-07-10 10:00"], ["E2", "Delivery", 4, "2026-07-01"]]
    export = read_export(write_csv(tmp_path / name, rows), competencies=COMPETENCIES)
    assert export.cycles == [cycle]
    said = [f.message for f in export.findings if f.code == "cycle-read-as-quarter"]
    if "Q" in title:  # a quarter written as one needs no word
        assert said == []
    else:
        assert len(said) == 1 and f"as {cycle}, the quarter its" in said[0]


def test_another_scale_in_the_header_stops_merge_with_one_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ladder_sheets.cli import cli

    sample = Path(__file__).resolve().parents[1] / "samples" / "acme_framework.xlsx"
    book = tmp_path / "framework.xlsx"
    book.write_bytes(sample.read_bytes())
    before = book.read_bytes()
    rows: list[list[Any]] = [["Employee ID", "Competency", "Score (1-10)", "Cycle"]]
    rows += [["E0001", c, v, "2026-Q3"] for c, v in (("Communication", 8), ("Ownership", 9))]
    run = CliRunner().invoke(cli, ["merge", str(book), str(write_csv(tmp_path / "x.csv", rows))])
    assert run.exit_code in (1, 2), run.output
    assert run.output.count("export-scale-differs") == 1
    assert "rating-out-of-scale" not in run.output
    assert book.read_bytes() == before


@pytest.mark.parametrize(
    "written", ["2026-Q3", "Q3 2026", "2026Q3", "q3-2026", "30.09.2026", "2026-09-30", "1.7.2026"]
)
def test_cycles_in_every_text_format(tmp_path: Path, written: str) -> None:
    rows = [
        ["Employee ID", "Competency", "Rating", "Review Period"],
        ["E1", "Delivery", "3", written],
    ]
    export = read_export(write_csv(tmp_path / "export.csv", rows))
    assert export.cycles == ["2026-Q3"]
    assert export.ratings.cells.at[0, "cycle"] == "2:Review Period"


def test_cycle_from_an_excel_date_cell(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating", "Cycle End"]]
    rows += [
        ["E1", "Delivery", 3, dt.date(2026, 12, 31)],
        [1002, "Delivery", 4, dt.date(2027, 1, 2)],
    ]
    export = read_export(write_xlsx(tmp_path / "export.xlsx", {"Data": rows}))
    assert export.ratings.data["cycle"].tolist() == ["2026-Q4", "2027-Q1"]
    assert export.ratings.data["employee_id"].tolist() == ["E1", "1002"]
    assert export.ratings.cells.at[1, "cycle"] == "D3"


def test_unreadable_cycle_is_kept_and_reported_at_its_cell(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating", "Cycle"], ["E1", "Delivery", "3", "Autumn"]]
    export = read_export(write_csv(tmp_path / "export.csv", rows))
    assert export.ratings.data.at[0, "cycle"] == "Autumn"
    assert export.report.flatten("code", "line") == [("cycle-unreadable", 2)]


@pytest.mark.parametrize(
    ("name", "cycle"),
    [
        ("2026-Q3_export.csv", "2026-Q3"),
        ("reviews_Q3_2026.csv", "2026-Q3"),
        ("h1_2025q4.csv", "2025-Q4"),
    ],
)
def test_cycle_from_the_file_name(tmp_path: Path, name: str, cycle: str) -> None:
    rows = [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", "3"]]
    export = read_export(write_csv(tmp_path / name, rows))
    assert export.cycles == [cycle]
    assert export.ratings.cells.at[0, "cycle"] == ""
    assert not export.findings


def test_cycle_from_xlsx_file_name(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", 3]]
    export = read_export(write_xlsx(tmp_path / "reviews_Q3_2026.xlsx", {"Sheet1": rows}))
    assert export.cycles == ["2026-Q3"]


def test_cycle_argument_wins_over_the_file_name(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", "3"]]
    export = read_export(write_csv(tmp_path / "2026-Q3_export.csv", rows), cycle="Q4 2026")
    assert export.cycles == ["2026-Q4"]


def test_no_cycle_anywhere_asks_for_one(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", "3"]]
    export = read_export(write_csv(tmp_path / "export.csv", rows))
    assert export.report.flatten("code", "severity") == [("cycle-unknown", "error")]
    assert "--cycle" in export.report.with_code("cycle-unknown")[0].hint
    assert export.ratings.data["cycle"].tolist() == [None]


def test_missing_rating_column_points_at_the_closest_header(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Ratng", "Notes"], ["E1", "Delivery", "3", ""]]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows))
    assert len(export.ratings) == 0
    (finding,) = export.findings
    assert (finding.code, finding.severity.value, finding.line) == (
        "export-missing-column",
        "error",
        1,
    )
    assert finding.where.column == "Ratng"
    assert "'Ratng'" in finding.message


def test_missing_rating_column_in_xlsx_points_at_the_header_cell(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Title"],
        [None],
        ["Staff", "Competency", "Ratng"],
        ["E1", "Delivery", 3],
    ]
    export = read_export(write_xlsx(tmp_path / "2026-Q3.xlsx", {"Ratings": rows}))
    assert sorted(export.report.flatten("code", "sheet", "cell")) == [
        ("export-missing-column", "Ratings", "A3"),
        ("export-missing-column", "Ratings", "C3"),
    ]


def test_mapping_names_columns_the_reader_cannot_guess(tmp_path: Path) -> None:
    rows = [["Staff Ref", "Competency", "Mark"], ["E1", "Delivery", "3"]]
    path = write_csv(tmp_path / "2026-Q3.csv", rows)
    export = read_export(path, mapping={"employee_id": "staff ref", "rating": "Mark"})
    assert list(export.ratings.data.loc[0, ["employee_id", "rating"]]) == ["E1", 3.0]
    assert export.ratings.cells.at[0, "rating"] == "2:Mark"
    export = read_export(path, mapping={"rating": "Grade"})
    assert {"mapping-unknown-column", "export-missing-column"} <= export.report.codes()


def test_team_labels_override_and_extend_the_defaults(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"]]
    rows += [["E1", "Delivery", "Great"], ["E1", "Communication", "Solid"]]
    path = write_csv(tmp_path / "2026-Q3.csv", rows)
    assert read_export(path).report.flatten("code", "line") == [("unknown-label", 2)]
    export = read_export(path, labels={"Great": 5, "Solid": 2.5})
    assert export.ratings.data["rating"].tolist() == [5.0, 2.5]
    assert not export.findings


def test_row_without_employee_is_skipped_and_reported(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"], ["", "Delivery", "3"], ["E2", "Delivery", "4"]]
    rows += [["Employee ID", "Competency", "Rating"]]  # a repeated header from a paged export
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows))
    assert export.ratings.data["employee_id"].tolist() == ["E2"]
    assert export.report.flatten("code", "line") == [("export-row-without-employee", 2)]


def test_xlsx_picks_the_sheet_with_the_ratings(tmp_path: Path) -> None:
    sheets: dict[str, list[list[Any]]] = {
        "Read me": [["How to use this export"], ["Ratings are on the next sheet"]],
        "Ratings": [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", 3]],
    }
    export = read_export(write_xlsx(tmp_path / "2026-Q1.xlsx", sheets))
    assert export.sheet == "Ratings"
    assert export.ratings.cells.at[0, "rating"] == "C2"


def test_xlsx_renamed_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", 3]]
    xlsx = write_xlsx(tmp_path / "real.xlsx", {"Data": rows})
    renamed = tmp_path / "2026-Q1.csv"
    renamed.write_bytes(xlsx.read_bytes())
    export = read_export(renamed)
    assert (export.sheet, export.ratings.data.at[0, "rating"]) == ("Data", 3.0)


def test_text_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text("Employee ID,Competency,Rating\nE1,Delivery,3\n")
    with pytest.raises(UnreadableFile):
        read_export(path)


def test_encrypted_workbook_is_refused(tmp_path: Path) -> None:
    corpus = SHARED / "corpus" / "poi__protected_passtika.xlsx"
    if not corpus.exists():
        pytest.skip("the shared corpus of real workbooks is not beside the repository")
    with pytest.raises(EncryptedFile):
        read_export(corpus)


def test_cycle_argument_overrides_the_column_and_says_so(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating", "Cycle"], ["E1", "Delivery", "3", "2026-Q2"]]
    rows += [["E2", "Delivery", "3", ""]]
    export = read_export(write_csv(tmp_path / "x.csv", rows), cycle="2026-Q3")
    assert export.ratings.data["cycle"].tolist() == ["2026-Q3", "2026-Q3"]
    assert export.report.flatten("code", "line") == [("cycle-mismatch", 1)]


def test_utf16_without_bom_and_a_sheet_named_in_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "2026-Q1.csv"
    path.write_bytes("Employee ID\tCompetency\tRating\r\nE1\tDelivery\t4\r\n".encode("utf-16-le"))
    export = read_export(path)
    assert (export.encoding, export.delimiter) == ("utf-16-le", "\t")
    assert export.ratings.data.at[0, "rating"] == 4.0
    sheets: dict[str, list[list[Any]]] = {
        "Old": [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", 1]],
        "New": [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", 5]],
    }
    export = read_export(write_xlsx(tmp_path / "2026-Q1.xlsx", sheets), mapping={"sheet": "new"})
    assert (export.sheet, export.ratings.data.at[0, "rating"]) == ("New", 5.0)


def test_two_tabs_of_ratings_under_different_headers_warn_of_the_one_not_read(
    tmp_path: Path,
) -> None:
    """One tab per team, each team's tool writing its own header: one tab is read, and the
    ratings of the other are a warning, not a note that is easy to miss."""
    sheets: dict[str, list[list[Any]]] = {
        "Read me": [["This export was made on 1 July"]],
        "Engineering": [["Employee ID", "Competency", "Rating"], ["E1", "Delivery", 2]],
        "Sales": [["Employee ID", "Communication", "Delivery"], ["E3", 4, 5]],
    }
    export = read_export(write_xlsx(tmp_path / "2026-Q3.xlsx", sheets), competencies=COMPETENCIES)
    read = set(export.ratings.data["employee_id"])
    assert read in ({"E1"}, {"E3"})
    other = "Sales" if read == {"E1"} else "Engineering"
    [unread] = [f for f in export.findings if f.code == "export-sheet-not-read"]
    assert unread.severity.name == "WARNING" and unread.where.sheet == other
    assert unread.message.startswith(f"'{other}' also holds ratings, under another header")
    assert "Read me" not in unread.message  # a tab without ratings stays a note
    [chosen] = [f for f in export.findings if f.code == "export-sheet-chosen"]
    assert "'Read me'" in chosen.message


def test_of_two_tabs_under_different_headers_the_one_holding_more_ratings_is_read(
    tmp_path: Path,
) -> None:
    """Sales' tab names the competencies in its header (a better header to recognise), but
    Engineering's holds more ratings: reading Sales and warning of Engineering would leave
    most of the review behind."""
    engineering = [["Employee ID", "Competency", "Rating"]]
    engineering += [
        [f"E{p}", competency, 1 + (p + c) % 4]
        for p in range(1, 7)
        for c, competency in enumerate(COMPETENCIES)
    ]
    sales = [["Employee ID", *COMPETENCIES], ["S1", 3, 4, 2], ["S2", 4, 4, 3]]
    sheets: dict[str, list[list[Any]]] = {"Sales": sales, "Engineering": engineering}
    export = read_export(write_xlsx(tmp_path / "2026-Q3.xlsx", sheets), competencies=COMPETENCIES)
    expected = [(row[0], row[1], float(row[2])) for row in engineering[1:]]
    data = export.ratings.data
    assert list(zip(data["employee_id"], data["competency"], data["rating"], strict=True)) == (
        expected
    )
    [chosen] = [f for f in export.findings if f.code == "export-sheet-chosen"]
    assert chosen.where.sheet == "Engineering"
    assert f"the most ratings ({len(expected)})" in chosen.message
    [unread] = [f for f in export.findings if f.code == "export-sheet-not-read"]
    assert unread.where.sheet == "Sales" and unread.severity.name == "WARNING"
