"""Ratings from the workbook's history and from review exports, typed and checked together.

The rows of several files are concatenated into one `SourcedTable`, which keeps the file of each
row beside its cell, so a finding on a merged row still names the export and line it came from.
Duplicates are found across files: the same cycle x employee x competency x rater twice. A later
copy with the same rating (an export already merged) is a warning; a copy with another rating is
an error. Either way the later copy's rating is blanked in the typed table and the first is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.codes import CODES
from ladder_sheets.findings import Finding, Where, error, info, warning
from ladder_sheets.model import (
    CONTEXT_RATERS,
    MANAGER,
    Framework,
    Table,
    columns,
    stacked_places,
)
from ladder_sheets.schema.catalog import Catalog
from ladder_sheets.schema.references import competency_references, employee_references
from ladder_sheets.schema.schemas import id_key, name_key
from ladder_sheets.schema.tables import type_table
from ladder_sheets.values import closest, distinct_objects, factorize, is_blank, map_distinct


@dataclass
class SourcedTable(Table):
    """A table whose rows come from several files: `files` holds each row's file."""

    files: pd.Series = field(default_factory=lambda: pd.Series([], dtype=object))

    def where(self, index: Any, column: str | None = None) -> Where:
        place = super().where(index, column)
        row_file = self.files.get(index) if len(self.files) else None
        if place.sheet is None and place.cell is not None:  # a history store's row: its file
            return place
        return dataclasses.replace(place, file=row_file) if row_file else place


def combine(name: str, tables: Sequence[Table]) -> SourcedTable:
    """Rows of every table in order, each keeping its cell, sheet and file."""
    parts = [t for t in tables if len(t.data)]
    if not parts:
        empty = Table.empty(name)
        return SourcedTable(name, empty.data, empty.places, empty.sheets)
    data = pd.concat([t.data.reset_index(drop=True) for t in parts], ignore_index=True)
    places = stacked_places(name, parts)
    sheets = pd.concat(
        [t.sheets.reindex(t.data.index).astype(object).reset_index(drop=True) for t in parts],
        ignore_index=True,
    )
    sheets = sheets.where(sheets.notna(), None)
    files = pd.Series(
        np.repeat(np.array([t.file for t in parts], dtype=object), [len(t.data) for t in parts]),
        dtype=object,
    )
    file = parts[0].file if all(t.file == parts[0].file for t in parts) else ""
    return SourcedTable(name, data[columns(name)], places, sheets, file, files)


def type_all(name: str, tables: Sequence[Table]) -> tuple[list[Table], list[Finding]]:
    """Each table typed on its own (so findings carry its own places), with the findings."""
    findings: list[Finding] = []
    typed = []
    for table in tables:
        if len(table.data):
            out, found = type_table(table)
            typed.append(out)
            findings += found
    return typed, findings


def check_ratings(
    ratings: SourcedTable,
    framework: Framework,
    catalog: Catalog,
    keys: RatingKeys | None = None,
    former: set[str] | None = None,
) -> list[Finding]:
    """`keys`: the rows' RatingKeys when already known (a history from the cache: they
    depend on its rows alone, and rewriting a name to the framework's spelling keeps its key).
    `former` is given the ID keys of people the history holds who are no longer on
    Employees."""
    findings: list[Finding] = []
    if not len(ratings.data):
        return findings
    if catalog.competencies:
        findings += competency_references(ratings, catalog)
    recorded = recorded_rows(ratings, framework).to_numpy(dtype=bool)
    if keys is None or len(keys.code) != len(ratings.data):
        keys = RatingKeys.of(ratings.data)  # keys compare IDs as references do: before them
    gone, marked = _former(ratings, framework, catalog, keys, recorded)
    findings += employee_references(ratings, catalog, quiet=gone)
    if marked is not None and gone is not None:
        findings += _rated_leavers(ratings, keys, gone & marked & ~recorded, framework.leavers)
        gone = gone & ~marked  # said where the people sheet marks them (employee-left)
    if gone is not None and not gone.any():
        gone = None
    findings += former_employees(ratings, keys, gone, former)
    findings += _against_history(ratings, keys, recorded)
    findings += _duplicates(ratings, keys, recorded)
    findings += _coverage(ratings, keys, framework, catalog, _meant(ratings, catalog))
    return findings


