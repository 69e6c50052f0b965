"""check with the history cache warm gives what it gives with no cache at all.

The cache keeps, beside the typed history, the keys ratings are compared by (the rating keys:
schema/ratings.py). Everything that depends on Employees, the Matrix or Competencies is still
worked out on every check: here those sheets are changed after the cache was made, without
touching any part the history is read from (so the cache stays fresh), and the findings and
the JSON output are compared with a check that never had a cache (MIN_ROWS above the history:
the keys then come from the rows as check_ratings sees them).
"""

from __future__ import annotations

import json
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ladder_sheets as ls
from ladder_sheets.api import refresh_history_cache
from ladder_sheets.cli import cli
from ladder_sheets.workbook import history_cache
from ladder_sheets.workbook.extent import sheet_parts
from ladder_sheets.workbook.history_cache import cache_path
from tests.conftest import FAMILY

PEOPLE = [
    ["E001", "Ada Example", "ada@example.test", None, FAMILY, "Management", "M1", "2024-01-01"],
    *[
        [f"E{n:03}", f"Person {n}", f"p{n}@example.test", "E001", FAMILY, "IC", level, "2025-01-01"]
        for n, level in zip(range(2, 9), ["IC1", "IC2", "IC3"] * 2 + ["IC2"], strict=True)
    ],
]
COMPETENCIES = ["Communication", "Delivery", "System Design"]


def _history(seed: int) -> list[list[Any]]:
    """Invented ratings over four cycles with what real histories hold: names in another case
    or spacing, an ID nobody has, a competency nobody defines, duplicates (same and other
    value), anonymous and named peers, self ratings, missing ratings, blanks."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    spellings = {c: [c, c.lower(), f" {c.upper()} "] for c in COMPETENCIES}
    spellings["Delivery"].append("Delivary")  # misspelt: counted as Delivery for coverage
    ids = [p[0] for p in PEOPLE[1:]] + ["E404"]
    for cycle in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]:
        for person in ids:
            for competency in COMPETENCIES + ["Negotiation"]:
                if rng.random() < 0.15:
                    continue  # a missing rating
                name = rng.choice(spellings.get(competency, [competency]))
                who = person.lower() if rng.random() < 0.1 else person
                rating = rng.choice([1, 2, 3, 4, 5, 3.5])
                row = [cycle, who, name, rating, "manager", None, None, "a.csv", None]
                rows.append(row)
                if rng.random() < 0.1:  # the same rating again, or another value
                    again = rating if rng.random() < 0.5 else 1
                    rows.append([cycle, person, competency, again, *row[4:7], "b.csv", None])
                if rng.random() < 0.3:
                    rows.append([cycle, person, name, rng.randint(1, 5), "self", *row[5:]])
                for _ in range(rng.randint(0, 2)):
                    who = rng.choice([None, "Pat", "pat ", "Sam"])
                    rows.append([cycle, person, name, rng.randint(1, 5), "peer", who, *row[6:]])
    rows.append([None, None, None, None, None, None, "a note", None, None])
    return rows


def _replace_in_part(path: Path, sheet: str, change: Callable[[bytes], bytes]) -> None:
    """One sheet's XML changed, every other member of the zip byte for byte as it was."""
    part = sheet_parts(path)[sheet]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                new = change(data)
                assert new != data, f"the change did nothing to {sheet}"
                data = new
            dst.writestr(info, data)
    tmp.replace(path)


def _inline(cell: str, text: str) -> Callable[[bytes], bytes]:
    """The cell's value replaced by an inline text (no shared string is added)."""

    def change(data: bytes) -> bytes:
        pattern = rb'<c r="' + cell.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
        new = f'<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
        return re.sub(pattern, new, data, count=1, flags=re.S)

    return change


def _blank(cell: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        pattern = rb'<c r="' + cell.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
        return re.sub(pattern, b"", data, count=1, flags=re.S)

    return change


def _drop_last_row(data: bytes) -> bytes:
    rows = list(re.finditer(rb"<row\b.*?</row>", data, re.S))
    last = rows[-1]
    return data[: last.start()] + data[last.end() :]


# Each change leaves the history's parts as they were; what it should change in the findings.
CHANGES: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    # the history keeps the ratings of people no longer on Employees: one warning names them
    "an employee removed": ("Employees", _drop_last_row, "former-employee"),
    "an employee's ID changed": ("Employees", _inline("A3", "E777"), "former-employee"),
    "an employee's level changed": ("Employees", _inline("G4", "M1"), "rating-not-expected"),
    "a competency renamed in the Matrix": ("Matrix", _inline("B3", "Delivery Craft"), ""),
    "an expectation removed from the Matrix": ("Matrix", _blank("C4"), ""),
}


