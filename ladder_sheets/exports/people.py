"""Who each export row is about, by whatever the review tool wrote: the Employee ID, a work
e-mail, the person's name, or the tool's own user IDs beside one of those.

The key column is found by its values, not its name: the column whose values are most often
the framework's Employee IDs, else e-mails, else names of people on the Employees sheet. An
e-mail or a name becomes that person's ID; a name two people share is an error naming both
rows of Employees (guessing would give one person's rating to another), and its ratings are
not read; a value that is nobody's stays as written, for the check to report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ladder_sheets.findings import Finding, error, info
from ladder_sheets.model import Table
from ladder_sheets.values import clean_text, is_blank, normalize_header

if TYPE_CHECKING:
    from ladder_sheets.exports.layout import Layout

MATCH_SHARE = 0.5  # share of a column's distinct values that must be people to make it the key
KINDS = ("ID", "e-mail", "name")  # best first, when two columns match as well
AMBIGUOUS = "\x00ambiguous"
# Header words of the column naming the person rated.
REVIEWEE_WORDS = frozenset(
    ("reviewee", "employee", "worker", "subject", "person", "staff", "reviewing", "reviewed",
     "member", "who", "ratee", "appraisee")
)  # fmt: skip  # what `identify` returns for a name two people share


def _id(value: object) -> str:
    return (clean_text(value) or "").casefold()


def _name(value: object) -> str:
    return normalize_header(value)


def _turned(value: object) -> str | None:
    """'Silva, José' as 'José Silva' (an HR system's "Last, First"), for a value with one
    comma; None otherwise."""
    text = clean_text(value) or ""
    last, comma, first = text.partition(",")
    if not comma or "," in first or not last.strip() or not first.strip():
        return None
    return _name(f"{first} {last}")


@dataclass
class People:
    """The framework's people, looked up by ID, e-mail or name."""

    ids: dict[str, str] = field(default_factory=dict)  # ID key -> the ID as written
    # digits-only IDs without their leading zeros ("000014" -> "14") -> the IDs so written:
    # a spreadsheet or CSV tool drops the zeros of an ID it takes for a number
    by_digits: dict[str, list[str]] = field(default_factory=dict)
    emails: dict[str, list[str]] = field(default_factory=dict)  # e-mail key -> IDs
    # name key -> (ID, row of Employees); the row's cell is spelled out only for a message
    names: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    employees: Table | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, employees: Table) -> People:
        people = cls(employees=employees)
        data = employees.data
        if not len(data) or "employee_id" not in data:
            return people
        emails = data["email"].tolist() if "email" in data else [None] * len(data)
        names = data["name"].tolist() if "name" in data else [None] * len(data)
        for index, person, email, name in zip(
            data.index, data["employee_id"].tolist(), emails, names, strict=True
        ):
            if is_blank(person):
                continue
            pid = clean_text(person) or ""
            people.add_id(pid)
            if not is_blank(email):
                people.emails.setdefault(_id(email), []).append(pid)
            if not is_blank(name):
                people.names.setdefault(_name(name), []).append((pid, index))
        return people

    @classmethod
    def from_ids(cls, ids: Sequence[str]) -> People:
        people = cls()
        for pid in ids:
            if pid:
                people.add_id(pid)
        return people

    def add_id(self, pid: str) -> None:
        if _id(pid) in self.ids:
            return
        self.ids[_id(pid)] = pid
        if pid.isdigit():
            self.by_digits.setdefault(pid.lstrip("0"), []).append(pid)

    def by_number(self, value: object) -> str | None:
        """The one Employee ID a digits-only value is once its leading zeros are set aside
        (14 for "000014", or "000014" for 14); None where no ID or two IDs are ("014" and
        "0014": which one is not guessed)."""
        text = clean_text(value) or ""
        if not text.isdigit() or _id(text) in self.ids:
            return None
        hits = self.by_digits.get(text.lstrip("0"), [])
        return hits[0] if len(hits) == 1 else None

    def place(self, row: Any) -> str:
        """The cell of the name on row `row` of Employees, as "Employees!B7"."""
        return str(self.employees.where(row, "name")) if self.employees is not None else ""

    def __bool__(self) -> bool:
        return bool(self.ids)

    def kind_of(self, value: object) -> str | None:
        """Which of KINDS a value is of some person ("ID", "e-mail", "name"), or None."""
        if _id(value) in self.ids or self.by_number(value) is not None:
            return "ID"
        if _id(value) in self.emails:
            return "e-mail"
        if self.named(value):
            return "name"
        return None

    def named(self, value: object) -> list[tuple[str, Any]]:
        """The Employees rows a name names, as written or turned from "Last, First": (ID,
        row) pairs."""
        found = self.names.get(_name(value))
        if found is None and (turned := _turned(value)) is not None:
            found = self.names.get(turned)
        return found or []

    def identify(self, value: object, kind: str) -> str | None:
        """The Employee ID a value of the key column stands for: AMBIGUOUS for a name two
        people share, the value as written when nobody has it, None when blank."""
        text = clean_text(value)
        if text is None:
            return None
        if kind == "ID" or _id(text) in self.ids:
            return self.ids.get(_id(text)) or self.by_number(text) or text
        if kind == "e-mail":
            hits = self.emails.get(_id(text), [])
            return hits[0] if len(set(hits)) == 1 else text
        found = self.named(text)
        if len({pid for pid, _ in found}) > 1:
            return AMBIGUOUS
        return found[0][0] if found else text