def _former(
    ratings: SourcedTable,
    framework: Framework,
    catalog: Catalog,
    keys: RatingKeys,
    recorded: np.ndarray,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Per row, whether it is a recorded rating (Ratings History or the history store) of
    someone no longer on Employees, or any rating of someone Employees marks as left; and
    per row whether its person is so marked. None where there is none. Looked up once per
    person."""
    if not catalog.employees:
        return None, None
    codes, people = keys.codes("employee", keys.employee)
    keys_ = people.tolist()
    gone = np.fromiter((bool(k) and k not in catalog.employees for k in keys_), bool, len(people))
    if not gone.any():
        return None, None
    leavers = framework.leavers
    left = (
        np.fromiter((k in leavers for k in keys_), bool, len(people))
        if leavers
        else np.zeros(len(people), dtype=bool)
    )
    kept = recorded.copy()
    if framework.store is not None and len(ratings.files):
        kept |= ratings.files.to_numpy(dtype=object) == str(framework.store.path)
    out = gone[codes] & (kept | left[codes])
    if not out.any():
        return None, None
    return out, (left[codes] if left.any() else None)


def former_employees(
    ratings: SourcedTable, keys: RatingKeys, gone: np.ndarray | None, former: set[str] | None
) -> list[Finding]:
    """One warning for everyone the history holds who is no longer on Employees: people who
    left keep their history, which the analysis passes over; an ID changed on Employees
    alone would orphan a history the same way, so it is said, not an error blocking merge."""
    if gone is None:
        return []
    rows = np.flatnonzero(gone)
    who = keys.employee[rows]
    people, first, counts = np.unique(who, return_index=True, return_counts=True)
    if former is not None:
        former.update(people.tolist())
    order = np.argsort(rows[first], kind="stable")  # in the order the history first names them
    cycles = ratings.data["cycle"].to_numpy(dtype=object)[rows]
    last = pd.Series(cycles).groupby(who).max()
    index = ratings.data.index
    ids = ratings.data["employee_id"].to_numpy(dtype=object)

    def said(i: int) -> str:
        when = last[people[i]]
        since = f", last {when}" if isinstance(when, str) else ""  # no cycle: none to name
        count = int(counts[i])
        return f"{ids[rows[first[i]]]} ({count} rating{'s' if count != 1 else ''}{since})"

    shown = [said(i) for i in order[:8].tolist()]
    more = f" and {len(people) - 8} more" if len(people) > 8 else ""
    found = warning(
        "former-employee",
        f"{len(people)} {'people' if len(people) > 1 else 'person'} in the ratings history "
        f"{'are' if len(people) > 1 else 'is'} no longer on Employees: {', '.join(shown)}"
        f"{more}. Their history is kept; gaps, readiness and packs pass over them.",
        "Nothing to do for people who left. If someone's Employee ID changed on Employees, "
        "change it in Ratings History too, or their history no longer counts.",
        ratings.where(index[rows[first[order[0]]]], "employee_id"),
    )
    firsts = (ratings.where(index[rows[first[i]]], "employee_id") for i in order)
    return [_at_places(found, (str(w) for w in firsts))]


def _rated_leavers(
    ratings: SourcedTable, keys: RatingKeys, rows_mask: np.ndarray, leavers: Any
) -> list[Finding]:
    """One warning for the new ratings of people Employees marks as left (rated before they
    went, or the status is wrong): recorded with their history, passed over by the analysis."""
    rows = np.flatnonzero(rows_mask)
    if not len(rows):
        return []
    who = keys.employee[rows]
    people, first = np.unique(who, return_index=True)
    order = np.argsort(rows[first], kind="stable")
    ids = ratings.data["employee_id"].to_numpy(dtype=object)
    index = ratings.data.index
    named = [f"{ids[rows[first[i]]]} ({leavers.said[people[i]]})" for i in order.tolist()]
    n, count = len(people), len(rows)
    found = warning(
        "rated-leaver",
        f"{count} rating{'s' if count != 1 else ''} of {n} "
        f"{'people' if n != 1 else 'person'} marked as left on Employees: {_listed(named, 5)}. "
        "They are recorded with their history; gaps, readiness and packs pass over them.",
        CODES["rated-leaver"].hint,
        ratings.where(index[rows[0]], "employee_id"),
    )
    places = (str(ratings.where(index[r], "employee_id")) for r in rows.tolist())
    return [_at_places(found, places)]


def _meant(ratings: SourcedTable, catalog: Catalog) -> dict[str, str]:
    """Unknown competency key -> the key of the competency unknown-competency suggests: a
    misspelt competency is one finding, not also every rating it then lacks."""
    if not catalog.competencies:
        return {}
    names = list(catalog.competencies.values())
    meant: dict[str, str] = {}
    for value in pd.unique(ratings.data["competency"].to_numpy(dtype=object)):
        if is_blank(value) or (key := name_key(value)) in catalog.competencies or key in meant:
            continue
        hits = closest(str(value), names, n=1)
        if hits:
            meant[key] = name_key(hits[0])
    return meant


@dataclass
class RatingKeys:
    """Each rating row's key parts, compared as names and IDs are (case and spacing ignored),
    and one integer per cycle x employee x competency x rater (-1 for a row that is not a
    complete rating). Several peers may rate one competency, so a 360 rating's key names its
    rater (see rater_keys); a manager or self rating is one per cycle."""

    employee: np.ndarray
    competency: np.ndarray
    code: np.ndarray
    # per row, the number of its employee key, competency key and cycle among the distinct
    # ones, in order of first appearance (see `codes`); worked out when first asked for
    employee_code: np.ndarray | None = None
    competency_code: np.ndarray | None = None
    cycle_code: np.ndarray | None = None

    def codes(self, part: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's number among the distinct `values` ("employee", "competency": the
        keys; "cycle": the cycle column), and those values in order of first appearance."""
        codes = getattr(self, f"{part}_code")
        if codes is None:
            found, uniques = factorize(values, use_na_sentinel=False)
            setattr(self, f"{part}_code", found.astype(np.int64))
            return found.astype(np.int64), np.asarray(uniques, dtype=object)
        return codes, np.asarray(values, dtype=object)[first_rows(codes)]

    @classmethod
    def of(cls, data: pd.DataFrame) -> RatingKeys:
        employee, competency, code, complete = _key_parts(data)
        code[~complete] = -1
        return cls(employee, competency, code)

    def facts(self, cycle: np.ndarray) -> dict[str, np.ndarray]:
        """The keys and their codes as plain arrays, for the history cache
        (workbook/history_cache.py); `cycle`: the rows' cycles."""
        return {
            "employee": self.employee,
            "competency": self.competency,
            "code": self.code,
            "employee_code": self.codes("employee", self.employee)[0],
            "competency_code": self.codes("competency", self.competency)[0],
            "cycle_code": self.codes("cycle", cycle)[0],
        }

    @classmethod
    def from_facts(cls, facts: dict[str, np.ndarray] | None, rows: int) -> RatingKeys | None:
        """The keys `facts` gave, if they are keys of `rows` rows."""
        if facts is None:
            return None
        try:
            keys = cls(
                np.asarray(facts["employee"], dtype=object),
                np.asarray(facts["competency"], dtype=object),
                np.asarray(facts["code"], dtype=np.int64),
            )
        except (KeyError, TypeError, ValueError):
            return None
        if not len(keys.employee) == len(keys.competency) == len(keys.code) == rows:
            return None
        for part in ("employee", "competency", "cycle"):  # a cache without them: worked out
            codes = facts.get(f"{part}_code")
            if codes is not None and len(codes) == rows and np.issubdtype(codes.dtype, np.integer):
                setattr(keys, f"{part}_code", codes.astype(np.int64, copy=False))
        return keys


def history_facts(data: pd.DataFrame) -> dict[str, np.ndarray]:
    """What the history cache keeps of a typed history for the next check: its rating keys."""
    return RatingKeys.of(data).facts(data["cycle"].to_numpy(dtype=object))


def _key_parts(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's employee key, competency key, number of its cycle x employee x competency x
    rater among the rows' distinct ones (in order of first appearance, complete or not), and
    whether it is a complete rating."""
    employee, _ = map_distinct(data["employee_id"].to_numpy(dtype=object), id_key)
    competency, _ = map_distinct(data["competency"].to_numpy(dtype=object), name_key)
    reviewer = rater_keys(
        data["cycle"].to_numpy(dtype=object),
        employee,
        competency,
        data["rater_type"].to_numpy(dtype=object),
        data["reviewer"].to_numpy(dtype=object),
        data["source"].to_numpy(dtype=object) if "source" in data else None,
    )
    complete = (
        data[["cycle", "employee_id", "competency", "rater_type"]].notna().all(axis=1)
        & data["rating"].notna()
    ).to_numpy()
    code = combined_codes(
        [
            data["cycle"].to_numpy(),
            employee,
            competency,
            data["rater_type"].to_numpy(),
            reviewer,
        ]
    )
    return employee, competency, code, complete


_FACTS = ("employee", "competency", "code", "employee_code", "competency_code", "cycle_code")
# the history's columns the rating keys are made of (RatingKeys.of)
KEY_COLUMNS = ("cycle", "employee_id", "competency", "rating", "rater_type", "reviewer", "source")
_PARTS = ("employee", "competency", "cycle")  # numbered each on its own (RatingKeys.codes)


def first_rows(codes: np.ndarray) -> np.ndarray:
    """The first row of each number of `codes` (numbers 0..k-1 given in order of first
    appearance)."""
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write wins
    return first


def appended_facts(
    facts: dict[str, np.ndarray],
    rows_of: Callable[[np.ndarray], pd.DataFrame],
    new: pd.DataFrame,
) -> dict[str, np.ndarray]:
    """The `history_facts` of rows `new` appended to a typed history whose facts are `facts`:
    what `history_facts` of the whole gives for the new rows, without the whole. `rows_of`
    gives the old history's rows at some positions (in order): only those that share a cycle
    and employee with a new row or with an incomplete old one are asked for.

    The codes number distinct values in order of first appearance over the whole history, so
    the new rows' codes continue the old ones: a person, competency or cycle already numbered
    keeps its number, a new one takes the next. A rating's code numbers its cycle x employee x
    competency x rater among every row's, incomplete rows included (whose codes are stored as
    -1): those combinations take numbers too, so the old history's count of them and each
    one's number are worked out from the incomplete rows' cycle and employee (a combination
    is never shared across either). Anonymous 360 ratings are ranked within their cycle and
    employee, so their ranks continue from the old rows asked for. Raises ValueError when
    `facts` are not the facts of one history."""
    if any(facts.get(name) is None for name in _FACTS):
        raise ValueError("facts without their codes")
    old_code = np.asarray(facts["code"], dtype=np.int64)
    n = len(old_code)
    employee, _ = map_distinct(new["employee_id"].to_numpy(dtype=object), id_key)
    competency, _ = map_distinct(new["competency"].to_numpy(dtype=object), name_key)

    def continued(old: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, int]:
        """The new rows' numbers among `values` after the old ones (`old`: the old distinct
        values in order), and how many numbers there are now."""
        codes, uniques = pd.factorize(np.concatenate([old, values]), use_na_sentinel=False)
        if not np.array_equal(codes[: len(old)], np.arange(len(old))):
            raise ValueError("the old distinct values are not distinct")
        return codes[len(old) :].astype(np.int64), len(uniques)

    codes = {part: np.asarray(facts[f"{part}_code"], dtype=np.int64) for part in _PARTS}
    if any(len(c) != n for c in codes.values()) or len(facts["employee"]) != n:
        raise ValueError("facts of different lengths")
    first = {part: first_rows(c) for part, c in codes.items()}
    old_cycles = rows_of(first["cycle"])["cycle"].to_numpy(dtype=object)
    old_keys = {"employee": facts["employee"], "competency": facts["competency"]}
    new_values = {
        "employee": employee,
        "competency": competency,
        "cycle": new["cycle"].to_numpy(dtype=object),
    }
    added: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for part in _PARTS:
        distinct = (
            old_cycles if part == "cycle" else np.asarray(old_keys[part], dtype=object)[first[part]]
        )
        added[part], counts[part] = continued(distinct, new_values[part])
    # the old rows a new row's code or rank depends on: those of its cycle and employee,
    # and those of every incomplete old row's cycle and employee
    people = max(counts["employee"], 1)
    pair_old = codes["cycle"] * people + codes["employee"]
    pair_new = added["cycle"] * people + added["employee"]
    incomplete = old_code < 0
    wanted = np.union1d(pair_old[incomplete], pair_new[added["cycle"] < len(first["cycle"])])
    asked = np.flatnonzero(np.isin(pair_old, wanted)) if len(wanted) else np.empty(0, np.int64)
    rows = pd.concat([rows_of(asked), new], ignore_index=True)
    _, _, local, complete = _key_parts(rows)
    m = len(asked)
    distinct = int(local.max()) + 1 if len(local) else 0
    # each local combination's number in the whole history
    number = np.full(distinct, -1, dtype=np.int64)
    was = old_code[asked]
    number[local[:m][was >= 0]] = was[was >= 0]
    in_old = np.zeros(distinct, dtype=bool)
    in_old[local[:m]] = True
    hidden = np.flatnonzero(in_old & (number < 0))  # only in incomplete old rows
    seen = old_code[~incomplete]
    taken = np.zeros(int(seen.max()) + 1 if len(seen) else 0, dtype=bool)
    taken[seen] = True
    total = int(taken.sum()) + len(hidden)  # the old history's distinct combinations
    if total < len(taken):
        raise ValueError("codes past the count of combinations")
    gaps = np.flatnonzero(~np.concatenate([taken, np.zeros(total - len(taken), dtype=bool)]))
    if len(gaps) != len(hidden):
        raise ValueError("incomplete rows that do not account for the codes missing")
    number[hidden] = gaps  # in order of first appearance, as the numbers were given
    fresh = np.flatnonzero(~in_old)
    number[fresh] = total + np.arange(len(fresh))
    code = number[local[m:]]
    code[~complete[m:]] = -1
    return {
        "employee": employee,
        "competency": competency,
        "code": code,
        "employee_code": added["employee"],
        "competency_code": added["competency"],
        "cycle_code": added["cycle"],
    }


def rater_keys(
    cycle: np.ndarray,
    employee: np.ndarray,
    competency: np.ndarray,
    rater_type: np.ndarray,
    reviewer: np.ndarray,
    source: np.ndarray | None = None,
) -> np.ndarray:
    """What tells one rater's rating from another's for the same cycle, employee, competency
    and rater type: "" for the manager and self (one each per cycle); for 360 raters (peer,
    upward, additional manager) the reviewer, and where the export names none (anonymous 360),
    the rating's rank among that person's anonymous ratings of the kind in its file, so that
    several anonymous peers are several ratings and importing the same file again matches
    each to itself."""
    n = len(rater_type)
    # once per distinct rater type, not per row: a history repeats a few a million times
    kinds, _ = map_distinct(
        np.asarray(rater_type, dtype=object),
        lambda t: str(t).strip().lower() if not is_blank(t) else "",
    )
    context = pd.Series(kinds, dtype=object).isin(CONTEXT_RATERS).to_numpy(dtype=bool)
    out = np.full(n, "", dtype=object)
    if not context.any():
        return out
    names, _ = map_distinct(np.asarray(reviewer, dtype=object), name_key)
    out[context] = names[context]
    anonymous = context & (out == "")
    if anonymous.any():
        files = np.full(n, "", dtype=object) if source is None else np.asarray(source, dtype=object)
        group = combined_codes(
            [np.asarray(p, dtype=object) for p in (cycle, employee, competency, kinds, files)]
        )
        rank = pd.Series(group[anonymous]).groupby(group[anonymous]).cumcount().to_numpy()
        out[anonymous] = [f"#{r + 1}" for r in rank.tolist()]
    return out


def combined_codes(parts: Sequence[np.ndarray]) -> np.ndarray:
    """One integer per distinct combination of the parts' values, row by row (kept below the
    row count at each step, so no overflow whatever the number of distinct values)."""
    code = np.zeros(len(parts[0]) if parts else 0, dtype=np.int64)
    span = 1  # code < span: renumbered only when the next part would overflow
    for part in parts:
        codes, uniques = factorize(part, use_na_sentinel=False)
        if span * max(len(uniques), 1) >= 1 << 62:
            code, seen = pd.factorize(code)
            span = max(len(seen), 1)
        code = code * len(uniques) + codes
        span *= max(len(uniques), 1)
    # numbered in the order each combination first appears, as one factorize per part gave
    code, _ = pd.factorize(code)
    return code.astype(np.int64)


def recorded_rows(ratings: Table, framework: Framework) -> pd.Series:
    """True for rows read from the workbook's own Ratings History sheet(s) (a SourcedTable's
    rows: from the workbook's own file too)."""
    sheets = ratings.sheets.reindex(ratings.data.index)
    mask = sheets.isin(framework.sources.get("history", [])).to_numpy(dtype=bool)
    files = getattr(ratings, "files", None)
    if files is not None and len(files):
        own = framework.history.file or str(framework.path)
        # numpy's comparison, not a Series': each row's file is one of a few path objects
        mask = mask & np.asarray(files.to_numpy(dtype=object) == own, dtype=bool)
    return pd.Series(mask, index=ratings.data.index, dtype=bool)


