"""Calibration of the steps up: promotion candidates, criteria attainability and level fit.

Pure pandas. Ratings, employees and the rules on manager ratings are as in `calibration.py`.
A person's average and lowest rating in a cycle are over the competencies their manager rated
(a competency rated twice counts once, at its mean).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ladder_sheets.analysis import ladder
from ladder_sheets.analysis.calibration.distributions import manager_ratings, people
from ladder_sheets.analysis.readiness import NUMERIC_COLUMNS
from ladder_sheets.model import Framework
from ladder_sheets.values import clean_text

CANDIDATE_STATUSES = ("Ready", "Ready pending sign-off", "Close")

ASPIRATIONAL_SHARE = 0.05
MOST_SHARE = 0.5
MIN_RATED_FOR_FLAG = 5
ATTAINABILITY_RULE = (
    "For each step, the people now at the From level who have manager ratings this cycle are "
    "checked against the step's Min Average (their average rating) and Min Each (their lowest "
    f"rating). Share = people meeting both / people rated. Flagged aspirational when the share "
    f"is under {ASPIRATIONAL_SHARE:.0%} (almost nobody can meet it: a goal, not a criterion), "
    f"and already met by most when it is over {MOST_SHARE:.0%} (it does not separate who is "
    f"ready), with at least {MIN_RATED_FOR_FLAG} people rated. Operating at next level counts "
    "those rated at or above every expectation of the To level."
)

BELOW_CURRENT = -1.0
ABOVE_NEXT = 0.5
LEVEL_FIT_RULE = (
    "Gap = rating minus the level's expected proficiency, averaged over the competencies that "
    f"level expects. Listed when the average gap to the current level is {BELOW_CURRENT:+.1f} "
    f"or lower (far below the level), or the average gap to the next level is "
    f"{ABOVE_NEXT:+.1f} or higher (above the next level)."
)


def next_levels(framework: Framework) -> pd.DataFrame:
    """family, level, next_level: the next level in order on the same track."""
    nxt = ladder.next_levels(framework.levels.data)[["family", "level", "next_level"]]
    return nxt.dropna(subset=["family", "level"]).drop_duplicates(["family", "level"])


def spelled_as(values: pd.Series, known: pd.Series) -> pd.Series:
    """Names in the framework's own spelling when they match one ignoring case and spacing
    ("ic3" -> "IC3"), so a joins; anything unknown is left as it is."""
    spelling: dict[str, str] = {}
    for name in known.dropna():
        spelling.setdefault(ladder.key(name), str(clean_text(name)))
    distinct = pd.unique(values.to_numpy(dtype=object))
    lookup = {v: spelling.get(ladder.key(v), v) for v in distinct}
    return values.map(lookup).astype(object)


def _canonical(frame: pd.DataFrame, framework: Framework, **cols: str) -> pd.DataFrame:
    """`cols`: column -> "family" or "level", respelled as in the Levels sheet."""
    levels = framework.levels.data
    out = frame.copy()
    for col, kind in cols.items():
        out[col] = spelled_as(out[col], levels[kind])
    return out


def expectations(framework: Framework) -> pd.DataFrame:
    """family, level, competency, expected (floats, blanks dropped); a row without a family
    applies to every family of the Levels sheet."""
    ex = framework.expectations.data[["family", "level", "competency", "expected"]].copy()
    ex["expected"] = pd.to_numeric(ex["expected"], errors="coerce")
    ex["competency"] = ex["competency"].map(clean_text)
    ex = ex.dropna(subset=["expected", "level", "competency"])
    ex = _canonical(ex, framework, family="family", level="level")
    return _for_every_family(ex, framework)


def _for_every_family(frame: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    blank = frame["family"].map(clean_text).isna()
    if not blank.any():
        return frame.reset_index(drop=True)
    families = pd.Series(framework.levels.data["family"].dropna().unique(), name="family")
    spread = frame.loc[blank].drop(columns="family").merge(families, how="cross")
    return pd.concat([frame.loc[~blank], spread], ignore_index=True)


def person_ratings(
    ratings: pd.DataFrame, cycle: str, known: pd.Series | None = None
) -> pd.DataFrame:
    """employee_id, competency, rating: one manager rating per competency in the cycle
    (competencies respelled as in `known`, the Matrix's names)."""
    mr = manager_ratings(ratings, cycle).dropna(subset=["competency"])
    if known is not None:
        mr["competency"] = spelled_as(mr["competency"], known)
    return mr.groupby(["employee_id", "competency"])["rating"].mean().reset_index()


def promotion_candidates(readiness: pd.DataFrame) -> pd.DataFrame:
    """Ready, Ready pending sign-off and Close, with each criterion's evidence and whether it
    is met (True/False, None where the criterion does not apply)."""
    r = readiness.loc[readiness["status"].isin(CANDIDATE_STATUSES)].copy()
    num = {c: pd.to_numeric(r[c], errors="coerce") for c in NUMERIC_COLUMNS if c in r}
    for c, v in num.items():
        r[c] = v.astype(float)
    r["average_met"] = _met(r["average"] >= r["min_average"], r["min_average"])
    r["min_each_met"] = _met(r["lowest_rating"] >= r["min_each"], r["min_each"])
    r["cycles_met"] = _met(r["cycles_at_next"] >= r["cycles_required"], r["cycles_required"])
    r["time_met"] = _met(r["quarters_in_level"] >= r["quarters_required"], r["quarters_required"])
    r["shortfalls"] = r["shortfalls"].map(_words)
    r["_rank"] = r["status"].map({s: i for i, s in enumerate(CANDIDATE_STATUSES)})
    r = r.sort_values(["_rank", "family", "level", "name", "employee_id"], kind="stable")
    return r.drop(columns="_rank").reset_index(drop=True)


def _met(ok: pd.Series, required: pd.Series) -> pd.Series:
    return ok.astype(object).where(required.notna(), None)


def _words(value: object) -> str:
    if isinstance(value, (list, tuple, np.ndarray)):
        return "; ".join(str(v) for v in value if clean_text(v))
    return clean_text(value) or ""


def attainability(
    framework: Framework, ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str
) -> pd.DataFrame:
    """Per promotion step: people at the From level, people rated, how many meet Min Average,
    Min Each and both, share meeting both, how many operate at the next level, flag."""
    crit = framework.criteria.data[
        ["family", "from_level", "to_level", "min_average", "min_each"]
    ].copy()
    crit = _canonical(crit, framework, family="family", from_level="level", to_level="level")
    crit = _for_every_family(crit.dropna(subset=["from_level"]), framework)
    crit = crit.reset_index(drop=True).rename_axis("step").reset_index()
    for col in ("min_average", "min_each"):
        crit[col] = pd.to_numeric(crit[col], errors="coerce").astype(float)
    staff = _canonical(people(employees), framework, family="family", level="level")
    staff = staff[["employee_id", "family", "level"]]
    pr = person_ratings(ratings, cycle, expectations(framework)["competency"])
    per = pr.groupby("employee_id")["rating"].agg(average="mean", lowest="min").reset_index()
    sp = crit.merge(staff, left_on=["family", "from_level"], right_on=["family", "level"])
    sp = sp.merge(per, on="employee_id", how="left")
    sp["rated"] = sp["average"].notna()
    sp["meets_average"] = sp["rated"] & (
        sp["min_average"].isna() | (sp["average"] >= sp["min_average"])
    )
    sp["meets_each"] = sp["rated"] & (sp["min_each"].isna() | (sp["lowest"] >= sp["min_each"]))
    sp["meets_both"] = sp["meets_average"] & sp["meets_each"]
    sp = sp.merge(_operating(framework, sp, pr), on=["step", "employee_id"], how="left")
    sp["operating"] = sp["operating"].astype("boolean").fillna(False).astype(bool) & sp["rated"]
    counts = sp.groupby("step").agg(
        people=("employee_id", "size"),
        rated=("rated", "sum"),
        meeting_average=("meets_average", "sum"),
        meeting_min_each=("meets_each", "sum"),
        meeting_both=("meets_both", "sum"),
        operating_at_next=("operating", "sum"),
    )
    out = crit.join(counts, on="step")
    count_cols = list(counts.columns)
    out[count_cols] = out[count_cols].fillna(0).astype(int)
    out["share"] = (out["meeting_both"] / out["rated"].where(out["rated"] > 0)).astype(float)
    enough = out["rated"] >= MIN_RATED_FOR_FLAG
    out["flag"] = np.select(
        [enough & (out["share"] < ASPIRATIONAL_SHARE), enough & (out["share"] > MOST_SHARE)],
        ["aspirational", "already met by most"],
        "",
    )
    return out.drop(columns="step")


def _operating(framework: Framework, sp: pd.DataFrame, pr: pd.DataFrame) -> pd.DataFrame:
    """step, employee_id, operating: rated at or above every expectation of the To level."""
    ex = expectations(framework).rename(columns={"level": "to_level"})
    m = sp[["step", "employee_id", "family", "to_level"]].merge(ex, on=["family", "to_level"])
    m = m.merge(pr, on=["employee_id", "competency"], how="left")
    m["ok"] = m["rating"] >= m["expected"]
    return m.groupby(["step", "employee_id"], as_index=False).agg(operating=("ok", "all"))


def level_fit(
    framework: Framework, ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str
) -> pd.DataFrame:
    """People rated far below their level or above the next one (LEVEL_FIT_RULE): employee_id,
    name, manager_id, family, level, next_level, competencies, average, gap_current, gap_next,
    fit ("below current level" or "above next level")."""
    staff = people(employees).drop(columns="track")
    staff = _canonical(staff, framework, family="family", level="level")
    staff = staff.merge(next_levels(framework)[["family", "level", "next_level"]], how="left")
    ex = expectations(framework)
    pr = person_ratings(ratings, cycle, ex["competency"])
    rated = pr.merge(staff[["employee_id", "family", "level", "next_level"]], on="employee_id")
    gaps = {}
    for name, col in (("gap_current", "level"), ("gap_next", "next_level")):
        m = rated.merge(
            ex.rename(columns={"level": col}), on=["family", col, "competency"], how="inner"
        )
        gaps[name] = (m["rating"] - m["expected"]).groupby(m["employee_id"]).mean()
    summary = pr.groupby("employee_id")["rating"].agg(competencies="size", average="mean")
    out = staff.merge(summary.reset_index(), on="employee_id")
    for name, gap in gaps.items():
        out[name] = out["employee_id"].map(gap).astype(float)
    out["fit"] = np.select(
        [out["gap_current"] <= BELOW_CURRENT, out["gap_next"] >= ABOVE_NEXT],
        ["below current level", "above next level"],
        "",
    )
    out = out.loc[out["fit"] != ""]
    cols = ["employee_id", "name", "manager_id", "family", "level", "next_level"]
    cols += ["competencies", "average", "gap_current", "gap_next", "fit"]
    return out.sort_values(["fit", "family", "level", "employee_id"])[cols].reset_index(drop=True)
