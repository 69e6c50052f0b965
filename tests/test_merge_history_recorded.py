"""merge_history notes whether the merged history begins with the recorded rows as given, so
the append decision (differs_from) need not compare every recorded row again; these tests hold
that note, the key normalising and the cycle order against the long way round."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.commands.merge_history import (
    HISTORY_COLUMNS,
    cycle_order,
    differs_from,
    merge_history,
    normalise_keys,
)
from ladder_sheets.model import MANAGER

STAMP = dt.datetime(2026, 11, 25, 9, 0, 0)


def row(cycle, emp, comp, value, rater="manager", source="q.csv"):
    return dict(
        cycle=cycle,
        employee_id=emp,
        competency=comp,
        rating=value,
        rater_type=rater,
        reviewer=None,
        evidence=None,
        source=source,
        imported_at=None,
    )


def frame(rows):
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS).astype({"rating": float})


def by_hand(value, blank, rater=False):
    """What a person reads a key as, one value at a time."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return blank
    text = str(value).strip()
    if rater:
        return text.lower() if text else MANAGER
    return text


_cycles = st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q3", " 2026-Q2", None])
_ids = st.sampled_from(["E1", "E2", " E3", 7, None, np.nan])
_raters = st.sampled_from(["manager", "Manager", "self", None, ""])
_rows = st.lists(
    st.tuples(_cycles, _ids, st.sampled_from(["Delivery", "Craft "]), st.integers(1, 5), _raters),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(_rows)
def test_keys_are_normalised_value_by_value(rows):
    data = frame([row(*r[:4], rater=r[4]) for r in rows])
    out = normalise_keys(data)
    for col in ("employee_id", "competency", "cycle"):
        assert out[col].tolist() == [by_hand(v, None) for v in data[col]]
    assert out["rater_type"].tolist() == [by_hand(v, MANAGER, True) for v in data["rater_type"]]
    assert out["rating"].tolist() == data["rating"].tolist()


@settings(max_examples=80, deadline=None)
@given(_rows)
def test_equal_keys_held_by_different_objects_are_one_key(rows):
    """normalise_keys works over distinct objects, then values: a key spelt alike in two
    objects (two readings of the same text) is normalised alike, and a column whose every
    value is already normal is left as it is (the same objects)."""

    def fresh(value):
        return "".join(list(value)) if isinstance(value, str) else value  # a new object

    data = frame([row(*r[:4], rater=r[4]) for r in rows])
    copied = data.copy()
    for col in ("employee_id", "competency", "cycle", "rater_type"):
        copied[col] = pd.Series([fresh(v) for v in data[col]], dtype=object)
    out = normalise_keys(copied)
    for col in ("employee_id", "competency", "cycle"):
        assert out[col].tolist() == [by_hand(v, None) for v in data[col]]
    assert out["rater_type"].tolist() == [by_hand(v, MANAGER, True) for v in data["rater_type"]]
    normal = frame([row("2026-Q1", f"E{n % 3}", "Delivery", 3) for n in range(len(rows))])
    normal["employee_id"] = pd.Series([fresh(v) for v in normal["employee_id"]], dtype=object)
    kept = normalise_keys(normal)["employee_id"]
    assert all(a is b for a, b in zip(kept, normal["employee_id"], strict=True))


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(["2026-Q3", "2026-Q1", "2026-Q2", None, np.nan]), max_size=15))
def test_cycle_order_is_the_stable_sort(cycles):
    values = pd.Series(cycles, dtype=object)
    expected = values.sort_values(kind="stable", na_position="last").index.to_numpy()
    got = cycle_order(values)
    if got is None:
        assert np.array_equal(expected, np.arange(len(values)))
    else:
        assert np.array_equal(got, expected)
        assert not np.array_equal(expected, np.arange(len(values)))


def test_cycle_order_of_other_values_sorts_them_as_pandas_does():
    values = pd.Series([3, 1, None, 2], dtype=object)
    assert cycle_order(values).tolist() == [1, 3, 0, 2]
    assert cycle_order(pd.Series([1.0, 2.0, np.nan])) is None


@settings(max_examples=120, deadline=None)
@given(_rows, _rows)
def test_the_note_answers_as_comparing_every_row_would(recorded_rows, incoming_rows):
    existing = frame([row(*r[:4], rater=r[4]) for r in recorded_rows])
    incoming = frame([row(*r[:4], rater=r[4], source="new.csv") for r in incoming_rows])
    m = merge_history(existing, incoming, imported_at=STAMP)
    long_way = dataclasses.replace(m, recorded_as_given=False)
    assert differs_from(existing, m) == differs_from(existing, long_way)
    if m.recorded_as_given:  # the first rows are the recorded ones, value for value
        head = m.history.iloc[: len(existing)]
        for col in HISTORY_COLUMNS:
            a, b = existing[col].tolist(), head[col].tolist()
            assert [type(v) for v in a] == [type(v) for v in b] or col == "rating", col
            assert all(x == y or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(
    ("recorded", "code"),
    [
        ([row("2026-Q1", "E1", "Delivery", 3), row("2026-Q2", "E2", "Craft", 4)], None),
        ([row("2026-Q1", " E1", "Delivery", 3)], "rows-moved"),  # a key merge trims
        ([row("2026-Q1", "E1", "Delivery", 3, rater=None)], "rows-moved"),  # blank: manager
        ([row("2026-Q2", "E1", "Delivery", 3), row("2026-Q1", "E2", "Craft", 4)], "rows-moved"),
        ([row("2026-Q4", "E1", "Delivery", 3)], "rows-moved"),  # the new cycle sorts before
    ],
)
def test_recorded_rows_kept_or_not(recorded, code):
    existing = frame(recorded)
    incoming = frame([row("2026-Q3", "E9", "Delivery", 2, source="new.csv")])
    m = merge_history(existing, incoming, imported_at=STAMP)
    why = differs_from(existing, m)
    assert (why[0] if why else None) == code
    assert m.recorded_as_given == (code is None)
    assert m.recorded == len(existing)


def test_a_replaced_rating_is_never_as_given():
    existing = frame([row("2026-Q1", "E1", "Delivery", 3), row("2026-Q2", "E1", "Delivery", 3)])
    again = frame([row("2026-Q1", "E1", "Delivery", 5, source="fix.csv")])
    m = merge_history(existing, again, replace_cycles=["2026-Q1"], imported_at=STAMP)
    assert (m.replaced, m.recorded_as_given) == (1, False)
    assert differs_from(existing, m)[0] == "replaced-rows"


def test_the_recorded_frame_is_not_written_into():
    existing = frame([row("2026-Q1", " E1 ", "Delivery", 3, rater="Self")])
    before = existing.copy()
    merge_history(existing, frame([row("2026-Q2", "E1", "Delivery", 4)]), imported_at=STAMP)
    pd.testing.assert_frame_equal(existing, before)
