"""Expectations written in words on the Matrix: read where the words say the number, asked
where they do not.

HR writes an expectation as "3 - Proficient", "Proficient (3)", or "n/a" / "-" where a level
does not expect the competency; some write only the word of their scale ("Proficient"). The
number a cell names is read ("3 - Proficient" is 3), and so is a word the same Matrix writes
elsewhere with its number, or that the mapping gives one ([expectations.labels]); "n/a" and the
dashes are blank (not expected). Each is said once per sheet. A word nothing gives a number is
never guessed: one scale reads "Proficient" as 3, another as 4. The words of a sheet (three
cells or more; fewer are typos the schema reports cell by cell) are one error at the first of
them, naming each word with its count and the mapping that settles them, and their cells are
left blank so nothing is computed from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ladder_sheets.findings import Finding, Where, error, info
from ladder_sheets.model import SCALE_TEXT, Table
from ladder_sheets.values import clean_text, is_blank, normalize_header, parse_number

# Written where a level does not expect the competency.
NOT_EXPECTED = frozenset(
    {"n/a", "na", "n.a.", "-", "--", "\u2013", "\u2014", "not expected", "not applicable"}
)
# Cells in words on one sheet from which they are asked about as a scale, not one by one.
ASK_FROM = 3
# "3 - Proficient", "3: Proficient", "3. Proficient", "3) Proficient", "3 Proficient"
_NUMBER_FIRST = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:[-\u2013\u2014:=.)]\s*|\s+)(\D.*)$")
# "Proficient (3)", "Proficient [3]", "Proficient - 3"
_NUMBER_LAST = re.compile(r"^(.*\D)\s*(?:\((\d+(?:[.,]\d+)?)\)|\[(\d+(?:[.,]\d+)?)\]|-\s*(\d+))$")
_LETTER = re.compile(r"[^\W\d_]")


def numbered(text: str) -> tuple[float, str] | None:
    """The number and the word of "3 - Proficient" or "Proficient (3)", else None."""
    if m := _NUMBER_FIRST.match(text):
        word = m.group(2).strip(" -\u2013\u2014:()")
        number = m.group(1)
    elif m := _NUMBER_LAST.match(text):
        word = m.group(1).strip(" -\u2013\u2014:")
        number = next(g for g in m.groups()[1:] if g)
    else:
        return None
    if not _LETTER.search(word):
        return None  # "3 - 4" is no number and its word
    value = parse_number(number)
    return (value, word) if value is not None else None


def read_expectation_words(
    table: Table | None, labels: Mapping[str, float] | None = None
) -> list[Finding]:
    """Rewrite, in place, the Matrix cells written in words to numbers (or blank), and say it."""
    if table is None or "expected" not in table.data.columns or not len(table.data):
        return []
    given = {normalize_header(k): float(v) for k, v in (labels or {}).items()}
    values = table.data["expected"].tolist()
    texts: dict[int, str] = {}
    for pos, value in enumerate(values):
        # an Excel error ("#N/A", "#REF!") is a broken formula: the schema reports it as such
        if isinstance(value, str) and not is_blank(value) and not value.startswith("#"):
            try:
                parse_number(value)
            except ValueError:
                texts[pos] = clean_text(value) or ""
    if not texts:
        return []
    # the sheet's own scale: a word written with one number wherever it has a number
    learned: dict[str, set[float]] = {}
    for text in texts.values():
        if (pair := numbered(text)) is not None:
            learned.setdefault(normalize_header(pair[1]), set()).add(pair[0])
    own = {word: next(iter(ns)) for word, ns in learned.items() if len(ns) == 1}

    read: dict[int, tuple[float | None, str]] = {}  # position -> (number, how)
    unknown: dict[int, str] = {}
    for pos, text in texts.items():
        key = normalize_header(text)
        if text.casefold() in NOT_EXPECTED:
            read[pos] = (None, "not expected")
        elif (pair := numbered(text)) is not None:
            read[pos] = (pair[0], "its number")
        elif key in given:
            read[pos] = (given[key], "the mapping")
        elif key in own:
            read[pos] = (own[key], "the number it has elsewhere on the Matrix")
        else:
            unknown[pos] = text
    # a stray word or two is a typo the schema reports at its cell; more are a scale
    asked = {pos for group in _by_sheet(table, unknown) if len(group) >= ASK_FROM for pos in group}
    unknown = {pos: t for pos, t in unknown.items() if pos in asked}
    findings = [*_said(table, values, read), *_asked(table, unknown)]
    for pos, (number, _) in read.items():
        values[pos] = number
    for pos in unknown:
        values[pos] = None  # asked above; nothing is computed from a guess
    table.data["expected"] = pd.Series(values, index=table.data.index, dtype=object)
    return findings


def _sheet(table: Table, pos: int) -> str:
    return str(table.sheets.iloc[pos]) if len(table.sheets) else ""


def _by_sheet(table: Table, positions: Iterable[int]) -> list[list[int]]:
    """Positions grouped by the sheet of their row (a Matrix may be one sheet per family)."""
    groups: dict[str, list[int]] = {}
    for pos in positions:
        groups.setdefault(_sheet(table, pos), []).append(pos)
    return list(groups.values())


def _where(table: Table, pos: int) -> Where:
    return Where(
        file=table.file,
        sheet=_sheet(table, pos) or None,
        cell=table.cell(table.data.index[pos], "expected") or None,
    )


def _said(
    table: Table, values: list[Any], read: dict[int, tuple[float | None, str]]
) -> list[Finding]:
    out = []
    for positions in _by_sheet(table, read):
        examples: dict[str, str] = {}
        for pos in positions:
            number, how = read[pos]
            if how not in examples:
                shown = "blank (not expected)" if number is None else f"{number:g}"
                examples[how] = f"'{clean_text(values[pos])}' as {shown}"
        out.append(
            info(
                "expectation-words-read",
                f"{len(positions)} expectation cell(s) written in words are read: "
                + "; ".join(examples.values()),
                "",
                _where(table, positions[0]),
            )
        )
    return out


def _asked(table: Table, unknown: dict[int, str]) -> list[Finding]:
    out = []
    for positions in _by_sheet(table, unknown):
        counts: dict[str, int] = {}
        for pos in positions:
            counts[unknown[pos]] = counts.get(unknown[pos], 0) + 1
        said = ", ".join(f"'{w}' ({n} cell{'s' * (n != 1)})" for w, n in counts.items())
        lines = " ".join(f'"{w}" = N' for w in counts)
        out.append(
            error(
                "expectation-words",
                f"{len(positions)} expectation cell(s) hold words, not a number on the "
                f"{SCALE_TEXT} scale: {said}; which number is each? (nothing is read from "
                "these cells until it is said)",
                f"write the numbers, or give each word its number in a mapping file "
                f"([expectations.labels] {lines}) and pass it with --mapping",
                _where(table, positions[0]),
            )
        )
    return out
