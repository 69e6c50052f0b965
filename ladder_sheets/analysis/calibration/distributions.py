"""Calibration analysis: rating distributions, drift and self against manager. Pure pandas.

Inputs are the typed employees table (`Framework.employees.data`) and ratings with the columns
of `model.TABLES["history"]`. Only manager ratings count (a blank rater type is read as a
manager rating, as exports without the column are); self ratings are used only beside them.
Ratings of people missing from Employees are left out: the validator reports them. People are
grouped by where they sit now (family, level, manager), also for the previous cycle.

Manager consistency is in `consistency.py`; the steps (candidates, attainability, level fit)
are in `steps.py`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ladder_sheets.model import MANAGER, SCALE, SCALE_POINTS, manager_rows
from ladder_sheets.values import clean_text, cycle_index

PERSON_COLUMNS = ["employee_id", "name", "manager_id", "family", "track", "level"]

DRIFT_THRESHOLD = 0.5
DRIFT_MIN_RATINGS = 10
DRIFT_RULE = (
    f"Change = mean manager rating this cycle minus the previous cycle. Flagged up or down when "
    f"|change| >= {DRIFT_THRESHOLD} with at least {DRIFT_MIN_RATINGS} ratings in each cycle."
)

SELF_GAP_THRESHOLD = 1.0
SELF_GAP_RULE = (
    "Gap = self rating minus manager rating, averaged over the competencies both rated this "
    f"cycle. A person is noted when |gap| >= {SELF_GAP_THRESHOLD}."
)


def ids(series: pd.Series) -> pd.Series:
    """IDs as text, so 1001 and '1001' join."""
    return texts(series)


def texts(series: pd.Series) -> pd.Series:
    """`clean_text` of every value, computed once per distinct value (IDs and names repeat
    in every cycle and competency)."""
    codes, distinct = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=False)
    cleaned = np.empty(len(distinct), dtype=object)
    cleaned[:] = [clean_text(v) for v in distinct]
    return pd.Series(cleaned[codes], index=series.index, name=series.name, dtype=object)


def cycles_of_interest(ratings: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """Only the rows of the cycle and the previous one: all that calibration reads."""
    wanted = {cycle, previous_cycle(ratings, cycle)} - {None}
    return ratings.loc[ratings["cycle"].isin(wanted)]


def fill_text(values: pd.Series, default: Any) -> pd.Series:
    """Blanks replaced by `default`, whatever dtype an all-blank column came back as."""
    return values.astype(object).where(values.notna(), default)


def manager_ratings(ratings: pd.DataFrame, cycle: str | None) -> pd.DataFrame:
    """The cycle's manager ratings with numeric values (blank rater type counts as manager)."""
    return _of_type(ratings, cycle, MANAGER)


def of_type(ratings: pd.DataFrame, cycle: str | None, rater_type: str) -> pd.DataFrame:
    """The cycle's ratings of one rater type, numeric, with text IDs and competencies."""
    return _of_type(ratings, cycle, rater_type)


# What `reused` keeps: (what, id of each input, cycle) -> (the inputs, the result).
_MEMO: dict[tuple[Any, ...], tuple[tuple[pd.DataFrame, ...], pd.DataFrame]] | None = None


@contextlib.contextmanager
def reused() -> Iterator[None]:
    """Within the block, a cycle's ratings of one kind (and `rated`) are worked out once per
    ratings table: a calibration pack reads them in a dozen places. Each caller gets its own
    copy; the inputs must not change inside the block."""
    global _MEMO
    outer = _MEMO
    _MEMO = {} if outer is None else outer
    try:
        yield
    finally:
        _MEMO = outer


def _remembered(
    what: str,
    inputs: tuple[pd.DataFrame, ...],
    cycle: Any,
    make: Callable[[], Any],
    *,
    copy: bool = True,
) -> Any:
    """`make()`, once per inputs and cycle inside `reused`; a copy unless `copy` is False
    (for what this module only reads)."""
    if _MEMO is None:
        return make()
    key = (what, *(id(f) for f in inputs), cycle)
    hit = _MEMO.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], inputs, strict=True)):
        hit = _MEMO[key] = (inputs, make())
    return hit[1].copy() if copy else hit[1]


def _of_type(ratings: pd.DataFrame, cycle: str | None, rater_type: str) -> pd.DataFrame:
    return _remembered(
        f"of_type:{rater_type}", (ratings,), cycle, lambda: _of_type_now(ratings, cycle, rater_type)
    )


