"""The Python API: each function is one step a user (or the CLI) runs.

    >>> import ladder_sheets as ls
    >>> exports = ["samples/exports/2026-Q1_reviews_long.csv"]
    >>> result = ls.check("samples/acme_framework.xlsx", ratings=exports)
    >>> result.report.exit_code()
    0

Files are touched only here and in the readers and writers; the analysis in between is pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.errors import LadderError, UnreadableFile
from ladder_sheets.findings import Report
from ladder_sheets.model import Framework, Table

PathLike = str | Path


@dataclass
class CheckResult:
    """What `check` found: the report, and the typed framework and ratings it validated."""

    report: Report
    framework: Framework
    ratings: Table
    evidence: list[Table] = field(default_factory=list)
    exports: list[Any] = field(default_factory=list)
    # what the history's reading took from the other sheets (reader.HistoryInputs), for a
    # merge that caches the rows it appends (workbook/history_extend.py); None if not cached
    history_inputs: Any = None


def read_framework(path: PathLike, mapping: Any = None, *, record: Any = None) -> Framework:
    """Read a framework workbook into canonical tables (values as read, each with its cell)."""
    from ladder_sheets.workbook.reader import read_framework as _read

    path = Path(path)
    try:
        return _read(path, mapping=mapping, record=record)
    except LadderError:
        raise
    except Exception as exc:  # an unexpected failure inside a third-party parser
        raise UnreadableFile(
            f"could not read the workbook ({type(exc).__name__}: {exc})",
            file=str(path),
            hint="open it in Excel or LibreOffice and save it again as .xlsx",
        ) from exc


def refresh_history_cache(path: PathLike, mapping: Any = None) -> None:
    """Read the history of a workbook just written and keep it in the cache beside it, so the
    command after (check, packs, calibrate, the next merge) reads only the other sheets. Costs
    one reading of the history; a workbook that cannot be read is left to that command."""
    from ladder_sheets.schema.ratings import history_facts
    from ladder_sheets.schema.tables import type_table
    from ladder_sheets.workbook import history_cache

    try:
        framework = read_framework(path, mapping=load_mapping(mapping))
        cached = framework.history_cache
        if cached is not None and cached.pending:
            typed, found = type_table(cached.raw)
            cached.remember(typed, found, history_facts(typed.data))
            history_cache.save(Path(path), cached)
    except Exception:  # the workbook is written; only the speed of the next command is at stake
        history_cache.drop(Path(path))


def load_mapping(mapping: Any) -> Any:
    """A mapping given as a path is read once (its TOML errors raised here)."""
    from ladder_sheets.workbook.mapping import Mapping as _Mapping

    if mapping is None or isinstance(mapping, _Mapping):
        return mapping
    return _Mapping.from_toml(Path(mapping))


def read_exports(
    paths: Sequence[PathLike],
    framework: Framework,
    *,
    labels: Mapping[str, float] | None = None,
    cycle: str | None = None,
    mapping: Any = None,
) -> list[Any]:
    """Read review exports, recognising competency and employee names from the framework.
    `mapping` (a Mapping or a TOML path): its [export] and [exports."file"] sections give
    columns, sheet and labels (the --label options win)."""
    import inspect as _inspect

    from ladder_sheets.exports import read_export
    from ladder_sheets.exports.people import People

    if not paths:  # no export: nothing to recognise people in (indexing them costs seconds)
        return []
    competencies = _distinct(framework.competencies.data, "competency")
    employees = _distinct(framework.employees.data, "employee_id")
    people = People.of(framework.employees)
    mapping = load_mapping(mapping)
    # the export reader takes the whole export mapping (raters, cycles, keys) where it can
    whole = "export_mapping" in _inspect.signature(read_export).parameters
    out = []
    for p in paths:
        p = Path(p)
        given = mapping.export_for(p) if mapping is not None else None
        options: dict[str, Any] = {}
        if given is not None:
            options["mapping"] = given.reader_mapping() or None
            if whole:
                options["export_mapping"] = given
        merged = {**(given.labels if given is not None else {}), **(labels or {})}
        try:
            out.append(
                read_export(
                    p,
                    competencies=competencies,
                    employees=employees,
                    labels=merged or None,
                    cycle=cycle,
                    people=people,
                    **options,
                )
            )
        except LadderError:
            raise
        except Exception as exc:
            raise UnreadableFile(
                f"could not read the export ({type(exc).__name__}: {exc})",
                file=str(p),
                hint="save it again as CSV (UTF-8) or .xlsx from the review tool or Excel",
            ) from exc
    return out


def check(
    path: PathLike,
    ratings: Sequence[PathLike] = (),
    *,
    mapping: Any = None,
    labels: Mapping[str, float] | None = None,
    cycle: str | None = None,
) -> CheckResult:
    """Validate a framework workbook and, optionally, review exports against it.

    Raises a LadderError only when a file cannot be read at all; everything else is a finding."""
    from ladder_sheets.schema import type_history, validate, warm_up
    from ladder_sheets.workbook import history_cache

    warming = warm_up()  # beside the reading, on the core the parsers leave idle
    mapping = load_mapping(mapping)
    framework = read_framework(path, mapping=mapping)
    exports = read_exports(ratings, framework, labels=labels, cycle=cycle, mapping=mapping)
    warming.join()
    # the history just read and typed, kept beside the workbook for the next reading: the
    # file written while the rest is validated
    type_history(framework)
    writing = history_cache.save_beside(Path(path), framework.history_cache)
    try:
        validated = validate(
            framework,
            [e.ratings for e in exports],
            evidence=[e.evidence for e in exports],
        )
    finally:
        if writing is not None:
            writing.join()
    history_cache.save(Path(path), framework.history_cache)  # nothing when written above
    report = validated.report
    # An export's reader explains a bad value in its own words (an unknown label, say); the
    # schema's generic finding at the same place would only repeat it.
    explained = {
        (f.where.file, f.where.line, f.where.sheet, f.where.cell)
        for e in exports
        for f in e.findings
        if f.where.line is not None or f.where.cell is not None
    }
    repeats = {place for e in exports for place in getattr(e, "explained", ())}
    report = Report(
        f
        for f in report
        if not (
            f.code == "rating-not-a-number"
            and (f.where.file, f.where.line, f.where.sheet, f.where.cell) in explained
        )
        and not (
            f.code == "duplicate-rating"
            and (f.where.file, f.where.line, f.where.sheet, f.where.cell) in repeats
        )
    )
    for e in exports:
        report.extend(e.findings)
    report.extend(_framework_changed(validated.framework))
    # History store (ladder_sheets/store): a note when the history is past where one pays off.
    from ladder_sheets.store.advice import store_advice

    report.extend(store_advice(validated.framework))
    return CheckResult(
        report=report,
        framework=validated.framework,
        ratings=validated.ratings,
        evidence=[e.evidence for e in exports],
        exports=exports,
        history_inputs=getattr(framework.history_cache, "inputs", None),
    )


def _framework_changed(framework: Framework) -> list[Any]:
    """A note when the framework differs from the version merge recorded last."""
    from ladder_sheets.analysis.framework_diff import diff_frameworks
    from ladder_sheets.findings import Where, info

    versions = framework.versions
    latest = versions.latest if versions is not None else None
    if versions is None or latest is None:
        return []
    changes = diff_frameworks(latest.framework(framework), framework)
    if not changes:
        return []
    cycles = sorted(c for c, n in versions.cycles.items() if n == latest.number)
    first = changes.changes[0]
    place = first.new_where or first.old_where
    sheet, _, cell = place.partition("!")
    return [
        info(
            "framework-changed",
            f"the framework changed since version {latest.number} (recorded for "
            f"{', '.join(cycles) or 'no cycle'}): {changes.summary()}; the next merge records "
            "it as a new version, and past cycles stay judged by the version of their time",
            f"see every change with: ladder-sheets diff {framework.path.name} --since "
            f"{cycles[-1] if cycles else 'CYCLE'}",
            Where(file=str(framework.path), sheet=sheet or None, cell=cell or None),
        )
    ]


def init(path: PathLike, *, empty: bool = False, force: bool = False) -> Path:
    """Write a new framework workbook from the template (with the worked example unless empty)."""
    from ladder_sheets.errors import WriteRefused
    from ladder_sheets.sheets.template import write_template

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        path = path / "competency_matrix.xlsx" if path.is_dir() else path.with_suffix(".xlsx")
    if path.exists() and not force:
        raise WriteRefused(
            "the file already exists; init never overwrites a workbook",
            file=str(path),
            hint="choose another name, or pass --force to replace it",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_template(path, example=not empty)


def _distinct(df: Any, column: str) -> list[str]:
    if column not in df.columns:
        return []
    return sorted({str(v) for v in df[column].dropna().tolist() if str(v).strip()})
