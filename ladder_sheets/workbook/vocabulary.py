"""What a header means, word by word: each concept (a canonical column of a table) is found by
the words of its header, not by a list of whole headers.

Every word of a header is mapped to a sense ("grade", "band", "tier" -> LEVEL; "supervisor",
"boss" -> MANAGER); a concept is one or more patterns of senses that must all be present
(in_level_since: LEVEL and SINCE, or ROLE and DATE, ...) plus senses that may qualify it
without changing it ("career", "job", "compensation" before LEVEL). A header's score for a
concept is the share of its words the concept explains, so "Compensation Grade" and "Career
Level" both score 1.0 for level, "Level Notes" 0.5. When two concepts explain the same words
the one whose pattern ends later in the header wins ("Job Title Level" is a level, "Level
Title" a title): English puts the head noun last.

    >>> score("employees", "in_level_since", "Grade Since").score
    1.0
    >>> best("employees", "Ladder")[0]
    'track'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ladder_sheets.values import clean_text, normalize_header
from ladder_sheets.workbook.aliases import header_key

# Phrases folded to one word before the words are looked up.
PHRASES = {
    "e mail": "email",
    "sign off": "signoff",
    "signed off": "signoff",
    "first name": "firstname",
    "given name": "firstname",
    "forename": "firstname",
    "last name": "lastname",
    "family name": "lastname",
    "surname": "lastname",
    "reports to": "reportsto",
    "reporting to": "reportsto",
    "as of": "since",
    "no rating below": "floor",
    "at least": "min",
    "what it means": "definition",
    "people leader": "manager",
}

# word -> sense. A word not listed is its own sense (patterns may name plain words).
SENSES: dict[str, str] = {}
for _meaning, _words in {
    "LEVEL": "level levels grade grades band tier lvl",
    "ORDER": "order rank seq sequence sort position step seniority ordering index",
    "TRACK": "track ladder stream path",
    "FAMILY": "family department dept function discipline division",
    "TITLE": "title titles",
    "ROLE": "role job position",
    "SCOPE": "scope autonomy summary",
    "TIME": "quarters quarter months month years year time tenure duration",
    "MIN": "min minimum lowest least floor required needed need req must require",
    "MAX": "max maximum highest top ceiling",
    "AVERAGE": "average avg mean",
    "RATING": "rating ratings score scores rate",
    "EACH": "each every per any single individual all",
    "CYCLE": "cycles cycle periods period reviews",
    "NEXT": "next higher above target",
    "CONSECUTIVE": "consecutive successive running straight",
    "ENDORSE": "endorsement endorsed endorse signoff approval approved sponsor sponsorship",
    "CALIBRATION": "calibration calibrated calibrate",
    "FROM": "from current",
    "TO": "to",
    "PAY": "pay salary compensation comp",
    "MANAGER": "manager supervisor boss mgr reportsto lm",
    "ID": "id ids number no num code key #",
    "PERSON": "employee emp staff person worker associate member user reviewee ee people",
    "NAME": "name",
    "EMAIL": "email mail address",
    "SINCE": "since start started promoted effective entered began",
    "DATE": "date day dated when",
    "COMPETENCY": "competency competencies skill skills competence capability capabilities "
    "area dimension attribute",
    "CATEGORY": "category type kind group class",
    "DEFINITION": "definition description meaning means",
    "EXPECTED": "expected expectation expectations proficiency",
    "BEHAVIOR": "behavior behaviour behaviors behaviours indicator indicators",
    "RATER": "rater raters",
    "REVIEWER": "reviewer evaluator assessor",
    "EVIDENCE": "evidence comment comments",
    "NOTE": "note notes remark remarks",
    "SOURCE": "source origin",
    "IMPORTED": "imported import",
    "MET": "met achieved meets",
    "YES": "confirmed yes",
    "STATUS": "status active inactive employed employment",
    "LEAVING": "leaver leavers left leaving leave terminated termination exit exited "
    "separation separated departure departed",
}.items():
    for _w in _words.split():
        SENSES[_w] = _meaning

# Words that carry no meaning of their own: explained by any concept, never counted.
STOP = {"a", "an", "the", "at", "in", "of", "for", "by", "and", "on", "with", "is", "it", "s"}

# The units a time-in-level header may be in, as quarters per unit.
UNITS = {"quarter": 1.0, "month": 1 / 3, "year": 4.0, "week": 1 / 13, "day": 1 / 91.3125}
_UNIT = re.compile(r"\b(quarter|month|year|week|day)s?\b")


@dataclass(frozen=True)
class Concept:
    """A canonical column: patterns (tuples of senses that must all be present; a sense
    written with "|" accepts any of its alternatives), and qualifiers (sense -> how much of a
    word it explains)."""

    patterns: tuple[tuple[str, ...], ...]
    qualifiers: dict[str, float] = field(default_factory=dict)
    forbid: frozenset[str] = frozenset()


def _c(*patterns: str, q: str = "", weak: str = "", forbid: str = "") -> Concept:
    # a sense the pattern needs explains a second word of the same sense ("Seniority Order")
    quals = {s: 1.0 for p in patterns for e in p.split() for s in e.split("|")}
    quals.update({s: 1.0 for s in q.split()})
    quals.update({s: 0.8 for s in weak.split()})
    return Concept(tuple(tuple(p.split()) for p in patterns), quals, frozenset(forbid.split()))


_FAMILY = _c("FAMILY", q="ROLE career name NAME", forbid="FROM TO")
_LEVEL = _c(
    "LEVEL",
    q="career ROLE TITLE compensation PAY current ID",
    forbid="SINCE DATE TIME FROM TO ORDER MIN MAX NEXT",
)
_COMPETENCY = _c("COMPETENCY", q="NAME ID", forbid="CATEGORY DEFINITION")
_CYCLE = _c("CYCLE", "quarter", "review", q="review performance NAME ID", forbid="NEXT")
_EMPLOYEE = _c("PERSON ID", "ID", q="PERSON ID", forbid="MANAGER NAME REVIEWER EMAIL")
_MIN_QUARTERS = _c(
    "TIME",
    q="MIN LEVEL ROLE in",
    forbid="NEXT CYCLE SINCE DATE",
)

CONCEPTS: dict[str, dict[str, Concept]] = {
    "levels": {
        "family": _FAMILY,
        "track": _c("TRACK", q="career ROLE", forbid="FROM TO"),
        "level": _LEVEL,
        "title": _c("TITLE", "ROLE", "NAME", q="LEVEL ROLE", forbid="ORDER"),
        "order": _c("ORDER", q="LEVEL", forbid="MIN MAX"),
        "scope": _c("SCOPE", q="and"),
        "min_quarters": _MIN_QUARTERS,
        "band_min": _c("MIN PAY|band", q="PAY LEVEL"),
        "band_max": _c("MAX PAY|band", q="PAY LEVEL"),
    },
    "competencies": {
        "competency": _COMPETENCY,
        "category": _c("CATEGORY", q="COMPETENCY"),
        "family": _FAMILY,
        "definition": _c("DEFINITION", q="COMPETENCY"),
    },
    "expectations": {
        "family": _FAMILY,
        "competency": _COMPETENCY,
        "level": _c("LEVEL", q="ROLE career", forbid="EXPECTED"),
        "expected": _c("EXPECTED", q="LEVEL RATING MIN", forbid="BEHAVIOR DEFINITION"),
    },
    "behaviors": {
        "family": _FAMILY,
        "competency": _COMPETENCY,
        "level": _c("LEVEL", q="ROLE career", forbid="BEHAVIOR"),
        "behavior": _c("BEHAVIOR", "DEFINITION", q="EXPECTED LEVEL"),
    },
    "criteria": {
        "family": _FAMILY,
        "from_level": _c("FROM LEVEL", "FROM", q="LEVEL"),
        "to_level": _c("TO LEVEL", "NEXT LEVEL", "TO", q="LEVEL", forbid="CYCLE TIME"),
        "min_average": _c("AVERAGE", q="MIN RATING allowed LEVEL"),
        "min_each": _c(
            "MIN EACH",
            "MIN RATING",
            "MIN COMPETENCY",
            "MIN allowed",
            "floor",
            "MIN",
            q="EACH RATING COMPETENCY allowed",
            forbid="AVERAGE TIME CYCLE PAY",
        ),
        "cycles_at_next": _c(
            "CYCLE NEXT", "TIME NEXT", "CONSECUTIVE", q="LEVEL CONSECUTIVE MIN operating"
        ),
        "min_quarters": _MIN_QUARTERS,
        "scope_criteria": _c("SCOPE", q="criteria MIN"),
        "requires_endorsement": _c("ENDORSE", q="MIN MANAGER"),
        "requires_calibration": _c("CALIBRATION", q="MIN YES"),
    },
    "paths": {
        "kind": _c("CATEGORY", "move", q="TRACK"),
        "from_family": _c("FROM FAMILY", q="ROLE"),
        "from_level": _c("FROM LEVEL", "FROM", q="LEVEL"),
        "to_family": _c("TO FAMILY", q="ROLE"),
        "to_level": _c("TO LEVEL", "TO", q="LEVEL"),
        "transferable_skills": _c("transferable", "transfer", q="COMPETENCY that"),
        "gaps_to_close": _c("gaps", "gap", "build", q="close to COMPETENCY"),
        "requirements": _c("requirements", "criteria", "conditions"),
    },
    "employees": {
        "employee_id": _EMPLOYEE,
        "name": _c("NAME", "PERSON", q="full PERSON display", forbid="MANAGER ID EMAIL FAMILY"),
        "email": _c("EMAIL", q="work PERSON", forbid="MANAGER"),
        "manager_id": _c("MANAGER", q="ID line direct PERSON", weak="EMAIL NAME"),
        "family": _FAMILY,
        "track": _c("TRACK", q="career ROLE", forbid="FROM TO"),
        "level": _LEVEL,
        "in_level_since": _c(
            "SINCE",
            "LEVEL DATE",
            "ROLE DATE",
            "DATE in LEVEL|ROLE",
            q="LEVEL ROLE in DATE current",
        ),
        "status": _c(
            "STATUS",
            "LEAVING",
            q="PERSON worker FROM",
            forbid="DATE SINCE ID NAME EMAIL CATEGORY RATING CALIBRATION ENDORSE review",
        ),
        "left_on": _c("LEAVING DATE", "LEAVING on", "last DATE", "end DATE", q="working PERSON"),
    },
    "history": {
        "cycle": _CYCLE,
        "employee_id": _EMPLOYEE,
        "competency": _COMPETENCY,
        "rating": _c("RATING", q="value"),
        "rater_type": _c("RATER", "review CATEGORY", q="CATEGORY review", forbid="NAME ID"),
        "reviewer": _c("REVIEWER", "rated", q="ID NAME by RATER", weak="RATER"),
        "evidence": _c("EVIDENCE", q="RATING"),
        "source": _c("SOURCE", q="file IMPORTED"),
        "imported_at": _c("IMPORTED", q="DATE at"),
    },
    "evidence": {
        "cycle": _CYCLE,
        "employee_id": _EMPLOYEE,
        "scope_met": _c("SCOPE", q="MET criteria"),
        "endorsed": _c("ENDORSE", q="MANAGER"),
        "calibrated": _c("CALIBRATION", q="YES"),
        "note": _c("NOTE", "EVIDENCE"),
        "source": _c("SOURCE"),
    },
}

# Pairs of concepts whose header words are read together: ("First Name", "Last Name") -> name.
COMBINED = {("employees", "name"): ("firstname", "lastname")}


@dataclass(frozen=True)
class Score:
    score: float  # share of the header's words the concept explains, 0..1
    head: int  # position of the last word the pattern needed (the later, the more it is meant)
    words: tuple[str, ...]  # the words that carried the meaning


NO_SCORE = Score(0.0, -1, ())


def words(text: object) -> list[str]:
    """The words of a header, phrases folded, a bracketed note at its end dropped."""
    if isinstance(text, str):
        return list(_header_words(text))  # every concept of a table scores the same cell
    return list(_header_words.__wrapped__(text))


@functools.lru_cache(maxsize=16384)
def _header_words(text: object) -> tuple[str, ...]:
    key = " " + header_key(text) + " "
    for phrase, word in PHRASES.items():
        key = key.replace(f" {phrase} ", f" {word} ")
    return tuple(w for w in key.split(" ") if w)


def _sense(word: str) -> str:
    return SENSES.get(word) or SENSES.get(word.rstrip("s")) or word


def _matches(element: str, sense: str, word: str) -> bool:
    return any(alt in (sense, word) for alt in element.split("|"))


def score(table: str, column: str, text: object) -> Score:
    if isinstance(text, str):
        return _score(table, column, text)  # headers repeat: each row searched, each concept
    return _score.__wrapped__(table, column, text)


@functools.lru_cache(maxsize=16384)
def _score(table: str, column: str, text: object) -> Score:
    concept = CONCEPTS[table].get(column)
    ws = words(text)
    if concept is None or not ws:
        return NO_SCORE
    senses = [_sense(w) for w in ws]
    if any(s in concept.forbid for s in senses):
        return NO_SCORE
    best = NO_SCORE
    for pattern in concept.patterns:
        used: dict[int, float] = {}
        head = -1
        for element in pattern:
            at = next(
                (
                    i
                    for i, (s, w) in enumerate(zip(senses, ws, strict=True))
                    if i not in used and _matches(element, s, w)
                ),
                None,
            )
            if at is None:
                break
            used[at] = 1.0
            head = max(head, at)
        else:
            counted = 0
            explained = 0.0
            for i, (s, w) in enumerate(zip(senses, ws, strict=True)):
                if w in STOP:
                    continue
                counted += 1
                explained += (
                    used.get(i) or concept.qualifiers.get(s) or concept.qualifiers.get(w, 0.0)
                )
            share = round(explained / counted, 3) if counted else 0.0
            found = Score(share, head, tuple(ws[i] for i in sorted(used)))
            if (found.score, found.head) > (best.score, best.head):
                best = found
    return best


def best(table: str, text: object) -> tuple[str, Score] | None:
    """The concept a header most likely names on a table, or None."""
    ranked = sorted(
        ((c, score(table, c, text)) for c in CONCEPTS[table]),
        key=lambda cs: (cs[1].score, cs[1].head),
        reverse=True,
    )
    return ranked[0] if ranked and ranked[0][1].score > 0 else None


def unit_of(text: object) -> tuple[str, float] | None:
    """The unit of time a header names ("Min Months In Level" -> month, 1/3 quarter)."""
    found = _UNIT.search(normalize_header(clean_text(text) or ""))
    return (found.group(1), UNITS[found.group(1)]) if found else None
