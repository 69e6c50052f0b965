"""check output: one finding per cause with the rows it affects, counts that match what is
shown, --strict said plainly, unknown labels as one finding with the --label to pass, and a
hole in the Matrix warned about."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ladder_sheets.api import check
from ladder_sheets.cli import cli
from ladder_sheets.findings import Report, Where, error, warning
from ladder_sheets.render import render_text

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")


def _export(tmp_path: Path, change) -> Path:
    source = SAMPLES / "exports" / "2026-Q1_reviews_long.csv"
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = tmp_path / "export.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(change(r) for r in rows)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _shown(text: str) -> dict[str, int]:
    """Findings listed in the text output, by severity (each listed line and each
    '... and N more' counted)."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for line in text.splitlines():
        head = line.split()
        if head and head[0] in counts and line.startswith("  "):
            counts[head[0]] += 1
        if line.startswith("  ... and "):
            raise AssertionError("a capped listing: this test wants every finding shown")
    return counts


def test_the_same_finding_at_many_places_is_one_with_its_count():
    report = Report(
        [error("unknown-competency", "Competency 'Comunication' is not known.", "Fix it.",
               Where("x.csv", line=n)) for n in (2, 10, 18)]
        + [error("unknown-competency", "Competency 'Comunication' is not known.", "Fix it.",
                 Where("x.csv", line=10))]
    )  # fmt: skip
    (one,) = report.grouped()
    assert one.count == 3 and one.where.line == 2
    assert one.places == ("x.csv:2", "x.csv:10", "x.csv:18")
    text = render_text(report)
    assert text.count("unknown-competency:") == 1
    assert "(affects 3 rows: line 2, line 10, line 18)" in text
    assert text.rstrip().endswith(
        "1 error, 0 warnings, 0 notes: errors must be fixed before merge."
    )
    data = json.loads(report.to_json())
    assert data["summary"]["errors"] == len(data["findings"]) == 1
    assert data["findings"][0]["count"] == 3


@needs_samples
def test_a_misspelt_competency_is_one_finding_with_its_suggestion_and_rows(tmp_path):
    export = _export(
        tmp_path,
        lambda r: {**r, "Competency": "Comunication"} if r["Competency"] == "Communication" else r,
    )
    misspelt = sum(1 for r in _rows(export) if r["Competency"] == "Comunication")
    result = check(SAMPLES / "acme_framework.xlsx", [export])
    listed = [f for f in result.report.grouped() if f.where.file == str(export)]
    # not also "N people have no manager rating for Communication": the same cause
    assert [(f.code, f.count) for f in listed] == [("unknown-competency", misspelt)]
    assert "Did you mean 'Communication'?" in listed[0].message

    run = CliRunner().invoke(cli, ["check", str(SAMPLES / "acme_framework.xlsx"), str(export)])
    assert run.exit_code == 1
    shown = _shown(run.output)
    last = run.output.rstrip().splitlines()[-1]
    assert last.startswith(f"{shown['error']} error, {shown['warning']} warnings, ")
    data = json.loads(
        CliRunner()
        .invoke(cli, ["check", str(SAMPLES / "acme_framework.xlsx"), str(export), "--format",
                      "json"]).output
    )  # fmt: skip
    codes = [f["code"] for f in data["findings"]]
    assert codes.count("unknown-competency") == 1
    assert data["summary"]["errors"] == sum(f["severity"] == "error" for f in data["findings"])


@needs_samples
def test_unknown_labels_are_one_finding_with_the_label_options(tmp_path):
    words = {"5": "Stellar", "4": "Solid performer", "3": "Solid performer"}
    export = _export(tmp_path, lambda r: {**r, "Rating": words.get(r["Rating"], r["Rating"])})
    result = check(SAMPLES / "acme_framework.xlsx", [export])
    labels = [f for f in result.report.grouped() if f.code == "unknown-label"]
    assert len(labels) == 1
    (one,) = labels
    assert "'Solid performer'" in one.message and "'Stellar'" in one.message
    assert '--label "Solid performer=N"' in one.hint and '--label "Stellar=N"' in one.hint
    rows = _rows(export)
    assert one.count == sum(r["Rating"] in ("Stellar", "Solid performer") for r in rows)


def test_strict_does_not_end_with_no_errors(tmp_path):
    report = Report([warning("levels-too-few", "Only 3 levels.", "Add one.", Where("w.xlsx"))])
    assert render_text(report).rstrip().endswith("no errors.")
    strict = render_text(report, strict=True).rstrip()
    assert not strict.endswith("no errors.") and "--strict" in strict.splitlines()[-1]
    assert report.exit_code(strict=True) == 1


def test_a_hole_in_the_matrix_is_a_warning(framework_workbook):
    path = framework_workbook(
        matrix={
            "Communication": {"IC1": 2, "IC2": 3, "IC3": 4, "M1": 4},
            "Delivery": {"IC1": 2, "IC2": None, "IC3": 4, "M1": 3},
            "System Design": {"IC1": 1, "IC2": 2, "IC3": 3, "M1": None},
        }
    )
    found = [f for f in check(path).report if "hole in the Matrix" in f.message]
    assert len(found) == 1
    (hole,) = found
    assert hole.code == "missing-expectation" and hole.severity.value == "warning"
    assert "'Delivery' is expected at IC1 and IC3 but blank at IC2" in hole.message
    assert hole.where.sheet == "Matrix"


