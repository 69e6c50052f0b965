"""Quality of the behavioral descriptions: present, distinct between levels, observable, short.

A description two managers read the same way uses observable verbs ("has led a project that
affected more than one team"), not traits ("strong", "demonstrates leadership"), and fits in one
or two sentences. Codes are documented with the other quality rules in quality.py.
"""

from __future__ import annotations

import re
from typing import Any

from ladder_sheets.findings import Finding, Where, warning
from ladder_sheets.model import Framework, Table
from ladder_sheets.schema.catalog import Level
from ladder_sheets.schema.matrix import MatrixCells
from ladder_sheets.schema.schemas import name_key
from ladder_sheets.values import is_blank

MAX_SENTENCES = 2

# Words that name a trait rather than something two managers would both observe.
TRAIT_WORDS = (
    "demonstrates leadership",
    "thinks strategically",
    "strategic thinker",
    "strong",
    "passionate",
    "excellent",
    "good",
    "great",
    "proactive",
    "team player",
    "rockstar",
    "rock star",
    "ninja",
    "visionary",
    "natural leader",
    "self-starter",
    "go-getter",
)
_TRAITS = re.compile(
    r"\b(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in TRAIT_WORDS) + r")\b",
    re.IGNORECASE,
)
_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|incl)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def trait_words(text: str) -> list[str]:
    """The trait words in a description, lower case, each once, in order of appearance."""
    found = (re.sub(r"\s+", " ", m.group(1).lower()) for m in _TRAITS.finditer(text))
    return list(dict.fromkeys(found))


def sentence_count(text: str) -> int:
    body = _ABBREVIATIONS.sub(lambda m: m.group(1), text.strip())
    ends = len(_SENTENCE_END.findall(body))
    # A last sentence without a full stop still counts.
    return ends + (0 if re.search(r"[.!?]\s*$", body) else 1) if body else 0


def check_descriptions(framework: Framework, cells: MatrixCells) -> list[Finding]:
    matrix, behaviors = framework.expectations, framework.behaviors
    findings: list[Finding] = []
    if len(matrix.data) and not len(behaviors.data):
        return [
            warning(
                "missing-behavior",
                "The framework has no behavioral descriptions.",
                "Add a Behaviors sheet: one or two sentences per competency and level.",
                Where(file=framework.levels.file or None, sheet="Behaviors"),
            )
        ]
    for group in cells.expected.values():
        before: tuple[Level, str] | None = None
        for level, index in group:
            competency: Any = matrix.data.at[index, "competency"]
            row = cells.behavior_row(level, competency)
            text: Any = behaviors.data.at[row, "behavior"] if row is not None else None
            if is_blank(text):
                if not is_blank(matrix.data.at[index, "expected"]):
                    place = behaviors.where(row, "behavior") if row is not None else None
                    findings.append(
                        warning(
                            "missing-behavior",
                            f"'{competency}' at {level.level} has no behavioral description.",
                            "Describe in one or two sentences what someone at this level does.",
                            place or matrix.where(index, "expected"),
                        )
                    )
                before = None
                continue
            findings += _description(behaviors, row, competency, level, text, before)
            before = (level, text)
    return findings


def _description(
    behaviors: Table, row: Any, competency: str, level: Level, text: str, before: Any
) -> list[Finding]:
    place = behaviors.where(row, "behavior")
    findings = []
    if before is not None and name_key(before[1]) == name_key(text):
        findings.append(
            warning(
                "behavior-repeated",
                f"'{competency}' at {level.level} repeats the description of {before[0].level}.",
                "Say what changes at this level: wider scope, more autonomy, more impact.",
                place,
            )
        )
    words = trait_words(text)
    if words:
        findings.append(
            warning(
                "behavior-trait-words",
                f"'{competency}' at {level.level} names traits: {', '.join(words)}.",
                "Describe what the person does that others can see (e.g. 'has led a project "
                "that affected more than one team'), not what they are.",
                place,
            )
        )
    n = sentence_count(text)
    if n > MAX_SENTENCES:
        findings.append(
            warning(
                "behavior-too-long",
                f"'{competency}' at {level.level} runs to {n} sentences.",
                "Keep it to one or two sentences two managers would read the same way.",
                place,
            )
        )
    return findings
