"""Ratings History: merging a cycle's exports into what the workbook already holds.

One row per cycle x employee x competency x rater type. Re-importing the same ratings changes
nothing; a rating that differs from the recorded one is a conflict, reported with both values and
both places, and replaces the recorded one only for the cycles the user names (`--replace-cycle`).
Pure pandas: no files are read or written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.model import MANAGER, columns, rater_type_or_manager
from ladder_sheets.values import factorize

# A rating's identity; "rater" tells 360 raters apart (schema.ratings.rater_keys) and is
# dropped again before the history is written.
KEY = ["cycle", "employee_id", "competency", "rater_type", "rater"]
HISTORY_COLUMNS = columns("history")
EVIDENCE_KEY = ["cycle", "employee_id"]
EVIDENCE_COLUMNS = columns("evidence")
_TOLERANCE = 1e-9


@dataclass
class HistoryMerge:
    history: pd.DataFrame  # the whole new history: by cycle, recorded rows first (their order)
    added: int
    unchanged: int
    replaced: int
    conflicts: pd.DataFrame  # KEY + old_rating, new_rating, old_source, new_source, new_where
    # the recorded rows merge_history was given, and whether `history` begins with them as
    # they were given (no key normalised, no row dropped or moved): see differs_from
    recorded: int = 0
    recorded_as_given: bool = False


def normalise_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Keys compared as people read them: IDs as trimmed text, rater type lower case."""
    return _normalised(df)[0]


