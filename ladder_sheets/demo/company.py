"""Acme Corp, the invented sample company: its framework, its people and a year of ratings.

Seeded and deterministic. `generate_company` returns the data as Python structures (so tests
and benchmarks can build companies of other sizes); `demo.exports.build_samples` writes the
bundled `samples/` folder: the framework workbook, four review exports in four formats and a
README.
Every person is invented.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from ladder_sheets.demo.example import (
    CORE,
    CROSSOVER_AND_RETURN,
    Family,
    FrameworkContent,
    engineering,
)
from ladder_sheets.demo.families import PEOPLE_LATERAL, SALES_LATERAL, people, sales
from ladder_sheets.values import cycle_end

T = TypeVar("T")
CYCLES = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")

_FIRST = """
    José Zoë Łukasz Mária Søren Chloé Ngozi Aiyana Hiroshi Priya Mateo Élodie Björn Siobhán
    Kwame Ana Dmitri Leilani Farid Inés Olumide Mei Rafał Amara Tomás Ingrid Yusuf Camille
    Darius Esra Finn Greta Hamid Isla Jonas Kenji Lucía Malik Nadia Oskar Paloma Rhys Saoirse
    Tariq Ulla Valentina Wiremu Ximena Yara Zain
"""
_LAST = """
    García Novak Okafor Nakamura Müller Østergaard Fernández Kowalski Lindqvist O'Brien Dubois
    Haddad Mensah Costa Janssen Petrov Sato Moreau Nguyen Rossi Silva Yilmaz Kaur Andersen
    Brennan Ferreira Horvat Ibáñez Kim Laurent Mahlangu Nowak Papadopoulos Quispe Reyes Schäfer
    Tanaka Uçar Varga Wójcik Zhang Achebe Bianchi Castillo Dvořák Eriksen Fitzgerald Gómez
    Hakimi Iversen
