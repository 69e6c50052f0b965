"""inspect: how a workbook (and its exports) was understood, concept by concept, and the
mapping that reproduces it.

    inspection = inspect_files("framework.xlsx", ["reviews.csv"])
    print(inspection.text())                  # sheet!cell, evidence, confidence, unused
    Path("mapping.toml").write_text(inspection.mapping_toml())

Every concept read is listed with the header cell it came from, the evidence (the header's
words, how many of its values fit, the shape of the sheet) and a confidence: "mapping" (the
mapping said so), "high" (the header names it), "medium" (most of the header does), "low"
(taken with a warning). What was left unused (columns no concept claimed, sheets not read) is
listed too, and every doubt the reader reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.findings import Finding
from ladder_sheets.model import TABLES, Framework
from ladder_sheets.values import normalize_header
from ladder_sheets.workbook.aliases import WIDE_TABLES
from ladder_sheets.workbook.grid import a1
from ladder_sheets.workbook.header import TableLayout
from ladder_sheets.workbook.recognise import WEAK

PathLike = str | Path
HIGH = 0.95
# Notes on values read otherwise than as written, and the question about Matrix words.
READ_AS_WRITTEN = (
    "family-all",
    "level-names-read-as-codes",
    "expectation-words-read",
    "expectation-words",
    "totals-row-skipped",
)
# A word the expectation-words question names ("'Proficient' (12 cells)").
_ASKED_WORD = re.compile(r"'([^']*)' \(\d+ cells?\)")


@dataclass
class Reading:
    concept: str  # canonical column; "level IC1" for a level column; "competency X"
    header: str
    cell: str  # Sheet!A1 of the header
    evidence: str
    confidence: str  # mapping, high, medium, low


@dataclass
class SheetReading:
    table: str
    sheet: str
    header_row: int  # 1-based
    shape: str  # table, wide, transposed, long
    family: str | None
    readings: list[Reading] = field(default_factory=list)
    unused: list[tuple[str, str]] = field(default_factory=list)  # (cell, header)
    layout: TableLayout | None = None


@dataclass
class ExportReading:
    file: str
    shape: str
    sheet: str | None
    header_row: int | None
    columns: dict[str, str] = field(default_factory=dict)  # role -> header
    readings: list[Reading] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # raters, labels, cycles the reader used
    unused: list[str] = field(default_factory=list)  # headers of columns not read
    tabs: list[str] = field(default_factory=list)  # the tabs read, where several were


@dataclass
class Inspection:
    workbook: Path
    sheets: list[SheetReading]
    unread_sheets: list[str]
    findings: list[Finding]
    exports: list[ExportReading] = field(default_factory=list)
    # [expectations.labels] of the mapping the workbook was read with: a word -> its number
    labels: dict[str, float] = field(default_factory=dict)

    # --- text --------------------------------------------------------------------------------

    def text(self) -> str:
        lines = [f"Workbook {self.workbook.name}"]
        for s in self.sheets:
            family = f", family {s.family}" if s.family else ""
            lines.append(
                f"  {TABLES[s.table][0]} <- sheet '{s.sheet}' (header row {s.header_row}, "
                f"{s.shape}{family})"
            )
            for r in s.readings:
                lines.append(f"    {r.concept:<22} {r.cell:<24} {r.confidence:<7} {r.evidence}")
            if s.unused:
                shown = ", ".join(f"'{h}' ({c})" for c, h in s.unused)
                lines.append(f"    unused columns: {shown}")
        if self.unread_sheets:
            lines.append("  sheets not read: " + ", ".join(f"'{s}'" for s in self.unread_sheets))
        for e in self.exports:
            where = f", sheet '{e.sheet}'" if e.sheet else ""
            if e.tabs:
                where = ", tabs " + ", ".join(f"'{t}'" for t in e.tabs)
            row = f", header row {e.header_row}" if e.header_row else ""
            lines.append(f"Export {Path(e.file).name} ({e.shape}{where}{row})")
            for r in e.readings:
                lines.append(f"    {r.concept:<22} {r.cell:<24} {r.confidence:<7} {r.evidence}")
            for name, values in e.extra.items():
                if values:
                    lines.append(f"    {name}: {json.dumps(values, ensure_ascii=False)}")
            if e.unused:
                lines.append("    unused columns: " + ", ".join(f"'{h}'" for h in e.unused))
        doubts = [
            f
            for f in self.findings
            if f.code
            in (
                "ambiguous-column",
                "uncertain-column",
                "missing-column",
                "missing-sheet",
                "missing-header",
            )
            or f.code.startswith("unit-")
            or f.code in READ_AS_WRITTEN
        ]
        if doubts:
            lines.append("Doubts and notes:")
            for f in doubts:
                lines.append(f"  {f.severity}: {f.where}: {f.message}")
        return "\n".join(lines) + "\n"

    # --- mapping -----------------------------------------------------------------------------

    def mapping_toml(self) -> str:
        """A complete mapping: every table's sheets, header rows, columns, level columns,
        families, shapes and units, and every export's columns, as read."""
        out = [
            "# Written by `ladder-sheets inspect --write-mapping`: how the workbook was read.",
            "# Pass it with --mapping to check, merge or inspect to read it the same way.",
            "",
        ]
        by_table: dict[str, list[SheetReading]] = {}
        for s in self.sheets:
            by_table.setdefault(s.table, []).append(s)
        for table, sheets in by_table.items():
            out.append(f"[{table}]")
            out.append(f"sheets = {_list([s.sheet for s in sheets])}")
            rows = {s.sheet: s.header_row for s in sheets}
            if len(set(rows.values())) == 1:
                out.append(f"header_row = {sheets[0].header_row}")
            shapes = {s.shape for s in sheets}
            if table in WIDE_TABLES:
                out.append(f"shape = {_q(sheets[0].shape if len(shapes) == 1 else 'wide')}")
            out.append("")
            if len(set(rows.values())) > 1:
                out.append(f"[{table}.header_rows]")
                out += [f"{_q(k)} = {v}" for k, v in rows.items()]
                out.append("")
            columns: dict[str, Any] = {}
            units: dict[str, str] = {}
            levels: dict[str, str] = {}
            families: dict[str, str] = {}
            for s in sheets:
                layout = s.layout
                if layout is None:
                    continue
                for concept, col in layout.columns.items():
                    header = layout.headers.get(col, "")
                    if concept in layout.combined:
                        parts = [layout.headers.get(c, "") for c in layout.combined[concept]]
                        columns.setdefault(concept, parts)
                    else:
                        columns.setdefault(concept, header)
                for col, code in layout.level_columns.items():
                    levels.setdefault(layout.headers.get(col, code), code)
                if layout.family and "family" not in layout.columns:
                    families[s.sheet] = layout.family
                unit = _unit(layout)
                if unit:
                    units["min_quarters"] = unit
            if columns:
                out.append(f"[{table}.columns]")
                for concept, header in columns.items():
                    value = _list(header) if isinstance(header, list) else _q(header)
                    out.append(f"{concept} = {value}")
                out.append("")
            if units:
                out.append(f"[{table}.units]")
                out += [f"{k} = {_q(v)}" for k, v in units.items()]
                out.append("")
            if levels:
                out.append(f"[{table}.levels]")
                out += [f"{_q(h)} = {_q(c)}" for h, c in levels.items()]
                out.append("")
            if families:
                out.append(f"[{table}.families]")
                out += [f"{_q(sh)} = {_q(f)}" for sh, f in families.items()]
                out.append("")
            if table == "expectations":
                out += self._labels_toml()
        for e in self.exports:
            name = Path(e.file).name
            base = f"exports.{_q(name)}"
            out.append(f"[{base}]")
            if e.sheet:
                out.append(f"sheet = {_q(e.sheet)}")
            out.append("")
            if e.columns:
                out.append(f"[{base}.columns]")
                out += [f"{role} = {_q(h)}" for role, h in e.columns.items()]
                out.append("")
            for section in ("raters", "labels", "cycles"):
                values = e.extra.get(section) or {}
                if values:
                    out.append(f"[{base}.{section}]")
                    out += [f"{_q(str(k))} = {_value(v)}" for k, v in values.items()]
                    out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    def _labels_toml(self) -> list[str]:
        """[expectations.labels]: the words the mapping gave a number, and the words the Matrix
        asks about, commented out for the user to number."""
        asked = [
            w
            for f in self.findings
            if f.code == "expectation-words"
            for w in _ASKED_WORD.findall(f.message)
            if w not in self.labels
        ]
        if not self.labels and not asked:
            return []
        out = ["[expectations.labels]"]
        out += [f"{_q(w)} = {_value(n)}" for w, n in self.labels.items()]
        if asked:
            out.append("# the Matrix writes these words: give each its number, then uncomment")
            out += [f"# {_q(w)} = " for w in dict.fromkeys(asked)]
        return [*out, ""]