def _normalised(df: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """(normalise_keys of `df`, whether that changed no value: then its key columns are
    `df`'s own and a row compares equal to the row it came from)."""
    out = df.copy(deep=False)  # columns replaced, never written into: no copy of the rows
    kept = True
    for col, change, blank in (
        ("employee_id", _trimmed, None),
        ("competency", _trimmed, None),
        ("cycle", _trimmed, None),
        ("rater_type", rater_type_or_manager, MANAGER),
    ):
        if col in out.columns:
            values = _per_distinct(out[col], change, blank)
            if values is not None:
                out[col], kept = values, False
    return out, kept


def _trimmed(value: Any) -> str:
    return str(value).strip()


def _per_distinct(values: pd.Series, change: Callable[[Any], Any], blank: Any) -> pd.Series | None:
    """`change` applied once per distinct value (a history repeats its keys a million times);
    blanks become `blank`. None when that changes nothing: no blank, and each value is what
    `change` makes of it (the same type and equal), so the column can stay as it is."""
    # an object column by its distinct objects first (values.factorize: the same codes and
    # uniques, without hashing each of a million recorded keys)
    codes, distinct = (
        factorize(values.to_numpy(), use_na_sentinel=True)
        if values.dtype == object
        else pd.factorize(values, use_na_sentinel=True)
    )
    made = [change(v) for v in distinct]
    if (
        values.dtype == object
        and (not len(codes) or codes.min() >= 0)
        and all(type(b) is str and a == b for a, b in zip(made, distinct, strict=True))
    ):
        return None
    changed = np.array([*made, blank], dtype=object)
    return pd.Series(changed[codes], index=values.index, dtype=object)


def merge_history(
    existing: pd.DataFrame,
    incoming: pd.DataFrame,
    *,
    replace_cycles: Iterable[str] = (),
    imported_at: dt.datetime | None = None,
) -> HistoryMerge:
    """Add incoming ratings to the history.

    `incoming` may carry a `where` column (the place of each rating in its export) for conflict
    messages. Rows of incoming without a rating are ignored: a blank is not a rating."""
    replace = set(replace_cycles)
    stamp = (imported_at or dt.datetime.now()).replace(microsecond=0)
    old, as_given = _normalised(_with_columns(existing, HISTORY_COLUMNS))
    recorded = len(old)
    new = normalise_keys(_with_columns(incoming, [*HISTORY_COLUMNS, "where"]))
    new = _with_rater(new[new["rating"].notna()])
    # Within the incoming exports, the last occurrence of a key wins (a later correction file);
    # the validator has already reported such duplicates.
    new = new.drop_duplicates(subset=KEY, keep="last")
    # A key holds its cycle: only the recorded rows of the cycles the exports bring can match
    # (blank cycles match blank ones, as in the join). The others are not compared at all.
    touched = old["cycle"].isin(pd.unique(new["cycle"])).to_numpy()
    compared = _with_rater(old[touched])

    joined = new.merge(
        compared[[*KEY, "rating", "source"]].rename(
            columns={"rating": "old_rating", "source": "old_source"}
        ),
        on=KEY,
        how="left",
        indicator=True,
    )
    is_new = joined["_merge"] == "left_only"
    same = ~is_new & ((joined["rating"] - joined["old_rating"]).abs() <= _TOLERANCE)
    differs = ~is_new & ~same
    may_replace = differs & joined["cycle"].isin(replace)
    conflicts = joined.loc[differs & ~may_replace, [*KEY, "old_rating", "rating", "old_source"]]
    conflicts = conflicts.assign(
        new_source=joined.loc[conflicts.index, "source"],
        new_where=joined.loc[conflicts.index, "where"],
    ).rename(columns={"rating": "new_rating"})

    to_add = joined.loc[is_new | may_replace, HISTORY_COLUMNS].copy()
    to_add["imported_at"] = stamp
    if may_replace.any():
        drop_keys = joined.loc[may_replace, KEY]
        marker = compared.merge(drop_keys, on=KEY, how="left", indicator=True)["_merge"]
        keep = np.ones(len(old), dtype=bool)
        keep[np.flatnonzero(touched)[(marker != "left_only").to_numpy()]] = False
        old = old[keep]
        as_given = False
    # Recorded rows keep their order (HR's, or the order merge wrote), new rows follow them in
    # key order, cycles ascending: the latest quarter then lands after the recorded history,
    # which lets the writer append it instead of rewriting every row.
    added = sort_history(_with_columns(to_add, HISTORY_COLUMNS))
    history = pd.concat([_with_columns(old, HISTORY_COLUMNS), added], ignore_index=True)
    # (the order sorting by cycle gives; the rows are not copied again where it is theirs:
    # the new cycle usually comes after every recorded one)
    order = cycle_order(history["cycle"])
    if order is not None:
        history = history.iloc[order]
        as_given = False
    history = history.reset_index(drop=True)
    return HistoryMerge(
        history=history,
        added=int(is_new.sum()),
        unchanged=int(same.sum()),
        replaced=int(may_replace.sum()),
        conflicts=conflicts.reset_index(drop=True),
        recorded=recorded,
        recorded_as_given=as_given,
    )


def cycle_order(cycles: pd.Series) -> np.ndarray | None:
    """The rows' order sorted by cycle (stable, blanks last), or None when they are in it.
    Cycles are ranked once each, not compared as text a million times."""
    codes, distinct = pd.factorize(cycles, use_na_sentinel=True)
    if not all(type(c) is str for c in distinct):
        order = cycles.sort_values(kind="stable", na_position="last").index
        at = cycles.index.get_indexer(order)
        return None if np.array_equal(at, np.arange(len(at))) else at
    rank = np.empty(len(distinct) + 1, dtype=np.int64)
    rank[np.argsort(np.array(distinct, dtype=object), kind="stable")] = np.arange(len(distinct))
    rank[-1] = len(distinct)  # a blank (code -1) after every cycle
    ranked = rank[codes]
    if not (np.diff(ranked) < 0).any():
        return None
    return np.argsort(ranked, kind="stable")


def _with_rater(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with its "rater" key column (see KEY)."""
    from ladder_sheets.schema.ratings import rater_keys

    out = df.copy()
    out["rater"] = rater_keys(
        *(out[c].to_numpy(dtype=object) for c in (*KEY[:4], "reviewer", "source"))
    )
    return out


def merge_evidence(
    existing: pd.DataFrame, incoming: pd.DataFrame, replace: Iterable[str] = ()
) -> pd.DataFrame:
    """Evidence per employee and cycle: a recorded True is kept; new values fill blanks and
    update flags (evidence is a record of sign-offs, so the latest export's word counts).
    The `replace` columns of incoming rows replace the recorded values, blanks included (a
    committee's changed decision for a cycle is its decision, not one more sign-off)."""
    old = normalise_keys(_with_columns(existing, EVIDENCE_COLUMNS))
    new = normalise_keys(_with_columns(incoming, EVIDENCE_COLUMNS))
    if new.empty:
        return old[EVIDENCE_COLUMNS].reset_index(drop=True)
    new = new.drop_duplicates(subset=EVIDENCE_KEY, keep="last")
    replace = [c for c in replace if c in EVIDENCE_COLUMNS]
    if replace:
        blanked = old.merge(new[EVIDENCE_KEY], on=EVIDENCE_KEY, how="left", indicator=True)
        hit = (blanked["_merge"] == "both").to_numpy()
        old = old.copy()
        old.loc[hit, replace] = None
    combined = pd.concat([old, new], ignore_index=True)
    out = _last_known(
        combined, EVIDENCE_KEY, [c for c in EVIDENCE_COLUMNS if c not in EVIDENCE_KEY]
    )
    for flag in ["scope_met", "endorsed", "calibrated"]:
        out[flag] = out[flag].astype(object)
    return out[EVIDENCE_COLUMNS]


def _last_known(frame: pd.DataFrame, key: list[str], columns: list[str]) -> pd.DataFrame:
    """What `frame.groupby(key, sort=True, dropna=False).agg(f).reset_index()` gives for
    `f` the last value of a group that is not None nor a float NaN (NaT and pd.NA count as
    values), else None, without calling `f` per group: that cost 1.5 s at 10,000 people x 8
    cycles. Keys and each column's type come out as pandas makes them of such an agg."""
    grouped = frame.groupby(key, sort=True, dropna=False)
    group = grouped.ngroup().to_numpy()
    out = grouped.size().reset_index()[key]  # the groups' keys, in ngroup's order
    count, position = len(out), np.arange(len(frame))
    for column in columns:
        values = frame[column].to_numpy(dtype=object)
        known = ~pd.isna(values)
        blank = np.flatnonzero(~known)
        known[blank] = [v is not None and not isinstance(v, float) for v in values[blank]]
        last = np.full(count, -1, dtype=np.int64)
        np.maximum.at(last, group[known], position[known])
        taken = np.full(count, None, dtype=object)
        taken[last >= 0] = values[last[last >= 0]]
        out[column] = _as_aggregated(frame[column], taken)
    out.columns = pd.Index(list(out.columns))  # as agg names them (pandas 3: str)
    return out


def _as_aggregated(values: pd.Series, taken: np.ndarray) -> Any:
    """`taken` (a value per group of `values`) typed as groupby's agg of a Python function
    types what it returns: pandas 3 casts it as its input's array says (texts with None
    become str with NaN), pandas 2 converted the objects without floats."""
    cast = getattr(values.array, "_cast_pointwise_result", None)
    if cast is not None:
        return cast(taken)
    from pandas._libs import lib

    return lib.maybe_convert_objects(taken, try_float=False)  # type: ignore[attr-defined]


def sort_history(history: pd.DataFrame) -> pd.DataFrame:
    return history.sort_values(
        ["cycle", "employee_id", "competency", "rater_type"], kind="stable"
    ).reset_index(drop=True)


def _with_columns(df: pd.DataFrame | None, cols: list[str]) -> pd.DataFrame:
    if df is None:
        df = pd.DataFrame()
    if not (df.columns.is_unique and df.index.is_unique):
        return _with_columns_copied(df, cols)
    # pandas 3 would infer string dtypes differently per input: every column as objects, the
    # rating as floats. A column that is that already is taken as it is (copy on write: the
    # frames share it until one is written), not copied twice for each of a million rows.
    out: dict[str, Any] = {}
    for c in cols:
        if c not in df.columns:
            out[c] = pd.Series(None, index=df.index, dtype=object)
        elif c == "rating" and df[c].dtype == np.float64:
            out[c] = df[c]
        elif c == "rating":
            out[c] = pd.to_numeric(df[c].astype(object), errors="coerce").astype(float)
        else:
            out[c] = df[c] if df[c].dtype == object else df[c].astype(object)
    return pd.DataFrame(out, index=df.index, columns=cols, copy=False)


def _with_columns_copied(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        if c not in out.columns:
            out[c] = None
    out = out[cols].astype(object)
    if "rating" in out.columns:
        out["rating"] = pd.to_numeric(out["rating"], errors="coerce").astype(float)
    return out


def differs_from(existing: pd.DataFrame, merged: HistoryMerge) -> tuple[str, str] | None:
    """(code, reason) why the merged history is not `existing` (as the reader read it, row
    for row and in the same order) followed by new rows; None when it is. Rows are compared
    as values: a key the merge had to trim or lower-case, a replaced rating, or a new row
    sorted in among the recorded ones all make a difference. `existing` is the frame
    merge_history was given: what it noted while merging (recorded_as_given) answers without
    comparing every recorded row again."""
    if merged.replaced:
        return "replaced-rows", f"--replace-cycle changed {merged.replaced} recorded rating(s)"
    rows = len(existing)
    if len(merged.history) < rows:
        return "rows-removed", "the merged history is shorter than the recorded one"
    if merged.recorded_as_given and merged.recorded == rows:
        return None
    old = _with_columns(existing, HISTORY_COLUMNS).reset_index(drop=True)
    head = merged.history.iloc[:rows].reset_index(drop=True)
    for column in HISTORY_COLUMNS:
        a, b = old[column].to_numpy(), head[column].to_numpy()
        same = (a == b) | (pd.isna(a) & pd.isna(b))
        if not same.all():
            at = int(same.argmin())
            return "rows-moved", (
                f"recorded row {at + 1} ({column}) is not where the sorted history puts it: "
                "the sheet is unsorted, hand-edited, or a new cycle sorts before recorded ones"
            )
    return None
