"""Manager leniency and severity against peers at the same family and level: the thresholds,
the rule in words (`MANAGER_FLAG_RULE`) and the arithmetic (`manager_consistency`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.analysis.calibration.distributions import fill_text, people, rated

# Manager consistency: thresholds, and the rule as the sheet shows it.
MIN_DIFFERENCE = 0.5
MIN_Z = 2.0
MIN_RATINGS = 10
MIN_PEOPLE = 3
MIN_PEER_RATINGS = 10
MIN_PEER_MANAGERS = 2
SPREAD_FLOOR = 0.5
MANAGER_FLAG_RULE = (
    "Each manager is compared with peers: the other managers who rate people at the same job "
    "family and level in this cycle (manager ratings only). Difference = the manager's mean "
    "rating minus the peers' mean at the same family and level, weighted by how many ratings "
    "the manager gave at each. Standard error = spread x sqrt(1/n + sum over family-levels of "
    "(share of the manager's ratings there)^2 / peer ratings there), where n is the manager's "
    "compared ratings and spread is the pooled standard deviation of ratings around each "
    f"manager's own family-level mean (at least {SPREAD_FLOOR}). Score = difference / standard "
    f"error. Flagged lenient (above peers) or severe (below) only when |difference| >= "
    f"{MIN_DIFFERENCE} AND |score| >= {MIN_Z}, with at least {MIN_RATINGS} compared ratings "
    f"of at least {MIN_PEOPLE} people, and at least {MIN_PEER_RATINGS} peer ratings from at "
    f"least {MIN_PEER_MANAGERS} other managers. Managers are tested most extreme first; once "
    "flagged, their ratings leave the other managers' peer baseline, so one lenient manager "
    "does not make their peers look severe. Ratings of one person are related, so the score "
    "is a prompt for discussion, not a statistical test."
)

CELL = ["family", "level"]
OUTPUT = [
    "manager_id",
    "manager",
    "families",
    "ratings",
    "compared",
    "people",
    "mean",
    "peer_mean",
    "peer_ratings",
    "peer_managers",
    "difference",
    "se",
    "z",
    "flag",
    "note",
]


def manager_consistency(ratings: pd.DataFrame, employees: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """Each manager's mean rating against peers at the same family and level (MANAGER_FLAG_RULE).

    Columns: manager_id, manager, families, ratings, compared, people, mean, peer_mean,
    peer_ratings, peer_managers, difference, se, z, flag ("lenient", "severe" or ""), note."""
    frame = rated(ratings, employees, cycle).dropna(subset=["rater"])
    return compare_managers(frame, people(employees))


def pooled_spread(frame: pd.DataFrame) -> float:
    """Standard deviation of ratings around each manager's own family-level mean, pooled:
    leniency moves a manager's mean, not this spread."""
    groups = frame.groupby(["rater", *CELL])["rating"]
    dev = frame["rating"] - groups.transform("mean")
    dof = len(frame) - groups.ngroups
    return math.sqrt(float((dev**2).sum()) / dof) if dof > 0 else math.nan


