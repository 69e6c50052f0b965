"""The canonical template: sheets, headers, the worked example's content, dropdowns, stability."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ladder_sheets import model
from ladder_sheets.demo.example import FrameworkContent, empty_content, example_content
from ladder_sheets.sheets.template import write_framework, write_template
from tests.helpers import SOFFICE, libreoffice_convert

REPO = Path(__file__).resolve().parents[1]
LONG = ["levels", "competencies", "criteria", "paths", "employees", "history", "evidence"]
TRAITS = ("demonstrates", "strong ", "passionate", "thinks strategically", "shows leadership")


def sheet_name(table: str) -> str:
    return model.TABLES[table][0]


def header_of(table: str, column: str) -> str:
    return model.headers(table)[column]


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "matrix.xlsx", example=True)


@pytest.fixture(scope="module")
def wb(template: Path) -> openpyxl.Workbook:
    return load(template)


def records(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(v is not None for v in r)]


def tracks_of(wb: openpyxl.Workbook) -> dict[tuple[str, str], list[str]]:
    """(family, track) -> level codes in Order, read from the Levels sheet."""
    h = model.headers("levels")
    by: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for r in records(wb[sheet_name("levels")]):
        by[(r[h["family"]], r[h["track"]])].append((r[h["order"]], r[h["level"]]))
    return {k: [code for _, code in sorted(v)] for k, v in by.items()}


def test_opens_without_warnings_and_sheets_in_canonical_order(wb: openpyxl.Workbook) -> None:
    tables = ["levels", "competencies", "expectations", "behaviors", "criteria", "paths"]
    tables += ["employees", "history", "evidence"]
    assert wb.sheetnames == ["Instructions", *[sheet_name(t) for t in tables], "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    assert wb.active.title == "Instructions"
    text = " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    for word in ("Matrix", "Behaviors", "check", "merge", "Outstanding"):
        assert word in text


@pytest.mark.parametrize("table", LONG)
def test_long_sheets_have_the_canonical_headers_frozen(wb: openpyxl.Workbook, table: str) -> None:
    ws = wb[sheet_name(table)]
    assert [c.value for c in ws[1]] == [h for _, h in model.TABLES[table][1]]
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("table", ["expectations", "behaviors"])
def test_wide_sheets_have_family_competency_then_levels(wb: openpyxl.Workbook, table: str) -> None:
    heads = [c.value for c in wb[sheet_name(table)][1]]
    assert heads[:2] == [header_of(table, "family"), header_of(table, "competency")]
    assert heads[2:] == [f"IC{i}" for i in range(1, 8)] + [f"M{i}" for i in range(1, 5)]


def test_every_matrix_and_behavior_cell_of_each_track_is_filled(wb: openpyxl.Workbook) -> None:
    tracks = tracks_of(wb)
    matrix = records(wb[sheet_name("expectations")])
    behaviors = {(r["Job Family"], r["Competency"]): r for r in records(wb["Behaviors"])}
    per_track: dict[tuple[str, str], int] = defaultdict(int)
    for row in matrix:
        family, competency = row["Job Family"], row["Competency"]
        described = behaviors[(family, competency)]
        used = 0
        for (fam, track), codes in tracks.items():
            if fam != family:
                continue
            filled = [row[c] is not None for c in codes]
            # A competency is on a track at every level of it, or not at all.
            assert all(filled) or not any(filled), (family, competency, track)
            if all(filled):
                used += 1
                per_track[(fam, track)] += 1
                assert all(isinstance(row[c], int) and 1 <= row[c] <= 5 for c in codes)
                texts = [described[c] for c in codes]
                assert all(isinstance(t, str) and len(t) > 30 for t in texts)
        assert used >= 1, (family, competency)
        # Cells outside the family's levels stay blank in both sheets.
        own = {c for (fam, _), codes in tracks.items() if fam == family for c in codes}
        for code in set(row) - {"Job Family", "Competency"} - own:
            assert row[code] is None and described[code] is None
    assert set(per_track) == set(tracks)
    assert all(6 <= n <= 12 for n in per_track.values()), per_track


def test_expectations_never_drop_and_descriptions_differ_by_level(wb: openpyxl.Workbook) -> None:
    tracks = tracks_of(wb)
    behaviors = {(r["Job Family"], r["Competency"]): r for r in records(wb["Behaviors"])}
    checked = 0
    for row in records(wb["Matrix"]):
        for (fam, _), codes in tracks.items():
            if fam != row["Job Family"] or row[codes[0]] is None:
                continue
            values = [row[c] for c in codes]
            assert values == sorted(values), (row["Competency"], values)
            texts = [behaviors[(fam, row["Competency"])][c] for c in codes]
            assert all(a != b for a, b in zip(texts, texts[1:], strict=False))
            assert not [t for t in texts if any(w in t.lower() for w in TRAITS)]
            checked += 1
    assert checked >= 15


def test_levels_bands_steps_and_paths_resolve(wb: openpyxl.Workbook) -> None:
    tracks = tracks_of(wb)
    assert set(tracks) == {("Engineering", "IC"), ("Engineering", "Management"), ("Data", "IC")}
    assert all(4 <= len(codes) <= 7 for codes in tracks.values())
    levels = {(r["Job Family"], r["Level"]): r for r in records(wb["Levels"])}
    top_ic, top_m = levels[("Engineering", "IC7")], levels[("Engineering", "M4")]
    assert top_ic["Band Max"] == top_m["Band Max"] and top_ic["Band Min"] == top_m["Band Min"]

    criteria = records(wb[sheet_name("criteria")])
    steps = {(r["Job Family"], r["From Level"], r["To Level"]): r for r in criteria}
    expected = {
        (f, a, b)
        for (f, _), codes in tracks.items()
        for a, b in zip(codes, codes[1:], strict=False)
    }
    assert set(steps) == expected
    for step in steps.values():
        assert 3.0 <= step["Min Average"] <= 4.0 and 2 <= step["Min Each"] <= 3
        assert step["Cycles At Next Level"] in (1, 2)
        assert step["Requires Endorsement"] in ("Yes", "No")
        assert step["Requires Calibration"] in ("Yes", "No")
        assert step["Scope Criteria"]

    paths = records(wb["Paths"])
    assert {p["Kind"] for p in paths} == set(model.PATH_KINDS)
    crossover = next(p for p in paths if p["Kind"] == "Crossover")
    assert crossover["From Level"].startswith("IC") and crossover["To Level"] == "M1"
    for p in paths:
        assert (p["From Family"], p["From Level"]) in levels
        assert (p["To Family"], p["To Level"]) in levels
    lateral = next(p for p in paths if p["Kind"] == "Lateral")
    assert lateral["From Family"] != lateral["To Family"]


def test_every_matrix_competency_is_defined(wb: openpyxl.Workbook) -> None:
    defined = {r["Competency"]: r for r in records(wb["Competencies"])}
    for row in records(wb["Matrix"]):
        comp = defined[row["Competency"]]
        assert comp["Job Family"] in (None, row["Job Family"])
        assert comp["Category"] in model.CATEGORIES and comp["Definition"]


def dropdown_values(wb: openpyxl.Workbook, sheet: str, cell: str) -> list[Any] | None:
    """The values offered by the list validation covering `cell`, resolved through names."""
    for dv in wb[sheet].data_validations.dataValidation:
        if dv.type == "list" and cell in dv.sqref:
            source = wb.defined_names[dv.formula1].attr_text
            target, _, ref = source.partition("!")
            return [c.value for row in wb[target][ref.replace("$", "")] for c in row if c.value]
    return None


DROPDOWN_CASES = [
    ("levels", "track", set(model.TRACKS)),
    ("levels", "family", {"Engineering", "Data"}),
    ("competencies", "category", set(model.CATEGORIES)),
    ("competencies", "family", {"Engineering", "Data"}),
    ("paths", "kind", set(model.PATH_KINDS)),
    ("paths", "to_family", {"Engineering", "Data"}),
    ("paths", "from_level", {"IC1", "M4"}),
    ("criteria", "to_level", {"IC7", "M1"}),
    ("criteria", "requires_endorsement", {"Yes", "No"}),
    ("criteria", "requires_calibration", {"Yes", "No"}),
    ("employees", "family", {"Data"}),
    ("employees", "level", {"IC3"}),
    ("employees", "track", set(model.TRACKS)),
    ("history", "rater_type", set(model.RATER_TYPES)),
    ("history", "competency", {"System Design", "Communication"}),
    ("evidence", "scope_met", {"Yes", "No"}),
    ("evidence", "endorsed", {"Yes", "No"}),
    ("evidence", "calibrated", {"Yes", "No"}),
]


@pytest.mark.parametrize(("table", "column", "must_offer"), DROPDOWN_CASES)
def test_list_columns_have_dropdowns(
    wb: openpyxl.Workbook, table: str, column: str, must_offer: set[str]
) -> None:
    ws = wb[sheet_name(table)]
    letter = next(c.column_letter for c in ws[1] if c.value == header_of(table, column))
    for row in (2, 500):
        offered = dropdown_values(wb, ws.title, f"{letter}{row}")
        assert offered is not None, f"{ws.title}!{letter}{row}"
        assert must_offer <= set(offered)


def test_matrix_cells_offer_the_1_to_5_scale(wb: openpyxl.Workbook) -> None:
    for cell in ("C2", "I9", "M17"):
        assert dropdown_values(wb, "Matrix", cell) == [1, 2, 3, 4, 5]
    assert dropdown_values(wb, "Matrix", "B2") is not None  # competency
    assert dropdown_values(wb, "Behaviors", "C2") is None  # free text


def test_empty_template_has_headers_only_and_the_same_dropdowns(
    tmp_path: Path, wb: openpyxl.Workbook
) -> None:
    empty = load(write_template(tmp_path / "empty.xlsx", example=False))
    assert empty.sheetnames == wb.sheetnames
    assert empty["Instructions"].max_row == wb["Instructions"].max_row
    for name in wb.sheetnames[1:-1]:
        assert empty[name].max_row == 1, name
        assert [c.value for c in empty[name][1]] == [c.value for c in wb[name][1]]
        ranges = [str(dv.sqref) for dv in wb[name].data_validations.dataValidation]
        assert [str(dv.sqref) for dv in empty[name].data_validations.dataValidation] == ranges
    assert set(dropdown_values(empty, "Levels", "B2") or []) == set(model.TRACKS)


def test_output_is_byte_identical_across_runs(tmp_path: Path, template: Path) -> None:
    again = write_template(tmp_path / "again.xlsx")
    assert again.read_bytes() == template.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["again.xlsx"]  # no temp file left


def test_committed_template_is_up_to_date(template: Path) -> None:
    committed = REPO / "templates" / "competency_matrix.xlsx"
    if not committed.exists():
        pytest.skip("templates/competency_matrix.xlsx not built yet (scripts/build_template.py)")
    assert committed.read_bytes() == template.read_bytes(), "run scripts/build_template.py"


def test_text_from_people_is_written_as_text_not_formula(tmp_path: Path) -> None:
    content: FrameworkContent = empty_content()
    content.employees = [
        {"employee_id": "E1", "name": "=HYPERLINK(\"http://x.example\")", "email": "a@b.example",
         "manager_id": None, "family": "Data", "track": "IC", "level": "IC1",
         "in_level_since": dt.date(2025, 3, 31)},
    ]  # fmt: skip
    ws = load(write_framework(tmp_path / "f.xlsx", content))["Employees"]
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=HYPERLINK")
    assert ws["H2"].value == dt.datetime(2025, 3, 31) and ws["H2"].number_format == "yyyy-mm-dd"


def test_example_content_is_consistent_with_its_own_tracks() -> None:
    content = example_content()
    for family in content.families:
        for competency, by_track in family.ladder.items():
            for track, rungs in by_track.items():
                assert len(rungs) == len(family.level_codes(track)), (competency, track)
        for lo, hi in family.steps:
            assert any(
                lo in codes and codes.index(hi) == codes.index(lo) + 1
                for codes in (family.level_codes(t) for t in family.tracks)
            )


@pytest.mark.libreoffice
def test_libreoffice_converts_the_template(tmp_path: Path, template: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdf = libreoffice_convert(template, tmp_path, "pdf", timeout=240)
    csv = libreoffice_convert(template, tmp_path, "csv", timeout=240)
    assert pdf.stat().st_size > 0 and csv.stat().st_size > 0
    assert pdf.read_bytes().startswith(b"%PDF")
    # The csv export is the first (active) sheet: the instructions.
    assert "Career framework" in csv.read_text(encoding="utf-8", errors="replace")
