"""Export columns by meaning: the many names review tools give the same column.

Headers are compared compactly (case, spacing and punctuation ignored: "Employee ID",
"employee_id" and "EmployeeID" are one name). Each role lists its names best first; when two
columns answer to one role, the one with the better name wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ladder_sheets.exports.raters import ADDITIONAL, rater_kind
from ladder_sheets.values import clean_text, closest, normalize_header

# fmt: off
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": (
        "Employee ID", "Employee Number", "Employee No", "Employee #", "Emp ID", "Emp No",
        "Worker ID", "Person ID", "Staff ID", "Staff Number", "Employee Code", "Reviewee ID",
        "Subject ID", "User ID", "EID", "ID",
    ),
    "name": (
        "Name", "Employee Name", "Employee", "Full Name", "Reviewee", "Reviewee Name", "Worker",
        "Worker Name", "Person", "Subject", "Preferred Name",
    ),
    "competency": (
        "Competency", "Competency Name", "Skill", "Question", "Area", "Focus Area", "Dimension",
        "Attribute", "Criterion", "Criteria", "Behavior", "Behaviour", "Topic", "Goal", "Item",
    ),
    "rating": (
        "Rating", "Score", "Result", "Rating Value", "Score Value", "Response", "Answer",
        "Level Rating", "Final Rating", "Value",
    ),
    "manager_rating": (
        "Manager Rating", "Manager Score", "Manager Assessment", "Manager Result",
        "Manager Response", "Manager Review Rating", "Downward Rating",
    ),
    "self_rating": (
        "Self Rating", "Self Score", "Self Assessment", "Self Assessment Rating", "Self Result",
        "Self Response", "Self Review Rating", "Employee Rating", "Employee Self Rating",
    ),
    "peer_rating": ("Peer Rating", "Peer Score", "Peer Assessment"),
    "upward_rating": ("Upward Rating", "Upward Score", "Upward Assessment"),
    "cycle": (
        "Cycle", "Review Cycle", "Period", "Quarter", "Review Period", "Cycle Name",
        "Review Name", "Review", "Performance Cycle", "Performance Period", "Review Quarter",
        "Cycle End", "Review Date", "Period End",
    ),
    "reviewer": (
        "Reviewer", "Reviewer Name", "Rated By", "Manager", "Manager Name", "Assessor",
        "Evaluator", "Rater", "Rater Name", "Author", "Submitted By", "Reviewer ID",
        "Manager ID", "Reviewer Email", "Manager Email",
    ),
    "rater_type": (
        "Rater Type", "Relationship", "Reviewer Type", "Review Type", "Reviewer Role",
        "Rater Role", "Rater Relationship", "Perspective", "Source Type", "Feedback Type",
    ),
    "comment": (
        "Comments", "Comment", "Evidence", "Notes", "Note", "Feedback", "Justification",
        "Rationale", "Examples", "Remarks", "Explanation", "Rating Comment",
    ),
    "manager_comment": (
        "Manager Comment", "Manager Comments", "Manager Evidence", "Manager Notes",
        "Manager Feedback",
    ),
    "self_comment": (
        "Self Comment", "Self Comments", "Self Evidence", "Self Notes", "Self Feedback",
        "Employee Comment", "Employee Comments",
    ),
    "peer_comment": ("Peer Comment", "Peer Comments", "Peer Feedback"),
    "upward_comment": ("Upward Comment", "Upward Comments", "Upward Feedback"),
    "scope_met": (
        "Scope Criteria Met", "Scope Met", "Scope Criteria", "Scope", "Scope Achieved",
    ),
    "endorsed": (
        "Manager Endorsement", "Endorsed", "Endorsement", "Promotion Endorsed",
        "Manager Endorsed", "Recommended For Promotion", "Promotion Recommended",
    ),
    "calibrated": (
        "Calibration Confirmed", "Calibrated", "Calibration", "Calibration Status",
        "Confirmed In Calibration",
    ),
    "evidence_note": (
        "Promotion Evidence", "Evidence Note", "Promotion Note", "Promotion Notes",
        "Scope Evidence", "Promotion Case",
    ),
    # Columns exports carry that are not ratings: known, so a wide export never melts them.
    "ignored": (
        "Email", "Employee Email", "Work Email", "Department", "Team", "Division", "Location",
        "Office", "Job Title", "Title", "Position", "Role", "Level", "Grade", "Band",
        "Job Level", "Job Family", "Family", "Track", "Status", "Review Status", "State",
        "Hire Date", "Start Date", "Tenure", "Tenure Years", "Age", "Submitted", "Submitted At",
        "Submitted On", "Completed", "Completed At", "Completed On", "Date", "Created At",
        "Updated At", "Last Updated", "Overall", "Overall Rating", "Overall Score", "Average",
        "Average Rating", "Total", "Weight", "Manager Level", "Cost Center", "Country", "Region",
        "Company", "Business Unit", "Question ID", "Competency ID", "Row", "#", "No", "Number",
    ),
}

# Roles holding one rater's rating, and the rater type each stands for.
RATER_ROLES = {
    "manager_rating": "manager",
    "self_rating": "self",
    "peer_rating": "peer",
    "upward_rating": "upward",
}
COMMENT_ROLES = {
    "manager": "manager_comment",
    "self": "self_comment",
    "peer": "peer_comment",
    "upward": "upward_comment",
}
RATING_ROLE_OF = {kind: role for role, kind in RATER_ROLES.items()}
EVIDENCE_ROLES = ("scope_met", "endorsed", "calibrated", "evidence_note")
ROLES = tuple(r for r in ROLE_ALIASES if r != "ignored")

# fmt: on

_RATING_WORD = re.compile(r"^(?P<b>.+?)\s*[-\u2013:]?\s*(?:rating|score)$", re.I)
# "Communication [Manager]", "Manager rating [Communication]", "Communication (Self)"
_BRACKETS = re.compile(r"^(?P<a>.*?)\s*[(\[](?P<b>[^)\]]+)[)\]]\s*$")
# "Manager - Communication", "Self-Evaluation: Communication", "Communication | Peer"
_SEPARATOR = re.compile(r"\s+[-\u2013\u2014|/]\s+|\s*[:|]\s*|\s+[-\u2013\u2014]|[-\u2013\u2014]\s+")
_COMMENT_WORD = re.compile(
    r"^(?P<b>.+?)\s*[-\u2013:]?\s*(?:comments?|evidence|notes?|feedback)$", re.I
)


@functools.lru_cache(maxsize=1 << 16)
def compact(value: object) -> str:
    """A header reduced to letters and digits, for matching names."""
    return normalize_header(value).replace(" ", "")


_ALIAS_INDEX: dict[str, tuple[str, int]] = {}
for _role, _names in ROLE_ALIASES.items():
    for _rank, _name in enumerate(_names):
        _ALIAS_INDEX.setdefault(compact(_name), (_role, _rank))


# A scale written after a header, as review tools print it: "Score (1-5)", "Rating [1 to 4]",
# "Rating (out of 5)", "Score (/10)". Only numbers: "Communication (Self)" keeps its bracket.
_SCALE_NOTE = re.compile(
    r"\s*[(\[]\s*(?:\d+\s*(?:-|\u2013|to)\s*\d+|out\s+of\s+\d+|/\s*\d+)\s*[)\]]\s*$", re.I
)


_SCALE_RANGE = re.compile(r"[(\[]\s*(\d+)\s*(?:-|\u2013|to)\s*(\d+)\s*[)\]]\s*$", re.I)
_SCALE_TOP = re.compile(r"[(\[]\s*(?:out\s+of\s+|/\s*)(\d+)\s*[)\]]\s*$", re.I)


def stated_scale(header: str) -> tuple[int | None, int] | None:
    """The scale a header states after its name: "Score (1-10)" -> (1, 10), "Rating (out of
    5)" -> (None, 5) (no lowest point said); None where it states none."""
    text = clean_text(header) or ""
    if not _SCALE_NOTE.search(text):
        return None
    m = _SCALE_RANGE.search(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _SCALE_TOP.search(text)
    return (None, int(m.group(1))) if m else None


def role_of(header: str) -> tuple[str, int] | None:
    """The role a header names, with the rank of the name (0 is the best name); a scale
    written after the name is not part of it."""
    hit = _ALIAS_INDEX.get(compact(header))
    if hit is None:
        bare = _SCALE_NOTE.sub("", clean_text(header) or "")
        if bare:
            hit = _ALIAS_INDEX.get(compact(bare))
    return hit


# A question's text that names its competency at one end: "Communication: How clearly...",
# "Delivery - rate this person", "How well do they plan? (Delivery)", "... | Delivery".
_QUESTION_ENDS = (
    re.compile(r"^\s*([^:|\u2013\u2014]+?)\s*(?::|\s[-\u2013\u2014|]\s)"),
    re.compile(r"[(\[]([^)\]]+)[)\]]\s*$"),
    re.compile(r"(?:\s[-\u2013\u2014|]\s|:)\s*([^:|\u2013\u2014]+?)\s*$"),
)


def competency_in_text(text: str, known: dict[str, str]) -> str | None:
    """The one known competency a question's text names at its start or end ("Communication:
    How clearly does this person explain..." -> "Communication"); None where it names none or
    more than one (`known` maps compact names to the framework's spelling)."""
    parts = (m.group(1) for pattern in _QUESTION_ENDS if (m := pattern.search(text)))
    found = {known[compact(part)] for part in parts if compact(part) in known}
    return found.pop() if len(found) == 1 else None


def names_competency(value: object, known: dict[str, str]) -> str | None:
    """The competency a cell names, as a name ("delivery") or a question's text naming one
    at its start or end ("Delivery: how well do they plan?"); None otherwise."""
    text = clean_text(value) if isinstance(value, str) else None
    if not text:
        return None
    return known.get(compact(text)) or competency_in_text(text, known)


def header_readings(header: str) -> list[tuple[str, str | None]]:
    """The ways a wide column's header may split into a competency and the rater it names,
    best first: "Manager - Communication", "Self-Evaluation - Communication", "Communication
    [Manager]", "Communication Self Rating", "Manager rating [Communication]", "Employee Code:
    Communication" (a part naming no rater is kept as a reading without one)."""
    text = _SCALE_NOTE.sub("", clean_text(header) or "") or clean_text(header) or ""
    out: list[tuple[str, str | None]] = []

    def add(base: str, rater: str | None) -> None:
        base = base.strip(" -:|/\u2013\u2014")
        if base and (base, rater) not in out:
            out.append((base, rater))

    pairs: list[tuple[str, str]] = []
    m = _BRACKETS.match(text)
    if m and m.group("a"):
        pairs += [(m.group("a"), m.group("b")), (m.group("b"), m.group("a"))]
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2:
        pairs += [(parts[0], parts[1]), (parts[1], parts[0])]
    halves = pairs[:]
    words = text.split()
    for n in range(1, min(4, len(words))):  # a rater phrase of up to three words at either end
        pairs.append((" ".join(words[:-n]), " ".join(words[-n:])))
        pairs.append((" ".join(words[n:]), " ".join(words[:n])))
    for base, other in pairs:
        rater = rater_kind(other)
        if rater and rater != ADDITIONAL:
            add(_strip_rating_word(base), rater)
    m = _RATING_WORD.match(text)
    if m:
        add(m.group("b"), None)
    add(text, None)
    for first, _ in halves:  # bracket or separator parts naming no rater
        add(first, None)
    return out


def _strip_rating_word(text: str) -> str:
    m = _RATING_WORD.match(text.strip())
    return m.group("b") if m else text


def split_rater(header: str) -> tuple[str, str | None]:
    """A wide column header split into the competency and the rater it names, if any."""
    return header_readings(header)[0]


def comment_base(header: str) -> str | None:
    """'Communication Comments' -> 'Communication' (a per-competency comment column)."""
    m = _COMMENT_WORD.match(clean_text(header) or "")
    return m.group("b").strip() if m else None


def rater_type(value: object) -> str | None:
    """The rater kind a cell of a rater column names ("Downward" -> manager), or None."""
    return rater_kind(value, value=True)


@dataclass
class Columns:
    """Which column holds what: role -> column index, plus the columns any name claimed."""

    roles: dict[str, int]
    claimed: set[int]
    unknown_mapping: list[str]
    # role -> every column whose name says it, where several do ("Rating" and "Score")
    named: dict[str, list[int]] = field(default_factory=dict)


def assign(headers: list[str], mapping: Mapping[str, str] | None = None) -> Columns:
    """Give each role the column with its best name; `mapping` (role -> header) wins."""
    named: dict[str, list[tuple[int, int]]] = {}
    claimed: set[int] = set()
    for col, header in enumerate(headers):
        hit = role_of(header) if header else None
        if hit is None:
            continue
        role, rank = hit
        claimed.add(col)
        if role != "ignored":
            named.setdefault(role, []).append((rank, col))
    roles = {role: min(hits)[1] for role, hits in named.items()}
    several = {role: sorted(c for _, c in hits) for role, hits in named.items() if len(hits) > 1}
    unknown: list[str] = []
    keys = {compact(h): c for c, h in reversed(list(enumerate(headers))) if h}
    for role, header in (mapping or {}).items():
        if role not in ROLES:
            unknown.append(role)
            continue
        found = keys.get(compact(header))
        if found is None:
            unknown.append(f"{role}={header}")
            continue
        # the column leaves any role it had by its name; one it displaces is said not read
        roles = {r: c for r, c in roles.items() if c != found}
        if role in roles:
            several[role] = sorted({*several.get(role, []), roles[role], found})
        roles[role] = found
        claimed.add(found)
    return Columns(roles, claimed, unknown, several)


# How alike a header must be to a role's name to be offered as "closest" (difflib's ratio):
# at 0.6 "Person" was offered for "Reason" and "Rating" for "Training".
SUGGEST_CUTOFF = 0.75


def suggest(role: str, headers: Iterable[str]) -> list[str]:
    """The headers closest to any name of a role, best first."""
    pool = [h for h in headers if h]
    out: list[str] = []
    for alias in ROLE_ALIASES[role]:
        for hit in closest(alias, pool, n=3, cutoff=SUGGEST_CUTOFF):
            if hit not in out:
                out.append(hit)
    return out[:3]


def header_score(cells: list[object], competencies: set[str]) -> int:
    """How much a row looks like an export header: cells naming a role or a competency."""
    score = 0
    for cell in cells:
        text = clean_text(cell) if isinstance(cell, str) else None
        if not text:
            continue
        known = role_of(text) is not None
        if known or (competencies and compact(split_rater(text)[0]) in competencies):
            score += 1
    return score
