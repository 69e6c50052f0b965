"""Rating labels to numbers: "Meets" is 3, "3 - Meets" and "Meets (3)" are 3, "4,5" is 4.5,
"★★★☆☆" is 3.

Review tools export either numbers or the words of their scale. Which number a word stands for
depends on the scale (see `scales`): the export's set of labels is read first (`resolve`), and
a label its scale leaves open is "unresolved", reported once for the whole export rather than
guessed. A team's own words come in through `labels` and win over everything else. Text that is
neither a number nor a label of any scale stays text, so the validator can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ladder_sheets.exports import scales
from ladder_sheets.values import clean_text, is_blank, normalize_header, parse_number

# Labels every known scale reads the same ("Meets" is 3, "Exceeds" 4). A label that scales
# read differently ("Below" is 1 or 2) is read only once the export's set of labels settles it.
DEFAULT_LABELS: dict[str, float] = scales.unanimous()

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
    kind: str  # "number", "label", "text", "unresolved", "blank" or "not-rated"

    @property
    def rated(self) -> bool:
        return self.kind in ("number", "label", "text")


class LabelScale:
    """The label -> number lookup for one import: the user's labels, then the export's scale
    once resolved, then the labels every scale agrees on."""

    def __init__(self, labels: Mapping[str, float] | None = None) -> None:
        self.given = {scales.label_key(k): float(v) for k, v in (labels or {}).items()}
        self._index = {**DEFAULT_LABELS, **self.given}
        self._unresolved: set[str] = set()
        self._cache: dict[str, Rating] = {}
        self.found = ""  # the export's labels as found, for messages ("'Meets' (12), ...")

    def resolve(self, inferred: scales.Inferred) -> None:
        """Read labels as the export's set of labels settled them; the labels it left open
        become "unresolved" ratings (reported once, by the reader)."""
        self._index = {**DEFAULT_LABELS, **inferred.values, **self.given}
        open_labels: list[str] = []  # unknown labels stay text, reported at each cell
        for readings in inferred.ambiguous.values():
            for _, reading in readings:
                open_labels += list(reading)
        self._unresolved = {scales.label_key(t) for t in open_labels} - set(self._index)
        self._cache.clear()

    def read_labels(self) -> dict[str, float]:
        """The export's labels as they were read (as written -> number), for `inspect`."""
        out: dict[str, float] = {}
        for part in self.found.split("', '") if self.found else []:
            text = part.strip("'").rsplit("' (", 1)[0]
            value = self.label(text)
            if value is not None:
                out[text] = value
        return out

    def label(self, text: str) -> float | None:
        return self._index.get(scales.label_key(text))

    def is_label(self, text: str) -> bool:
        """A word of some known scale or of the user's labels (whatever number it is)."""
        key = scales.label_key(text)
        return key in scales.VOCABULARY or key in self.given

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
        if scales.label_key(text) in self._unresolved:
            return Rating(text, "unresolved")
        stars = _stars(text)
        if stars is not None:
            return Rating(stars, "label")
        for pattern, group in ((_OUT_OF, 1), (_NUMBER_FIRST, 1)):
            m = pattern.match(text)
            if m and (number := _number(m.group(group))) is not None:
                return Rating(number, "label")
        m = _NUMBER_LAST.match(text)
        if m and (number := _number(m.group(2) or m.group(3))) is not None:
            return Rating(number, "label")
        return Rating(text, "text")

    def bare_label(self, value: Any) -> str | None:
        """The text of a value written as a word alone ("Meets", "Solid performer"), not as
        a number, a number with its label ("3 - Meets") or a not-rated marker; else None."""
        if not isinstance(value, str):
            return None
        text = clean_text(value) or ""
        if not text or normalize_header(text) in NOT_RATED or text in ("-", "--", "\u2013"):
            return None
        if _number(text) is not None or _OUT_OF.match(text) or _NUMBER_FIRST.match(text):
            return None
        if _stars(text) is not None:
            return None
        m = _NUMBER_LAST.match(text)
        if m and _number(m.group(2) or m.group(3)) is not None:
            return None
        return text

    def looks_like_rating(self, value: Any) -> bool:
        """Whether a value could be a rating (used to tell rating columns in wide exports)."""
        rating = self.parse(value)
        if rating.kind == "number":
            return 0 <= float(rating.value or 0) <= 10
        if rating.kind == "text":
            return self.is_label(str(rating.value))
        return rating.kind in ("label", "not-rated", "unresolved")


_FILLED, _EMPTY = "\u2605\u2b50", "\u2606"  # ★ and ⭐, ☆


def _stars(text: str) -> float | None:
    """A rating drawn in stars, as review tools show one: "★★★☆☆" (out of 5) and "★★★" are 3;
    stars out of another number ("★★☆☆") are another scale, left as text to be reported."""
    drawn = text.replace(" ", "")
    if not drawn or any(c not in _FILLED + _EMPTY for c in drawn):
        return None
    filled = sum(c in _FILLED for c in drawn)
    if not filled or (len(drawn) != 5 and filled != len(drawn)) or filled > 5:
        return None
    return float(filled)


def _number(text: str) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None