# A header renamed so that no alias finds it, and nothing else changed: one finding naming the
# column, not a finding for every row or rule that then reads it blank.
RENAMED = [
    ("Levels", "Order"),
    ("Levels", "Job Family"),
    ("Levels", "Track"),
    ("Levels", "Level"),
    ("Competencies", "Competency"),
    ("Competencies", "Category"),
    ("Matrix", "Competency"),
    ("Behaviors", "Competency"),
    ("Promotion Criteria", "Job Family"),
    ("Promotion Criteria", "From Level"),
    ("Paths", "Kind"),
    ("Paths", "Transferable Skills"),
    ("Employees", "Manager ID"),
]


@needs_samples
@pytest.mark.parametrize(("sheet", "header"), RENAMED)
def test_a_missing_column_is_one_finding_naming_it(tmp_path, sheet, header):
    openpyxl = pytest.importorskip("openpyxl")
    source = SAMPLES / "acme_framework.xlsx"
    assert not check(source).report.findings  # the sample itself is clean
    book = openpyxl.load_workbook(source)
    (cell,) = [c for c in book[sheet][1] if c.value == header]
    cell.value = "Zzqx"
    renamed = tmp_path / "renamed.xlsx"
    book.save(renamed)

    listed = check(renamed).report.grouped()
    assert [(f.code, f.sheet, f.count) for f in listed] == [("missing-column", sheet, 1)]
    assert f"column '{header}' not found on sheet '{sheet}'" in listed[0].message

    run = CliRunner().invoke(cli, ["check", str(renamed)])
    shown = _shown(run.output)
    last = run.output.rstrip().splitlines()[-1]
    errors, warnings = shown["error"], shown["warning"]
    assert errors + warnings == 1
    assert last.startswith(f"{errors} error{'s' * (errors != 1)}, {warnings} warning")
    data = json.loads(CliRunner().invoke(cli, ["check", str(renamed), "--format", "json"]).output)
    assert len(data["findings"]) == 1
    assert data["summary"]["errors"] == errors and data["summary"]["warnings"] == warnings


def _renamed(tmp_path: Path, sheet: str, cell: str, header: str) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(SAMPLES / "acme_framework.xlsx")
    book[sheet][cell].value = header
    out = tmp_path / "renamed.xlsx"
    book.save(out)
    return out


def _one_finding_counted_as_shown(path: Path, *options: str) -> None:
    run = CliRunner().invoke(cli, ["check", str(path), *options])
    shown = _shown(run.output)
    errors, warnings = shown["error"], shown["warning"]
    assert (errors, warnings) == (1, 0), run.output
    assert run.output.rstrip().splitlines()[-1].startswith("1 error, 0 warnings")
    data = json.loads(
        CliRunner().invoke(cli, ["check", str(path), "--format", "json", *options]).output
    )
    assert len(data["findings"]) == 1 and data["summary"]["errors"] == 1


# A Matrix or Behaviors header nothing recognises: (sheet, cell, template header, new header,
# what the finding must say, the mapping that reads it as it is).
WIDE_RENAMED = [
    ("Matrix", "D1", "IC2", "Grade Level", "level column IC2 not found",
     '[expectations.levels]\n"Grade Level" = "IC2"\n'),
    ("Behaviors", "D1", "IC2", "Grade Level", "level column IC2 not found",
     '[behaviors.levels]\n"Grade Level" = "IC2"\n'),
    ("Matrix", "A1", "Job Family", "Career Track", "column 'Job Family' not found",
     '[expectations.columns]\nfamily = "Career Track"\n'),
    ("Behaviors", "A1", "Job Family", "Career Track", "column 'Job Family' not found",
     '[behaviors.columns]\nfamily = "Career Track"\n'),
]  # fmt: skip


@needs_samples
@pytest.mark.parametrize(("sheet", "cell", "header", "new", "said", "mapping"), WIDE_RENAMED)
def test_a_wide_sheets_unrecognised_header_is_one_finding_with_its_mapping(
    tmp_path, sheet, cell, header, new, said, mapping
):
    """Before: one hole per competency at IC2 (or one duplicate per repeated competency and
    a missing description per family), and nothing about the column."""
    path = _renamed(tmp_path, sheet, cell, new)
    (one,) = check(path).report.grouped()
    assert (one.code, one.severity.value, one.where.sheet, one.where.cell, one.count) == (
        "missing-column", "error", sheet, cell, 1,
    )  # fmt: skip
    assert said in one.message and f"'{new}'" in one.message
    assert f"on sheet '{sheet}'" in one.message
    assert "23 rows" in one.message  # what it leaves unread, said once
    assert f"rename '{new}' to '{header}'" in one.hint
    assert mapping.replace("\n", " ").strip() in one.hint  # [table.levels] "header" = "IC2"
    _one_finding_counted_as_shown(path)
    # the mapping the hint gives reads the sheet as it is
    toml = tmp_path / "mapping.toml"
    toml.write_text(mapping, encoding="utf-8")
    assert not check(path, mapping=toml).report.findings


@needs_samples
def test_a_long_matrix_level_column_named_by_meaning_is_read(tmp_path):
    """ "Grade Level" over a long Matrix's level codes is recognised as the level column."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(SAMPLES / "acme_framework.xlsx")
    wide = list(book["Matrix"].iter_rows(values_only=True))
    index = book.sheetnames.index("Matrix")
    del book["Matrix"]
    ws = book.create_sheet("Matrix", index)
    ws.append(["Job Family", "Competency", "Grade Level", "Expected"])
    for row in wide[1:]:
        for level, value in zip(wide[0][2:], row[2:], strict=True):
            if value is not None:
                ws.append([row[0], row[1], level, value])
    path = tmp_path / "long.xlsx"
    book.save(path)
    validated = check(path)
    assert not validated.report.findings
    expected = validated.framework.expectations.data
    assert len(expected) == sum(v is not None for row in wide[1:] for v in row[2:])
