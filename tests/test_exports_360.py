"""360 ratings, rater words and label scales told from the set of labels (issue 13, export
side). Every export is invented here; expected values are computed from the test's own rows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import ladder_sheets as ls
from ladder_sheets.exports import read_export
from ladder_sheets.exports.raters import rater_kind
from tests.helpers import sheet_rows

COMPETENCIES = ["Communication", "Delivery", "System Design"]


def write_csv(path: Path, rows: list[list[Any]], **kw: Any) -> Path:
    encoding = kw.pop("encoding", "utf-8")
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f, **kw).writerows(rows)
    return path


def history_rows(workbook: Path) -> list[tuple[Any, ...]]:
    return [r for r in sheet_rows(workbook, "Ratings History", min_row=2) if any(r)]


# (employee, competency, relationship, reviewer, rating): E002 has a manager, a self review,
# three peers and one direct report on each competency
RATERS_360 = [
    ("Manager", "Ada Example", {"Communication": 3, "Delivery": 3, "System Design": 2}),
    ("Self", "Ben Sample", {"Communication": 4, "Delivery": 4, "System Design": 3}),
    ("Peer", "Pat One", {"Communication": 5, "Delivery": 4, "System Design": 3}),
    ("Peer", "Pat Two", {"Communication": 4, "Delivery": 2, "System Design": 3}),
    ("Peer", "Pat Three", {"Communication": 3, "Delivery": 3, "System Design": 4}),
    ("Direct Report", "Rae Four", {"Communication": 2, "Delivery": 5, "System Design": 5}),
]


def export_360(path: Path, *, reviewers: bool = True) -> Path:
    header = ["Employee ID", "Question", "Response", "Relationship"]
    header += ["Reviewer"] if reviewers else []
    rows: list[list[Any]] = [header]
    for relationship, reviewer, ratings in RATERS_360:
        for competency, value in ratings.items():
            row: list[Any] = ["E002", competency, value, relationship]
            rows.append(row + ([reviewer] if reviewers else []))
    return write_csv(path, rows)


def test_rater_words_are_read_word_by_word() -> None:
    cases = {
        "Downward": "manager",
        "Manager Assessment": "manager",
        "Manager Evaluation": "manager",
        "Direct Manager": "manager",
        "Line manager": "manager",
        "Additional manager": "additional manager",
        "Skip-level Manager": "additional manager",
        "Self Review": "self",
        "Self-Evaluation": "self",
        "Upward": "upward",
        "Direct Report": "upward",
        "Peer": "peer",
        "Peer Review": "peer",
        "Co-worker": "peer",
    }
    assert {text: rater_kind(text) for text in cases} == cases
    # words that are no rater kind make the phrase something else
    assert [rater_kind(t) for t in ("Manager Name", "Manager ID", "Rater", "Rated by")] == [
        None
    ] * 4
    # "Employee" names the self review only as a value of a rater column
    assert (rater_kind("Employee"), rater_kind("Employee", value=True)) == (None, "self")


def test_360_ratings_are_kept_with_their_reviewers_and_never_duplicates(
    framework_workbook: Any, tmp_path: Path
) -> None:
    workbook = framework_workbook()
    export = export_360(tmp_path / "2026-Q3_360.csv")
    read = read_export(export, competencies=COMPETENCIES)
    data = read.ratings.data
    expected = [
        (comp, float(v), {"Direct Report": "upward"}.get(rel, rel.lower()), reviewer)
        for rel, reviewer, ratings in RATERS_360
        for comp, v in ratings.items()
    ]
    got = list(
        zip(data["competency"], data["rating"], data["rater_type"], data["reviewer"], strict=True)
    )
    assert got == expected
    checked = ls.check(workbook, [export])
    assert not checked.report.with_code("duplicate-rating")
    result = ls.merge(workbook, [export])
    assert result.written is not None
    rows = history_rows(workbook)
    assert len(rows) == len(expected)
    assert sorted((r[2], r[3], r[4], r[5]) for r in rows) == sorted(expected)
    # readiness and gaps read the manager's rating, with the self rating beside it
    gaps = result.gaps.set_index("competency")
    manager = dict(RATERS_360[0][2])
    own = dict(RATERS_360[1][2])
    person = gaps[gaps["employee_id"] == "E002"]
    assert {c: person.loc[c, "manager_rating"] for c in manager} == pytest.approx(manager)
    assert {c: person.loc[c, "self_rating"] for c in own} == pytest.approx(own)
    # the same export again changes nothing
    again = ls.merge(workbook, [export])
    assert again.history is not None
    assert (again.history.added, again.history.unchanged) == (0, len(expected))
    assert history_rows(workbook) == rows


def test_anonymous_peers_are_several_ratings_and_import_once(
    framework_workbook: Any, tmp_path: Path
) -> None:
    workbook = framework_workbook()
    export = export_360(tmp_path / "2026-Q3_360.csv", reviewers=False)
    checked = ls.check(workbook, [export])
    assert not checked.report.with_code("duplicate-rating")
    assert ls.merge(workbook, [export]).written is not None
    peers = [r for r in history_rows(workbook) if r[4] == "peer"]
    expected = sorted(
        (comp, float(v)) for rel, _, ratings in RATERS_360 if rel == "Peer"
        for comp, v in ratings.items()
    )  # fmt: skip
    assert sorted((r[2], r[3]) for r in peers) == expected
    again = ls.merge(workbook, [export])
    assert again.history is not None and again.history.added == 0


def test_a_manager_rated_twice_is_still_a_duplicate(
    framework_workbook: Any, tmp_path: Path
) -> None:
    workbook = framework_workbook()
    rows = [
        ["Employee ID", "Competency", "Rating", "Review Direction", "Reviewer"],
        ["E002", "Delivery", 3, "Downward", "Ada Example"],
        ["E002", "Delivery", 4, "Downward", "Ada Example"],
    ]
    export = write_csv(tmp_path / "2026-Q3.csv", rows)
    found = ls.check(workbook, [export]).report.with_code("duplicate-rating")
    assert len(found) == 1 and "twice" in found[0].message


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("Rater", ["Manager", "Self"]),
        ("Review Direction", ["Downward", "Self"]),
        ("Relationship", ["Direct Manager", "Self Review"]),
        ("Reviewer Type", ["Manager Evaluation", "Self-Evaluation"]),
        ("Source", ["Manager Assessment", "Employee"]),
    ],
)
def test_a_rater_column_is_known_by_its_values(
    tmp_path: Path, header: str, values: list[str]
) -> None:
    rows = [["Employee ID", "Competency", "Rating", header]]
    rows += [["E002", c, 3 + n, v] for c in COMPETENCIES for n, v in enumerate(values)]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    data = export.ratings.data
    assert list(data["rater_type"]) == ["manager", "self"] * 3
    assert list(data["rating"]) == [3.0, 4.0] * 3
    assert data["reviewer"].isna().all()
    if header in ("Rater", "Review Direction", "Source"):  # found by their values
        said = [f for f in export.findings if f.code == "export-column-understood"]
        assert header in said[0].message and "rater type" in said[0].message


def test_rating_columns_named_for_their_rater(tmp_path: Path) -> None:
    rows = [
        ["Employee ID", "Competency", "Self Review", "Manager Evaluation", "Upward"],
        ["E002", "Delivery", "4", "3", "5"],
        ["E002", "Communication", "3", "2", ""],
    ]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    got = list(
        zip(*(export.ratings.data[c] for c in ("competency", "rater_type", "rating")), strict=True)
    )
    assert got == [
        ("Delivery", "self", 4.0),
        ("Delivery", "manager", 3.0),
        ("Delivery", "upward", 5.0),
        ("Communication", "self", 3.0),
        ("Communication", "manager", 2.0),
    ]


FIVE = ["Well below", "Below", "Meets", "Exceeds", "Significantly exceeds"]


def test_below_is_two_on_a_five_label_scale(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Employee ID", "Competency", "Rating"]]
    people = [f"E{n:03}" for n in range(1, 6)]
    for person, label in zip(people, FIVE, strict=True):
        rows.append([person, "Delivery", f"{label} expectations"])
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    assert list(export.ratings.data["rating"]) == [FIVE.index(lb) + 1.0 for lb in FIVE]
    said = [f for f in export.findings if f.code == "label-scale"]
    assert said and "Below expectations=2" in said[0].message
    assert not export.report.errors


def test_an_ambiguous_label_scale_stops_with_the_options(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"]]
    rows += [["E001", "Delivery", "Below expectations"], ["E002", "Delivery", "Meets"]]
    rows += [["E003", "Delivery", "Exceeds"]]
    path = write_csv(tmp_path / "2026-Q3.csv", rows)
    export = read_export(path, competencies=COMPETENCIES)
    [stop] = export.report.with_code("label-scale-ambiguous")
    assert "'Below expectations' (1)" in stop.message
    assert '--label "Below expectations=2"' in stop.hint
    assert '--label "Below expectations=1"' in stop.hint
    # no label of the set is guessed: the unambiguous ones are read, the open one is not
    assert list(export.ratings.data["rating"]) == [3.0, 4.0]
    settled = read_export(path, competencies=COMPETENCIES, labels={"Below expectations": 2})
    assert list(settled.ratings.data["rating"]) == [2.0, 3.0, 4.0]
    assert not settled.report.errors


def test_an_unknown_label_names_the_option_and_the_labels_found(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"]]
    rows += [["E001", "Delivery", "Solid performer"], ["E002", "Delivery", "Meets"]]
    export = read_export(write_csv(tmp_path / "2026-Q3.csv", rows), competencies=COMPETENCIES)
    [unknown] = export.report.with_code("unknown-label")
    assert '--label "Solid performer=N"' in unknown.hint and "'Meets' (1)" in unknown.hint


def test_repeated_rows_that_differ_in_an_unread_column_name_it(
    framework_workbook: Any, tmp_path: Path
) -> None:
    workbook = framework_workbook()
    rows = [["Employee ID", "Competency", "Rating", "Form"]]
    for comp in COMPETENCIES:  # the tool's own codes for manager and self: no rater words
        rows += [["E002", comp, 3, "MGR-F"], ["E002", comp, 4, "SLF-F"]]
    export = write_csv(tmp_path / "2026-Q3.csv", rows)
    report = ls.check(workbook, [export]).report
    # one finding naming the column instead of one "duplicate rating" per row that never
    # says why
    [named] = report.with_code("duplicate-rating")
    assert "column 'Form'" in named.message and "is it the rater type?" in named.message
    assert 'rater_type = "Form"' in named.hint


def test_the_calibration_pack_shows_360_context_beside_the_manager_rating(
    framework_workbook: Any, tmp_path: Path
) -> None:
    workbook = framework_workbook()
    assert ls.merge(workbook, [export_360(tmp_path / "2026-Q3_360.csv")]).written is not None
    pack = tmp_path / "pack.xlsx"
    ls.calibrate(workbook, pack, cycle="2026-Q3")
    rows = sheet_rows(pack, "360 Context", min_row=4)
    header, body = rows[0], [r for r in rows[1:] if r and r[0]]
    got = {r[header.index("Competency")]: dict(zip(header, r, strict=True)) for r in body}

    def of(kind: str, comp: str) -> list[int]:
        return [ratings[comp] for rel, _, ratings in RATERS_360 if rel == kind]

    for comp in COMPETENCIES:
        row = got[comp]
        assert row["Employee ID"] == "E002"
        assert row["Manager Rating"] == of("Manager", comp)[0]
        assert row["Self Rating"] == of("Self", comp)[0]
        assert row["Peer Mean"] == pytest.approx(sum(of("Peer", comp)) / 3)
        assert row["Peers"] == 3
        assert (row["Upward Mean"], row["Upward Raters"]) == (of("Direct Report", comp)[0], 1)


def test_the_mapping_names_the_rater_column_and_its_words(
    framework_workbook: Any, tmp_path: Path
) -> None:
    """What the repeated-ratings finding asks for, given in a mapping file, settles it."""
    workbook = framework_workbook()
    rows = [["Employee ID", "Competency", "Rating", "Form"]]
    for n, comp in enumerate(COMPETENCIES):
        rows += [["E002", comp, 2 + n, "MGR-F"], ["E002", comp, 3 + n, "SLF-F"]]
    export = write_csv(tmp_path / "2026-Q3.csv", rows)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[export.columns]\nrater_type = "Form"\n\n'
        '[export.raters]\n"MGR-F" = "manager"\n"SLF-F" = "self"\n',
        encoding="utf-8",
    )
    checked = ls.check(workbook, [export], mapping=mapping)
    assert not checked.report.with_code("duplicate-rating")
    data = checked.exports[0].ratings.data
    got = list(zip(data["competency"], data["rater_type"], data["rating"], strict=True))
    assert got == [
        (comp, rater, float(2 + n + (rater == "self")))
        for n, comp in enumerate(COMPETENCIES)
        for rater in ("manager", "self")
    ]
