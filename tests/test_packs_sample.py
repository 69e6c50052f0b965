"""Nothing leaked, on the whole sample company: every part of every pack is scanned for the ID,
name and email of each person outside the recipient's scope."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from ladder_sheets.api import check
from ladder_sheets.commands.merge import merge
from ladder_sheets.commands.packs import write_packs
from ladder_sheets.packs.recipients import line_below, reports_by_manager

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.exists(), reason="samples/ is missing")


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("company") / "acme.xlsx"
    shutil.copy(SAMPLES / "acme_framework.xlsx", target)
    assert merge(target, sorted((SAMPLES / "exports").iterdir())).written is not None
    return target


def _text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _people(workbook: Path) -> dict[str, list[str]]:
    data = check(workbook).framework.employees.data
    return {
        str(r.employee_id): [str(r.employee_id), str(r.name), str(r.email)]
        for r in data.itertuples(index=False)
    }


@pytest.mark.parametrize("tree", [False, True])
def test_manager_packs_name_no_one_outside_the_line(company, tmp_path, tree):
    people = _people(company)
    employees = check(company).framework.employees.data.astype({"manager_id": object})
    reports = reports_by_manager(employees)
    result = write_packs(company, tmp_path / "packs", tree=tree, jobs=2)
    assert len(result.written) == len(reports)
    for recipient, path in zip(result.recipients, result.written, strict=True):
        scope = set(
            line_below(recipient.employee_id, reports) if tree else reports[recipient.employee_id]
        )
        assert set(recipient.people) == scope
        text = _text(path)
        for emp, strings in people.items():
            if emp in scope or emp == recipient.employee_id:
                continue
            for needle in strings:
                assert needle not in text, f"{needle} ({emp}) is in {path.name}"


def test_employee_packs_hold_only_their_person(company, tmp_path):
    people = _people(company)
    result = write_packs(company, tmp_path / "mine", by="employee", jobs=2)
    assert len(result.written) == len(people)
    for recipient, path in list(zip(result.recipients, result.written, strict=True))[::7]:
        text = _text(path)
        assert people[recipient.employee_id][1] in text
        for emp, strings in people.items():
            if emp != recipient.employee_id:
                for needle in strings:
                    assert needle not in text, f"{needle} is in {path.name}"
