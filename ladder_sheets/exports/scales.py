"""Rating label scales, told from the SET of labels an export uses.

The same word stands for different numbers on different scales: "Below" is 2 on
"Well below / Below / Meets / Exceeds / Significantly exceeds" and 1 on "Below / Needs
improvement / Meets / Exceeds / Outstanding". A label is therefore never read alone: every known
scale that holds all the labels present is a candidate, and the labels are read only when every
candidate gives each of them the same number. Otherwise reading stops, naming the labels found
and the `--label` options that settle it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ladder_sheets.values import normalize_header

# Each scale: its name, then the phrasings of each point, lowest (1) first. Phrasings are
# compared after `label_key` (case, punctuation and a trailing "expectations" dropped).
# fmt: off
SCALES: dict[str, tuple[tuple[str, ...], ...]] = {
    "Well below / Below / Meets / Exceeds / Significantly exceeds": (
        ("well below", "far below", "significantly below", "much below"),
        ("below",),
        ("meets",),
        ("exceeds",),
        ("significantly exceeds", "far exceeds", "greatly exceeds", "well above", "well exceeds"),
    ),
    "Does not meet / Partially meets / Meets / Exceeds / Far exceeds": (
        ("does not meet", "did not meet", "not meeting", "unsatisfactory", "not met"),
        ("partially meets", "partly meets", "needs improvement", "needs development",
         "inconsistently meets", "developing", "partially met"),
        ("meets", "fully meets", "successfully meets", "solid", "achieves", "met", "on track"),
        ("exceeds", "strong", "above", "exceeded"),
        ("far exceeds", "significantly exceeds", "greatly exceeds", "consistently exceeds",
         "outstanding", "exceptional", "role model", "distinguished", "truly exceptional"),
    ),
    "Below / Needs improvement / Meets / Exceeds / Outstanding": (
        ("below", "unsatisfactory", "does not meet"),
        ("needs improvement", "partially meets", "improvement needed"),
        ("meets", "solid", "fully meets", "achieves"),
        ("exceeds", "strong"),
        ("outstanding", "exceptional", "far exceeds", "role model"),
    ),
    "Ineffective / Partially effective / Effective / Highly effective / Exceptional": (
        ("ineffective", "not effective"),
        ("partially effective", "needs development", "developing", "somewhat effective"),
        ("effective", "fully effective", "successful"),
        ("highly effective", "very effective", "excellent"),
        ("exceptional", "outstanding", "extraordinary", "role model"),
    ),
    "Novice / Developing / Proficient / Advanced / Expert": (
        ("novice", "beginner", "foundational", "awareness", "learning", "emerging"),
        ("developing", "basic", "working knowledge"),
        ("proficient", "competent", "intermediate", "skilled", "practitioner", "capable"),
        ("advanced", "accomplished", "highly proficient"),
        ("expert", "master", "mastery", "role model", "leading", "authority"),
    ),
    "Strongly disagree / Disagree / Neutral / Agree / Strongly agree": (
        ("strongly disagree",),
        ("disagree",),
        ("neutral", "neither agree nor disagree", "undecided"),
        ("agree",),
        ("strongly agree",),
    ),
}
# fmt: on

_TAIL = re.compile(r"\s+(?:all\s+|most\s+)?(?:expectations?|requirements?|the bar)$")


def label_key(text: object) -> str:
    """A label as compared: lower case, punctuation folded, a trailing 'expectations' dropped
    ("Meets Expectations", "meets expectations." and "Meets" are one label)."""
    key = normalize_header(text)
    return _TAIL.sub("", key) or key


_POINTS: dict[str, dict[str, int]] = {
    name: {label_key(p): n for n, phrasings in enumerate(points, 1) for p in phrasings}
    for name, points in SCALES.items()
}
VOCABULARY = frozenset(k for points in _POINTS.values() for k in points)


def unanimous() -> dict[str, float]:
    """The labels every scale that holds them reads the same (used before an export's own set
    of labels is known, and as the documented defaults)."""
    values: dict[str, set[int]] = {}
    for points in _POINTS.values():
        for key, n in points.items():
            values.setdefault(key, set()).add(n)
    return {key: float(next(iter(ns))) for key, ns in sorted(values.items()) if len(ns) == 1}


@dataclass
class Inferred:
    """The reading of an export's labels: label key -> number for those settled; the labels
    left unread (unknown to every scale, or read differently by the candidate scales)."""

    values: dict[str, float] = field(default_factory=dict)
    scale: str | None = None  # the one scale that holds every label, when there is one
    unknown: list[str] = field(default_factory=list)  # as written
    ambiguous: dict[str, list[tuple[str, dict[str, int]]]] = field(default_factory=dict)
    # for ambiguous sets: each candidate scale's reading of the labels, as written

    @property
    def settled(self) -> bool:
        return not self.unknown and not self.ambiguous


def infer(labels: Iterable[str], given: Mapping[str, float] | None = None) -> Inferred:
    """Read a set of labels (as written) against the known scales; `given` (the user's
    --label options, which always win) are taken as they are."""
    given_keys = {label_key(k) for k in (given or {})}
    spelled: dict[str, str] = {}
    for text in labels:
        key = label_key(text)
        if key and key not in given_keys:
            spelled.setdefault(key, text)
    out = Inferred()
    if not spelled:
        return out
    known = [k for k in spelled if k in VOCABULARY]
    out.unknown = [spelled[k] for k in spelled if k not in VOCABULARY]
    candidates = [name for name, points in _POINTS.items() if all(k in points for k in known)]
    if not known:
        return out
    if not candidates:
        # no one scale holds them all: each label is read only where every scale agrees
        agreed = unanimous()
        out.values = {k: agreed[k] for k in known if k in agreed}
        rest = [k for k in known if k not in agreed]
        if rest:
            out.ambiguous["mixed"] = [
                (name, {spelled[k]: points[k] for k in known if k in points})
                for name, points in _POINTS.items()
                if any(k in points for k in rest)
            ]
        return out
    readings = {name: {k: _POINTS[name][k] for k in known} for name in candidates}
    first = readings[candidates[0]]
    if all(r == first for r in readings.values()):
        out.values = {k: float(n) for k, n in first.items()}
        out.scale = candidates[0] if len(candidates) == 1 else None
        return out
    out.ambiguous["scales"] = [
        (name, {spelled[k]: n for k, n in readings[name].items()}) for name in candidates
    ]
    return out


def label_options(reading: Mapping[str, int | float | str]) -> str:
    """The --label options that give each label its number, ready to paste."""
    return " ".join(f'--label "{text}={_num(n)}"' for text, n in reading.items())


def _num(n: int | float | str) -> str:
    return f"{n:g}" if isinstance(n, float) else str(n)