def _against_history(
    ratings: SourcedTable, keys: RatingKeys, recorded: np.ndarray
) -> list[Finding]:
    """An export's rating for a key the history already holds is for merge to decide: the same
    value is already imported (nothing to say), a different one is a change merge will not make
    without --replace-cycle, said here so `check` warns before the merge stops."""
    findings: list[Finding] = []
    if not recorded.any() or recorded.all():
        return findings
    complete = keys.code >= 0
    old = np.flatnonzero(recorded & complete)
    new = np.flatnonzero(~recorded & complete)
    # the last recorded copy of each key (earlier copies are duplicates, reported below)
    held = pd.Series(old, index=keys.code[old])
    held = held[~held.index.duplicated(keep="last")]
    new = new[np.isin(keys.code[new], held.index.to_numpy())]
    before_at = held.reindex(keys.code[new]).to_numpy()
    rating = ratings.data["rating"].to_numpy()
    changed = rating[before_at] != rating[new]
    index = ratings.data.index
    for at, was in zip(new[changed].tolist(), before_at[changed].tolist(), strict=True):
        row: Any = ratings.data.loc[index[at]]  # type: ignore[call-overload]
        findings.append(
            warning(
                "rating-changed",
                f"{str(row['rater_type']).capitalize()} rating of '{row['employee_id']}' in "
                f"'{row['competency']}' for {row['cycle']} is {_fmt(rating[at])} here but "
                f"{_fmt(rating[was])} in Ratings History at "
                f"{_place(ratings.where(index[was], 'rating'))}.",
                f"If this export corrects the cycle, merge it with --replace-cycle {row['cycle']}; "
                "otherwise fix the export.",
                ratings.where(index[at], "rating"),
            )
        )
    return findings


