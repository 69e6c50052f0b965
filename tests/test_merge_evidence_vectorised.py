"""merge_evidence without a Python function per group: the same frame as the groupby it
replaced (kept here as the definition) on blanks, NaT, pd.NA, all-blank groups, blank keys
and mixed types."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ladder_sheets.commands import merge_history
from ladder_sheets.commands.merge_history import EVIDENCE_COLUMNS, EVIDENCE_KEY, merge_evidence


def reference(existing: pd.DataFrame, incoming: pd.DataFrame, replace=()) -> pd.DataFrame:
    """merge_evidence as it was written before: its groupby of a Python function."""

    def last_known(values: pd.Series) -> object:
        known = [v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v))]
        return known[-1] if known else None

    def grouped(combined: pd.DataFrame) -> pd.DataFrame:
        agg = {c: last_known for c in EVIDENCE_COLUMNS if c not in EVIDENCE_KEY}
        return combined.groupby(EVIDENCE_KEY, sort=True, dropna=False).agg(agg).reset_index()

    with patch.object(merge_history, "_last_known", lambda combined, *_: grouped(combined)):
        return merge_evidence(existing, incoming, replace)


def same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want)
    # equal is not enough: True and 1, None and NaN must stay what they were
    for column in want.columns:
        for a, b in zip(got[column], want[column], strict=True):
            assert type(a) is type(b), (column, a, b)


def row(cycle, emp, **values):
    return dict(cycle=cycle, employee_id=emp, **values)


def test_nat_and_na_are_values_and_an_all_blank_group_is_none():
    old = pd.DataFrame(
        [
            row("2026-Q1", "E1", scope_met=True, note=pd.NaT),
            row("2026-Q1", "E2", scope_met=None, note=None, endorsed=np.nan),
        ]
    )
    new = pd.DataFrame(
        [
            row("2026-Q1", "E1", scope_met=np.nan, note=None, endorsed=pd.NA),
            row("2026-Q1", "E2", scope_met=float("nan"), note=np.float64("nan")),
            row(" 2026-Q2 ", "E1", calibrated=False, source="x.csv"),
        ]
    )
    got = merge_evidence(old, new)
    same(got, reference(old, new))
    e1 = got.set_index("employee_id").loc["E1"].iloc[0]
    assert e1["scope_met"] is True and e1["note"] is pd.NaT and e1["endorsed"] is pd.NA
    e2 = got[(got.cycle == "2026-Q1") & (got.employee_id == "E2")].iloc[0]
    # no value known: None (a note column pandas casts to dates says NaT, as it did before)
    assert e2["scope_met"] is None and e2["endorsed"] is None and pd.isna(e2["note"])
    assert list(got.cycle) == ["2026-Q1", "2026-Q1", "2026-Q2"]


def test_replace_blanks_what_the_committee_leaves_blank():
    old = pd.DataFrame([row("2026-Q1", "E1", calibrated=True, endorsed=True)])
    new = pd.DataFrame([row("2026-Q1", "E1", calibrated=None, endorsed=None)])
    got = merge_evidence(old, new, replace=["calibrated"])
    same(got, reference(old, new, replace=["calibrated"]))
    assert got.loc[0, "calibrated"] is None and got.loc[0, "endorsed"] is True


_VALUES = st.sampled_from(
    [
        None,
        np.nan,
        float("nan"),
        pd.NaT,
        pd.NA,
        True,
        False,
        np.True_,
        1,
        2.5,
        0.0,
        "yes",
        "",
        dt.date(2026, 3, 1),
        pd.Timestamp("2026-03-01 10:00"),
    ]
)
_KEYS = st.sampled_from(["2026-Q1", "2026-Q2", " 2026-Q1", None, 2026])
_PEOPLE = st.sampled_from(["E1", "E2", " E1 ", None, 7])
_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "cycle": _KEYS,
            "employee_id": _PEOPLE,
            **{c: _VALUES for c in EVIDENCE_COLUMNS if c not in EVIDENCE_KEY},
        }
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_ROWS, _ROWS, st.sampled_from([(), ("calibrated",), ("note", "endorsed")]))
def test_same_frame_as_the_groupby(old_rows, new_rows, replace):
    old = pd.DataFrame(old_rows, columns=EVIDENCE_COLUMNS) if old_rows else pd.DataFrame()
    new = pd.DataFrame(new_rows, columns=EVIDENCE_COLUMNS) if new_rows else pd.DataFrame()
    same(merge_evidence(old, new, replace), reference(old, new, replace))
