"""Ragged and over-wide CSV exports are read in bounded memory or refused with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzzing import Seeds, make_seeds, run_cli

from ladder_sheets.errors import UnreadableFile
from ladder_sheets.exports.sniff import MAX_FIELDS
from ladder_sheets.exports.source import load


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return make_seeds(tmp_path_factory.mktemp("seeds"))


def long_csv(seeds: Seeds) -> Path:
    return next(p for p in seeds.exports if p.name.endswith("_long.csv"))


def test_a_header_with_a_million_extra_columns_is_read_in_bounded_memory(
    seeds: Seeds, tmp_path: Path
) -> None:
    plain = long_csv(seeds)
    lines = plain.read_bytes().split(b"\n")
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"\n".join([lines[0].rstrip(b"\r") + b"," * 1_000_000, *lines[1:]]))
    clean = run_cli(["check", str(seeds.workbook), str(plain)], [plain])
    damaged = run_cli(["check", str(seeds.workbook), str(wide)], [wide])
    assert damaged.code == clean.code and not damaged.traceback
    # the rows are not padded to a million columns: the run costs what the clean one does
    assert damaged.peak_kb < clean.peak_kb + 200 * 1024, (damaged.peak_kb, clean.peak_kb)
    read = load(wide).sheets[0]
    assert max(len(r) for r in read.rows) == max(len(r) for r in load(plain).sheets[0].rows)


def test_a_record_wider_than_excel_is_refused_with_its_line(seeds: Seeds, tmp_path: Path) -> None:
    lines = long_csv(seeds).read_bytes().split(b"\n")
    lines[5] = lines[5].rstrip(b"\r") + b",x" * (MAX_FIELDS + 1)
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"\n".join(lines))
    with pytest.raises(UnreadableFile) as caught:
        load(wide)
    assert caught.value.file == str(wide)
    assert caught.value.message.startswith("line 6:")
    done = run_cli(["check", str(seeds.workbook), str(wide)], [wide])
    assert done.code == 2 and "line 6" in done.stderr and not done.traceback


def test_ragged_rows_are_read_with_their_lines(seeds: Seeds, tmp_path: Path) -> None:
    lines = long_csv(seeds).read_bytes().split(b"\n")
    lines[3] = b",".join(lines[3].split(b",")[:2])  # a short row
    lines[4] = lines[4].rstrip(b"\r") + b",extra,fields"  # a long one
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(b"\n".join(lines))
    done = run_cli(["check", str(seeds.workbook), str(ragged)], [ragged])
    assert done.code in (0, 1) and not done.traceback


def test_a_wide_header_over_many_blank_lines_is_not_padded_out(
    seeds: Seeds, tmp_path: Path
) -> None:
    """Every record is padded to the widest: a thousand extra commas (under the field limit)
    above a hundred thousand blank lines would be a hundred million values."""
    plain = long_csv(seeds)
    lines = plain.read_bytes().split(b"\n")
    damaged = [lines[0].rstrip(b"\r") + b"," * 1000, *[b""] * 100_000, *lines[1:]]
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"\n".join(damaged))
    clean = run_cli(["check", str(seeds.workbook), str(plain)], [plain])
    done = run_cli(["check", str(seeds.workbook), str(wide)], [wide])
    assert done.code in (0, 1) and not done.traceback, done.stderr
    assert done.peak_kb < clean.peak_kb + 300 * 1024, (done.peak_kb, clean.peak_kb)
