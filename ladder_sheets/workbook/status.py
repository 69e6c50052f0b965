"""Who has left, as the people sheet says it: a Status column ("Active", "Terminated",
"Leaver", "On leave"), a yes/no column headed "Active" or "Leaver?", or a leaving date.

People marked as left are passed over by the analysis (no gap, readiness, coverage or pack),
as someone whose row was deleted is; their ratings history is kept. A status word this module
does not know is never guessed: its people are read as current (dropping someone from the
analysis is the harm that cannot be seen) and one warning asks which it is, answered in a
mapping file ([employees.status] "Garden leave" = "current"). A leaving date in the future
is a notice period: still current.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ladder_sheets.codes import CODES
from ladder_sheets.findings import Finding, info, warning
from ladder_sheets.model import Table
from ladder_sheets.values import clean_text, is_blank, month_only, parse_date


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of a status that say the person has left, or is still employed (on leave, on notice
# or on probation is still employed: they keep their pack and their gaps).
LEFT_WORDS = _words(
    "terminated termination term termed leaver left inactive former resigned resignation "
    "retired retirement withdrawn separated separation exit exited departed deceased dismissed "
    "dismissal redundant redundancy laid offboarded alumni alumnus ended ex"
)
CURRENT_WORDS = _words(
    "active employed current leave loa sabbatical parental maternity paternity notice "
    "probation probationary hire hired new onboarding suspended secondment seconded "
    "furlough furloughed leaving permanent temporary intern internship working fixedterm"
)
# Phrases read as one word: a fixed-term contract is employment, not "term(inated)"
PHRASES = {"fixed term": "fixedterm"}
NEGATIONS = frozenset({"not", "no", "non", "never"})
YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0"})
LEFT_ON = "left on "


def status_of(text: str, header: str = "") -> str | None:
    """ "left", "current", or None for a word not known. A yes/no answers the header's
    question: "Active" yes is current, "Leaver?" yes has left; under "Status" it says
    nothing."""
    said = _key(text)
    for phrase, word in PHRASES.items():
        said = re.sub(rf"\b{phrase}\b", word, said)
    words = said.split()
    if not words:
        return None
    if said in YES or said in NO:
        asked = status_of(header) if header else None
        if asked is None:
            return None
        return asked if said in YES else ("current" if asked == "left" else "left")
    left = any(w in LEFT_WORDS for w in words)
    current = any(w in CURRENT_WORDS for w in words)
    if any(w in NEGATIONS for w in words) and left != current:
        left, current = current, left  # "Not active", "No longer employed"
    if left and not current:
        return "left"
    if current and not left:
        return "current"
    return None


def read_leavers(
    employees: Table,
    headers: Mapping[str, str],
    answers: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> tuple[pd.Series, list[Finding]]:
    """Per row of `employees`, how it says that someone has left ("Status 'Terminated'",
    "left on 2026-03-31"; None where it does not); with the findings:
    one info naming those passed over, one warning per status word not understood.
    `headers`: sheet -> the header of its status column; `answers`: a status word -> "left"
    or "current" (the mapping's [employees.status])."""
    data = employees.data
    marked = pd.Series([None] * len(data), index=data.index, dtype=object)
    has_status = "status" in data.columns and data["status"].map(lambda v: not is_blank(v)).any()
    has_date = "left_on" in data.columns and data["left_on"].map(lambda v: not is_blank(v)).any()
    if not len(data) or not (has_status or has_date):
        return marked, []
    today = today or dt.date.today()
    given = {_key(k): v for k, v in (answers or {}).items()}
    unknown: dict[str, list[Any]] = {}
    doubts: list[Finding] = []
    why: dict[Any, str] = {}
    for index in data.index:
        text = clean_text(data.at[index, "status"]) if has_status else None
        left_on = _date(data.at[index, "left_on"]) if has_date else None
        passed = left_on is not None and left_on <= today
        answered = text is not None and _key(text) in given
        status = None
        header = _header(employees, index, headers)
        if text is not None:
            status = given.get(_key(text)) or status_of(text, header)
        if status == "left":
            why[index] = f"{header} '{text}'"
        elif passed and left_on is not None and status is None:
            why[index] = f"{LEFT_ON}{left_on.isoformat()}"  # a status not known: the date says
        elif passed and left_on is not None and text is not None and not answered:
            doubts.append(_doubt(employees, index, f"{header} '{text}'", left_on))
        elif text is not None and status is None:
            unknown.setdefault(text, []).append(index)
    for index, said in why.items():
        marked[index] = said
    findings = [*_unknown(employees, unknown, headers), *doubts]
    if why:
        findings.append(_passed_over(employees, why))
    return marked, findings


def by_date(said: str) -> bool:
    """Whether a row's reason (read_leavers) is its leaving date, not its status."""
    return said.startswith(LEFT_ON)


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError:
        # a month alone is its last day, as the schema types it (schema/tables.py MONTH_DATES);
        # anything else is not a date, and the schema's typing reports it at its cell
        return month_only(value, "last")


def _header(employees: Table, index: Any, headers: Mapping[str, str]) -> str:
    """The header of the status column on the sheet of row `index` (its words, as HR wrote
    them: "Employment Status", "Active?")."""
    sheet = str(employees.sheets.get(index, "")) if len(employees.sheets) else ""
    return headers.get(sheet) or "Status"


def _unknown(
    employees: Table, unknown: dict[str, list[Any]], headers: Mapping[str, str]
) -> list[Finding]:
    out = []
    for text, rows in unknown.items():
        people = [clean_text(employees.data.at[i, "employee_id"]) or "?" for i in rows]
        shown = ", ".join(people[:5]) + (f" and {len(people) - 5} more" if len(people) > 5 else "")
        header = _header(employees, rows[0], headers)
        out.append(
            warning(
                "employee-status-unknown",
                f"{header} '{text}' ({len(rows)} {'people' if len(rows) != 1 else 'person'}: "
                f"{shown}) is not a word ladder-sheets knows for someone employed or someone "
                "who left: they are read as employed, with gaps, readiness and a pack.",
                f'If they left, say so in a mapping file ([employees.status] "{text}" = '
                '"left"; or = "current") and pass it with --mapping.',
                employees.where(rows[0], "status"),
            )
        )
    return out


def _doubt(employees: Table, index: Any, said: str, left_on: dt.date) -> Finding:
    person = clean_text(employees.data.at[index, "employee_id"]) or "?"
    text = clean_text(employees.data.at[index, "status"])
    return warning(
        "employee-status-unknown",
        f"{person} has {said} but a leaving date of {left_on.isoformat()}, which "
        "has passed: read as employed, as the status says.",
        f'Update the status or the date; or say which in a mapping file ([employees.status] "'
        f'{text}" = "left").',
        employees.where(index, "left_on"),
    )


def _passed_over(employees: Table, why: dict[Any, str]) -> Finding:
    data = employees.data
    employed = {_key(str(v)) for i, v in data["employee_id"].items() if i not in why}
    rows = [i for i in why if _key(str(data.at[i, "employee_id"])) not in employed]
    again = [i for i in why if i not in rows]  # rehired: the old row marked, a new one not
    reasons: dict[str, int] = {}
    for i in rows:
        reason = "a leaving date passed" if by_date(why[i]) else why[i]
        reasons[reason] = reasons.get(reason, 0) + 1
    said = ", ".join(f"{r} ({n})" for r, n in reasons.items())
    n = len(rows)
    places = [employees.where(i, "left_on" if by_date(why[i]) else "status") for i in why]
    sheet = places[0].sheet or "Employees"
    text = (
        f"{n} {'people are' if n != 1 else 'person is'} marked on {sheet} as having left "
        f"({said}): {_ids(data, rows)}. Gaps, readiness, coverage and packs pass over them; "
        "their ratings history is kept."
        if rows
        else ""
    )
    if again:
        text += (
            f"{' ' if text else ''}{len(again)} row(s) marked as left are of people employed "
            f"again on another row ({_ids(data, again)}): those rows are passed over."
        )
    found = info("employee-left", text, CODES["employee-left"].hint, places[0])
    kept = tuple(dict.fromkeys(str(w) for w in places))
    return dataclasses.replace(found, count=len(kept), places=kept)


def _ids(data: pd.DataFrame, rows: list[Any]) -> str:
    ids = [clean_text(data.at[i, "employee_id"]) or "?" for i in rows]
    return ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