def _duplicates(ratings: SourcedTable, keys: RatingKeys, recorded: np.ndarray) -> list[Finding]:
    """The same rating twice within the history, or within the exports of this run."""
    findings: list[Finding] = []
    # History and exports are compared by merge (see _against_history), not here.
    same = recorded.all() or not recorded.any()  # a history alone: its keys are the codes
    # a key and whether it is recorded, as one number (only equality matters below)
    code = keys.code.copy() if same else keys.code * 2 + recorded
    code[keys.code < 0] = -1
    repeated = pd.Series(code).duplicated(keep="first").to_numpy() & (code >= 0)
    if not repeated.any():
        return findings
    twice = np.isin(code, code[repeated])
    first = {
        c: at
        for at, c in zip(
            np.flatnonzero(twice & ~repeated).tolist(),
            code[twice & ~repeated].tolist(),
            strict=True,
        )
    }
    index = ratings.data.index
    # (earlier file, later file) -> [ratings both hold, how many differ, first place, cycles]
    overlaps: dict[tuple[str, str], list[Any]] = {}
    for at in np.flatnonzero(repeated).tolist():
        label, earlier = index[at], index[first[int(code[at])]]
        row: Any = ratings.data.loc[label]  # type: ignore[call-overload]
        same_value = ratings.data.at[earlier, "rating"] == row["rating"]
        same_file = ratings.where(earlier).file == ratings.where(label).file
        if not same_file and ratings.where(earlier).file and ratings.where(label).file:
            pair = (str(ratings.where(earlier).file), str(ratings.where(label).file))
            seen = overlaps.setdefault(pair, [0, 0, ratings.where(label, "rating"), set(), []])
            seen[0] += 1
            seen[1] += not same_value
            seen[3].add(str(row["cycle"]))
            seen[4].append(len(findings))  # the finding this rating is about to get
        what = (
            f"{row['rater_type'].capitalize()} rating of '{row['employee_id']}' in "
            f"'{row['competency']}' for {row['cycle']}"
        )
        place, was = ratings.where(label, "rating"), ratings.where(earlier, "rating")
        if same_value and not same_file:
            findings.append(
                warning(
                    "duplicate-rating",
                    f"{what} is already recorded at {_place(was)} with the same value.",
                    "Nothing to do if this export was merged before; the first copy is kept.",
                    place,
                )
            )
        else:
            findings.append(
                error(
                    "duplicate-rating",
                    f"{what} appears twice: {_fmt(row['rating'])} here and "
                    f"{_fmt(ratings.data.at[earlier, 'rating'])} at {_place(was)}.",
                    "Keep one rating per cycle, employee, competency and rater.",
                    place,
                )
            )
        ratings.data.at[label, "rating"] = np.nan
    said, dropped = _overlapping_exports(overlaps, findings)
    return said + [f for i, f in enumerate(findings) if i not in dropped]