def _answer(path: Path) -> tuple[list[str], Any]:
    findings = [json.dumps(f.to_dict(), sort_keys=True) for f in ls.check(path).report]
    run = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    return findings, json.loads(run.stdout)


def _uncached(
    path: Path, monkeypatch: pytest.MonkeyPatch, answer: Callable[[Path], Any] = _answer
) -> Any:
    """`answer` (check's findings and JSON by default) of the same workbook with no cache
    (none is made: MIN_ROWS is above its history); the cache put back afterwards."""
    cache = cache_path(path)
    kept = cache.read_bytes()
    cache.unlink()
    try:
        with monkeypatch.context() as m:
            m.setattr(history_cache, "MIN_ROWS", 10**9)
            out = answer(path)
            assert not cache.exists()
    finally:
        cache.write_bytes(kept)
    return out


@pytest.fixture
def cached_book(framework_workbook, monkeypatch) -> Callable[[int], Path]:
    monkeypatch.setattr(history_cache, "MIN_ROWS", 0)

    def build(seed: int) -> Path:
        path = framework_workbook(name=f"book{seed}.xlsx", employees=PEOPLE, history=_history(seed))
        refresh_history_cache(path)
        cached = ls.read_framework(path).history_cache
        # the cache is fresh and holds the rating keys: check will use them
        assert cached is not None and not cached.pending and cached.facts is not None
        return path

    return build


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_warm_check_of_an_unchanged_workbook_is_the_uncached_check(cached_book, monkeypatch, seed):
    path = cached_book(seed)
    findings, output = _answer(path)
    codes = {json.loads(f)["code"] for f in findings}
    # the invented history gives the findings the cached keys feed
    assert {"duplicate-rating", "missing-rating", "former-employee"} <= codes
    assert any("Delivary" in f and "unknown-competency" in f for f in findings)
    assert (findings, output) == _uncached(path, monkeypatch)


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("seed", [1, 2])
def test_warm_check_follows_employees_and_matrix(cached_book, monkeypatch, seed, change):
    path = cached_book(seed)
    before, _ = _answer(path)
    sheet, edit, code = CHANGES[change]
    _replace_in_part(path, sheet, edit)
    cached = ls.read_framework(path).history_cache
    assert cached is not None and not cached.pending and cached.facts is not None
    findings, output = _answer(path)
    assert findings != before  # the change shows in the findings
    if code:  # more places found (a grouped finding names each place it stands for)
        assert _places(findings, code) > _places(before, code)
    assert (findings, output) == _uncached(path, monkeypatch)


def _places(findings: list[str], code: str) -> int:
    found = [json.loads(f) for f in findings]
    return sum(f.get("count") or 1 for f in found if f["code"] == code)


def test_cached_keys_are_the_keys_of_the_rows(cached_book):
    """The keys kept are those check_ratings works out from the rows themselves."""
    from ladder_sheets.schema.ratings import RatingKeys

    path = cached_book(4)
    cached = ls.read_framework(path).history_cache
    typed = cached.typed_copy()
    assert typed is not None and cached.facts is not None
    again = RatingKeys.of(typed[0].data)
    kept = RatingKeys.from_facts(cached.facts, len(typed[0].data))
    assert kept is not None
    assert kept.employee.tolist() == again.employee.tolist()
    assert kept.competency.tolist() == again.competency.tolist()
    assert kept.code.tolist() == again.code.tolist()
    assert (kept.code < 0).any() and len(set(kept.code.tolist())) > 50
    # the numbers coverage works on: one per distinct key (cycle), the same for the same
    cycles = typed[0].data["cycle"].to_numpy(dtype=object)
    for part, values in [("employee", again.employee), ("competency", again.competency)] + [
        ("cycle", cycles)
    ]:
        codes, distinct = kept.codes(part, values)
        assert codes is getattr(kept, f"{part}_code")  # from the cache, not worked out again
        pairs = {(str(v), int(c)) for v, c in zip(values.tolist(), codes.tolist(), strict=True)}
        assert len(pairs) == len({v for v, _ in pairs}) == len({c for _, c in pairs})
        assert [str(v) for v in distinct.tolist()] == [
            str(v) for v in dict.fromkeys(values.tolist())
        ]