def _q(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=False)  # a TOML basic string is a JSON string


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return _q(str(v))


def _unit(layout: TableLayout) -> str | None:
    from ladder_sheets.workbook import vocabulary

    if "min_quarters" not in layout.columns:
        return None
    if "min_quarters" in layout.mapped_units:
        return layout.mapped_units["min_quarters"]
    found = vocabulary.unit_of(layout.headers.get(layout.columns["min_quarters"], ""))
    return found[0] if found and found[0] != "quarter" else None


def _confidence(layout: TableLayout, concept: str) -> tuple[str, str]:
    if concept in layout.mapped:
        return "mapping", "the mapping names it"
    if concept in layout.combined:
        return "high", "first and last name read together"
    cand = layout.chosen.get(concept)
    if cand is None:
        return "high", ""
    level = "high" if cand.score >= HIGH else "medium" if cand.score >= WEAK else "low"
    return level, cand.evidence()


def sheet_reading(table: str, sheet: str, layout: TableLayout) -> SheetReading:
    if table in WIDE_TABLES:
        shape = "transposed" if layout.transposed else "long" if layout.long_form else "wide"
    else:
        shape = "table"
    s = SheetReading(table, sheet, layout.header_row + 1, shape, layout.family, layout=layout)
    used: set[int] = set()
    for concept, col in layout.columns.items():
        confidence, evidence = _confidence(layout, concept)
        header = layout.headers.get(col, "")
        cells = layout.combined.get(concept, [col])
        used.update(cells)
        cell = "+".join(a1(layout.header_row, c) for c in cells)
        s.readings.append(Reading(concept, header, f"{sheet}!{cell}", evidence, confidence))
    for col, code in layout.level_columns.items():
        used.add(col)
        header = layout.headers.get(col, code)
        # "Engineer I (L1)" names its code too; "Senior Engineer" only the title
        named = normalize_header(code) in normalize_header(header).split(" ")
        how = "level code" if named else "job title"
        s.readings.append(
            Reading(
                f"level {code}",
                header,
                f"{sheet}!{a1(layout.header_row, col)}",
                f"header '{header}' ({how} on the Levels sheet)",
                "mapping" if how == "mapping" else "high",
            )
        )
    for col, name in layout.competency_columns.items():
        used.add(col)
        s.readings.append(
            Reading(
                f"competency {name}",
                layout.headers.get(col, name),
                f"{sheet}!{a1(layout.header_row, col)}",
                "a competency of the Competencies sheet (levels are rows: transposed)",
                "high",
            )
        )
    s.readings.sort(key=lambda r: _column_number(r.cell))
    s.unused = [
        (f"{sheet}!{a1(layout.header_row, c)}", h)
        for c, h in layout.headers.items()
        if c not in used
    ]
    return s


