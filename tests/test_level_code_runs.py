"""header.level_code looks at runs of a header's words no longer than the longest level code or
title: the same answers as looking at every run, for headers of any length."""

from __future__ import annotations

import random

from ladder_sheets.values import normalize_header
from ladder_sheets.workbook.header import _LEVEL_PREFIX, level_code


def every_run(header: str, codes: dict[str, str]) -> str | None:
    """level_code as written before the bound: every run of words, of every length."""
    key = _LEVEL_PREFIX.sub("", normalize_header(header))
    if key in codes:
        return codes[key]
    words = key.split(" ") if key else []
    spans = [
        (i, j, codes[run])
        for i in range(len(words))
        for j in range(len(words), i, -1)
        if (run := " ".join(words[i:j])) in codes
    ]
    longest = [
        (i, j, code)
        for i, j, code in spans
        if not any(a <= i and j <= b and (a, b) != (i, j) for a, b, _ in spans)
    ]
    named = {code for _, _, code in longest}
    if len(named) == 1 and sum(j - i for i, j, _ in longest) >= len(words):
        return next(iter(named))
    first = words[0] if words else ""
    if first in codes and normalize_header(codes[first]) == first and named <= {codes[first]}:
        return codes[first]
    return codes.get(key.replace(" ", ""))


def test_runs_bounded_by_the_longest_title_give_every_runs_answer() -> None:
    titles = {
        "Engineer I": "L1",
        "Engineer": "L2",
        "Engineer II": "L3",
        "Senior Staff Engineer II": "L4",
        "Principal Engineer": "L5",
    }
    codes = {normalize_header(c): c for c in ("L1", "L2", "L3", "L4", "L5")}
    codes.update({normalize_header(t): c for t, c in titles.items()})
    vocabulary = ["engineer", "ii", "i", "senior", "staff", "principal", "l3", "l4", "level"]
    vocabulary += ["shows", "the", "team", "how", "to", "lead", "-", "(l2)"]
    rng = random.Random(14)
    named = 0
    for _ in range(3000):
        header = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 14)))
        expected = every_run(header, codes)
        assert level_code(header, codes) == expected, header
        named += expected is not None
    assert named > 100  # the cases hold level names, not only noise
    for header in ("Senior Staff Engineer II", "Senior Staff Engineer II (L4)", "x " * 40):
        assert level_code(header, codes) == every_run(header, codes)
    assert level_code("Senior Staff Engineer II", codes) == "L4"
