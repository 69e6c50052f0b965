"""Findings rendered for people: grouped by file and sheet, worst first, each with its fix."""

from __future__ import annotations

import re
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


def render_text(
    report: Report, *, show_info: bool = True, width: int = 100, strict: bool = False
) -> str:
    """Each cause once (Report.grouped), with how many places it affects; the summary counts
    exactly what is listed or counted here."""
    findings = [f for f in report.grouped() if show_info or f.severity is not Severity.INFO]
    lines: list[str] = []
    ordered = sorted(findings, key=lambda f: (_group_key(f), _position(f)))
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
            if f.count > 1:
                for said in textwrap.wrap(_affects(f), width=width - len(head)):
                    lines.append(" " * len(head) + said)
            if f.hint:
                for i, h in enumerate(textwrap.wrap(f.hint, width=width - len(head) - 5)):
                    lines.append(" " * len(head) + ("fix: " if i == 0 else "     ") + h)
        for code, count in hidden.items():
            lines.append(
                f"  ... and {count} more {code} finding{'s' * (count != 1)} here "
                "(--format json lists every one)"
            )
        lines.append("")
    lines.append(summary(report, show_info=show_info, strict=strict))
    return "\n".join(lines)


def _affects(f: Finding, listed: int = 6) -> str:
    places = [_short(p) for p in f.places]
    where = ", ".join(places[:listed]) + (", ..." if len(places) > listed else "")
    return f"(affects {f.count} rows: {where})" if places else f"(affects {f.count} rows)"


def _short(place: str) -> str:
    """'Sheet!C5' -> 'C5'; 'file.csv:18 (Competency)' -> 'line 18'; 'store.parquet, row 7
    (2025-Q1)' -> 'row 7 (2025-Q1)'."""
    if ".parquet, row " in place:
        return place.rsplit(", ", 1)[1]
    if "!" in place:
        return place.split("!", 1)[1]
    line = re.search(r":(\d+)(?: \(.*\))?$", place)
    return f"line {line.group(1)}" if line else place


def summary(report: Report, *, show_info: bool = True, strict: bool = False) -> str:
    """Counts of causes, as listed above (each with the places it affects)."""
    listed = report.grouped()
    n_err = sum(f.severity is Severity.ERROR for f in listed)
    n_warn = sum(f.severity is Severity.WARNING for f in listed)
    n_info = len(listed) - n_err - n_warn
    if not listed:
        return "No problems found."
    if n_err:
        verdict = "errors must be fixed before merge"
    elif strict and n_warn:
        verdict = "warnings fail with --strict"
    else:
        verdict = "no errors"
    notes = f", {n_info} note{'s' * (n_info != 1)}" if show_info or not n_info else ""
    hidden = "" if show_info or not n_info else f" ({n_info} notes not shown)"
    return (
        f"{n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}"
        f"{notes}{hidden}: {verdict}."
    )


def _position(f: Finding) -> tuple[int, int, int, str]:
    """Sort cells in reading order (row, then column), CSV lines by number."""
    cell = f.where.cell or ""
    letters = "".join(ch for ch in cell if ch.isalpha())
    found = re.search(r"\d+", cell)  # the first number: "row 7 (2025-Q1)" is row 7
    digits = found.group(0) if found else ""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return (f.severity.rank, int(digits) if digits else (f.where.line or 0), col, f.code)
