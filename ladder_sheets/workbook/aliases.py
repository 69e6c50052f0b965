"""The names HR workbooks give to the canonical sheets and columns.

Matching is on `values.normalize_header` (case, spacing, line breaks and punctuation folded),
after dropping a parenthesised note and a trailing required-marker: "Order (1 = lowest)" and
"Level*" are "order" and "level". The template's own names (model.TABLES) always match.
"""

from __future__ import annotations

import re

from ladder_sheets.model import TABLES
from ladder_sheets.values import clean_text, normalize_header

SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "levels": (
        "Levels",
        "Level",
        "Grades",
        "Bands",
        "Career Levels",
        "Job Levels",
        "Level Definitions",
        "Ladder",
        "Career Ladder",
        "Job Architecture",
    ),
    "competencies": (
        "Competencies",
        "Competency",
        "Skills",
        "Competences",
        "Capabilities",
        "Competency List",
        "Competency Definitions",
    ),
    "expectations": (
        "Matrix",
        "Competency Matrix",
        "Expectations",
        "Proficiency",
        "Proficiency Matrix",
        "Expected Proficiency",
        "Skills Matrix",
        "Levels Matrix",
    ),
    "behaviors": (
        "Behaviors",
        "Behaviours",
        "Descriptions",
        "Behavioral Descriptions",
        "Behavioural Descriptions",
        "Behavior Descriptions",
        "Behaviour Descriptions",
        "Behavioral Indicators",
        "Behavioural Indicators",
        "Indicators",
    ),
    "criteria": (
        "Promotion Criteria",
        "Promotion",
        "Promotions",
        "Criteria",
        "Promotion Rules",
        "Advancement Criteria",
    ),
    "paths": ("Paths", "Career Paths", "Career Tracks", "Crossovers", "Lateral Moves"),
    "employees": ("Employees", "People", "Staff", "Roster", "Headcount", "Team"),
    "history": ("Ratings History", "Ratings", "Rating History", "Review History"),
    "evidence": ("Promotion Evidence", "Evidence", "Promotion Sign-off", "Sign-offs"),
}

# Wide sheets may be one per job family: "Matrix - Engineering", "Engineering Matrix".
WIDE_TABLES = ("expectations", "behaviors")

_FAMILY = ("Job Family", "Family", "Department", "Function", "Job Function", "Discipline")
_LEVEL = ("Level", "Grade", "Band", "Level Code", "Grade Code", "Band Code", "Job Level")
_COMPETENCY = (
    "Competency",
    "Skill",
    "Competence",
    "Capability",
    "Competency Name",
    "Skill Name",
    "Area",
    "Dimension",
)
_MIN_QUARTERS = (
    "Min Quarters In Level",
    "Minimum Quarters In Level",
    "Min Quarters",
    "Quarters In Level",
    "Min Time In Level",
    "Minimum Time In Level",
    "Time In Level",
    "Min Quarters At Level",
)

