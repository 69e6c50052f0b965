"""A company's facts as plain Python dicts, before any convention is applied.

A spec is what the company means: its levels, competencies, expectations, criteria, people and
ratings, with canonical codes (track "IC" / "Management", cycles "2026-Q2", quarters for time).
The workbook and export writers render it in the company's own words; expect.py computes the
statuses and gaps from it. Nothing here runs ladder-sheets.

Keys of a spec:
- levels: {family, track, level, title, order, min_quarters}
- competencies: {name, category, family (None: every family)}
- matrix: {family: {competency: {level: expected or None}}}
- criteria: {family, from, to, min_average, min_each, cycles_at_next, min_quarters, scope,
  endorsement, calibration}
- people: {id, first, last, name, email, tool_id (the review tool's ID), manager (an id or
  None), family, track, level, since}
- cycles: canonical quarters, oldest first; labels: {quarter: the company's name for the cycle}
- ratings: {cycle, person, competency, rating, rater (manager/self/peer/upward/additional: a
  dotted-line manager), reviewer}
- evidence: {cycle, person, scope, endorsed, calibrated}
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

Spec = dict[str, Any]

# fmt: off
FIRST = [
    "Alvar", "Brisa", "Corwin", "Dalia", "Emrys", "Fenna", "Gideon", "Halla", "Ilario", "Jorun",
    "Kesi", "Lorcan", "Maelis", "Nilo", "Orla", "Pavo", "Quilla", "Rasmus", "Saoirse", "Tavi",
    "Ulla", "Vesper", "Wren", "Xiomar", "Yaretzi", "Zoltan", "Anouk", "Bastien", "Cosima",
    "Dorian", "Elske", "Florin", "Greer", "Hollis", "Isolde", "Jasper", "Kalinda", "Leander",
    "Aurélie", "Søren", "Zoë", "Inès",
]
LAST = [
    "Ashgrove", "Brambell", "Caddick", "Dunmore", "Elsworth", "Farrow", "Glenister", "Hartwell",
    "Inchbold", "Jessop", "Kettering", "Lowther", "Marchbank", "Nettleford", "Oakhurst",
    "Pemberton", "Quarrie", "Rookwood", "Saltmarsh", "Thistlewood", "Underhay", "Vantongeren",
    "Wexcombe", "Yarwood", "Zennor", "Abercairn", "Blackmoor", "Cresswell", "Dinsdale",
]
# fmt: on

# Competency pools: (name, category); the first three are core, the rest functional.
CORE = [("Communication", "Core"), ("Ownership", "Core"), ("Collaboration", "Core")]
FUNCTIONAL = {
    "Engineering": ["System Design", "Code Quality", "Operational Excellence"],
    "Sales": ["Pipeline Management", "Negotiation", "Account Planning"],
    "Design": ["Interaction Design", "Visual Craft", "User Research"],
    "Operations": ["Process Improvement", "Vendor Management", "Forecasting"],
    "Marketing": ["Campaign Strategy", "Brand Voice", "Analytics"],
    "Customer Success": ["Onboarding", "Renewals", "Escalation Handling"],
    "Data": ["Statistics", "Data Modelling", "Experimentation"],
    "Finance": ["Financial Modelling", "Close Process", "Audit Readiness"],
}

PROFILES = ["ready", "close", "notyet", "random", "insufficient", "ready", "random", "pending"]


def quarter_end(cycle: str) -> dt.date:
    year, q = (int(p) for p in cycle.split("-Q"))
    month = q * 3
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def quarters(first: str, count: int, step: int = 1) -> list[str]:
    """`count` quarters from `first`, `step` apart ("2026-Q1", 3 -> Q1, Q2, Q3)."""
    year, q = (int(p) for p in first.split("-Q"))
    index = year * 4 + q - 1
    return [f"{(index + i * step) // 4}-Q{(index + i * step) % 4 + 1}" for i in range(count)]


def build(
    name: str,
    *,
    seed: int,
    families: dict[str, dict[str, list[str]]],
    people: int,
    cycles: list[str],
    competencies: int = 5,
    min_average: float = 3.5,
    min_each: float = 3,
    cycles_at_next: int = 1,
    min_quarters: int = 4,
    endorsement: bool = True,
    calibration: bool = False,
    scope: bool = False,
    peers: int = 2,
    self_ratings: bool = True,
    upward: bool = False,
    additional: bool = False,
    evidence: bool = True,
    titles: dict[str, str] | None = None,
) -> Spec:
    """A small company: `families` maps each family to its tracks and their level codes in
    order ({"Engineering": {"IC": ["E1", "E2", "E3"], "Management": ["M1", "M2"]}}).

    Expectations rise with the level; every person gets a profile (ready, close, ...) so that
    the company shows every status, then ratings are drawn around it. The statuses themselves
    are decided by expect.py from the ratings, never by the profile."""
    rng = random.Random(seed)
    spec: Spec = {"name": name, "cycles": list(cycles), "labels": {c: c for c in cycles}}
    levels: list[dict[str, Any]] = []
    for family, tracks in families.items():
        for track, codes in tracks.items():
            for i, code in enumerate(codes):
                title = (titles or {}).get(code) or f"{family} {track} {i + 1}"
                levels.append(
                    dict(
                        family=family,
                        track=track,
                        level=code,
                        title=title,
                        order=i + 1 + (10 if track == "Management" else 0),
                        min_quarters=min_quarters,
                    )
                )
    spec["levels"] = levels

    comps: list[dict[str, Any]] = []
    core_count = max(2, competencies - 2)
    for c, category in CORE[:core_count]:
        comps.append(dict(name=c, category=category, family=None))
    for family in families:
        for c in FUNCTIONAL[family][: competencies - core_count]:
            comps.append(dict(name=c, category="Functional", family=family))
    spec["competencies"] = comps

    matrix: dict[str, dict[str, dict[str, int | None]]] = {}
    for family, tracks in families.items():
        own = [c["name"] for c in comps if c["family"] in (None, family)]
        matrix[family] = {c: {} for c in own}
        for c_index, c in enumerate(own):
            offset = (-1, 0, 0, 1)[(c_index + seed) % 4]
            for track, codes in tracks.items():
                for i, code in enumerate(codes):
                    value: int | None = max(1, min(5, 2 + i + offset))
                    # a functional competency the management track does not rate at its first
                    # level: a blank expectation (no gap, not needed)
                    if track == "Management" and i == 0 and c_index == len(own) - 1:
                        value = None
                    matrix[family][c][code] = value
    spec["matrix"] = matrix

    criteria = []
    for family, tracks in families.items():
        for _track, codes in tracks.items():
            for a, b in zip(codes, codes[1:], strict=False):
                criteria.append(
                    {
                        "family": family,
                        "from": a,
                        "to": b,
                        "min_average": min_average,
                        "min_each": min_each,
                        "cycles_at_next": cycles_at_next,
                        "min_quarters": min_quarters,
                        "scope": "Has led a project with three or more teams" if scope else None,
                        "endorsement": endorsement,
                        "calibration": calibration,
                    }
                )
    spec["criteria"] = criteria

    # People: the first of each family is its head (top management level, or top IC level);
    # the others report to the head or to a first-line manager.
    used: set[str] = set()
    staff: list[dict[str, Any]] = []
    family_names = list(families)
    last_cycle_end = quarter_end(cycles[-1])
    for n in range(people):
        family = family_names[n % len(family_names)]
        tracks = families[family]
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if f"{first} {last}" not in used:
                used.add(f"{first} {last}")
                break
        head = next((p for p in staff if p["family"] == family), None)
        if head is None:
            track = "Management" if "Management" in tracks else "IC"
            level = tracks[track][-1]
            manager = staff[0]["id"] if staff else None
        else:
            track = rng.choice(list(tracks)) if n % 3 else "IC"
            level = rng.choice(tracks[track][:-1] or tracks[track])
            managers = [p for p in staff if p["family"] == family and p["track"] == "Management"]
            manager = rng.choice(managers)["id"] if managers else head["id"]
        months_in = rng.choice([3, 7, 13, 18, 25, 30])
        since_month = last_cycle_end.year * 12 + last_cycle_end.month - months_in
        since = dt.date(since_month // 12, since_month % 12 + 1, 1)
        slug = f"{first}.{last}".lower()
        staff.append(
            dict(
                id=f"{name[:2].upper()}{100 + n}",
                first=first,
                last=last,
                name=f"{first} {last}",
                email=f"{slug}@{name.lower().replace(' ', '')}.example",
                # the review tool's own ID for the person (some exports key people by it)
                tool_id=f"usr_{(seed * 7919 + n * 104729) % 65536:04x}",
                manager=manager,
                family=family,
                track=track,
                level=level,
                since=since,
                profile=PROFILES[(n + seed) % len(PROFILES)],
            )
        )
    spec["people"] = staff

    ratings: list[dict[str, Any]] = []
    evidence_rows: list[dict[str, Any]] = []
    order = {(lv["family"], lv["track"]): [] for lv in levels}
    for lv in levels:
        order[(lv["family"], lv["track"])].append(lv["level"])
    for p in staff:
        codes = order[(p["family"], p["track"])]
        at = codes.index(p["level"])
        nxt = codes[at + 1] if at + 1 < len(codes) else None
        fam = matrix[p["family"]]
        for k, cycle in enumerate(cycles):
            latest = k == len(cycles) - 1
            for c, by_level in fam.items():
                cur, want = by_level.get(p["level"]), by_level.get(nxt) if nxt else None
                if cur is None and want is None:
                    continue
                base = max(x for x in (cur, want) if x is not None)
                profile = p["profile"]
                if profile in ("ready", "pending"):
                    value = max(base, 4 if min_average > 3 else 3, int(min_each))
                elif profile == "close":
                    value = max(base, 4, int(min_each))
                    if latest and c == next(iter(fam)):
                        value = max(1, (want or base) - 1)
                elif profile == "notyet":
                    value = max(1, (cur or base) - 1) if c != next(iter(fam)) else cur or base
                else:
                    value = max(1, min(5, (cur or base) + rng.choice([-1, 0, 0, 1, 1])))
                value = min(5, value)
                if profile == "insufficient" and latest and c == list(fam)[-2]:
                    pass  # the manager skipped this competency in the latest cycle
                else:
                    ratings.append(
                        dict(
                            cycle=cycle,
                            person=p["id"],
                            competency=c,
                            rating=value,
                            rater="manager",
                            reviewer=p["manager"],
                        )
                    )
                if self_ratings:
                    ratings.append(
                        dict(
                            cycle=cycle,
                            person=p["id"],
                            competency=c,
                            rating=min(5, value + rng.choice([0, 1])),
                            rater="self",
                            reviewer=p["id"],
                        )
                    )
                colleagues = [q for q in staff if q["family"] == p["family"] and q is not p]
                for q in colleagues[:peers]:
                    # peers rate differently from the manager: counting them would show
                    ratings.append(
                        dict(
                            cycle=cycle,
                            person=p["id"],
                            competency=c,
                            rating=1 if value >= 3 else 5,
                            rater="peer",
                            reviewer=q["id"],
                        )
                    )
                if additional and p["manager"] and p["manager"] != staff[0]["id"]:
                    # a dotted-line manager (the head) rates too: context, never readiness
                    ratings.append(
                        dict(
                            cycle=cycle,
                            person=p["id"],
                            competency=c,
                            rating=1 if value >= 3 else 5,
                            rater="additional",
                            reviewer=staff[0]["id"],
                        )
                    )
                if upward and p["track"] == "Management":
                    for q in [q for q in staff if q["manager"] == p["id"]][:2]:
                        ratings.append(
                            dict(
                                cycle=cycle,
                                person=p["id"],
                                competency=c,
                                rating=2,
                                rater="upward",
                                reviewer=q["id"],
                            )
                        )
        if evidence and p["profile"] == "ready":
            evidence_rows.append(
                dict(cycle=cycles[-1], person=p["id"], scope=True, endorsed=True, calibrated=True)
            )
    spec["ratings"] = ratings
    spec["evidence"] = evidence_rows
    return spec


def person(spec: Spec, pid: str | None) -> dict[str, Any] | None:
    return next((p for p in spec["people"] if p["id"] == pid), None)
