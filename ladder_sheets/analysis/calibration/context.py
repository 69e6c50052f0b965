"""360 context for calibration: peer, upward and additional-manager ratings of a cycle, per
person and competency, as mean and count beside the manager's rating (the one readiness uses)
and the self rating. Pure pandas."""

from __future__ import annotations

import pandas as pd

from ladder_sheets.analysis.calibration.distributions import manager_ratings, of_type, people

CONTEXT_RULE = (
    "Peer, upward and additional-manager ratings of the cycle, per person and competency: "
    "their mean and how many raters gave one, beside the manager's rating (the one readiness "
    "uses) and the self rating. Context for the discussion only: none of them counts for "
    "readiness or gaps."
)
# rater type -> column prefix
KINDS = {"peer": "peer", "upward": "upward", "additional manager": "other_manager"}
COLUMNS = ["employee_id", "name", "manager_id", "family", "level", "competency"]
COLUMNS += ["manager_rating", "self_rating"]
COLUMNS += [f"{p}_{s}" for p in KINDS.values() for s in ("mean", "n")]


def context_360(ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """One row per person and competency with at least one 360 rating in the cycle (columns
    COLUMNS); people not on Employees are left out, as elsewhere in the pack."""
    key = ["employee_id", "competency"]
    parts: dict[str, pd.Series] = {}
    for kind, prefix in KINDS.items():
        rows = of_type(ratings, cycle, kind)
        grouped = rows.groupby(key)["rating"]
        parts[f"{prefix}_mean"] = grouped.mean()
        parts[f"{prefix}_n"] = grouped.size().astype(float)
    if all(p.empty for p in parts.values()):
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, axis=1)
    out["manager_rating"] = manager_ratings(ratings, cycle).groupby(key)["rating"].mean()
    out["self_rating"] = of_type(ratings, cycle, "self").groupby(key)["rating"].mean()
    out = out.reset_index()
    staff = people(employees)
    out = staff[COLUMNS[:5]].merge(out, on="employee_id", how="inner")
    for prefix in KINDS.values():
        out[f"{prefix}_n"] = out[f"{prefix}_n"].fillna(0.0)
    return out.sort_values(key, kind="stable").reset_index(drop=True)[COLUMNS]