def compare_managers(frame: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """`frame`: rated manager ratings with rater, family, level, employee_id, rating."""
    frame = frame.dropna(subset=CELL)
    if frame.empty:
        return pd.DataFrame(columns=OUTPUT)
    spread = pooled_spread(frame)
    spread = SPREAD_FLOOR if math.isnan(spread) else max(spread, SPREAD_FLOOR)
    cells = (
        frame.groupby(["rater", *CELL])
        .agg(n=("rating", "size"), total=("rating", "sum"), people=("employee_id", "nunique"))
        .reset_index()
    )
    stats = _Peers(cells).flagged_one_by_one(spread)
    stats["note"] = [_note(row) for row in stats.to_dict("records")]

    totals = frame.groupby("rater").agg(
        ratings=("rating", "size"),
        families=("family", lambda s: ", ".join(sorted({str(v) for v in s.dropna()}))),
    )
    out = totals.join(stats, how="left").reset_index().rename(columns={"rater": "manager_id"})
    names = staff.set_index("employee_id")["name"]
    out["manager"] = fill_text(out["manager_id"].map(names), out["manager_id"])
    for col in ("compared", "people", "peer_ratings", "peer_managers"):
        out[col] = out[col].fillna(0).astype(int)
    out["flag"] = fill_text(out["flag"], "")
    out["note"] = fill_text(out["note"], "no peers at the same family and level")
    order = -out["z"].abs().fillna(-1.0)
    out = out.assign(_o=order).sort_values(["_o", "manager_id"], kind="stable")
    return out[OUTPUT].reset_index(drop=True)


class _Peers:
    """Per manager: compared ratings, mean, weighted peer mean, SE and score, with flagged
    managers left out of everyone else's peers. Plain numpy over the (manager, family-level)
    rows, worked out once per flagged manager (a hundred at 10,000 people): what does not
    depend on who is flagged (managers, cells, counts) is worked out once, and the table is
    built once, at the end."""

    def __init__(self, cells: pd.DataFrame) -> None:
        self.raters, self.r = np.unique(cells["rater"].to_numpy(dtype=str), return_inverse=True)
        self.k = cells.groupby(CELL, sort=False).ngroup().to_numpy()
        self.n = cells["n"].to_numpy(dtype=float)
        self.total = cells["total"].to_numpy(dtype=float)
        self.people = cells["people"].to_numpy(dtype=float)

    def flagged_one_by_one(self, spread: float) -> pd.DataFrame:
        """Managers tested most extreme first (the first in ID order among equals); once
        flagged, a manager leaves the others' peers and keeps the numbers flagged on. Columns:
        compared, people, mean, peer_mean, peer_ratings, peer_managers, difference, se, z,
        eligible, flag; one row per manager with compared ratings."""
        flagged = np.zeros(len(self.raters), dtype=bool)
        kept: dict[int, dict[str, Any]] = {}  # position -> the numbers flagged on
        while True:
            stats = self.peers(flagged, spread)
            hits = (
                stats["has"]
                & ~flagged
                & stats["eligible"]
                & (np.abs(stats["difference"]) >= MIN_DIFFERENCE)
                & (np.abs(stats["z"]) >= MIN_Z)
            )
            if not hits.any():
                break
            worst = int(np.argmax(np.where(hits, np.abs(stats["z"]), -np.inf)))
            flagged[worst] = True
            kept[worst] = {name: values[worst] for name, values in stats.items()}
        for at, numbers in kept.items():
            for name, value in numbers.items():
                stats[name][at] = value
        rows = (stats["has"] & ~flagged) | flagged
        out = pd.DataFrame(
            {name: stats[name][rows] for name in _STATS},
            index=pd.Index(self.raters[rows], name="rater"),
        )
        up = out["difference"].to_numpy() > 0
        out["flag"] = np.where(flagged[rows], np.where(up, "lenient", "severe"), "")
        return out

    def peers(self, flagged: np.ndarray, spread: float) -> dict[str, np.ndarray]:
        """Each manager's numbers (by position in `raters`) with the `flagged` ones left out
        of everyone else's peers; "has": whether the manager has compared ratings."""
        r, k, n, total = self.r, self.k, self.n, self.total
        own = (~flagged)[r].astype(float)  # counted in peers' baselines
        big_k, big_r = int(k.max()) + 1, len(self.raters)
        peer_n = np.bincount(k, n * own, big_k)[k] - own * n
        peer_total = np.bincount(k, total * own, big_k)[k] - own * total
        peer_mgrs = np.bincount(k, own, big_k)[k] - own
        ok = peer_n > 0
        safe_n = np.where(ok, peer_n, 1.0)
        peer_mean = np.where(ok, peer_total / safe_n, 0.0)

        def per_rater(values: np.ndarray) -> np.ndarray:
            return np.bincount(r, np.where(ok, values, 0.0), big_r)

        compared = per_rater(n)
        has = compared > 0
        denom = np.where(has, compared, 1.0)
        share = n / denom[r]
        most_peers = np.zeros(big_r)
        np.maximum.at(most_peers, r[ok], peer_mgrs[ok])
        out = {
            "compared": compared.astype(int),
            "people": per_rater(self.people).astype(int),
            "mean": per_rater(total) / denom,
            "peer_mean": per_rater(n * peer_mean) / denom,
            "peer_ratings": per_rater(peer_n).astype(int),
            "peer_managers": most_peers.astype(int),
        }
        out["difference"] = out["mean"] - out["peer_mean"]
        with np.errstate(divide="ignore", invalid="ignore"):  # managers without: not kept
            out["se"] = spread * np.sqrt(1.0 / compared + per_rater(share**2 / safe_n))
            out["z"] = out["difference"] / out["se"]
        out["eligible"] = (
            (out["compared"] >= MIN_RATINGS)
            & (out["people"] >= MIN_PEOPLE)
            & (out["peer_ratings"] >= MIN_PEER_RATINGS)
            & (out["peer_managers"] >= MIN_PEER_MANAGERS)
        )
        out["has"] = has
        return out


_STATS = ["compared", "people", "mean", "peer_mean", "peer_ratings", "peer_managers"]
_STATS += ["difference", "se", "z", "eligible"]


def _note(row: Any) -> str:
    """The row in plain words, never contradicting its numbers: "in line" only where the
    difference is small and the score too."""
    if row["compared"] < MIN_RATINGS or row["people"] < MIN_PEOPLE:
        return (
            f"too few ratings to compare: it takes {MIN_RATINGS} ratings of at least "
            f"{MIN_PEOPLE} people"
        )
    if row["peer_managers"] < MIN_PEER_MANAGERS or row["peer_ratings"] < MIN_PEER_RATINGS:
        return (
            f"too few peers to compare with: it takes {MIN_PEER_MANAGERS} other managers "
            "rating people at the same family and level"
        )
    difference, z = float(row["difference"]), float(row["z"])
    way = "higher" if difference > 0 else "lower"
    gap = f"{abs(difference):.2f} points {way} than peers on average"
    if row.get("flag"):
        return f"rates {gap}: more than chance explains ({row['flag']})"
    if abs(difference) >= MIN_DIFFERENCE:
        return f"rates {gap}, but on too few ratings to tell it from chance"
    if abs(z) >= MIN_Z:
        return (
            f"rates {gap}, consistently but by less than the {MIN_DIFFERENCE:g} points "
            "that are flagged"
        )
    return f"in line with peers ({gap})"