COLUMN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "levels": {
        "family": _FAMILY,
        "track": ("Track", "Career Track", "Path", "Ladder", "Stream"),
        "level": _LEVEL,
        "title": ("Title", "Level Title", "Job Title", "Name", "Level Name", "Role"),
        "order": ("Order", "Rank", "Seq", "Sequence", "Sort Order", "Position", "Step"),
        "scope": ("Scope", "Autonomy", "Scope Autonomy", "Scope And Autonomy", "Summary"),
        "min_quarters": _MIN_QUARTERS,
        "band_min": ("Band Min", "Pay Band Min", "Salary Min", "Min Salary", "Pay Min"),
        "band_max": ("Band Max", "Pay Band Max", "Salary Max", "Max Salary", "Pay Max"),
    },
    "competencies": {
        "competency": _COMPETENCY,
        "category": ("Category", "Type", "Kind", "Group", "Competency Type"),
        "family": _FAMILY,
        "definition": ("Definition", "Description", "Meaning", "What It Means"),
    },
    "expectations": {"family": _FAMILY, "competency": _COMPETENCY},
    "behaviors": {"family": _FAMILY, "competency": _COMPETENCY},
    "criteria": {
        "family": _FAMILY,
        "from_level": ("From Level", "From", "From Grade", "Current Level", "Level From"),
        "to_level": ("To Level", "To", "To Grade", "Next Level", "Target Level", "Level To"),
        "min_average": (
            "Min Average",
            "Minimum Average",
            "Avg Required",
            "Average Required",
            "Min Avg",
            "Minimum Average Rating",
            "Min Average Rating",
        ),
        "min_each": (
            "Min Each",
            "Minimum Each",
            "Floor",
            "Min Rating",
            "Minimum Rating",
            "Min Per Competency",
            "No Rating Below",
        ),
        "cycles_at_next": (
            "Cycles At Next Level",
            "Cycles At Next",
            "Consecutive Cycles",
            "Quarters At Next Level",
            "Cycles Operating At Next Level",
        ),
        "min_quarters": _MIN_QUARTERS,
        "scope_criteria": ("Scope Criteria", "Scope", "Scope Requirement", "Scope Requirements"),
        "requires_endorsement": (
            "Requires Endorsement",
            "Endorsement",
            "Manager Endorsement",
            "Endorsement Required",
        ),
        "requires_calibration": (
            "Requires Calibration",
            "Calibration",
            "Calibration Required",
            "Calibration Confirmation",
        ),
    },
    "paths": {
        "kind": ("Kind", "Type", "Path Type", "Move"),
        "from_family": ("From Family", "From Job Family", "Family From"),
        "from_level": ("From Level", "From", "From Grade"),
        "to_family": ("To Family", "To Job Family", "Family To"),
        "to_level": ("To Level", "To", "To Grade"),
        "transferable_skills": ("Transferable Skills", "Transferable", "Skills That Transfer"),
        "gaps_to_close": ("Gaps To Close", "Gaps", "Skills To Build"),
        "requirements": ("Requirements", "Criteria", "Conditions"),
    },
    "employees": {
        "employee_id": ("Employee ID", "Emp ID", "ID", "Employee Number", "Staff ID", "Person ID"),
        "name": ("Name", "Employee Name", "Full Name", "Employee"),
        "email": ("Email", "E-mail", "Email Address", "Work Email"),
        "manager_id": ("Manager ID", "Manager", "Reports To", "Line Manager ID", "Manager Emp ID"),
        "family": _FAMILY,
        "track": ("Track", "Career Track"),
        "level": _LEVEL,
        "in_level_since": ("In Level Since", "Level Since", "Since", "Promoted On", "Level Date"),
        "status": (
            "Status",
            "Employment Status",
            "Employee Status",
            "Worker Status",
            "Active",
            "Active?",
            "Is Active",
            "Leaver",
            "Leaver?",
        ),
        "left_on": (
            "Leaving Date",
            "Left On",
            "Date Left",
            "Termination Date",
            "Leave Date",
            "Exit Date",
            "End Date",
            "Last Day",
            "Last Working Day",
            "Separation Date",
        ),
    },
    "history": {
        "cycle": ("Cycle", "Review Cycle", "Quarter", "Period"),
        "employee_id": ("Employee ID", "Emp ID", "ID"),
        "competency": _COMPETENCY,
        "rating": ("Rating", "Score", "Rating Value"),
        "rater_type": ("Rater Type", "Rater", "Source Type", "Review Type"),
        "reviewer": ("Reviewer", "Rated By", "Reviewer ID"),
        "evidence": ("Evidence", "Comment", "Comments", "Notes"),
        "source": ("Source", "Source File", "Import File"),
        "imported_at": ("Imported At", "Imported", "Import Date"),
    },
    "evidence": {
        "cycle": ("Cycle", "Review Cycle", "Quarter"),
        "employee_id": ("Employee ID", "Emp ID", "ID"),
        "scope_met": ("Scope Criteria Met", "Scope Met", "Scope"),
        "endorsed": ("Manager Endorsement", "Endorsed", "Endorsement"),
        "calibrated": ("Calibration Confirmed", "Calibrated", "Calibration"),
        "note": ("Note", "Notes", "Comment"),
        "source": ("Source",),
    },
}

# Columns most workbooks do not have and need not: their absence is not said. (A roster without
# Status or Leaving Date marks no leavers; people who left are deleted from it instead.)
UNSAID_COLUMNS: dict[str, tuple[str, ...]] = {"employees": ("status", "left_on")}

# Columns whose absence is an error; the others are warnings.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "levels": ("family", "track", "level", "order"),
    "competencies": ("competency",),
    "expectations": ("competency",),
    "behaviors": ("competency",),
    "criteria": ("from_level", "to_level"),
    "paths": ("kind", "from_level", "to_level"),
    "employees": ("employee_id", "level"),
    "history": ("cycle", "employee_id", "competency", "rating"),
    "evidence": ("cycle", "employee_id"),
}

_NOTE = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")


def header_key(value: object) -> str:
    """A header as it is matched: note in brackets and required-marker dropped, normalized."""
    text = clean_text(value) or ""
    text = text.rstrip("*: ").strip()
    stripped = _NOTE.sub("", text)
    return normalize_header(stripped or text)


def table_for_sheet(sheet: str) -> tuple[str, str | None] | None:
    """(table, family) the sheet name says it holds, or None. The family comes from a
    per-family wide sheet's name: "Matrix - Engineering" or "Engineering Matrix"."""
    key = header_key(sheet)
    for table, aliases in SHEET_ALIASES.items():
        if key in {header_key(a) for a in aliases}:
            return table, None
    for table in WIDE_TABLES:
        for alias in sorted(SHEET_ALIASES[table], key=len, reverse=True):
            a = header_key(alias)
            if key.startswith(a + " "):
                return table, _family_part(sheet, alias, suffix=True)
            if key.endswith(" " + a):
                return table, _family_part(sheet, alias, suffix=False)
    return None


def _family_part(sheet: str, alias: str, *, suffix: bool) -> str | None:
    """The family words of a sheet name, in the user's spelling."""
    words = (clean_text(sheet) or "").split(" ")
    n = len(alias.split(" "))
    rest = words[n:] if suffix else words[:-n]
    family = " ".join(rest).strip(" -:|_/()")
    return family or None


def column_keys(table: str) -> dict[str, str]:
    """Normalized header -> canonical column, for one table (template header included)."""
    keys: dict[str, str] = {}
    template = dict(TABLES[table][1])
    for column, aliases in COLUMN_ALIASES[table].items():
        for alias in (template.get(column, ""), column.replace("_", " "), *aliases):
            if alias:
                keys.setdefault(header_key(alias), column)
    return keys


def sheet_candidates(table: str) -> tuple[str, ...]:
    return (TABLES[table][0], *SHEET_ALIASES[table])
