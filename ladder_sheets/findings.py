"""Validation problems as data: each finding has a stable code, a severity and a place.

A place is given in the user's terms: file, sheet and A1 cell for a workbook, file and line
for a CSV export. Findings are collected into a Report; nothing here raises.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from ladder_sheets.scale import SCALE_TEXT


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Where:
    """A place a person can click: file, and either sheet + A1 cell, or a CSV line."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        # A rating read from a history store (store/attach.py) comes with the store file as its
        # "sheet" and "row n (cycle)" as its cell: it is named by the store file, not a sheet.
        if self.store_row(self.sheet, self.cell):
            folder = os.path.dirname(self.file or "")
            object.__setattr__(self, "file", os.path.join(folder, str(self.sheet)))
            object.__setattr__(self, "sheet", None)

    @staticmethod
    def store_row(sheet: str | None, cell: str | None) -> bool:
        return bool(sheet and cell and sheet.endswith(".parquet") and cell.startswith("row "))

    def __str__(self) -> str:
        if self.sheet is None and self.cell is not None and self.file is not None:
            return f"{self.file}, {self.cell}"  # a row of a history store
        if self.sheet is not None:
            return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        if self.file is not None and self.line is not None:
            col = f" ({self.column})" if self.column else ""
            return f"{self.file}:{self.line}{col}"
        return self.file or ""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str = ""
    where: Where = field(default_factory=Where)
    # Set by Report.grouped(): how many places this one cause affects, and each of them.
    count: int = 1
    places: tuple[str, ...] = ()

    @property
    def file(self) -> str | None:
        return self.where.file

    @property
    def sheet(self) -> str | None:
        return self.where.sheet

    @property
    def cell(self) -> str | None:
        return self.where.cell

    @property
    def line(self) -> int | None:
        return self.where.line

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }
        out.update({k: v for k, v in asdict(self.where).items() if v is not None})
        out["where"] = str(self.where)
        out["count"] = self.count
        if self.places:
            out["places"] = list(self.places)
        return out


def error(code: str, message: str, hint: str = "", where: Where | None = None) -> Finding:
    return Finding(code, Severity.ERROR, message, hint, where or Where())


def warning(code: str, message: str, hint: str = "", where: Where | None = None) -> Finding:
    return Finding(code, Severity.WARNING, message, hint, where or Where())


def info(code: str, message: str, hint: str = "", where: Where | None = None) -> Finding:
    return Finding(code, Severity.INFO, message, hint, where or Where())


class Report:
    """An ordered collection of findings with the summaries the CLI and tests need."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self.findings: list[Finding] = list(findings)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def with_code(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.code == code]

    def flatten(self, *fields: str) -> list[tuple[Any, ...]]:
        """Tuples of the named attributes, for compact test assertions."""
        out = []
        for f in self.findings:
            row = []
            for name in fields:
                value = getattr(f, name)
                row.append(value.value if isinstance(value, Severity) else value)
            out.append(tuple(row))
        return out

    def sorted(self) -> list[Finding]:
        return sorted(
            self.findings,
            key=lambda f: (f.where.file or "", f.where.sheet or "", f.severity.rank, f.code),
        )

    def grouped(self) -> list[Finding]:
        """One finding per cause, in the order of `sorted()`: findings that say the same thing
        (code, severity, message, hint, file and sheet) at several places become one, with
        `count` the number of distinct places and `places` each of them; unknown rating labels
        of one file become one finding naming every label and the --label options to pass."""
        groups: dict[tuple[Any, ...], list[Finding]] = {}
        for f in self.sorted():
            key = (f.code, f.severity, f.message, f.hint, f.where.file, f.where.sheet)
            groups.setdefault(key, []).append(f)
        out = []
        for items in groups.values():
            places = tuple(dict.fromkeys(p for f in items for p in _places(f)))
            first = min(items, key=_reading_order)
            count = len(places) if places else max(f.count for f in items)
            out.append(replace(first, count=count, places=places))
        return _one_label_finding(out)

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def to_json(self) -> str:
        """Every cause once (see grouped()), each with the places it affects; the summary
        counts what is listed."""
        listed = self.grouped()
        counted = {s: sum(f.severity is s for f in listed) for s in Severity}
        return json.dumps(
            {
                "summary": {
                    "errors": counted[Severity.ERROR],
                    "warnings": counted[Severity.WARNING],
                    "info": counted[Severity.INFO],
                },
                "findings": [f.to_dict() for f in listed],
            },
            indent=2,
            ensure_ascii=False,
        )


def _places(f: Finding) -> tuple[str, ...]:
    if f.places:
        return f.places
    return (str(f.where),) if f.where.cell or f.where.line else ()


def _reading_order(f: Finding) -> tuple[int, int, str]:
    cell = f.where.cell or ""
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = re.search(r"\d+", cell)  # the first number: "row 7 (2025-Q1)" is row 7
    row = int(digits.group(0)) if digits else (f.where.line or 0)
    return (row, len(letters), letters)


_LABEL = re.compile(r"^rating '(.*)' is neither a number nor a known label$", re.S)
_MORE = re.compile(r"^(\d+) more like the above$")


def _one_label_finding(findings: list[Finding]) -> list[Finding]:
    """Unknown rating labels of one file as one finding: each label with its count, and the
    --label option that gives each a number."""
    labels: dict[str | None, list[Finding]] = {}
    for f in findings:
        if f.code == "unknown-label":
            labels.setdefault(f.where.file, []).append(f)
    if not labels:
        return findings
    out = [f for f in findings if f.code != "unknown-label"]
    for items in labels.values():
        named = [(m.group(1), f) for f in items if (m := _LABEL.match(f.message))]
        more = sum(int(m.group(1)) for f in items if (m := _MORE.match(f.message)))
        if not named:
            out.extend(items)
            continue
        count = sum(f.count for _, f in named) + more
        said = ", ".join(f"'{text}' ({f.count} row{'s' * (f.count != 1)})" for text, f in named)
        options = " ".join(f'--label "{text}=N"' for text, _ in named)
        first = min((f for _, f in named), key=_reading_order)
        out.append(
            replace(
                first,
                message=f"{count} rating(s) are neither a number nor a known label: {said}"
                + (f", and {more} more" if more else ""),
                hint=f"give each label its number on the {SCALE_TEXT} scale: {options} "
                '(e.g. --label "Solid performer=3")',
                count=count,
                places=tuple(p for _, f in named for p in f.places),
            )
        )
    return out