# Ratings two files must share before they are said to overlap as a whole (a handful is a
# person moved between teams' exports; dozens are the same export twice).
OVERLAP_MIN = 5


def _overlapping_exports(
    overlaps: dict[tuple[str, str], list[Any]], findings: list[Finding]
) -> tuple[list[Finding], set[int]]:
    """One finding per pair of files holding many of the same ratings, before the ratings
    themselves: the cause ("the same cycle exported twice") said once. Where every value
    agrees, it stands for the ratings' own warnings (their indices in `findings` returned);
    where some differ, each rating is still an error of its own."""
    out: list[Finding] = []
    dropped: set[int] = set()
    for (was, now), (count, differ, place, cycles, listed) in overlaps.items():
        if count < OVERLAP_MIN:
            continue
        a, b = Path(was).name, Path(now).name
        cycle = ", ".join(sorted(cycles))
        if differ:
            out.append(
                error(
                    "exports-overlap",
                    f"{b} and {a} both hold {count} ratings of {cycle} for the same people, "
                    f"competencies and raters, {differ} of them with different values: two "
                    "exports of the same cycle, or one filed under the wrong cycle?",
                    "Pass the one export that holds the cycle's ratings; if one belongs to "
                    "another cycle, check it on its own with --cycle. Each rating is listed "
                    "below as duplicate-rating.",
                    place,
                )
            )
        else:
            found = warning(
                "exports-overlap",
                f"{b} repeats {count} ratings of {cycle} that {a} holds, every one with the "
                "same value: the same export passed twice?",
                "Nothing to do: each rating is kept once; pass one of the two next time.",
                place,
            )
            out.append(_at_places(found, (str(findings[i].where) for i in listed)))
            dropped.update(listed)
    return out, dropped


