"""The rating index builds a cycle's lookups only when that cycle is asked for; every rating it
gives is the one the definitions give: the last usable row of its employee, cycle, competency
and kind (manager, or self), found here independently with plain Python over the rows."""

from __future__ import annotations

import math
import random

from ladder_sheets.analysis.rating_index import RatingHistory
from ladder_sheets.model import Table

CYCLES = ["2025-Q1", "2025-Q2", "2025-Q3", "2026-Q1"]


def _rows(seed: int, n: int) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        out.append(
            {
                "cycle": rnd.choice([*CYCLES, None, "not a cycle"]),
                "employee_id": rnd.choice(["E1", "e1 ", "E2", "E3", "", None]),
                "competency": rnd.choice(["Craft", "craft", "Delivery", None]),
                "rater_type": rnd.choice(["manager", "Manager", "self", "peer", None]),
                "rating": rnd.choice([1.0, 2.0, 3.5, 4.0, math.nan]),
                "reviewer": None,
            }
        )
    return out


def _expected(rows: list[dict[str, object]]) -> dict[tuple[str, str, str, str], tuple[float, int]]:
    """(kind, employee key, cycle, competency key) -> (rating, row) of the last usable row."""
    out: dict[tuple[str, str, str, str], tuple[float, int]] = {}
    for at, r in enumerate(rows):
        cycle, emp, comp = r["cycle"], r["employee_id"], r["competency"]
        value = r["rating"]
        if cycle not in CYCLES or not emp or not str(emp).strip() or comp is None:
            continue
        if isinstance(value, float) and math.isnan(value):
            continue
        rater = str(r["rater_type"] or "manager").strip().lower()
        kind = {"manager": "manager", "self": "self"}.get(rater)
        if kind is None:
            continue
        emp_key = " ".join(str(emp).split()).casefold()
        comp_key = " ".join(str(comp).split()).casefold()
        out[(kind, emp_key, str(cycle), comp_key)] = (float(value), at)  # type: ignore[arg-type]
    return out


def test_every_rating_is_the_last_usable_row_whatever_the_order_cycles_are_asked_in() -> None:
    rows = _rows(seed=3, n=600)
    expected = _expected(rows)
    assert len(expected) > 20, "the sample must exercise the index"
    for order in (CYCLES, list(reversed(CYCLES))):
        index = RatingHistory.from_table(Table.from_records("history", rows))
        for cycle in order:
            for emp in ("e1", "e2", "e3"):
                for comp in ("craft", "delivery"):
                    got = index.rating(emp, cycle, comp)
                    want = expected.get(("manager", emp, cycle, comp))
                    assert (got.value, got.row) == want if got else want is None, (emp, cycle, comp)
                    got = index.self_rating(emp, cycle, comp)
                    want = expected.get(("self", emp, cycle, comp))
                    assert (got.value, got.row) == want if got else want is None, (emp, cycle, comp)


def test_a_cycle_nobody_was_rated_in_has_no_rating_and_is_not_an_error() -> None:
    rows = _rows(seed=5, n=50)
    index = RatingHistory.from_table(Table.from_records("history", rows))
    assert index.rating("e1", "2019-Q4", "craft") is None
    assert index.self_rating("e1", "2019-Q4", "craft") is None


def test_later_rows_win_within_a_cycle_even_across_spellings() -> None:
    rows = [
        {"cycle": "2025-Q1", "employee_id": "E1", "competency": "Craft", "rating": 2.0},
        {"cycle": "2025-Q2", "employee_id": "E1", "competency": "Craft", "rating": 4.0},
        {"cycle": "2025-Q1", "employee_id": " e1", "competency": "CRAFT", "rating": 3.0},
    ]
    for r in rows:
        r.update(rater_type="manager", reviewer=None)
    index = RatingHistory.from_table(Table.from_records("history", rows))
    assert index.rating("e1", "2025-Q1", "craft") == (3.0, 2)
    assert index.rating("e1", "2025-Q2", "craft") == (4.0, 1)
    assert index.cycles() == ["2025-Q1", "2025-Q2"]


def test_the_evidence_log_reads_each_row_s_flags_and_skips_rows_without_cycle_or_person() -> None:
    from ladder_sheets.analysis.rating_index import EvidenceLog

    rows = [
        {"cycle": "2026-Q1", "employee_id": "E1", "scope_met": "Yes", "endorsed": "n"},
        {"cycle": "2025-Q4", "employee_id": " e1", "scope_met": None, "calibrated": True},
        {"cycle": "not a cycle", "employee_id": "E1", "scope_met": "yes"},
        {"cycle": "2026-Q1", "employee_id": None, "scope_met": "yes"},
        {"cycle": "2026-Q1", "employee_id": "E2", "endorsed": "maybe", "calibrated": "x"},
    ]
    log = EvidenceLog.from_table(Table.from_records("evidence", rows))
    assert sorted(log.records) == ["e1", "e2"]
    e1 = [(e.cycle, e.scope_met, e.endorsed, e.calibrated) for e in log.records["e1"]]
    assert e1 == [("2025-Q4", None, None, True), ("2026-Q1", True, False, None)]
    (e2,) = log.records["e2"]
    assert (e2.scope_met, e2.endorsed, e2.calibrated) == (None, None, True)
    assert log.records["e1"][1].where["scope_met"] == "Promotion Evidence!C2"
