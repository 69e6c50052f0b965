"""Validation: typed tables, schema checks, references, reporting tree, ratings and quality.

`validate` takes a Framework of raw values (as the reader found them) and the review exports,
and returns every finding together with typed copies that the analysis can trust: a value that
was rejected is blank there, and names that differ from the framework's only in case or spacing
are rewritten to its spelling.

Ratings (and promotion evidence) from several files are concatenated into a `SourcedTable`:
a Table with a per-row `files` Series, whose `where()` names the file of each row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ladder_sheets.codes import is_kind
from ladder_sheets.findings import Finding, Report
from ladder_sheets.model import Framework, Table
from ladder_sheets.schema.catalog import Catalog
from ladder_sheets.schema.quality import check_quality
from ladder_sheets.schema.ratings import SourcedTable, check_ratings, combine, type_all
from ladder_sheets.schema.references import check_references, employee_references
from ladder_sheets.schema.steps import check_steps
from ladder_sheets.schema.tables import type_table
from ladder_sheets.schema.tree import check_tree

__all__ = ["SourcedTable", "Validated", "type_table", "validate"]


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
    typed: dict[str, Table] = {}
    for name, table in framework.tables.items():
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
    )
    catalog = Catalog.of(copy)
    report.extend(check_references(copy, catalog))
    report.extend(check_tree(copy.employees))

    exports, found = type_all("history", ratings)
    report.extend(found)
    history = combine("history", [t for t in (typed.get("history"),) if t is not None] + exports)
    report.extend(check_ratings(history, copy, catalog))

    extra, found = type_all("evidence", evidence)
    report.extend(found)
    proof = combine("evidence", [t for t in (typed.get("evidence"),) if t is not None] + extra)
    report.extend(employee_references(proof, catalog))

    # A value rejected above is blank in the typed copy; it is not "missing" a second time.
    rejected = {(f.where.file, f.where.sheet, f.where.cell) for f in report.errors}
    for finding in [*check_quality(copy, catalog), *check_steps(copy, catalog, history)]:
        w = finding.where
        if not (is_kind(finding.code, "missing") and (w.file, w.sheet, w.cell) in rejected):
            report.add(finding)
    return Validated(report, copy, history, proof)


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
    cached.remember(out, found)
    return out, found