def _coverage(
    ratings: SourcedTable,
    keys: RatingKeys,
    framework: Framework,
    catalog: Catalog,
    meant: dict[str, str] | None = None,
) -> list[Finding]:
    """Missing manager ratings for expected competencies, and ratings nobody expects. A rating
    of a competency unknown-competency reports (`meant`: its key -> the suggested one) counts
    as the suggested one's here: that finding is the cause, said once. Worked on integer codes
    of people, cycles and competencies (a history repeats a few thousand of each a million
    times), one person x cycle at a time only where something is missing or unexpected."""
    findings: list[Finding] = []
    expected = expected_competencies(framework)
    wanted_of = _expectations_of_people(framework, expected)
    data = ratings.data
    rated = np.flatnonzero(
        manager_rated(data) & per_object(data["employee_id"].to_numpy(dtype=object), _known)
    )
    # people, competencies and cycles as the numbers RatingKeys gives them (a cached
    # history's are kept with it): each distinct one is looked up once, not once a row
    person_code, people_keys = keys.codes("employee", keys.employee)
    profile_of = np.fromiter(
        (wanted_of.get(p, -1) for p in people_keys.tolist()), np.int64, len(people_keys)
    )
    profile = profile_of[person_code[rated]]
    keep = profile >= 0
    at, profile = rated[keep], profile[keep]
    if not len(at):
        return findings
    person = keys.employee[at]
    cycle = data["cycle"].to_numpy()[at]
    # one code per competency key, shared by the rows (as rated, as counted) and the profiles
    all_codes, distinct = keys.codes("competency", keys.competency)
    vocabulary = distinct.tolist()
    known = {k: i for i, k in enumerate(vocabulary)}
    key_code = all_codes[at]
    have_code = key_code
    if meant:  # a misspelt competency counted as the one suggested
        for k in meant.values():
            known.setdefault(k, len(known))
        counted = np.array([known[meant.get(k, k)] for k in vocabulary], dtype=np.int64)
        have_code = counted[key_code]
        vocabulary = list(known)
    n_keys = len(vocabulary)
    # person x cycle: one group each, numbered in the order of its first rating
    cycle_code, cycles = keys.codes("cycle", data["cycle"].to_numpy(dtype=object))
    pair = person_code[at] * max(len(cycles), 1) + cycle_code[at]
    group, n_groups = pd.factorize(pair)  # each row's group, in order of first appearance
    starts = np.empty(len(n_groups), dtype=np.int64)  # each group's first row (in `at`)
    starts[group[::-1]] = np.arange(len(group) - 1, -1, -1)
    # the competencies each profile expects, as codes (-1: rated by nobody) and names
    profiles = list(expected.values())
    want_code = [np.array([known.get(k, -1) for k in w], dtype=np.int64) for w in profiles]
    want_name = [list(w.values()) for w in profiles]
    # missing: each group's expected competencies without a rating of the group
    had = pd.unique(group * n_keys + have_code)
    sizes = np.array([len(w) for w in profiles], dtype=np.int64)[profile[starts]]
    owner = np.repeat(np.arange(len(starts)), sizes)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    flat_code = np.concatenate([*want_code, np.empty(0, np.int64)])
    flat_start = np.concatenate([[0], np.cumsum([len(w) for w in want_code])])[:-1]
    wanted = flat_code[flat_start[profile[starts]][owner] + offset] if len(owner) else flat_code
    lacks = (wanted < 0) | ~pd.Series(owner * n_keys + wanted).isin(had).to_numpy()
    missing_of: dict[int, list[str]] = {}
    for g, off in zip(owner[lacks].tolist(), offset[lacks].tolist(), strict=True):
        missing_of.setdefault(g, []).append(want_name[int(profile[starts[g]])][off])
    # unexpected: a known competency the person's profile does not expect (each name once)
    pairs = pd.unique(
        np.concatenate(
            [i * n_keys + c[c >= 0] for i, c in enumerate(want_code)] + [np.empty(0, np.int64)]
        )
    )
    in_catalog = np.fromiter(
        (k != "" and k in catalog.competencies for k in vocabulary), bool, n_keys
    )
    odd = in_catalog[key_code] & ~pd.Series(profile * n_keys + key_code).isin(pairs).to_numpy()
    extra_of: dict[int, list[str]] = {}
    names = data["competency"].to_numpy()
    for row in np.flatnonzero(odd).tolist():
        shown = extra_of.setdefault(int(group[row]), [])
        name = names[at[row]]
        if name not in shown:
            shown.append(name)
    people = framework.employees.data
    level_of = dict(
        zip(
            map_distinct(people["employee_id"].to_numpy(dtype=object), id_key)[0].tolist(),
            people["level"].tolist(),
            strict=True,
        )
    )
    # one finding per cause: the people missing the same competencies in a cycle together
    lacking: dict[tuple[Any, str], list[tuple[str, Any, Where]]] = {}
    rated_on: dict[tuple[Any, str], list[tuple[str, Any, Where]]] = {}
    for g in sorted(missing_of.keys() | extra_of.keys()):
        gone, unexpected = missing_of.get(g), extra_of.get(g)
        row = int(starts[g])
        first_at = data.index[at[row]]
        who: Any = data.at[first_at, "employee_id"]
        level = level_of.get(person[row])
        place = ratings.where(first_at, "employee_id")
        in_cycle = cycle[row]
        if gone:
            lacking.setdefault((in_cycle, ", ".join(gone)), []).append((str(who), level, place))
        if unexpected:
            rated_on.setdefault((in_cycle, ", ".join(unexpected)), []).append(
                (str(who), level, place)
            )
    findings.extend(_missing_ratings(lacking))
    findings.extend(_unexpected_ratings(rated_on))
    return findings


