"""Where a workbook or an export can be read two ways, the tool says so: a finding that names
the place and the candidates, never a silent guess. One test per class of ambiguity, each on a
small invented company (companies/spec.py); expected numbers come from companies/expect.py.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import openpyxl
from companies import book as books
from companies import expect
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.spec import Spec, build, quarters

import ladder_sheets as ls


def small(seed: int = 40, **kw: Any) -> Spec:
    return build(
        "Ambrose Teasets",
        seed=seed,
        families={"Engineering": {"IC": ["E1", "E2", "E3", "E4"]}},
        people=6,
        cycles=quarters("2026-Q1", 2),
        peers=0,
        **kw,
    )


def said(report: ls.Report, *words: str) -> list[ls.Finding]:
    """Errors and warnings that mention every one of `words` (message, hint or place)."""
    out = []
    for f in report.findings:
        if f.severity == ls.Severity.INFO:
            continue
        text = f"{f.message} {f.hint} {f.where}".lower()
        if all(w.lower() in text for w in words):
            out.append(f)
    return out


def plain_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def long_rows(spec: Spec, raters: tuple[str, ...] = ("manager", "self")) -> list[dict[str, Any]]:
    return [r for r in spec["ratings"] if r["rater"] in raters]


def wrong_statuses(spec: Spec, result: Any) -> list[str]:
    want = expect.statuses(spec)
    got = dict(zip(result.readiness["employee_id"], result.readiness["status"], strict=True))
    return [f"{p}: {s!r} != {got.get(p)!r}" for p, s in want.items() if got.get(p) != s]


def test_a_name_two_people_share_is_an_error_naming_both_rows(tmp_path: Path) -> None:
    spec = small()
    twin, other = spec["people"][2], spec["people"][3]
    other.update(first=twin["first"], last=twin["last"], name=twin["name"])
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    files = tools.plain(spec, tmp_path, Export("plain", key="name", raters=("manager",)))
    report = ls.check(workbook, files).report
    found = said(report, twin["name"])
    assert found, "no finding names the shared name"
    text = " ".join(f"{f.message} {f.hint} {f.where}" for f in found)
    # both people are named, by their ID or by their row on the Employees sheet (rows 4, 5)
    assert (twin["id"] in text and other["id"] in text) or (
        re.search(r"\b[A-Z]{1,2}4\b|row 4\b", text) and re.search(r"\b[A-Z]{1,2}5\b|row 5\b", text)
    ), text
    assert report.errors


def test_a_label_scale_that_could_be_read_two_ways_stops_with_the_labels(tmp_path: Path) -> None:
    spec = small()
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    three = ["Below expectations", "Meets expectations", "Exceeds expectations"]
    rows = [["Cycle", "Employee ID", "Competency", "Rating"]]
    for r in long_rows(spec, ("manager",)):
        rows.append(
            [r["cycle"], r["person"], r["competency"], three[min(2, max(0, r["rating"] - 2))]]
        )
    export = plain_csv(tmp_path / "labels.csv", rows)
    report = ls.check(workbook, [export]).report
    assert said(report, "--label"), "no finding says which --label options to pass"
    assert said(report, "Below expectations"), "no finding names the labels found"
    assert report.errors


def test_an_unknown_rater_word_is_named_not_counted(tmp_path: Path) -> None:
    spec = small()
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    rows = [["Cycle", "Employee ID", "Competency", "Rating", "Rater Type", "Reviewer"]]
    for r in long_rows(spec):
        rows.append([r["cycle"], r["person"], r["competency"], r["rating"], r["rater"].title(), ""])
        if r["rater"] == "manager":
            rows.append([r["cycle"], r["person"], r["competency"], 1, "Skip-level", "someone"])
    export = plain_csv(tmp_path / "raters.csv", rows)
    result = ls.merge(workbook, [export], dry_run=True)
    assert said(result.report, "Skip-level"), "the unknown rater word is not named"
    if not result.report.errors:
        assert not wrong_statuses(spec, result), "skip-level ratings changed the statuses"


def test_an_unknown_cycle_is_named_with_the_option(tmp_path: Path) -> None:
    spec = small()
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    rows = [["Cycle", "Employee ID", "Competency", "Rating"]]
    for r in long_rows(spec, ("manager",)):
        rows.append(["Spring Review", r["person"], r["competency"], r["rating"]])
    export = plain_csv(tmp_path / "spring.csv", rows)
    report = ls.check(workbook, [export]).report
    found = said(report, "Spring Review")
    assert found and all(f.where.file for f in found)
    assert said(report, "--cycle"), "no finding says to pass --cycle"
    assert report.errors


def test_duplicates_name_the_column_they_differ_in(tmp_path: Path) -> None:
    spec = small()
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    rows = [["Cycle", "Employee ID", "Competency", "Rating", "Form"]]
    for r in long_rows(spec):
        form = "Form A" if r["rater"] == "manager" else "Form B"
        rows.append([r["cycle"], r["person"], r["competency"], r["rating"], form])
    export = plain_csv(tmp_path / "forms.csv", rows)
    report = ls.check(workbook, [export]).report
    duplicates = [f for f in report.errors if f.code == "duplicate-rating"]
    assert duplicates, "two ratings per person and competency went through without a word"
    assert all("'Form'" in f.message or "Form" in f.hint for f in duplicates)
    # one column explains them all: one finding per column would do, not one per row
    assert len(duplicates) <= len(spec["cycles"]) * 2


def test_two_candidate_people_sheets_are_reported(tmp_path: Path) -> None:
    spec = small()
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    wb = openpyxl.load_workbook(workbook)
    old = wb.copy_worksheet(wb["Employees"])
    old.title = "Employees 2025"
    old["G2"] = "E1"  # last year's level: one of the two is stale
    wb.save(workbook)
    report = ls.check(workbook).report
    assert said(report, "Employees 2025"), "the second candidate sheet is not mentioned"


def test_a_mapping_for_one_matrix_sheet_keeps_the_others(tmp_path: Path) -> None:
    spec = build(
        "Ambrose Teasets",
        seed=41,
        families={"Engineering": {"IC": ["E1", "E2", "E3"]}, "Sales": {"IC": ["S1", "S2", "S3"]}},
        people=8,
        cycles=quarters("2026-Q1", 2),
        peers=0,
    )
    workbook = books.write(spec, Book(matrix_per_family=True), tmp_path / "framework.xlsx")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[expectations]\nsheet = "Matrix - Engineering"\nfamily = "Engineering"\n',
        encoding="utf-8",
    )
    files = tools.plain(spec, tmp_path, Export("plain", key="id", raters=("manager", "self")))
    result = ls.merge(workbook, files, mapping=mapping, dry_run=True)
    if result.report.errors or said(result.report, "Matrix - Sales"):
        return  # said, not guessed
    assert not wrong_statuses(spec, result)


def test_an_unknown_manager_name_is_named_with_its_cell(tmp_path: Path) -> None:
    spec = small()
    workbook = books.write(spec, Book(manager_by="name"), tmp_path / "framework.xlsx")
    wb = openpyxl.load_workbook(workbook)
    wb["Employees"]["D3"] = "Nobody Byname"
    wb.save(workbook)
    report = ls.check(workbook).report
    found = said(report, "Nobody Byname")
    assert found, "an unknown manager name is not reported"
    assert any(f.where.sheet == "Employees" and f.where.cell for f in found)


def test_a_summary_tab_is_not_read_as_ratings(tmp_path: Path) -> None:
    """Two tabs that both hold numbers per person and competency: the averages tab must not be
    read as the manager's ratings without a word."""
    spec = small()
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    averages: list[list[Any]] = [["Employee ID", "Competency", "Average Score"]]
    for r in long_rows(spec, ("manager",)):
        averages.append([r["person"], r["competency"], 5])
    ex = Export(
        "plain",
        key="id",
        raters=("manager", "self"),
        xlsx=True,
        tabs={"Averages": averages},
        per_cycle=False,
    )
    files = tools.plain(spec, tmp_path, ex)
    result = ls.merge(workbook, files, dry_run=True)
    if result.report.errors:
        assert said(result.report, "Averages") or said(result.report, "Responses")
        return
    assert not wrong_statuses(spec, result)
