"""Property: whatever the encoding, delimiter and comment text (quotes, delimiters, line
breaks, "NA"), a long CSV export reads back to the values written, each at the physical line
where its record starts (computed here from what was written)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.exports import read_export

COMMENT_CHARS = "abcXYZ éüñÅ,;\t\"'\n=-"
comment = st.one_of(
    st.sampled_from(["NA", "N/A", "None", "null", "", "  "]),
    st.text(alphabet=COMMENT_CHARS, max_size=30),
)
row = st.tuples(
    st.from_regex(r"E0[0-9]{2}", fullmatch=True),
    st.sampled_from(["Communication", "Delivery", "System Design", "Ownership"]),
    st.one_of(st.integers(1, 5).map(str), st.sampled_from(["Meets", "Exceeds", "3 - Meets"])),
    comment,
)
VALUES = {"Meets": 3.0, "Exceeds": 4.0, "3 - Meets": 3.0}


def expected_comment(text: str) -> str | None:
    if not text.strip():
        return None
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(row, min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    terminator=st.sampled_from(["\r\n", "\n"]),
)
def test_long_csv_round_trip(
    rows: list[tuple[str, str, str, str]], delimiter: str, encoding: str, terminator: str
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=terminator)
    writer.writerow(["Employee ID", "Competency", "Rating", "Comments"])
    writer.writerows(rows)
    # record i starts after the header and every earlier record, each one line plus its breaks
    starts, line = [], 2
    for r in rows:
        starts.append(line)
        line += 1 + r[3].count("\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2026-Q3_export.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        export = read_export(path)
    data, cells = export.ratings.data, export.ratings.cells
    assert export.delimiter == delimiter
    assert data["employee_id"].tolist() == [r[0] for r in rows]
    assert data["competency"].tolist() == [r[1] for r in rows]
    assert data["rating"].tolist() == [VALUES.get(r[2]) or float(r[2]) for r in rows]
    assert data["evidence"].tolist() == [expected_comment(r[3]) for r in rows]
    assert cells["rating"].tolist() == [f"{s}:Rating" for s in starts]
    assert cells["evidence"].tolist() == [f"{s}:Comments" for s in starts]
    assert export.cycles == ["2026-Q3"]
    assert not export.report.errors


def test_a_delimiter_inside_a_multiline_comment_is_not_the_delimiter(tmp_path: Path) -> None:
    # found by the property above: ';' cut each line of the quoted comment in two and won
    text = 'Employee ID,Competency,Rating,Comments\r\nE000,Communication,1,";=\n=;="\r\n'
    text += 'E000,Delivery,2,";=\n=;="\r\n'
    path = tmp_path / "2026-Q3_export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    export = read_export(path)
    assert export.delimiter == ","
    assert export.ratings.data["rating"].tolist() == [1.0, 2.0]