def _column_number(cell: str) -> int:
    letters = "".join(ch for ch in cell.rpartition("!")[2].split("+")[0] if ch.isalpha())
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def inspect_files(
    workbook: PathLike,
    exports: Sequence[PathLike] = (),
    *,
    mapping: Any = None,
    labels: Any = None,
    cycle: str | None = None,
) -> Inspection:
    from ladder_sheets.api import read_exports, read_framework

    record: list[tuple[str, str, TableLayout]] = []
    framework: Framework = read_framework(Path(workbook), mapping=mapping, record=record)
    sheets = [sheet_reading(t, s, layout) for t, s, layout in record]
    unread = [
        f.where.sheet for f in framework.findings if f.code == "ignored-sheet" and f.where.sheet
    ]
    findings = list(framework.findings)
    out = Inspection(Path(workbook), sheets, unread, findings)
    if mapping is not None:
        from ladder_sheets.workbook.mapping import Mapping

        given = mapping if isinstance(mapping, Mapping) else Mapping.from_toml(Path(mapping))
        entry = given.get("expectations")
        out.labels = dict(entry.labels) if entry is not None else {}
    if exports:
        read = read_exports(exports, framework, labels=labels, cycle=cycle, mapping=mapping)
        names = [str(c) for c in framework.competencies.data["competency"].dropna().tolist()]
        for e in read:
            out.exports.append(export_reading(e, names))
            out.findings.extend(e.findings)
    return out