def _of_type_now(ratings: pd.DataFrame, cycle: str | None, rater_type: str) -> pd.DataFrame:
    if cycle is None or ratings.empty:
        return ratings.iloc[0:0].assign(rating=pd.Series([], dtype=float))
    out, kinds = _in_cycle(ratings, cycle)
    mine = manager_rows(out["rater_type"]) if rater_type == MANAGER else kinds == rater_type
    out = out.loc[mine].copy()
    out["rating"] = pd.to_numeric(out["rating"], errors="coerce").astype(float)
    out["employee_id"] = ids(out["employee_id"])
    out["competency"] = texts(out["competency"])
    return out.dropna(subset=["rating", "employee_id"])


def _in_cycle(ratings: pd.DataFrame, cycle: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The cycle's rows (not a copy: only read) and each one's rater type as lower-case text
    ("" for a blank), worked out once for every kind of rater asked for."""

    def make() -> tuple[pd.DataFrame, np.ndarray]:
        rows = ratings.loc[ratings["cycle"] == cycle]  # the cycle first: the rest is per row
        codes, distinct = pd.factorize(rows["rater_type"].to_numpy(dtype=object))
        lowered = np.array([*((clean_text(v) or "").lower() for v in distinct), ""], dtype=object)
        return rows, lowered[codes]  # the sentinel -1: a blank

    return _remembered("in_cycle", (ratings,), cycle, make, copy=False)  # type: ignore[no-any-return]


def people(employees: pd.DataFrame) -> pd.DataFrame:
    """Employees with text IDs, the columns calibration groups by."""
    return _remembered("people", (employees,), None, lambda: _people_now(employees))  # type: ignore[no-any-return]


def _people_now(employees: pd.DataFrame) -> pd.DataFrame:
    out = employees.reindex(columns=PERSON_COLUMNS).copy()
    for col in ("employee_id", "manager_id"):
        out[col] = ids(out[col])
    return out.dropna(subset=["employee_id"]).drop_duplicates("employee_id")


def previous_cycle(ratings: pd.DataFrame, cycle: str) -> str | None:
    """The latest cycle with ratings before `cycle` (a skipped quarter is skipped)."""
    # the distinct values first (blanks are not text): no copy of a history without its blanks
    cycles = {c for c in pd.unique(ratings["cycle"].to_numpy(dtype=object)) if isinstance(c, str)}
    earlier = [c for c in cycles if "-Q" in c and cycle_index(c) < cycle_index(cycle)]
    return max(earlier, key=cycle_index) if earlier else None


def rated(ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str | None) -> pd.DataFrame:
    """Manager ratings of the cycle joined to who was rated, with the rater: the reviewer when
    the reviewer is a known employee ID, else the person's manager."""
    return _remembered(
        "rated", (ratings, employees), cycle, lambda: _rated_now(ratings, employees, cycle)
    )


def _rated_now(ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str | None) -> pd.DataFrame:
    staff = people(employees)
    out = manager_ratings(ratings, cycle).merge(staff, on="employee_id", how="inner")
    reviewer = ids(out["reviewer"]) if "reviewer" in out else pd.Series(None, index=out.index)
    known = reviewer.isin(set(staff["employee_id"]))
    out["rater"] = reviewer.where(known, out["manager_id"])
    return out


def _summarise(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if frame.empty:
        cols = [*by, *(f"rating_{p}" for p in SCALE_POINTS), "n", "mean", "std"]
        return pd.DataFrame(columns=cols)
    # Half points are counted with the point above (3.5 -> 4), as a person would round them.
    point = np.floor(frame["rating"] + 0.5).clip(SCALE[0], SCALE[1]).astype(int)
    counts = pd.crosstab([frame[c] for c in by], point).reindex(columns=SCALE_POINTS, fill_value=0)
    counts.columns = [f"rating_{p}" for p in SCALE_POINTS]
    stats = frame.groupby(by)["rating"].agg(n="size", mean="mean", std="std")
    return counts.join(stats).reset_index()


def distributions(
    ratings: pd.DataFrame,
    employees: pd.DataFrame,
    cycle: str,
    by: Sequence[str] = ("family", "level", "competency"),
) -> pd.DataFrame:
    """Counts of each rating 1-5, n, mean and std (sample) per group, for the cycle and, in
    `prev_*` columns beside them, the previous cycle; `mean_change` is the difference."""
    keys = list(by)
    prev = previous_cycle(ratings, cycle)
    cur = _summarise(rated(ratings, employees, cycle), keys)
    old = _summarise(rated(ratings, employees, prev), keys)
    old = old.rename(columns={c: f"prev_{c}" for c in old.columns if c not in keys})
    out = cur.merge(old, on=keys, how="outer") if not old.empty else cur.copy()
    for col in [f"{p}{c}" for p in ("", "prev_") for c in (*_count_cols(), "n")]:
        out[col] = out[col].fillna(0).astype(int) if col in out else 0
    for col in ("prev_mean", "prev_std"):
        if col not in out:
            out[col] = np.nan
    out["mean"] = out["mean"].astype(float)
    out["std"] = out["std"].astype(float)
    out["mean_change"] = out["mean"] - out["prev_mean"].astype(float)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _count_cols() -> list[str]:
    return [f"rating_{p}" for p in SCALE_POINTS]


def drift(ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """Mean manager rating per family and per manager, previous cycle against this one.

    Columns: scope ("Family" or "Manager"), key, label, prev_n, prev_mean, n, mean, change,
    flag ("up", "down" or ""; see DRIFT_RULE)."""
    prev = previous_cycle(ratings, cycle)
    cur, old = rated(ratings, employees, cycle), rated(ratings, employees, prev)
    names = people(employees).set_index("employee_id")["name"]
    parts = []
    for scope, col in (("Family", "family"), ("Manager", "rater")):
        now = cur.groupby(col)["rating"].agg(n="size", mean="mean")
        then = old.groupby(col)["rating"].agg(prev_n="size", prev_mean="mean")
        both = then.join(now, how="outer").reset_index().rename(columns={col: "key"})
        both.insert(0, "scope", scope)
        if scope == "Manager":
            both.insert(2, "label", fill_text(both["key"].map(names), both["key"]))
        else:
            both.insert(2, "label", both["key"])
        parts.append(both)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    for col in ("n", "prev_n"):
        out[col] = out[col].fillna(0).astype(int)
    out["change"] = out["mean"] - out["prev_mean"]
    enough = (out["n"] >= DRIFT_MIN_RATINGS) & (out["prev_n"] >= DRIFT_MIN_RATINGS)
    big = out["change"].abs() >= DRIFT_THRESHOLD
    out["flag"] = np.where(enough & big, np.where(out["change"] > 0, "up", "down"), "")
    order = out["change"].abs().fillna(-1)
    return (
        out.assign(_order=-order)
        .sort_values(["scope", "_order", "key"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


class SelfVsManager(NamedTuple):
    by_employee: pd.DataFrame
    by_manager: pd.DataFrame


def self_vs_manager(ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str) -> SelfVsManager:
    """Self rating minus manager rating where both rated the same competency in the cycle.

    by_employee: employee_id, name, manager_id, family, level, pairs, self_mean, manager_mean,
    gap, note. by_manager (the people's manager): manager_id, manager, people, pairs,
    self_mean, manager_mean, gap."""
    staff = people(employees)
    mine = _of_type(ratings, cycle, "self").groupby(["employee_id", "competency"])["rating"].mean()
    boss = manager_ratings(ratings, cycle).groupby(["employee_id", "competency"])["rating"].mean()
    pairs = pd.concat({"self": mine, "manager": boss}, axis=1).dropna().reset_index()
    pairs = pairs.merge(staff, on="employee_id", how="inner")
    keys = ["employee_id", "name", "manager_id", "family", "level"]
    per = (
        pairs.groupby("employee_id")
        .agg(pairs=("self", "size"), self_mean=("self", "mean"), manager_mean=("manager", "mean"))
        .reset_index()
    )
    per = staff[keys].merge(per, on="employee_id", how="inner")
    per["gap"] = per["self_mean"] - per["manager_mean"]
    per["note"] = np.select(
        [per["gap"] >= SELF_GAP_THRESHOLD, per["gap"] <= -SELF_GAP_THRESHOLD],
        ["rates self higher", "rates self lower"],
        "",
    )
    per = per.sort_values(["gap", "employee_id"], key=_abs_desc, kind="stable")
    names = staff.set_index("employee_id")["name"]
    boss_view = (
        pairs.dropna(subset=["manager_id"])
        .groupby("manager_id")
        .agg(
            people=("employee_id", "nunique"),
            pairs=("self", "size"),
            self_mean=("self", "mean"),
            manager_mean=("manager", "mean"),
        )
        .reset_index()
    )
    boss_view.insert(
        1, "manager", fill_text(boss_view["manager_id"].map(names), boss_view["manager_id"])
    )
    boss_view["gap"] = boss_view["self_mean"] - boss_view["manager_mean"]
    boss_view = boss_view.sort_values(["gap", "manager_id"], key=_abs_desc, kind="stable")
    return SelfVsManager(per.reset_index(drop=True), boss_view.reset_index(drop=True))


def _abs_desc(col: pd.Series) -> pd.Series:
    # Sort key: largest magnitude first for numbers, natural order for IDs.
    if pd.api.types.is_numeric_dtype(col):
        return -col.abs().fillna(-math.inf)
    return col
