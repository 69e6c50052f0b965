"""Rating labels to numbers: "Meets" is 3, "3 - Meets" and "Meets (3)" are 3, "4,5" is 4.5.

Review tools export either numbers or the words of their scale. The defaults cover the common
five-point scales; a team's own words come in through `labels` and win over the defaults.
Text that is neither a number nor a known label stays text, so the validator can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ladder_sheets.values import clean_text, is_blank, normalize_header, parse_number

DEFAULT_LABELS: dict[str, float] = {
    "Does not meet": 1,
    "Does not meet expectations": 1,
    "Below expectations": 1,
    "Unsatisfactory": 1,
    "Partially meets": 2,
    "Partially meets expectations": 2,
    "Needs improvement": 2,
    "Developing": 2,
    "Meets": 3,
    "Meets expectations": 3,
    "Solid": 3,
    "Exceeds": 4,
    "Exceeds expectations": 4,
    "Strong": 4,
    "Outstanding": 5,
    "Far exceeds": 5,
    "Far exceeds expectations": 5,
    "Exceptional": 5,
    "Role model": 5,
}

# Markers for "no rating given": the row is skipped, not reported as a bad value.
NOT_RATED = frozenset(
    {"n a", "na", "not rated", "not applicable", "not assessed", "no rating", "skipped"}
)

_NUM = r"(\d+(?:[.,]\d+)?)"
# "3 - Meets", "3: Meets", "3. Meets", "3) Meets", "3 Meets"
_NUMBER_FIRST = re.compile(rf"^{_NUM}\s*(?:[-\u2013\u2014:.)]\s*|\s+)(?=[^\d\s])(.+)$")
# "Meets (3)", "Meets [3]", "Meets - 3", "Meets: 3"
_NUMBER_LAST = re.compile(rf"^(.+?)\s*(?:[(\[]\s*{_NUM}\s*[)\]]|[-\u2013\u2014:]\s*{_NUM})$")
# "4/5", "4 out of 5"
_OUT_OF = re.compile(rf"^{_NUM}\s*(?:/|out of)\s*5$", re.I)


@dataclass(frozen=True)
class Rating:
    """A rating as read: `value` is a float for numbers and labels, the text otherwise."""

    value: float | str | None
    kind: str  # "number", "label", "text", "blank" or "not-rated"

    @property
    def rated(self) -> bool:
        return self.kind in ("number", "label", "text")


class LabelScale:
    """The label -> number lookup for one import (defaults overlaid with the team's labels)."""

    def __init__(self, labels: Mapping[str, float] | None = None) -> None:
        merged: dict[str, float] = dict(DEFAULT_LABELS)
        merged.update(labels or {})
        self._index = {normalize_header(k): float(v) for k, v in merged.items()}
        self._cache: dict[str, Rating] = {}

    def label(self, text: str) -> float | None:
        key = normalize_header(text)
        if key in self._index:
            return self._index[key]
        # "Exceeds Expectations" when only "Exceeds" is known, and the reverse
        base = re.sub(r"\s*expectations?$", "", key)
        if base in self._index:
            return self._index[base]
        return self._index.get(f"{base} expectations")

    def parse(self, value: Any) -> Rating:
        if isinstance(value, str) and (hit := self._cache.get(value)) is not None:
            return hit  # most cells repeat a handful of texts: "3", "Meets", ""
        if is_blank(value):
            return Rating(None, "blank")
        if isinstance(value, bool):
            return Rating(clean_text(value), "text")
        if isinstance(value, (int, float)):
            return Rating(float(value), "number")
        hit = self._parse_text(clean_text(value) or "")
        if len(self._cache) < 10_000:
            self._cache[value] = hit
        return hit

    def _parse_text(self, text: str) -> Rating:
        if normalize_header(text) in NOT_RATED or text in ("-", "--", "\u2013"):
            return Rating(None, "not-rated")
        number = _number(text)
        if number is not None:
            return Rating(number, "number")
        label = self.label(text)
        if label is not None:
            return Rating(label, "label")
        for pattern, group in ((_OUT_OF, 1), (_NUMBER_FIRST, 1)):
            m = pattern.match(text)
            if m and (number := _number(m.group(group))) is not None:
                return Rating(number, "label")
        m = _NUMBER_LAST.match(text)
        if m and (number := _number(m.group(2) or m.group(3))) is not None:
            return Rating(number, "label")
        return Rating(text, "text")

    def looks_like_rating(self, value: Any) -> bool:
        """Whether a value could be a rating (used to tell rating columns in wide exports)."""
        rating = self.parse(value)
        if rating.kind == "number":
            return 0 <= float(rating.value or 0) <= 10
        return rating.kind in ("label", "not-rated")


def _number(text: str) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None
