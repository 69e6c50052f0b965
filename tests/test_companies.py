"""Invented companies, each with a workbook and review exports in its own conventions.

Every company's statuses and gaps are computed here from the product's definitions
(companies/expect.py over the company's spec), never by running the tool. The tool then runs
as a new user runs it, without a mapping: check, merge into a copy, and the generated Gap
Analysis and Promotion Readiness read back with openpyxl. Two questions per company:

- understood: merge goes through and every status and every gap is right. A company the tool
  does not understand yet is xfail(strict) with exactly what it does not recognise; when the
  recognition lands the test fails as XPASS, and the mark comes off.
- never silently wrong: when merge does go through, the numbers are right. Stopping with a
  message is acceptable here; a wrong number without one is the worst bug.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from companies import book as books
from companies import expect
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.roster import COMPANIES, VARIANTS, Company
from companies.spec import build, quarters

import ladder_sheets as ls

# A run's generated tables as rows keyed by the generated sheets' headers: read back from the
# written workbook (variant "both", as HR runs it) or from merge's result (the side variants
# and the round trip, merged with dry_run to keep the suite fast).
Tables = dict[str, list[dict[str, Any]]]
_RUNS: dict[tuple[str, str], tuple[Any, Tables]] = {}

READINESS_HEADERS = {
    "employee_id": "Employee ID",
    "name": "Name",
    "status": "Status",
    "manager_id": "Manager ID",
    "family": "Job Family",
    "level": "Level",
    "in_level_since": "In Level Since",
}
GAP_HEADERS = {
    "employee_id": "Employee ID",
    "name": "Name",
    "competency": "Competency",
    "gap_current": "Gap To Level",
    "gap_next": "Gap To Next Level",
}


def run(
    company: Company, variant: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, Tables]:
    """merge without a mapping (once per company and variant)."""
    if (company.name, variant) not in _RUNS:
        folder = tmp_path_factory.mktemp(f"{company.name.replace(' ', '_')}-{variant}")
        workbook, exports = company.write(folder, variant)
        _RUNS[(company.name, variant)] = merged_tables(workbook, exports, write=variant == "both")
    return _RUNS[(company.name, variant)]


def merged_tables(
    workbook: Path, exports: list[Path], *, write: bool, mapping: Path | None = None
) -> tuple[Any, Tables]:
    """merge, into a copy of the workbook when `write`, and the generated tables."""
    if not write:
        result = ls.merge(workbook, exports, mapping=mapping, dry_run=True)
        if result.report.errors:
            return result, {}
        return result, {
            "Promotion Readiness": frame_rows(result.readiness, READINESS_HEADERS),
            "Gap Analysis": frame_rows(result.gaps, GAP_HEADERS),
        }
    merged = workbook.with_name("merged.xlsx")
    shutil.copy(workbook, merged)
    result = ls.merge(merged, exports, mapping=mapping)
    if result.report.errors:
        return result, {}
    return result, {
        sheet: sheet_rows(merged, sheet, "Employee ID")
        for sheet in ("Promotion Readiness", "Gap Analysis")
    }


def frame_rows(frame: Any, headers: dict[str, str]) -> list[dict[str, Any]]:
    rows = frame[list(headers)].rename(columns=headers).to_dict("records")
    for row in rows:  # NaN for blank, as openpyxl gives None
        for k, v in row.items():
            if isinstance(v, float) and math.isnan(v):
                row[k] = None
    return list(rows)


def sheet_rows(path: Path, sheet: str, first: str) -> list[dict[str, Any]]:
    """A generated sheet's rows as dicts, from the header row whose first cell is `first`."""
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    at = next(i for i, row in enumerate(rows) if row and row[0] == first)
    head = rows[at]
    return [dict(zip(head, row, strict=False)) for row in rows[at + 1 :] if any(row)]


def owner(company: Company, row: dict[str, Any]) -> str | None:
    """The spec's id of the person a generated row is about (by ID, e-mail or name)."""
    for p in company.spec["people"]:
        if row.get("Employee ID") in (p["id"], p["email"], p["name"]):
            return str(p["id"])
    for p in company.spec["people"]:
        if row.get("Name") == p["name"]:
            return str(p["id"])
    return None