def manager_rated(data: pd.DataFrame) -> np.ndarray:
    """Per row: a manager's rating (rater type exactly "manager") with a rating and a cycle.
    Worked out once per distinct object of the text columns (see per_object)."""
    rater = per_object(data["rater_type"].to_numpy(dtype=object), _is_manager)
    cycle = per_object(data["cycle"].to_numpy(dtype=object), _known)
    return rater & data["rating"].notna().to_numpy(dtype=bool) & cycle


def per_object(values: np.ndarray, test: Callable[[Any], bool]) -> np.ndarray:
    """`test` of each entry of an object array, called once per distinct object (a history
    repeats a few rater types, cycles and IDs a million times)."""
    codes, objects = distinct_objects(values)
    return np.array([test(v) for v in objects], dtype=bool)[codes]


def _known(value: Any) -> bool:
    return not pd.isna(value)


def _is_manager(value: Any) -> bool:
    """`value == MANAGER` as a Series compares it: a blank is not the manager."""
    return not pd.isna(value) and bool(value == MANAGER)


def _at_places(found: Finding, places: Iterable[str]) -> Finding:
    """`found` standing for each of `places` (in order, each once): one finding per cause."""
    kept = tuple(dict.fromkeys(places))
    return dataclasses.replace(found, count=len(kept), places=kept)