@dataclass
class Key:
    """The export's key column and what its values are."""

    col: int
    kind: str  # one of KINDS
    share: float  # of the sampled distinct values that are people
    distinct: int = 0  # people named: the reviewee's column names more than a reviewer's


def find_key(
    layout: Layout, people: People, skip: set[int], kind: str | None = None
) -> tuple[Key | None, list[Finding]]:
    """The column that says who each row is about, judged by values (see the module's
    docstring); the findings say what was chosen when the names alone would not have.
    `kind` (the mapping's keys.employee: ID, e-mail or name) limits the kinds looked for."""
    from ladder_sheets.exports.meaning import sample

    roles, headers = layout.roles, layout.headers
    named = roles.get("employee_id")
    scores: dict[int, Key] = {}
    for col, header in enumerate(headers):
        if not header or col in skip:
            continue
        distinct = {clean_text(v) for v in sample(layout, col)} - {None}
        if not distinct:
            continue
        kinds = [people.kind_of(v) for v in distinct]
        best = None
        for each in KINDS if kind is None else (kind,):
            share = sum(k == each for k in kinds) / len(distinct)
            if share >= MATCH_SHARE and (best is None or share > best.share):
                best = Key(col, each, share, len(distinct))
        if best is not None:
            scores[col] = best
    if named is not None and named in scores and scores[named].kind == "ID":
        return scores[named], []
    if not scores:
        return (None, []) if named is None else (Key(named, "ID", 0.0), [])
    # equal matches: the header that speaks of the person rated wins ("Who are you reviewing?"
    # over a Google Form's "Email Address", which is the respondent's)
    key = max(
        scores.values(),
        key=lambda k: (
            round(k.share, 2),
            bool(set(normalize_header(headers[k.col]).split()) & REVIEWEE_WORDS),
            k.distinct,
            -KINDS.index(k.kind),
            -k.col,
        ),
    )
    header = headers[key.col]
    said = (
        f"people identified by column '{header}': {round(key.share * 100)}% of its values are "
        f"{'Employee IDs' if key.kind == 'ID' else key.kind + 's'} of people on Employees"
    )
    if named is not None and named != key.col:
        said += (
            f"; column '{headers[named]}' matches no Employee ID (the review tool's own IDs?) "
            "and is not read"
        )
    findings = [
        info(
            "export-key",
            said,
            "nothing to do if that is right; otherwise name the employee_id column in the mapping",
            layout.rows.where(layout.header, key.col, header),
        )
    ]
    return key, findings


def ambiguous_names(
    people: People, layout: Layout, key: Key, rows: Sequence[int], values: Sequence[Any]
) -> list[Finding]:
    """One error per shared name: the export's first row with it and both Employees rows."""
    out: list[Finding] = []
    seen: set[str] = set()
    header = layout.headers[key.col]
    for row, value in zip(rows, values, strict=True):
        name = _name(value)
        if name in seen:
            continue
        seen.add(name)
        owners = people.named(value)
        count = sum(1 for v in values if _name(v) == name)
        both = " and ".join(f"{people.place(row)} ({pid})" for pid, row in owners[:2])
        out.append(
            error(
                "ambiguous-person",
                f"'{clean_text(value)}' names {len(owners)} people on Employees: {both}; its "
                f"{count} ratings in this export are not read",
                "identify people by Employee ID or e-mail in the export",
                layout.rows.where(row, key.col, header),
            )
        )
    return out


def id_reader(
    employees: dict[str, str], people: People | None, restored: dict[str, str]
) -> Callable[[Any], str | None]:
    """An Employee ID cell as the framework spells it ("e003" -> "E003"); a digits-only one
    whose leading zeros a spreadsheet dropped or added as the one ID it then is, kept in
    `restored` (as written -> ID) to be said; anything else as written."""
    from ladder_sheets.exports.columns import compact

    def read(value: Any) -> str | None:
        text = clean_text(value)
        if text is None:
            return None
        known = employees.get(compact(text))
        if known is not None or people is None:
            return known or text
        number = people.by_number(text)
        if number is None:
            return text
        restored[text] = number
        return number

    return read


def restored_ids(layout: Layout, restored: dict[str, str], file: str) -> list[Finding]:
    """One note for the IDs read by their digits: what was written and what it was read as."""
    if not restored:
        return []
    col = layout.roles["employee_id"]
    header = layout.headers[col]
    pairs = sorted(restored.items(), key=lambda kv: kv[1])
    shown = ", ".join(f"{was} as {pid}" for was, pid in pairs[:4])
    more = f" and {len(pairs) - 4} more" if len(pairs) > 4 else ""
    return [
        info(
            "export-id-zeros",
            f"{len(pairs)} Employee IDs in column '{header}' of {file} differ from Employees "
            f"only in leading zeros, as a spreadsheet writes an ID it takes for a number: read "
            f"as the one ID each matches ({shown}{more})",
            "nothing to do if that is right; format the ID column as text in the review tool "
            "to keep the zeros",
            layout.rows.where(layout.header, col, header),
        )
    ]
