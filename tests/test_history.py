"""Ratings History merge: idempotent, conflicts reported, corrections only when asked."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.commands.merge_history import merge_evidence, merge_history

STAMP = dt.datetime(2026, 11, 25, 9, 0, 0)


def rating(cycle, emp, comp, value, rater="manager", source="q.csv", where=None):
    return dict(
        cycle=cycle,
        employee_id=emp,
        competency=comp,
        rating=value,
        rater_type=rater,
        reviewer=None,
        evidence=None,
        source=source,
        where=where,
    )


def frame(*rows):
    return pd.DataFrame(list(rows))


def test_new_ratings_are_added_with_import_time():
    m = merge_history(frame(), frame(rating("2026-Q1", "E1", "Delivery", 3)), imported_at=STAMP)
    assert (m.added, m.unchanged, m.replaced, len(m.conflicts)) == (1, 0, 0, 0)
    assert m.history.loc[0, "imported_at"] == STAMP
    assert m.history.loc[0, "rating"] == 3.0


def test_same_export_twice_changes_nothing():
    export = frame(rating("2026-Q1", "E1", "Delivery", 3), rating("2026-Q1", "E2", "Delivery", 4))
    first = merge_history(frame(), export, imported_at=STAMP)
    second = merge_history(first.history, export, imported_at=STAMP + dt.timedelta(days=1))
    assert (second.added, second.unchanged, len(second.conflicts)) == (0, 2, 0)
    pd.testing.assert_frame_equal(second.history, first.history)


def test_changed_rating_is_a_conflict_and_not_applied():
    history = merge_history(frame(), frame(rating("2026-Q1", "E1", "Delivery", 3, source="a.csv")))
    m = merge_history(
        history.history,
        frame(rating("2026-Q1", "E1", "Delivery", 4, source="b.csv", where="b.csv:7")),
    )
    assert len(m.conflicts) == 1
    c = m.conflicts.iloc[0]
    assert (c.old_rating, c.new_rating, c.old_source, c.new_where) == (3.0, 4.0, "a.csv", "b.csv:7")
    assert m.history["rating"].tolist() == [3.0]


def test_replace_cycle_applies_changes_of_that_cycle_only():
    old = merge_history(
        frame(),
        frame(rating("2026-Q1", "E1", "Delivery", 3), rating("2026-Q2", "E1", "Delivery", 3)),
    ).history
    m = merge_history(
        old,
        frame(rating("2026-Q1", "E1", "Delivery", 4), rating("2026-Q2", "E1", "Delivery", 5)),
        replace_cycles=["2026-Q1"],
    )
    assert m.replaced == 1
    assert len(m.conflicts) == 1 and m.conflicts.iloc[0].cycle == "2026-Q2"
    assert m.history.set_index("cycle")["rating"].to_dict() == {"2026-Q1": 4.0, "2026-Q2": 3.0}


def test_rater_types_are_separate_rows_and_blank_means_manager():
    m = merge_history(
        frame(),
        frame(
            rating("2026-Q1", "E1", "Delivery", 3, rater=None),
            rating("2026-Q1", "E1", "Delivery", 4, rater="Self"),
        ),
    )
    assert sorted(m.history["rater_type"]) == ["manager", "self"]


def test_blank_ratings_are_not_imported():
    m = merge_history(frame(), frame(rating("2026-Q1", "E1", "Delivery", None)))
    assert m.added == 0 and m.history.empty


def test_evidence_keeps_recorded_flags_and_takes_new_ones():
    old = pd.DataFrame([dict(cycle="2026-Q3", employee_id="E1", endorsed=True, scope_met=None)])
    new = pd.DataFrame(
        [
            dict(cycle="2026-Q3", employee_id="E1", scope_met=True, endorsed=None),
            dict(cycle="2026-Q4", employee_id="E1", scope_met=False, endorsed=True),
        ]
    )
    out = merge_evidence(old, new).set_index("cycle")
    assert out.loc["2026-Q3", "endorsed"] is True
    assert out.loc["2026-Q3", "scope_met"] is True
    assert out.loc["2026-Q4", "scope_met"] is False


_ratings = st.lists(
    st.tuples(
        st.sampled_from(["2026-Q1", "2026-Q2", "2026-Q3"]),
        st.sampled_from(["E1", "E2", "E3"]),
        st.sampled_from(["Delivery", "Craft"]),
        st.integers(1, 5),
    ),
    max_size=25,
    unique_by=lambda t: t[:3],
)


@settings(max_examples=60, deadline=None)
@given(_ratings)
def test_one_cycle_at_a_time_equals_all_at_once(rows):
    exports = {c: frame(*[rating(*r) for r in rows if r[0] == c]) for c in {r[0] for r in rows}}
    at_once = merge_history(frame(), frame(*[rating(*r) for r in rows]), imported_at=STAMP)
    history = frame()
    for cycle in sorted(exports):
        step = merge_history(history, exports[cycle], imported_at=STAMP)
        assert len(step.conflicts) == 0
        history = step.history
    cols = ["cycle", "employee_id", "competency", "rater_type", "rating"]
    if at_once.history.empty:
        assert history.empty
    else:
        pd.testing.assert_frame_equal(history[cols], at_once.history[cols])


def test_only_the_recorded_rows_of_the_cycles_brought_are_compared(monkeypatch):
    """A re-merged cycle among others: its corrected rating replaced (asked), a second anonymous
    peer told from the first by rank, a key written with spaces matched; recorded rows of the
    other cycles are never compared (the rater key is not even computed for them) and stay in
    their place and order."""
    from ladder_sheets.commands import merge_history as module

    recorded = frame(
        rating("2026-Q1", "E1", "Delivery", 2),
        rating("2026-Q2", "E1", "Delivery", 3),
        rating("2026-Q2", "E1", "Delivery", 4, rater="peer"),
        rating("2026-Q2", "E2", "Delivery", 5),
        rating("2026-Q3", "E1", "Delivery", 1),
    )
    old = merge_history(frame(), recorded, imported_at=STAMP).history
    seen: list[list[str]] = []
    real = module._with_rater

    def spy(df):
        seen.append(sorted(set(df["cycle"])))
        return real(df)

    monkeypatch.setattr(module, "_with_rater", spy)
    again = frame(
        rating("2026-Q2", " E1 ", "Delivery", 3),  # the same rating, a key with spaces
        rating("2026-Q2", "E1", "Delivery", 4, rater="peer"),  # the first anonymous peer
        rating("2026-Q2", "E1", "Delivery", 2, rater="peer"),  # a second one: new
        rating("2026-Q2", "E2", "Delivery", 4),  # corrected
    )
    m = merge_history(old, again, replace_cycles=["2026-Q2"], imported_at=STAMP)
    assert seen == [["2026-Q2"], ["2026-Q2"]]  # the export's rows, then the recorded Q2 rows
    assert (m.added, m.unchanged, m.replaced, len(m.conflicts)) == (1, 2, 1, 0)
    got = list(zip(m.history["cycle"], m.history["employee_id"], m.history["rating"], strict=True))
    assert got == [
        ("2026-Q1", "E1", 2.0),
        ("2026-Q2", "E1", 3.0),
        ("2026-Q2", "E1", 4.0),
        ("2026-Q2", "E1", 2.0),
        ("2026-Q2", "E2", 4.0),
        ("2026-Q3", "E1", 1.0),
    ]
    without = merge_history(old, again, imported_at=STAMP)  # not asked: a conflict, unchanged
    assert (without.added, without.replaced, len(without.conflicts)) == (1, 0, 1)
    assert without.conflicts.iloc[0][["employee_id", "old_rating", "new_rating"]].tolist() == [
        "E2",
        5.0,
        4.0,
    ]