"""
FIRST_NAMES, LAST_NAMES = _FIRST.split(), _LAST.split()
# Letters NFKD does not reduce to ASCII, for e-mail addresses.
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "'": ""})

COMMENTS = [
    "Ran the sprint demo for the whole group.",
    "Took over the release checklist this quarter.",
    "Needs to write things down earlier; plans lived in chat.",
    "Mentored the new joiner through their first on-call week.",
    "Closed out two long-open incidents with follow-ups.",
    "Great customer feedback on the renewal call.",
    "Missed two planning deadlines; agreed a check-in rhythm.",
    "Wrote the runbook everyone now uses.",
]
# The first rows of the first cycle carry the comments that exercise CSV and formula handling.
TRICKY_COMMENTS = [
    'Said "ship it, then fix it" twice, which we discussed',
    "=Exceeded target; see 1:1 notes",
    "+1 from the whole team, -0 concerns",
]

# Share of people (not at the top of their track) on each trajectory over the cycles.
PROFILES = {"ready": 12, "close": 15, "declining": 5, "steady": 68}


@dataclass
class Person:
    employee_id: str
    name: str
    email: str
    manager_id: str | None
    family: str
    track: str
    level: str
    in_level_since: dt.date
    # ready, close (one competency short), close-time (too recent in level), declining,
    # steady, or top (no next level)
    profile: str = "steady"

    def row(self) -> dict[str, object]:
        """The person as an Employees row (canonical columns)."""
        return {
            "employee_id": self.employee_id,
            "name": self.name,
            "email": self.email,
            "manager_id": self.manager_id,
            "family": self.family,
            "track": self.track,
            "level": self.level,
            "in_level_since": self.in_level_since,
        }


@dataclass
class Rating:
    cycle: str
    employee_id: str
    competency: str
    manager_rating: int
    reviewer: str
    self_rating: int | None = None
    comment: str | None = None


@dataclass
class Company:
    content: FrameworkContent
    people: list[Person]
    ratings: list[Rating]
    # (cycle, employee id) -> (scope criteria met, manager endorsement), for the last cycle
    evidence: dict[tuple[str, str], tuple[bool, bool]] = field(default_factory=dict)
    cycles: tuple[str, ...] = CYCLES

    def person(self, employee_id: str) -> Person:
        return self._by_id[employee_id]

    @cached_property
    def _by_id(self) -> dict[str, Person]:
        return {p.employee_id: p for p in self.people}

    def competencies(self) -> list[str]:
        """Every competency of the framework, core first, in framework order."""
        names = list(self.content.core)
        for f in self.content.families:
            names += [c for c in f.ladder if c not in names]
        return names


def acme_content() -> FrameworkContent:
    return FrameworkContent(
        families=[engineering(), sales(), people()],
        core=dict(CORE),
        paths=[*CROSSOVER_AND_RETURN, SALES_LATERAL, PEOPLE_LATERAL],
    )


def generate_company(n_people: int, seed: int = 7, cycles: Sequence[str] = CYCLES) -> Company:
    """An invented company of `n_people` with manager ratings for every cycle.

    Engineering is about two thirds of the company with a management chain CEO -> M3 -> M2
    -> M1 -> engineers; Sales and People report to their heads. Ratings follow each person's
    profile: "ready" people are rated at their next level's expectations in the last two
    cycles, "close" people fall short on exactly one measurable criterion, most are steady.
    """
    if n_people < 1:
        raise ValueError("a company needs at least one person")
    rng = random.Random(seed)
    content = acme_content()
    org = _Org(rng, content, tuple(cycles))
    org.build(n_people)
    ratings = [r for p in org.people for r in org.rate(p)]
    _sprinkle_comments(rng, ratings, tuple(cycles))
    content.employees = [p.row() for p in org.people]
    return Company(content, org.people, ratings, org.evidence, tuple(cycles))


class _Org:
    """Builds the reporting tree, then each person's ratings."""

    def __init__(self, rng: random.Random, content: FrameworkContent, cycles: tuple[str, ...]):
        self.rng = rng
        self.content = content
        self.cycles = cycles
        self.people: list[Person] = []
        self.by_id: dict[str, Person] = {}
        self.evidence: dict[tuple[str, str], tuple[bool, bool]] = {}
        self.bias: dict[str, int] = {}  # manager id -> leniency (+1) or severity (-1)
        self._names: set[str] = set()
        self._emails: set[str] = set()

    def build(self, n: int) -> None:
        n_sales, n_people_team = n * 20 // 100, n * 12 // 100
        n_eng = n - 1 - n_sales - n_people_team
        ceo = self.add(None, "Engineering", "Management", "M4")
        m3 = [self.add(ceo, "Engineering", "Management", "M3") for _ in range(n_eng // 50)]
        m2 = [
            self.add(self.rng.choice(m3 or [ceo]), "Engineering", "Management", "M2")
            for _ in range(n_eng // 30)
        ]
        n_m1 = max(1, n_eng // 9) if n_eng >= 3 else 0
        m1 = [
            self.add(m2[i % len(m2)] if m2 else ceo, "Engineering", "Management", "M1")
            for i in range(n_m1)
        ]
        weights = {"IC1": 8, "IC2": 22, "IC3": 28, "IC4": 22, "IC5": 12, "IC6": 6, "IC7": 2}
        for i in range(max(0, n_eng - len(m3) - len(m2) - len(m1))):
            self.add(m1[i % len(m1)] if m1 else ceo, "Engineering", "IC", self.pick(weights))
        if n_sales:
            head = self.add(ceo, "Sales", "IC", "IC5")
            leads = [self.add(head, "Sales", "IC", "IC4") for _ in range(max(1, n_sales // 9))]
            sales_weights = {"IC1": 30, "IC2": 40, "IC3": 30}
            for i in range(n_sales - 1 - len(leads)):
                self.add(leads[i % len(leads)], "Sales", "IC", self.pick(sales_weights))
        if n_people_team:
            head = self.add(ceo, "People", "IC", "IC4")
            for _ in range(n_people_team - 1):
                self.add(head, "People", "IC", self.pick({"IC1": 30, "IC2": 45, "IC3": 25}))
        for p in self.people:
            self.bias[p.employee_id] = self.pick({0: 70, 1: 20, -1: 10})

    def pick(self, weights: dict[T, int]) -> T:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def add(self, manager: Person | None, family: str, track: str, level: str) -> Person:
        fam = self.content.family(family)
        has_next = _next_level(fam, track, level) is not None
        profile = self.pick(PROFILES) if has_next and manager else "top"
        first, last = self._name()
        min_q = _min_quarters(fam, level)
        end = cycle_end(self.cycles[-1])
        earliest = dt.date(2019, 1, 1)
        latest = dt.date(2026, 6, 30)
        if profile in ("ready", "close"):
            latest = min(latest, end - dt.timedelta(days=math.ceil(91.5 * min_q) + 10))
        if profile == "close" and min_q and self.rng.random() < 0.3:
            # Everything else holds, but they entered the level a few weeks too recently.
            profile = "close-time"
            earliest = latest = end - dt.timedelta(days=int(91.5 * min_q) - 40)
        span = max((latest - earliest).days, 0)
        person = Person(
            employee_id=f"E{len(self.people) + 1:04d}",
            name=f"{first} {last}",
            email=self._email(first, last),
            manager_id=manager.employee_id if manager else None,
            family=family,
            track=track,
            level=level,
            in_level_since=earliest + dt.timedelta(days=self.rng.randint(0, span)),
            profile=profile,
        )
        self.people.append(person)
        self.by_id[person.employee_id] = person
        return person

    def _name(self) -> tuple[str, str]:
        for attempt in range(50):
            # Cycle through every first name so each one (accents included) appears.
            first = FIRST_NAMES[(len(self.people) + attempt) % len(FIRST_NAMES)]
            last = self.rng.choice(LAST_NAMES)
            if f"{first} {last}" not in self._names:
                break
        self._names.add(f"{first} {last}")
        return first, last

    def _email(self, first: str, last: str) -> str:
        def fold(s: str) -> str:
            s = unicodedata.normalize("NFKD", s.translate(_ASCII))
            return "".join(c for c in s if c.isascii() and c.isalnum()).lower()

        base = f"{fold(first)}.{fold(last)}"
        email, k = f"{base}@acme.example", 1
        while email in self._emails:
            k += 1
            email = f"{base}{k}@acme.example"
        self._emails.add(email)
        return email

    def rate(self, person: Person) -> list[Rating]:
        if person.manager_id is None:
            return []  # the CEO has no manager to rate them
        manager = self.by_id[person.manager_id]
        fam = self.content.family(person.family)
        comps = fam.competencies_for(person.track)
        nxt = _next_level(fam, person.track, person.level)
        cur = {c: fam.expected(c, person.level) or 3 for c in comps}
        nxt_exp = {c: fam.expected(c, nxt) or cur[c] for c in comps} if nxt else dict(cur)
        target = {c: max(cur[c], nxt_exp[c]) for c in comps}
        short = comps[0]
        if nxt is not None:
            min_average, min_each = fam.steps[(person.level, nxt)][:2]
            # The one competency a "close" person misses: it rises at the next level and one
            # below the next level still clears the floor, so only one criterion falls short.
            short = self.rng.choice(
                [c for c in comps if cur[c] < nxt_exp[c] and nxt_exp[c] - 1 >= min_each] or comps
            )
            if person.profile == "close":
                target[short] = max(1, nxt_exp[short] - 1)
            target = _lift_to_average(target, min_average, frozen={short})
        short_score = target[short]
        ratings = []
        n = len(self.cycles)
        for k, cycle in enumerate(self.cycles):
            from_end = n - k  # 1 = latest cycle
            for c in comps:
                if person.profile == "close" and c == short:
                    score = short_score if from_end <= 2 else cur[c]
                else:
                    score = self._score(person, manager, cur[c], target[c], from_end)
                ratings.append(Rating(cycle, person.employee_id, c, score, manager.name))
        self._evidence(person, ratings)
        return ratings

    def _score(self, person: Person, manager: Person, cur: int, target: int, from_end: int) -> int:
        if person.profile in ("ready", "close", "close-time"):
            # At the next level for the last two cycles, partly in the one before.
            if from_end <= 2:
                return target
            return target if from_end == 3 and self.rng.random() < 0.5 else cur
        noise = self.pick({-1: 15, 0: 60, 1: 25})
        if person.profile == "declining" and from_end <= 2:
            noise = -1
        bias = self.bias[manager.employee_id] if self.rng.random() < 0.5 else 0
        return min(5, max(1, cur + noise + bias))

    def _evidence(self, person: Person, ratings: list[Rating]) -> None:
        last = self.cycles[-1]
        ready = person.profile in ("ready", "close", "close-time")
        scope = ready and self.rng.random() < 0.9
        endorsed = ready and self.rng.random() < 0.8
        self.evidence[(last, person.employee_id)] = (scope, endorsed)
        # Most people self-assess in the last cycle; some skip it.
        if self.rng.random() < 0.85:
            for r in ratings:
                if r.cycle == last:
                    shift = self.pick({0: 45, 1: 35, -1: 20})
                    r.self_rating = min(5, max(1, r.manager_rating + shift))


def _next_level(family: Family, track: str, level: str) -> str | None:
    codes = family.level_codes(track)
    i = codes.index(level)
    return codes[i + 1] if i + 1 < len(codes) else None


def _min_quarters(family: Family, level: str) -> int:
    return next(s[3] for specs in family.tracks.values() for s in specs if s[0] == level)


def _lift_to_average(
    target: dict[str, int], min_average: float, frozen: Collection[str] = ()
) -> dict[str, int]:
    """Raise the lowest ratings one step at a time until the average reaches min_average."""
    out = dict(target)
    while sum(out.values()) / len(out) < min_average:
        movable = (c for c in out if out[c] < 5 and c not in frozen)
        low = min(movable, key=lambda c: out[c], default=None)
        if low is None:
            break
        out[low] += 1
    return out


def _sprinkle_comments(rng: random.Random, ratings: list[Rating], cycles: tuple[str, ...]) -> None:
    first = [r for r in ratings if r.cycle == cycles[0]]
    for r, text in zip(first, TRICKY_COMMENTS, strict=False):
        r.comment = text
    for r in ratings:
        if r.comment is None and rng.random() < 0.06:
            r.comment = rng.choice(COMMENTS)
