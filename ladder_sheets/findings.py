"""Validation problems as data: each finding has a stable code, a severity and a place.

A place is given in the user's terms: file, sheet and A1 cell for a workbook, file and line
for a CSV export. Findings are collected into a Report; nothing here raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


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

    def __str__(self) -> str:
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

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def to_json(self) -> str:
        return json.dumps(
            {
                "summary": {
                    "errors": len(self.errors),
                    "warnings": len(self.warnings),
                    "info": len(self.findings) - len(self.errors) - len(self.warnings),
                },
                "findings": [f.to_dict() for f in self.sorted()],
            },
            indent=2,
            ensure_ascii=False,
        )
