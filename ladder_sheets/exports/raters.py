"""Who gave a rating, told from words rather than whole names: "Manager Assessment",
"Downward", "Direct Manager", "Self-Evaluation", "Upward", "Peer Review", "Additional manager"
are each read word by word against one vocabulary, so a tool's new phrasing of a known kind
of rater is understood without being listed.

A phrase names a rater kind when its words hold exactly one kind; words such as "review",
"assessment" or "rating" say nothing about who rated and are passed over; any other word
makes the phrase something else ("Manager Name", "Manager ID" are not rater kinds).
"""

from __future__ import annotations

from ladder_sheets.values import normalize_header

MANAGER, SELF, PEER, UPWARD, ADDITIONAL = (
    "manager",
    "self",
    "peer",
    "upward",
    "additional manager",
)

# fmt: off
# A word -> the rater kind it names.
KIND_WORDS: dict[str, str] = {
    **dict.fromkeys(("manager", "managers", "mgr", "supervisor", "downward"), MANAGER),
    **dict.fromkeys(("self", "myself", "own", "reviewee", "selfassessment", "selfreview",
                     "selfevaluation"), SELF),
    **dict.fromkeys(("peer", "peers", "colleague", "colleagues", "coworker", "coworkers",
                     "teammate", "teammates", "lateral"), PEER),
    **dict.fromkeys(("upward", "subordinate", "subordinates", "report", "reports"), UPWARD),
}
# Words that turn a manager into another manager than the direct one.
OTHER_MANAGER = frozenset(
    ("additional", "secondary", "second", "other", "skip", "dotted", "matrix", "indirect",
     "functional", "project")
)
# Words that say how or what was given, not who gave it.
FILLER = frozenset(
    ("review", "reviews", "reviewer", "assessment", "assessments", "evaluation", "evaluations",
     "appraisal", "rating", "ratings", "score", "scores", "feedback", "response", "responses",
     "result", "results", "answer", "answers", "input", "direct", "line", "by", "the", "of",
     "from", "type", "kind", "co", "level", "360", "mid", "year", "end", "final", "overall",
     "form", "survey", "perspective", "reflection", "direction", "rater", "role", "a", "an")
)
# Words that name a rater kind only where a value already stands in a rater column
# ("Employee" in a Relationship column is the self review; "Employee ID" is no rater).
VALUE_WORDS: dict[str, str] = {"employee": SELF, "lead": MANAGER, "team": PEER}
# fmt: on


def _words(text: object) -> list[str]:
    key = normalize_header(text).replace("co worker", "coworker")
    for joined in ("self assessment", "self review", "self evaluation"):
        key = key.replace(joined, joined.replace(" ", ""))
    return key.split()


def rater_kind(text: object, *, value: bool = False) -> str | None:
    """The rater kind a phrase names ("Manager Evaluation" -> manager, "Direct Report" ->
    upward, "Additional manager" -> additional manager), or None. `value`: the phrase is a
    cell of a rater column, where "Employee" (the reviewee) names the self review."""
    words = _words(text)
    if not words:
        return None
    kinds: set[str] = set()
    other = False
    for word in words:
        kind = KIND_WORDS.get(word) or (VALUE_WORDS.get(word) if value else None)
        if kind:
            kinds.add(kind)
        elif word in OTHER_MANAGER:
            other = True
        elif word not in FILLER:
            return None
    if kinds == {MANAGER} and other:
        return ADDITIONAL
    if len(kinds) != 1 or other:
        return None
    return kinds.pop()


def names_rater(header: object) -> bool:
    """A header that speaks of raters as a column ("Rater", "Review Direction",
    "Relationship", "Rater Type", "Reviewer Role"): its values may be rater kinds."""
    words = set(_words(header))
    return bool(words & {"rater", "direction", "relationship", "perspective", "source"}) or (
        bool(words & {"reviewer", "review", "feedback"}) and bool(words & {"type", "role", "kind"})
    )


def holds_rater_kinds(values: list[object], share: float = 0.8) -> bool:
    """Whether a column's values are rater kinds ("Manager", "Self", "Downward", "Peer")."""
    filled = [v for v in values if normalize_header(v)]
    if not filled:
        return False
    distinct = {normalize_header(v) for v in filled}
    read = {v for v in distinct if rater_kind(v, value=True)}
    hits = sum(1 for v in filled if normalize_header(v) in read)
    return hits >= share * len(filled)
