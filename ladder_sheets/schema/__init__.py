"""Validation: typed tables, schema checks, references, reporting tree, ratings and quality.

`validate` takes a Framework of raw values (as the reader found them) and the review exports,
and returns every finding together with typed copies that the analysis can trust: a value that
was rejected is blank there, and names that differ from the framework's only in case or spacing
are rewritten to its spelling.

Ratings (and promotion evidence) from several files are concatenated into a `SourcedTable`:
a Table with a per-row `files` Series, whose `where()` names the file of each row.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ladder_sheets.cellmap import CellMap
from ladder_sheets.codes import is_kind
from ladder_sheets.findings import Finding, Report, Severity
from ladder_sheets.model import Framework, Table
from ladder_sheets.schema.catalog import Catalog
from ladder_sheets.schema.leavers import Leavers, split_employees
from ladder_sheets.schema.quality import check_quality
from ladder_sheets.schema.ratings import (
    RatingKeys,
    SourcedTable,
    appended_facts,
    check_ratings,
    combine,
    history_facts,
    type_all,
)
from ladder_sheets.schema.references import check_references, employee_references
from ladder_sheets.schema.schemas import id_key
from ladder_sheets.schema.steps import check_steps
from ladder_sheets.schema.tables import type_table, warm_up
from ladder_sheets.schema.tree import check_tree
from ladder_sheets.workbook.aliases import REQUIRED_COLUMNS, WIDE_TABLES

__all__ = ["SourcedTable", "Validated", "type_history", "type_table", "validate", "warm_up"]


@dataclass
class Validated:
    report: Report
    framework: Framework  # a copy with typed tables
    ratings: SourcedTable  # framework history + every export, typed, one row per rating
    evidence: SourcedTable  # framework evidence + extra evidence tables, typed


def validate(
    framework: Framework, ratings: Sequence[Table] = (), *, evidence: Sequence[Table] = ()
) -> Validated:
    """Check everything `check` reports; never raises on bad data."""
    report = Report(framework.findings)
    tables = dict(framework.tables)
    leavers = Leavers()
    if "employees" in tables:
        tables["employees"], leavers = split_employees(tables["employees"], framework.marked_left)
    typed: dict[str, Table] = {}
    for name, table in tables.items():
        out, found = _typed(framework, name, table)
        typed[name] = out
        report.extend(found)
    copy = Framework(
        framework.path,
        typed,
        list(framework.findings),
        list(framework.sheet_names),
        dict(framework.sources),
        versions=framework.versions,
        store=framework.store,
        leavers=leavers,
    )
    catalog = Catalog.of(copy)
    absent = _absent_columns(copy, report)
    unread = {table for table, column in absent if column in REQUIRED_COLUMNS.get(table, ())}
    unread |= _unread_wide(framework)
    references = check_references(copy, catalog)
    if unread & {"levels", "competencies"}:
        # Every family, level or competency named elsewhere would be "unknown": knock-ons.
        references = [f for f in references if f.code not in _REFERENCE_CODES]
    report.extend(references)
    if "employees" not in unread:
        report.extend(check_tree(copy.employees))

    exports, found = type_all("history", ratings)
    report.extend(found)
    history = combine("history", [t for t in (typed.get("history"),) if t is not None] + exports)
    former: set[str] = set()
    keys = _cached_keys(framework, history, exports)
    report.extend(check_ratings(history, copy, catalog, keys, former))
    if former or leavers:
        report = Report(_manager_who_left(f, former, leavers) for f in report)

    extra, found = type_all("evidence", evidence)
    report.extend(found)
    proof = combine("evidence", [t for t in (typed.get("evidence"),) if t is not None] + extra)
    # a leaver's recorded evidence goes with their history (said once, of the history)
    # and a person marked as left keeps theirs, recorded or new
    left = None
    if former or leavers:
        own = proof.sheets.reindex(proof.data.index).isin(copy.sources.get("evidence", []))
        ids = proof.data["employee_id"].tolist()
        left = own.to_numpy(dtype=bool) & np.fromiter(
            (id_key(v) in former for v in ids), bool, len(ids)
        )
        left |= np.fromiter((id_key(v) in leavers for v in ids), bool, len(ids))
    report.extend(employee_references(proof, catalog, quiet=left))

    # A value rejected above is blank in the typed copy; it is not "missing" a second time.
    rejected = {(f.where.file, f.where.sheet, f.where.cell) for f in report.errors}
    # A framework read without one of its required columns is not judged for quality (each
    # rule would report the column's absence again, row by row); an optional column's
    # absence drops the rules that read it.
    judged = (
        []
        if unread - {"history", "evidence"}
        else [
            *check_quality(copy, catalog),
            *check_steps(copy, catalog, history),
        ]
    )
    skipped = {code for key in absent for code in _KNOCK_ONS.get(key, ())}
    for finding in judged:
        w = finding.where
        if finding.code in skipped:
            continue
        if not (is_kind(finding.code, "missing") and (w.file, w.sheet, w.cell) in rejected):
            report.add(finding)
    if absent:
        report = Report(f for f in report if not _knock_on(f, absent, copy))
    return Validated(report, copy, history, proof)


_UNKNOWN_MANAGER = re.compile(r"^Manager ID '(?P<id>.*?)' of '(?P<me>.*)' is not an employee\.")


def _manager_who_left(finding: Finding, former: set[str], leavers: Leavers) -> Finding:
    """An unknown manager marked as left, or whom the ratings history holds (they left, or
    changed ID): said so, instead of a "did you mean" another person's ID spelt alike."""
    m = _UNKNOWN_MANAGER.match(finding.message) if finding.code == "unknown-manager" else None
    if m is None:
        return finding
    key = id_key(m.group("id"))
    if key in leavers:
        why = f"is marked as left ({leavers.said[key]})"
    elif key in former:
        why = (
            "is no longer on Employees (the ratings history holds them: they left, or their "
            "ID changed)"
        )
    else:
        return finding
    return dataclasses.replace(
        finding,
        message=f"Manager ID '{m.group('id')}' of '{m.group('me')}' {why}.",
        hint="Give the people they managed their new manager's Employee ID.",
    )