def test_a_cache_without_the_keys_is_used_and_the_keys_worked_out(cached_book, monkeypatch):
    """A cache made before the keys were kept (or by a writer that does not keep them): its
    typed history is used, and check works the keys out as it did without a cache."""
    import pyarrow.parquet as pq

    path = cached_book(5)
    file = cache_path(path)
    arrow = pq.read_table(file)
    kept = [n for n in arrow.column_names if not n.startswith("k/")]
    assert len(kept) < len(arrow.column_names)
    pq.write_table(arrow.select(kept), file)
    cached = ls.read_framework(path).history_cache
    assert cached is not None and not cached.pending and cached.facts is None
    assert _answer(path) == _uncached(path, monkeypatch)


def test_what_a_check_changes_in_the_typed_history_stays_out_of_the_cache(cached_book):
    """The typed history a cached reading hands out is the caller's to change (duplicates are
    blanked, names rewritten): the next copy is the table as cached, whatever was written."""
    path = cached_book(6)
    cached = ls.read_framework(path).history_cache
    first, second = cached.typed_copy(), cached.typed_copy()
    assert first is not None and second is not None
    data = first[0].data
    before = second[0].data.copy(deep=True)
    data.at[data.index[0], "rating"] = 99.0  # a cell written in place
    data["employee_id"] = "someone else"  # a column replaced
    data.loc[data.index[1:4], "competency"] = "Nothing"
    third = cached.typed_copy()
    assert third is not None
    for table in (second[0].data, third[0].data, cached.typed.data):
        assert table.equals(before)


def _typed_history(seed: int) -> tuple[Any, dict[str, int]]:
    """An invented typed history (columns and types as the schema types one) with what makes
    the rating keys hard to extend, and where its parts start: a rating left blank in 2025-Q2
    whose cycle, person, competency and rater no complete row has (its key's number is
    never stored) and, after the four cycles, that rating given after all; the last rows of
    2025-Q4 again (anonymous peers ranked after the earlier ones); a new cycle with a new
    person, a new competency, an anonymous peer and blanks."""
    import pandas as pd

    from ladder_sheets.model import columns

    rows = _history(seed)[:-1]
    middle = next(i for i, r in enumerate(rows) if r[0] == "2025-Q3") // 2
    blank = ["2025-Q2", "E002", "Hiring", None, "manager", None, None, "a.csv", None]
    rows.insert(middle, blank)
    at = {"later": len(rows)}
    rows.append([*blank[:3], 4, *blank[4:]])
    at["again"] = len(rows)
    rows += [list(r) for r in rows[-25:-1]]
    at["new cycle"] = len(rows)
    rows += [
        ["2026-Q1", "E009", "Mentoring", 3, "manager", None, None, "c.csv", None],
        ["2026-Q1", "E002", "Communication", 4, "manager", None, None, "c.csv", None],
        ["2026-Q1", "E002", "Communication", 2, "peer", None, None, "c.csv", None],
        ["2026-Q1", "e009", " mentoring ", 5, "peer", None, None, "c.csv", None],
        ["2026-Q1", "E003", "Delivery", None, "manager", None, None, "c.csv", None],
        ["2026-Q1", "E002", "Communication", 5, "peer", None, None, "c.csv", None],
        [None, None, None, None, None, None, "a note", None, None],
    ]
    data = pd.DataFrame(rows, columns=columns("history"), dtype=object)
    data["rating"] = pd.to_numeric(data["rating"]).astype(float)
    return data, at


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_appended_keys_are_the_keys_of_the_whole(seed):
    """The keys of rows appended to a cached history (schema.ratings.appended_facts, what
    merge's cache extension keeps) are those the whole history gives, wherever it is cut: codes
    continuing the old ones, the blank rating's number where it is given later, the ranks of
    anonymous peers continuing; and only the old rows that share a cycle and person with a
    new or blank row are looked at."""
    from ladder_sheets.schema.ratings import appended_facts, history_facts

    data, at = _typed_history(seed)
    whole = history_facts(data)
    assert len(set(whole["code"].tolist())) > 50 and (whole["code"] < 0).sum() >= 3
    cuts = sorted({*range(1, len(data), 9), *at.values(), len(data) - 1})
    for cut in cuts:
        old, new = data.iloc[:cut].reset_index(drop=True), data.iloc[cut:]
        asked: list[int] = []

        def rows_of(positions: Any, old: Any = old, asked: list[int] = asked) -> Any:
            asked.extend(positions.tolist())
            return old.iloc[positions].reset_index(drop=True)

        got = appended_facts(history_facts(old), rows_of, new.reset_index(drop=True))
        assert list(got) == list(whole)
        for name, values in whole.items():
            assert got[name].tolist() == values[cut:].tolist(), (cut, name)
        if cut == at["new cycle"]:
            # the new cycle's rows: its cycle's first rows and the blank rating's cycle and
            # person, not the whole history
            assert len(set(asked)) < cut / 4
    # what the cuts above went through: a code first given by the blank rating, new numbers
    blank = whole["code"][at["later"]]
    assert blank >= 0 and blank not in whole["code"][: at["later"]].tolist()
    assert blank < whole["code"][: at["later"]].max()
    new = slice(at["new cycle"], None)
    for part in ("employee", "competency", "cycle"):
        assert whole[f"{part}_code"][new].max() > whole[f"{part}_code"][: at["new cycle"]].max()


