"""Pack passwords: never written inside the folder the packs go to (resolved paths compared,
`-o .` run inside it included), created 0600, and a re-run with --only adds to the record
instead of losing the passwords of the packs it did not write."""

from __future__ import annotations

import csv
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fuzzing import Seeds, make_seeds

from ladder_sheets.commands.packs import write_packs
from ladder_sheets.errors import LadderError


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return make_seeds(tmp_path_factory.mktemp("seeds"))


def record(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row["Employee ID"]: row["Password"] for row in csv.DictReader(f)}


def test_packs_run_inside_their_folder_keep_the_passwords_outside_and_private(
    seeds: Seeds, tmp_path: Path
) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", "from ladder_sheets.cli import main; main()",
         "packs", str(seeds.workbook), "-o", ".", "--encrypt", "--jobs", "1"],
        cwd=folder, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not [p for p in folder.iterdir() if p.suffix == ".csv"]
    kept = tmp_path / "packs-passwords.csv"
    assert kept.exists()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(record(kept)) == len([p for p in folder.iterdir() if p.suffix == ".xlsx"])


def test_passwords_out_inside_the_folder_is_refused_before_any_pack(
    seeds: Seeds, tmp_path: Path
) -> None:
    folder = tmp_path / "packs"
    inside = folder / "sub" / ".." / "passwords.csv"
    with pytest.raises(LadderError, match="inside the packs folder"):
        write_packs(seeds.workbook, folder, encrypt=True, passwords_out=inside, jobs=1)
    assert not inside.exists()
    assert not folder.exists() or not any(folder.iterdir())


def test_a_rerun_with_only_adds_to_the_record(seeds: Seeds, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    first = write_packs(seeds.workbook, folder, by="employee", encrypt=True, jobs=1)
    assert first.passwords_file is not None
    before = record(first.passwords_file)
    one = sorted(before)[0]
    again = write_packs(seeds.workbook, folder, by="employee", encrypt=True, only=[one], jobs=1)
    assert again.passwords_file == first.passwords_file
    after = record(again.passwords_file)
    assert set(after) == set(before)  # nobody's password lost
    assert {k: v for k, v in after.items() if k != one} == {
        k: v for k, v in before.items() if k != one
    }
    assert after[one] != before[one]  # the re-written pack's new password is the one recorded
    assert stat.S_IMODE(again.passwords_file.stat().st_mode) == 0o600