def _listed(names: list[str], most: int = 8) -> str:
    return ", ".join(names[:most]) + (", ..." if len(names) > most else "")


def _unexpected_ratings(
    rated_on: dict[tuple[Any, str], list[tuple[str, Any, Where]]],
) -> list[Finding]:
    """One note per cycle and set of competencies rated beyond what levels expect: a question
    a whole level's managers answered is one finding, not one a person."""
    out = []
    hint = "Fine if intended; the rating is shown but does not count for readiness."
    for (cycle, names), people in rated_on.items():
        who, level, place = people[0]
        if len(people) == 1:
            message = (
                f"'{who}' is rated in {cycle} on {names}, which level {level} does not expect."
            )
            out.append(info("rating-not-expected", message, hint, place))
            continue
        named = _listed([f"{p[0]} at {p[1]}" for p in people])
        found = info(
            "rating-not-expected",
            f"{len(people)} people are rated in {cycle} on {names}, which their level does "
            f"not expect ({named}).",
            hint,
            place,
        )
        out.append(_at_places(found, (str(p[2]) for p in people)))
    return out


def _missing_ratings(lacking: dict[tuple[Any, str], list[tuple[str, Any, Where]]]) -> list[Finding]:
    out = []
    hint = "Add the ratings, or readiness will report insufficient data."
    for (cycle, gone), people in lacking.items():
        who, level, place = people[0]
        if len(people) == 1:
            out.append(
                warning(
                    "missing-rating",
                    f"'{who}' ({level}) has no manager rating in {cycle} for: {gone}.",
                    hint,
                    place,
                )
            )
            continue
        named = _listed([p[0] for p in people])
        found = warning(
            "missing-rating",
            f"{len(people)} people have no manager rating in {cycle} for: {gone} ({named}).",
            hint + " If the export names the competency differently, that is the cause: see "
            "unknown-competency.",
            place,
        )
        out.append(_at_places(found, (str(p[2]) for p in people)))
    return out


def _expectations_of_people(
    framework: Framework, expected: dict[tuple[str, str], dict[str, str]]
) -> dict[str, int]:
    """Employee ID key -> position in `expected` of the competencies their level expects
    (a family's own level first, else the level of a framework without families)."""
    position = {key: i for i, key in enumerate(expected)}
    out: dict[str, int] = {}
    data = framework.employees.data
    for person, family, level in zip(
        data["employee_id"].tolist(), data["family"].tolist(), data["level"].tolist(), strict=True
    ):
        if is_blank(person):
            continue
        at = position.get((name_key(family), name_key(level)), position.get(("", name_key(level))))
        out[id_key(person)] = -1 if at is None else at  # a repeated ID: the last row, as before
    return out


def expected_competencies(framework: Framework) -> dict[tuple[str, str], dict[str, str]]:
    """(family key, level key) -> {competency key: name} of competencies expected there."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    data = framework.expectations.data
    for _, row in data[data["expected"].notna()].iterrows():
        if is_blank(row["competency"]) or is_blank(row["level"]):
            continue
        key = (name_key(row["family"]), name_key(row["level"]))
        out.setdefault(key, {})[name_key(row["competency"])] = row["competency"]
    return out


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _place(where: Where) -> str:
    text = str(where)
    return f"{Path(where.file).name}: {text}" if where.file and where.sheet else text