def test_appended_keys_need_the_cached_codes():
    """Keys cached without their codes (or of another length) are not extended: ValueError,
    and merge then reads the history again."""
    from ladder_sheets.schema.ratings import appended_facts, history_facts

    data, at = _typed_history(1)
    cut = at["new cycle"]
    old, new = data.iloc[:cut].reset_index(drop=True), data.iloc[cut:].reset_index(drop=True)
    facts = history_facts(old)
    with pytest.raises(ValueError):
        appended_facts({**facts, "cycle_code": None}, lambda p: old.iloc[p], new)
    with pytest.raises(ValueError):
        appended_facts({**facts, "code": facts["code"][1:]}, lambda p: old.iloc[p], new)


def _export(path: Path, seed: int) -> Path:
    """An export for the invented history: a new cycle's ratings, and 2025-Q4's again (the
    same value, another value, a 360 rating more), with a person and a competency nobody
    has, IDs and names in another case."""
    rng = random.Random(seed)
    lines = ["Review Cycle,Employee ID,Competency,Rating,Rater Type,Reviewer"]
    for cycle in ["2025-Q4", "2026-Q1"]:
        for person in [p[0] for p in PEOPLE[1:]] + ["E404"]:
            for competency in COMPETENCIES + ["Negotiation"]:
                if rng.random() < 0.3:
                    continue
                who = person.lower() if rng.random() < 0.2 else person
                lines.append(f"{cycle},{who},{competency},{rng.randint(1, 5)},manager,Ada Example")
                if rng.random() < 0.3:
                    lines.append(f"{cycle},{person},{competency.upper()},{rng.randint(1, 5)},peer,")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_warm_check_with_an_export_is_the_uncached_check(cached_book, monkeypatch, tmp_path, seed):
    """check of the history and an export (merge's check): the cached keys continued over the
    export's rows (schema.ratings.appended_facts) give the findings the keys of the whole give."""
    from ladder_sheets.schema import ratings

    path = cached_book(seed)
    export = _export(tmp_path / f"export{seed}.csv", seed)
    continued: list[int] = []
    real = ratings.appended_facts

    def spy(facts: Any, rows_of: Any, new: Any) -> Any:
        continued.append(len(new))
        return real(facts, rows_of, new)

    def answer(book: Path) -> list[str]:
        return [json.dumps(f.to_dict(), sort_keys=True) for f in ls.check(book, [export]).report]

    monkeypatch.setattr("ladder_sheets.schema.appended_facts", spy)
    warm = answer(path)
    assert continued and continued[0] > 20, "the cached keys were continued"
    codes = {json.loads(f)["code"] for f in warm}
    assert {"rating-changed", "duplicate-rating", "missing-rating", "unknown-employee"} <= codes
    assert _uncached(path, monkeypatch, answer) == warm
    assert len(continued) == 1  # the cold check worked the keys out over the whole
