"""The statuses and gaps a company's spec must give, from the product's definitions alone.

A reference written for reading by hand, over the spec's plain dicts (see spec.py); it shares
no code with ladder-sheets. The definitions (README "The definitions"):

- gap to current = manager rating - expectation at the person's level L; gap to next = rating -
  expectation at the next level N (next in Order on the same family and track); a blank
  expectation or a missing rating has no gap. One row per competency L or N expects.
- a cycle is operating at the next level when the manager rating meets or exceeds N's
  expectation in every competency N expects.
- Ready: in the cycle analysed (the latest with manager ratings), the average manager rating
  over the competencies L expects >= Min Average, no rating of a competency L or N expects
  below Min Each, the last Cycles At Next Level consecutive cycles operating at N, time in
  level (In Level Since to the end of the cycle, whole months / 3) >= Min Quarters In Level,
  and the evidence the step requires recorded. Ready pending sign-off: all that measurable
  holds, endorsement or calibration required and not recorded. Close: exactly one measurable
  criterion falls short (the floor counts once). Not yet: more. Top of track: no N.
  Insufficient data: a manager rating missing in the analysed cycle for a competency L or N
  expects, or no criteria for the step.
- Values exactly at a threshold meet it; only the manager's rating counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from companies.spec import Spec, quarter_end

READY = "Ready"
PENDING = "Ready pending sign-off"
CLOSE = "Close"
NOT_YET = "Not yet"
TOP = "Top of track"
INSUFFICIENT = "Insufficient data"


def next_level(spec: Spec, person: dict[str, Any]) -> str | None:
    same = [
        lv
        for lv in spec["levels"]
        if lv["family"] == person["family"] and lv["track"] == person["track"]
    ]
    same.sort(key=lambda lv: lv["order"])
    codes = [lv["level"] for lv in same]
    at = codes.index(person["level"])
    return codes[at + 1] if at + 1 < len(codes) else None


def expected_at(spec: Spec, family: str, level: str | None) -> dict[str, int]:
    if level is None:
        return {}
    out = {}
    for competency, by_level in spec["matrix"][family].items():
        value = by_level.get(level)
        if value is not None:
            out[competency] = value
    return out


def manager_ratings(spec: Spec, pid: str, cycle: str) -> dict[str, float]:
    return {
        r["competency"]: r["rating"]
        for r in spec["ratings"]
        if r["person"] == pid and r["cycle"] == cycle and r["rater"] == "manager"
    }


def analysed_cycle(spec: Spec) -> str:
    rated = {r["cycle"] for r in spec["ratings"] if r["rater"] == "manager"}
    return max(rated)


def months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def gaps(spec: Spec) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """(person id, competency) -> (gap to current, gap to next) in the analysed cycle."""
    cycle = analysed_cycle(spec)
    out: dict[tuple[str, str], tuple[float | None, float | None]] = {}
    for p in spec["people"]:
        cur = expected_at(spec, p["family"], p["level"])
        nxt = expected_at(spec, p["family"], next_level(spec, p))
        rated = manager_ratings(spec, p["id"], cycle)
        for c in set(cur) | set(nxt):
            r = rated.get(c)
            out[(p["id"], c)] = (
                r - cur[c] if r is not None and c in cur else None,
                r - nxt[c] if r is not None and c in nxt else None,
            )
    return out


def statuses(spec: Spec) -> dict[str, str]:
    return {p["id"]: status(spec, p) for p in spec["people"]}


def status(spec: Spec, p: dict[str, Any]) -> str:
    target = next_level(spec, p)
    if target is None:
        return TOP
    cycle = analysed_cycle(spec)
    cur = expected_at(spec, p["family"], p["level"])
    nxt = expected_at(spec, p["family"], target)
    rated = manager_ratings(spec, p["id"], cycle)
    step = next(
        (
            s
            for s in spec["criteria"]
            if s["family"] == p["family"] and s["from"] == p["level"] and s["to"] == target
        ),
        None,
    )
    if step is None or not nxt or any(c not in rated for c in set(cur) | set(nxt)):
        return INSUFFICIENT

    failed = 0
    average = sum(rated[c] for c in cur) / len(cur)
    if average < step["min_average"]:
        failed += 1
    if any(rated[c] < step["min_each"] for c in set(cur) | set(nxt)):
        failed += 1
    # consecutive cycles operating at the next level, counting back from the analysed one
    run = 0
    for earlier in reversed([c for c in spec["cycles"] if c <= cycle]):
        got = manager_ratings(spec, p["id"], earlier)
        if all(c in got and got[c] >= want for c, want in nxt.items()):
            run += 1
        else:
            break
    if run < step["cycles_at_next"]:
        failed += 1
    months = months_between(p["since"], quarter_end(cycle) + dt.timedelta(days=1))
    if months / 3 < step["min_quarters"]:
        failed += 1
    recorded = [e for e in spec["evidence"] if e["person"] == p["id"] and e["cycle"] == cycle]
    if step["scope"] and not any(e["scope"] for e in recorded):
        failed += 1
    if failed == 0:
        signed = all(
            not step[what] or any(e[what_recorded] for e in recorded)
            for what, what_recorded in (("endorsement", "endorsed"), ("calibration", "calibrated"))
        )
        return READY if signed else PENDING
    return CLOSE if failed == 1 else NOT_YET