def same(a: float | None, b: Any) -> bool:
    if a is None:
        return b is None or (isinstance(b, float) and math.isnan(b))
    return isinstance(b, int | float) and abs(a - b) < 1e-9


def wrong_numbers(company: Company, tables: Tables) -> list[str]:
    """Every status and gap that differs from the expectation, in words."""
    problems: list[str] = []
    want_status = expect.statuses(company.spec)
    got_status: dict[str, Any] = {}
    people = {p["id"]: p for p in company.spec["people"]}
    for row in tables["Promotion Readiness"]:
        pid = owner(company, row)
        if pid is None:
            problems.append(f"readiness row for unknown person {row.get('Employee ID')!r}")
            continue
        got_status[pid] = row.get("Status")
        p = people[pid]
        boss = people.get(p["manager"])
        known = (boss["id"], boss["email"], boss["name"]) if boss else (None,)
        if row.get("Manager ID") not in known:
            problems.append(f"{pid}: manager expected {known[0]!r}, got {row.get('Manager ID')!r}")
        since = row.get("In Level Since")
        since = since.date() if isinstance(since, dt.datetime | pd.Timestamp) else since
        if since != p["since"]:
            problems.append(f"{pid}: In Level Since expected {p['since']}, got {since!r}")
        if (row.get("Job Family"), row.get("Level")) != (p["family"], p["level"]):
            problems.append(
                f"{pid}: family and level expected {(p['family'], p['level'])}, got "
                f"{(row.get('Job Family'), row.get('Level'))}"
            )
    for pid, status in want_status.items():
        if got_status.get(pid) != status:
            problems.append(f"{pid}: status expected {status!r}, got {got_status.get(pid)!r}")

    want_gaps = expect.gaps(company.spec)
    got_gaps: dict[tuple[str, str], tuple[Any, Any]] = {}
    for row in tables["Gap Analysis"]:
        pid = owner(company, row)
        if pid is not None:
            got_gaps[(pid, row["Competency"])] = (row["Gap To Level"], row["Gap To Next Level"])
    for where, (current, following) in sorted(want_gaps.items()):
        got = got_gaps.get(where)
        if got is None:
            problems.append(f"{where}: no Gap Analysis row")
        elif not (same(current, got[0]) and same(following, got[1])):
            problems.append(f"{where}: gaps expected ({current}, {following}), got {got}")
    for where in sorted(set(got_gaps) - set(want_gaps)):
        problems.append(f"{where}: a Gap Analysis row the definitions do not give")
    return problems


def cases(reason: Callable[[Company, str], str | None]) -> list[Any]:
    out = []
    for company in COMPANIES:
        for variant in VARIANTS:
            why = reason(company, variant)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            out.append(pytest.param(company, variant, id=f"{company.name}-{variant}", marks=marks))
    return out