def type_history(framework: Framework) -> None:
    """Type the history of a reading the cache is waiting for now, before the rest is
    validated: its cache can then be written while validate runs (history_cache.save_beside),
    and validate takes the typed history remembered, as a warm reading does."""
    cached = framework.history_cache
    table = framework.tables.get("history")
    if cached is not None and cached.pending and cached.typed is None and table is cached.raw:
        _typed(framework, "history", table)


def _typed(framework: Framework, name: str, table: Table) -> tuple[Table, list[Finding]]:
    """type_table, or the typed history the cache holds for this very reading (and, for a
    reading not cached yet, the typing remembered for the cache: workbook/history_cache.py)."""
    cached = framework.history_cache
    if name != "history" or cached is None or cached.raw is not table:
        return type_table(table)
    kept = cached.typed_copy()
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    out, found = type_table(table)
    cached.remember(out, found, history_facts(out.data))
    return out, found


def _cached_keys(
    framework: Framework, history: SourcedTable, exports: Sequence[Table]
) -> RatingKeys | None:
    """The rating keys the cache holds for the typed history, continued over the exports'
    rows after it (`appended_facts`: the keys of the whole, without working them out over
    every recorded row again)."""
    cached = framework.history_cache
    if cached is None or cached.typed is None or cached.facts is None:
        return None
    facts, data = cached.facts, history.data
    recorded = len(cached.typed.data)  # combined first, the rows the facts are the keys of
    if exports and len(data) > recorded:
        try:
            added = appended_facts(facts, lambda at: data.iloc[at], data.iloc[recorded:])
        except ValueError:
            return None
        facts = {name: np.concatenate([facts[name], added[name]]) for name in added}
    return RatingKeys.from_facts(facts, len(data))


def _knock_on(finding: Finding, absent: set[tuple[str, str]], framework: Framework) -> bool:
    """A finding that only follows from a column the reader did not find: a rule reading that
    optional column, or rows "duplicated" on a sheet whose key lacks a column."""
    if any(finding.code in _KNOCK_ONS.get(key, ()) for key in absent):
        return True
    if not finding.code.startswith("duplicate-") or finding.code == "duplicate-rating":
        return False
    return any(
        finding.where.sheet in set(framework.table(name).sheets.dropna().tolist())
        for name, _ in absent
    )


def _unread_wide(framework: Framework) -> set[str]:
    """A Matrix or Behaviors sheet the reader could not read whole (its family column or a
    level column under a header nothing recognises, or cells in words no number is given
    for: an error naming it): the framework is
    not judged for quality, whose every rule would report the gap again, row by row."""
    flagged = {
        f.where.sheet
        for f in framework.findings
        if f.code in ("missing-column", "expectation-words", "ambiguous-level-column")
        and f.severity is Severity.ERROR
    }
    return {table for table in WIDE_TABLES if flagged & set(framework.sources.get(table, []))}


# Codes that only follow from an unread Levels or Competencies sheet when it lacks a column.
_REFERENCE_CODES = frozenset(
    {"unknown-family", "unknown-level", "unknown-competency", "track-mismatch"}
)

# Optional columns (table, column) -> the quality rules that read them.
_KNOCK_ONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("competencies", "category"): ("no-core-competencies", "no-functional-competencies"),
    ("employees", "manager_id"): ("several-roots",),
    ("paths", "transferable_skills"): ("lateral-path-incomplete",),
    ("paths", "gaps_to_close"): ("lateral-path-incomplete",),
}


def _absent_columns(framework: Framework, report: Report) -> set[tuple[str, str]]:
    """(table, column) of the framework's tables that the reader reported missing: a sheet
    with a missing-column finding, whose rows have no cell for the column."""
    flagged = {f.where.sheet for f in report if f.code == "missing-column"}
    out: set[tuple[str, str]] = set()
    for name, table in framework.tables.items():
        if name == "history" or not len(table.data) or isinstance(table.places, CellMap):
            continue
        sheets = {s for s in table.sheets.dropna().unique().tolist() if isinstance(s, str)}
        if not sheets & flagged:
            continue
        cells = table.cells
        for column in cells.columns:
            if not cells[column].astype(str).str.len().any():
                out.add((name, column))
    return out
