"""What a calibration committee should look at first: the largest findings, in sentences."""

from __future__ import annotations

import pandas as pd


def what_to_look_at_first(
    consistency: pd.DataFrame,
    drift: pd.DataFrame,
    attainability: pd.DataFrame,
    level_fit: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    limit: int = 3,
) -> list[tuple[str, str]]:
    """(sheet, sentence) pairs, most telling first within each topic."""
    out: list[tuple[str, str]] = []
    flagged = consistency.loc[consistency["flag"] != ""]
    flagged = flagged.reindex(flagged["z"].abs().sort_values(ascending=False).index)
    for _, m in flagged.head(limit).iterrows():
        out.append(
            (
                "Manager Consistency",
                f"{m['manager']} ({m['manager_id']}) rates {m['flag']}: {m['difference']:+.2f} "
                f"against peers over {m['compared']} ratings (score {m['z']:+.1f}).",
            )
        )
    for _, s in attainability.loc[attainability["flag"] != ""].head(limit).iterrows():
        out.append(
            (
                "Attainability",
                f"{s['family']} {s['from_level']} -> {s['to_level']} is {s['flag']}: "
                f"{s['meeting_both']} of {s['rated']} people rated meet it now.",
            )
        )
    moved = drift.loc[drift["flag"] != ""]
    moved = moved.reindex(moved["change"].abs().sort_values(ascending=False).index)
    for _, d in moved.head(limit).iterrows():
        out.append(
            (
                "Drift",
                f"{_who(d)}: mean rating moved {d['change']:+.2f} since the "
                f"previous cycle ({d['prev_mean']:.2f} -> {d['mean']:.2f}).",
            )
        )
    if len(candidates):
        by_status = candidates["status"].value_counts()
        parts = [f"{n} {status}" for status, n in by_status.items()]
        out.append(("Promotion Candidates", "Candidates to decide: " + ", ".join(parts) + "."))
    if len(level_fit):
        by_fit = level_fit["fit"].value_counts()
        parts = [f"{n} {fit}" for fit, n in by_fit.items()]
        out.append(("Level Fit", "For a second look: " + ", ".join(parts) + "."))
    if not out:
        out.append(("Summary", "Nothing stands out: no flags in this cycle."))
    return out


def _who(drifted: pd.Series) -> str:
    if drifted["scope"] == "Manager":
        return f"Ratings by {drifted['label']} ({drifted['key']})"
    return f"Job family {drifted['label']}"
