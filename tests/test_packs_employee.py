"""An employee's pack: ratings, gaps, the next level's descriptions and the measurable
criteria; the readiness status and missing sign-off only with --sign-off."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from ladder_sheets.commands.merge import merge
from ladder_sheets.commands.packs import write_packs

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")
SIGN_OFF = ("manager endorsement not recorded", "calibration confirmation not recorded")


def _text(pack: Path) -> str:
    with zipfile.ZipFile(pack) as zf:
        return "".join(
            zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/") and
            n.endswith(".xml")
        )  # fmt: skip


def test_employee_pack_leaves_sign_off_to_the_option(tmp_path: Path):
    workbook = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    merged = merge(workbook, sorted((SAMPLES / "exports").iterdir()))
    table = merged.readiness
    waiting = table[table["shortfalls"].map(lambda s: any(t in SIGN_OFF for t in s))]
    assert len(waiting), "the sample has people waiting for sign-off"
    person = waiting.iloc[0]
    emp, status = str(person["employee_id"]), str(person["status"])

    plain = write_packs(workbook, tmp_path / "plain", by="employee", only=[emp], jobs=1)
    (pack,) = plain.written
    text = _text(pack)
    assert not any(t in text for t in SIGN_OFF)
    assert "Readiness:" not in text and f">{status}<" not in text
    for shown in ("Manager rating", "Gap to next", "What to work on (next level)",
                  "Average rating", "Cycles at next level", "Time in level"):  # fmt: skip
        assert shown in text, shown
    with zipfile.ZipFile(pack) as zf:
        assert 'name="Next level"' in zf.read("xl/workbook.xml").decode()

    asked = write_packs(
        workbook, tmp_path / "asked", by="employee", only=[emp], jobs=1, sign_off=True
    )
    text = _text(asked.written[0])
    assert "Readiness:" in text and status in text
    assert any(t in text for t in SIGN_OFF)


def test_time_in_level_reads_as_years_and_months():
    from ladder_sheets.values import time_in_words

    assert time_in_words(29.3) == "7 years 4 months"  # 87.9 months, to the nearest: 88
    assert time_in_words(22 / 3) == "1 year 10 months"
    assert time_in_words(4.0) == "1 year"
    assert time_in_words(3.0) == "9 months"
    assert time_in_words(1 / 3) == "1 month"
    assert time_in_words(0.0) == "less than a month"  # time in level counts whole months
    assert time_in_words(float("nan")) == "" and time_in_words(None) == ""
    # short of a requirement, never read as meeting it: 7.9 quarters is 23.7 months, which
    # to the nearest month would read "2 years" of the 2 years required
    assert time_in_words(7.9) == "2 years"
    assert time_in_words(7.9, below=8) == "1 year 11 months"


@pytest.mark.filterwarnings("ignore:Sparkline Group extension")
def test_pack_criteria_show_time_in_words_and_cycles_as_a_whole_number(tmp_path: Path):
    import openpyxl

    workbook = tmp_path / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", workbook)
    merge(workbook, sorted((SAMPLES / "exports").iterdir()))
    (pack,) = write_packs(workbook, tmp_path / "p", by="employee", only=["E0011"], jobs=1).written
    ws = openpyxl.load_workbook(pack).worksheets[0]
    rows = {r[0].value: r for r in ws.iter_rows() if isinstance(r[0].value, str)}
    time = rows["Time in level"]
    assert re.fullmatch(r"(\d+ years?)?( ?\d+ months?)?", time[1].value)
    assert "Quarters in level" not in rows
    cycles = rows["Cycles at next level"]
    assert isinstance(cycles[1].value, float | int) and cycles[1].number_format == "0"