def export_reading(export: Any, competencies: Sequence[str] = ()) -> ExportReading:
    """What the export reader says of one export: its shape, sheet, header row, columns by
    role, and (where it keeps them) the raters, labels and cycles it read."""
    columns: dict[str, str] = dict(getattr(export, "columns", None) or {}) or _roles(
        export, competencies
    )
    e = ExportReading(
        str(export.path),
        export.shape,
        export.sheet,
        export.header_row,
        columns,
    )
    e.tabs = list(getattr(export, "tabs", None) or [])
    for item in getattr(export, "understood", None) or []:
        e.readings.append(
            Reading(
                str(item.concept),
                str(item.column),
                f"{Path(e.file).name}!{a1((export.header_row or 1) - 1, item.col)}",
                str(item.evidence),
                str(item.confidence),
            )
        )
    # the export keeps its cycles as read in `cycles_read` (`cycles` lists the quarters)
    for name, attribute in (("raters", "raters"), ("labels", "labels"), ("cycles", "cycles_read")):
        values = getattr(export, attribute, None)
        if isinstance(values, dict):
            e.extra[name] = values
    unused = getattr(export, "unused", None)
    if unused:
        e.unused = list(unused)
    return e


def _roles(export: Any, competencies: Sequence[str]) -> dict[str, str]:
    """role -> header of an export, as the export reader's layout finds them."""
    from ladder_sheets.errors import LadderError
    from ladder_sheets.exports.labels import LabelScale
    from ladder_sheets.exports.layout import detect
    from ladder_sheets.exports.source import load

    try:
        layout = detect(
            load(Path(export.path)), competencies=competencies, scale=LabelScale(), mapping=None
        )
    except LadderError:  # it was read once already; this second look only names columns
        return {}
    return {role: layout.headers[col] for role, col in layout.roles.items()}


def inspect(
    workbook: PathLike,
    exports: Sequence[PathLike] = (),
    *,
    mapping: Any = None,
    labels: Any = None,
    cycle: str | None = None,
) -> Any:
    """How the workbook (and exports) was understood: an Inspection, whose .text() reports
    it and .mapping_toml() writes a mapping that reproduces it. (Here, not in api.py: this
    module reads through api, so api importing it would close a circle.)"""
    from ladder_sheets.api import load_mapping

    return inspect_files(
        workbook, exports, mapping=load_mapping(mapping), labels=labels, cycle=cycle
    )
