"""Findings rendered for people: grouped by file and sheet, worst first, each with its fix."""

from __future__ import annotations

import textwrap
from itertools import groupby

from ladder_sheets.findings import Finding, Report, Severity

_LABEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def _group_key(f: Finding) -> tuple[str, str]:
    if f.where.sheet:
        return (f.where.file or "", f"sheet '{f.where.sheet}'")
    return (f.where.file or "", "")


# Past this many findings of one code on one sheet, the rest are counted, not listed: a wrong
# export can give thousands, and the first few say what to fix. JSON always lists them all.
SHOWN_PER_CODE = 8


def render_text(report: Report, *, show_info: bool = True, width: int = 100) -> str:
    findings = [f for f in report.sorted() if show_info or f.severity is not Severity.INFO]
    lines: list[str] = []
    ordered = sorted(set(findings), key=lambda f: (_group_key(f), _position(f)))
    for (file, sheet), group in groupby(ordered, key=_group_key):
        header = " / ".join(p for p in (file, sheet) if p) or "(general)"
        lines.append(header)
        shown: dict[str, int] = {}
        hidden: dict[str, int] = {}
        for f in group:
            shown[f.code] = shown.get(f.code, 0) + 1
            if shown[f.code] > SHOWN_PER_CODE:
                hidden[f.code] = hidden.get(f.code, 0) + 1
                continue
            place = f.where.cell or (f"line {f.where.line}" if f.where.line else "")
            head = f"  {_LABEL[f.severity]:<7} {place:<9} {f.code}: "
            # Every line of the message gets the width after the head (the indent is added below).
            body = textwrap.wrap(f.message, width=width - len(head))
            lines.append(head + (body[0] if body else ""))
            lines.extend(" " * len(head) + b.strip() for b in body[1:])
            if f.hint:
                for i, h in enumerate(textwrap.wrap(f.hint, width=width - len(head) - 5)):
                    lines.append(" " * len(head) + ("fix: " if i == 0 else "     ") + h)
        for code, count in hidden.items():
            lines.append(f"  ... and {count} more {code} here (--format json lists every one)")
        lines.append("")
    lines.append(summary(report))
    return "\n".join(lines)


def summary(report: Report) -> str:
    n_err, n_warn = len(report.errors), len(report.warnings)
    n_info = len(report) - n_err - n_warn
    if not len(report):
        return "No problems found."
    verdict = "errors must be fixed before merge" if n_err else "no errors"
    return (
        f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}, "
        f"{n_info} note{'s' * (n_info != 1)}: {verdict}."
    )


def _position(f: Finding) -> tuple[int, int, int, str]:
    """Sort cells in reading order (row, then column), CSV lines by number."""
    cell = f.where.cell or ""
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return (f.severity.rank, int(digits) if digits else (f.where.line or 0), col, f.code)