@pytest.mark.parametrize(("company", "variant"), cases(Company.gap))
def test_understood_without_mapping(
    company: Company, variant: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result, tables = run(company, variant, tmp_path_factory)
    errors = [f"{f.where} {f.code}: {f.message}" for f in result.report.errors]
    assert not errors, f"merge stopped with {len(errors)} error(s), first: {errors[:3]}"
    problems = wrong_numbers(company, tables)
    assert not problems, f"{len(problems)} wrong: {problems[:10]}"


def silent_cases() -> list[Any]:
    """Today's silent misreadings, strict; and for "both", the one a side shows on its own,
    not strict: it surfaces only once the other side is read (until then merge stops)."""
    out = []
    for company in COMPANIES:
        for variant in VARIANTS:
            marks = []
            if variant in company.silent:
                marks = [pytest.mark.xfail(strict=True, reason=company.silent[variant])]
            elif variant == "both" and company.silent:
                inherited = "; ".join(f"{k}: {v}" for k, v in company.silent.items())
                marks = [pytest.mark.xfail(strict=False, reason=f"inherits {inherited}")]
            out.append(pytest.param(company, variant, id=f"{company.name}-{variant}", marks=marks))
    return out


@pytest.mark.parametrize(("company", "variant"), silent_cases())
def test_never_silently_wrong(
    company: Company, variant: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result, tables = run(company, variant, tmp_path_factory)
    if result.report.errors:
        # Stopping is fine here, provided the messages say where.
        assert result.report.errors
        assert all(f.where.file or f.where.sheet for f in result.report.errors)
        return
    problems = wrong_numbers(company, tables)
    assert not problems, f"merge wrote {len(problems)} wrong number(s): {problems[:10]}"


def test_suite_covers_every_status() -> None:
    """The companies together show every status the definitions name (else a status could be
    misread everywhere without any company noticing)."""
    seen = {s for c in COMPANIES for s in expect.statuses(c.spec).values()}
    assert seen == {
        expect.READY,
        expect.PENDING,
        expect.CLOSE,
        expect.NOT_YET,
        expect.TOP,
        expect.INSUFFICIENT,
    }


def test_suite_size() -> None:
    assert len(COMPANIES) >= 15
    for c in COMPANIES:
        assert 5 <= len(c.spec["people"]) <= 15, c.name
        assert 2 <= len(c.spec["cycles"]) <= 3, c.name


def test_half_year_cycles_count_as_consecutive(tmp_path: Path) -> None:
    """PRODUCT.md: "the last Cycles At Next Level consecutive cycles were operating at next
    level". A company that reviews twice a year has consecutive cycles two quarters apart."""
    spec = build(
        "Wistful Orchards",
        seed=21,
        families={"Engineering": {"IC": ["E1", "E2", "E3", "E4"]}},
        people=8,
        cycles=quarters("2025-Q4", 2, step=2),
        cycles_at_next=2,
        peers=0,
    )
    # the case this test is about: someone whose two half-year cycles are both at the next level
    assert {expect.READY, expect.PENDING} & set(expect.statuses(spec).values())
    workbook = books.write(spec, Book(), tmp_path / "framework.xlsx")
    files = tools.plain(spec, tmp_path, Export("plain", key="id", raters=("manager", "self")))
    result = ls.merge(workbook, files, dry_run=True)
    assert not result.report.errors
    got = dict(zip(result.readiness["employee_id"], result.readiness["status"], strict=True))
    want = expect.statuses(spec)
    assert {p: got.get(p) for p in want} == want


@pytest.mark.parametrize(
    ("company", "variant"), [c for c in cases(Company.gap) if c.values[1] == "both"]
)
def test_inspect_mapping_reproduces_the_reading(
    company: Company, variant: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`inspect --write-mapping` then merge `--mapping`: the same statuses and gaps as the
    reading without a mapping (which test_understood_without_mapping checks are right)."""
    from click.testing import CliRunner

    from ladder_sheets.cli import cli

    workbook, exports = company.write(tmp_path / "files", variant)
    mapping = tmp_path / "mapping.toml"
    args = ["inspect", str(workbook), *map(str, exports), "--write-mapping", str(mapping)]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code in (0, 1), outcome.output
    assert mapping.exists(), outcome.output
    result, tables = merged_tables(workbook, exports, write=False, mapping=mapping)
    errors = [f"{f.where} {f.code}: {f.message}" for f in result.report.errors]
    assert not errors, f"merge --mapping stopped: {errors[:3]}\n{mapping.read_text()}"
    problems = wrong_numbers(company, tables)
    assert not problems, f"{len(problems)} wrong with the mapping: {problems[:10]}"
    # and the same reading as without it
    _, unmapped = run(company, variant, tmp_path_factory)
    assert summary(company, tables) == summary(company, unmapped)


def summary(company: Company, tables: Tables) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Status per person and gaps per person and competency, keyed by the spec's ids."""
    statuses = {owner(company, r): r["Status"] for r in tables["Promotion Readiness"]}
    gaps = {
        (owner(company, r), r["Competency"]): (r["Gap To Level"], r["Gap To Next Level"])
        for r in tables["Gap Analysis"]
    }
    return statuses, gaps
