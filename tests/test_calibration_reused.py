"""Inside `reused()` a cycle's ratings are worked out once per ratings table; every caller
still gets what it would get without it, as its own copy, and a different table is never
answered from another's."""

from __future__ import annotations

import contextlib

import pandas as pd
from test_calibration_analysis import Q2, Q3, frames, person, rating

from ladder_sheets.analysis.calibration import distributions as cal


def _org() -> tuple[pd.DataFrame, pd.DataFrame]:
    emps = [person("M", None, level="M1"), person("A", "M"), person("B", "M")]
    rows = [
        rating(Q3, "A", "Delivery", 3.0),
        rating(Q3, "B", "Delivery", 4.0),
        rating(Q3, "B", "Delivery", 1.0, kind="self"),
        rating(Q2, "A", "Delivery", 2.0),
    ]
    return frames(emps, rows)


def test_reused_results_are_those_computed_afresh_and_each_caller_owns_its_copy() -> None:
    ratings, employees = _org()
    fresh = {c: cal.rated(ratings, employees, c) for c in (Q2, Q3)}
    own = cal.of_type(ratings, Q3, "self")
    with cal.reused():
        for _ in range(2):
            for c in (Q2, Q3):
                got = cal.rated(ratings, employees, c)
                pd.testing.assert_frame_equal(got, fresh[c])
                got["rating"] = 0.0  # a caller changing its copy changes nobody else's
            pd.testing.assert_frame_equal(cal.of_type(ratings, Q3, "self"), own)
        assert list(cal.rated(ratings, employees, Q3)["rating"]) == [3.0, 4.0]


def test_another_ratings_table_is_worked_out_on_its_own() -> None:
    ratings, employees = _org()
    other = ratings.assign(rating=ratings["rating"] + 1)
    with cal.reused():
        first = cal.rated(ratings, employees, Q3)
        second = cal.rated(other, employees, Q3)
    assert list(first["rating"]) == [3.0, 4.0]
    assert list(second["rating"]) == [4.0, 5.0]


def test_rater_types_are_read_as_text_whatever_their_spelling_inside_and_outside() -> None:
    """Each kind of rater finds its rows however the export spelt the type; a blank type is
    the manager's; people() is the same table, and a copy, inside reused() too."""
    emps = [person("M", None, level="M1"), person("A", "M"), person("B", "M")]
    rows = [
        rating(Q3, "A", "Delivery", 3.0, kind=" Peer "),
        rating(Q3, "A", "Design", 4.0, kind="PEER"),
        rating(Q3, "B", "Delivery", 2.0, kind="peer\n"),
        rating(Q3, "B", "Design", 5.0, kind=None),
        rating(Q3, "B", "Ownership", 1.0, kind="Self"),
        rating(Q2, "A", "Delivery", 2.0, kind="peer"),
    ]
    ratings, employees = frames(emps, rows)
    outside = cal.people(employees)
    for block in (False, True):
        with cal.reused() if block else contextlib.nullcontext():
            assert list(cal.of_type(ratings, Q3, "peer")["rating"]) == [3.0, 4.0, 2.0]
            assert list(cal.of_type(ratings, Q3, "self")["employee_id"]) == ["B"]
            assert list(cal.manager_ratings(ratings, Q3)["rating"]) == [5.0]
            assert cal.of_type(ratings, Q3, "upward").empty
            staff = cal.people(employees)
            pd.testing.assert_frame_equal(staff, outside)
            staff["name"] = "changed"  # a caller's copy
            assert list(cal.people(employees)["name"]) == list(outside["name"])
