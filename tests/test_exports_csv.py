"""Reading CSV review exports: encodings, delimiters, quoting, places, and files that cannot
be read at all. Every input file is built in the test."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ladder_sheets.errors import UnreadableFile
from ladder_sheets.exports import MAX_LINES, read_export
from ladder_sheets.findings import Where

COMPETENCIES = ["Communication", "Delivery", "System Design"]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    preamble: list[str] = (),  # type: ignore[assignment]
) -> Path:
    buf = io.StringIO()
    for line in preamble:
        buf.write(line + "\r\n")
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


LONG = [
    ["Employee ID", "Employee Name", "Competency", "Rating", "Reviewer", "Comments", "Cycle"],
    ["E001", "José Núñez", "Communication", "3", "Mia Chen", "Clear writer", "2026-Q3"],
    ["E001", "José Núñez", "Delivery", "4", "Mia Chen", "NA", "2026-Q3"],
    ["E002", "Zoë Brandt", "Communication", "2", "Mia Chen", "None", "2026-Q3"],
]


def test_long_csv_with_bom_keeps_values_and_places(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", LONG, encoding="utf-8-sig")
    export = read_export(path, competencies=COMPETENCIES)
    assert (export.shape, export.encoding, export.delimiter) == ("long", "utf-8-sig", ",")
    data = export.ratings.data
    assert data["employee_id"].tolist() == ["E001", "E001", "E002"]
    assert data["rating"].tolist() == [3.0, 4.0, 2.0]
    assert data["rater_type"].tolist() == ["manager"] * 3
    assert data["source"].tolist() == ["export.csv"] * 3
    assert data["imported_at"].tolist() == [None] * 3
    # "NA" and "None" written as comments are comments, not missing values
    assert data["evidence"].tolist() == ["Clear writer", "NA", "None"]
    assert export.ratings.cells.at[1, "rating"] == "3:Rating"
    assert export.ratings.cells.at[2, "employee_id"] == "4:Employee ID"
    assert export.ratings.where(1, "evidence") == Where(file=str(path), line=3, column="Comments")
    assert not export.report.errors


def test_semicolon_cp1252_with_labels_and_accents(tmp_path: Path) -> None:
    rows = [
        ["Emp ID", "Name", "Skill", "Score", "Period"],
        ["E010", "José Álvarez", "Communication", "Meets expectations", "Q3 2026"],
        ["E010", "José Álvarez", "Delivery", "3 - Meets", "Q3 2026"],
        ["E011", "Renée Côté", "Delivery", "Exceeds (4)", "Q3 2026"],
        ["E011", "Renée Côté", "Communication", "3,5", "Q3 2026"],
        ["E012", "Zoë Brandt", "System Design", "Far exceeds", "Q3 2026"],
    ]
    path = write_csv(tmp_path / "ratings.csv", rows, delimiter=";", encoding="cp1252")
    export = read_export(path, competencies=COMPETENCIES)
    assert (export.encoding, export.delimiter) == ("cp1252", ";")
    assert export.ratings.data["rating"].tolist() == [3.0, 3.0, 4.0, 3.5, 5.0]
    assert export.cycles == ["2026-Q3"]
    assert not export.findings


def test_accented_name_survives_cp1252_in_comments(tmp_path: Path) -> None:
    rows = [
        ["Employee ID", "Competency", "Rating", "Reviewer", "Comments"],
        ["E010", "Delivery", "3", "José Álvarez", "Zoë and José shipped it"],
    ]
    path = write_csv(tmp_path / "2026-Q2.csv", rows, delimiter=";", encoding="cp1252")
    export = read_export(path)
    assert export.ratings.data.at[0, "reviewer"] == "José Álvarez"
    assert export.ratings.data.at[0, "evidence"] == "Zoë and José shipped it"


def test_utf16_tab_separated_as_excel_unicode_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "unicode.txt", LONG, delimiter="\t", encoding="utf-16")
    export = read_export(path)
    assert (export.encoding, export.delimiter) == ("utf-16", "\t")
    assert export.ratings.data["employee_id"].tolist() == ["E001", "E001", "E002"]
    assert export.ratings.cells.at[0, "competency"] == "2:Competency"


def test_quoted_delimiters_and_line_breaks_keep_line_numbers(tmp_path: Path) -> None:
    rows = [
        ["Employee ID", "Competency", "Rating", "Comments"],
        ["E001", "Delivery", "4", "Shipped A, B and C;\nthen led the\nrollout"],
        ["E002", "Delivery", "great", "short"],
    ]
    path = write_csv(tmp_path / "2026-Q3_export.csv", rows)
    export = read_export(path)
    data, cells = export.ratings.data, export.ratings.cells
    assert data.at[0, "evidence"] == "Shipped A, B and C;\nthen led the\nrollout"
    # the second record starts on physical line 5: the comment above spans lines 2-4
    assert cells.at[1, "rating"] == "5:Rating"
    # a text rating stays text and is reported at its line and column
    assert data.at[1, "rating"] == "great"
    assert export.report.flatten("code", "line") == [("unknown-label", 5)]
    assert export.report.with_code("unknown-label")[0].where.column == "Rating"


def test_title_lines_above_the_header(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        LONG,
        preamble=["Acme Corp performance export", "Generated 2026-10-02", ""],
    )
    export = read_export(path)
    assert export.header_row == 4
    assert export.ratings.cells.at[0, "rating"] == "5:Rating"
    assert len(export.ratings) == 3


def test_not_applicable_ratings_are_skipped_with_a_count(tmp_path: Path) -> None:
    rows = [
        ["Employee ID", "Competency", "Rating"],
        ["E1", "Delivery", "N/A"],
        ["E1", "Communication", ""],
        ["E1", "System Design", "4"],
    ]
    export = read_export(write_csv(tmp_path / "2026-Q1.csv", rows))
    assert export.ratings.data["competency"].tolist() == ["System Design"]
    assert export.report.flatten("code") == [("ratings-skipped",)]


def test_leading_zeros_in_ids_are_kept(tmp_path: Path) -> None:
    rows = [["Employee Number", "Competency", "Rating"], ["007", "Delivery", "3"]]
    export = read_export(write_csv(tmp_path / "2026-Q1.csv", rows))
    assert export.ratings.data.at[0, "employee_id"] == "007"


def test_employee_and_competency_spelled_as_the_framework_does(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating"], ["e001", "system  design", "3"]]
    export = read_export(
        write_csv(tmp_path / "2026-Q1.csv", rows), competencies=COMPETENCIES, employees=["E001"]
    )
    assert list(export.ratings.data.loc[0, ["employee_id", "competency"]]) == [
        "E001",
        "System Design",
    ]


def test_utf8_decoded_twice_upstream_is_warned(tmp_path: Path) -> None:
    rows = [["Employee ID", "Competency", "Rating", "Reviewer"]]
    rows += [["E1", "Delivery", "3", "JosÃ© Ã\x81lvarez"], ["E2", "Delivery", "3", "RenÃ©e"]]
    export = read_export(write_csv(tmp_path / "2026-Q1.csv", rows))
    assert "export-mojibake" in export.report.codes()


# Files that cannot be read at all


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(UnreadableFile) as exc:
        read_export(path)
    assert exc.value.file == str(path)


def test_blank_lines_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n  \r\n")
    with pytest.raises(UnreadableFile):
        read_export(path)


def test_pdf_renamed_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)))
    with pytest.raises(UnreadableFile, match="PDF"):
        read_export(path)


def test_garbage_bytes_are_refused(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    path = tmp_path / "export.csv"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(5000)))
    with pytest.raises(UnreadableFile) as exc:
        read_export(path)
    assert exc.value.hint


def test_garbage_without_zero_bytes_is_refused(tmp_path: Path) -> None:
    import random

    rng = random.Random(11)
    path = tmp_path / "export.csv"
    path.write_bytes(bytes(rng.randrange(1, 256) for _ in range(5000)))
    with pytest.raises(UnreadableFile):
        read_export(path)


def test_text_in_another_encoding_is_refused_not_imported_as_nonsense(tmp_path: Path) -> None:
    text = "社員番号,能力,評価\n" + "".join(f"E{i},コミュニケーション,良い\n" for i in range(20))
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("shift_jis"))
    with pytest.raises(UnreadableFile, match="UTF-8"):
        read_export(path)


def test_header_only_gives_a_finding_and_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "2026-Q3.csv", [LONG[0]])
    export = read_export(path)
    assert len(export.ratings) == 0
    assert list(export.ratings.data.columns)[:4] == ["cycle", "employee_id", "competency", "rating"]
    assert export.report.flatten("code", "severity", "line") == [("export-no-rows", "error", 1)]


def test_too_many_lines_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w") as f:
        f.write("Employee ID,Competency,Rating\n")
        f.write("E1,Delivery,3\n" * MAX_LINES)
    with pytest.raises(UnreadableFile, match="lines"):
        read_export(path)


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile):
        read_export(tmp_path / "nope.csv")


def test_excel_sep_hint_line_sets_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "2026-Q3.csv"
    path.write_text("sep=|\nEmployee ID|Competency|Rating|Comments\nE1|Delivery|4|a, b; c\n")
    export = read_export(path)
    assert export.delimiter == "|"
    assert export.ratings.data.loc[0, "evidence"] == "a, b; c"
    assert export.ratings.cells.at[0, "rating"] == "3:Rating"
