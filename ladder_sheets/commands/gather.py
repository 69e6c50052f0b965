"""`gather`: bring the edits of family drafts back into HR's workbook, cell by cell.

For every cell a draft changed (its value differs from the base `split` recorded) the change
goes to the cell of HR's workbook it came from. It is a conflict, never an overwrite, when HR
changed that cell since the split, or when two drafts changed it to different values. Rows a
draft added (a competency, a level, a step) go below HR's table; a level column added to Matrix
or Behaviors goes right of HR's level columns (or to HR's column of that level). A draft split
from another workbook, or edited outside its family's cells, is refused. The quality check runs
on the result before anything is written; with conflicts, refusals or new errors nothing is.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.commands.draft_read import Draft, NotADraft, normal, plain, read_draft
from ladder_sheets.commands.split import created_stamp
from ladder_sheets.findings import Finding, Report, Where, info
from ladder_sheets.model import GENERATED_SHEETS
from ladder_sheets.workbook.grid import Grid, read_grids
from ladder_sheets.xlsx.cells import CellValue, col_letters, split_ref
from ladder_sheets.xlsx.safe_write import fingerprint


@dataclass
class Change:
    sheet: str  # HR's sheet and cell
    cell: str
    label: str
    before: Any
    after: Any
    drafts: list[str]  # "Sales.xlsx Matrix!C3" of each draft that made it
    added: bool = False  # a cell of an added row or column

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class Conflict:
    sheet: str
    cell: str
    label: str
    reason: str
    values: list[tuple[str, Any]]  # (whose, value): the base, the workbook now, each draft

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class Refusal:
    draft: str
    message: str


@dataclass
class GatherResult:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    findings: Report = field(default_factory=Report)  # new findings of the check on the result
    written: Path | None = None
    drafts: list[str] = field(default_factory=list)  # the drafts read (refused ones too)
    # generated sheets of the workbook computed from the framework before these changes
    stale: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.conflicts or self.refused or self.findings.errors)

    @property
    def exit_code(self) -> int:
        return 1 if self.blocked else 0


@dataclass
class _Proposal:
    draft: str  # "Sales.xlsx Matrix!C3"
    base: Any
    after: Any
    label: str


@dataclass
class _NewRow:
    sheet: str  # "Sales.xlsx Matrix": the draft and its sheet
    number: int  # the row in the draft
    info: dict[str, Any]
    family: str
    key: tuple[Any, ...]
    cells: dict[int, Any]  # draft column (1-based) -> value
    new_columns: dict[int, str]  # draft column -> level code (wide sheets)

    @property
    def draft(self) -> str:
        return f"{self.sheet}!A{self.number}"

    def cell(self, col: int) -> str:
        return f"{self.sheet}!{col_letters(col)}{self.number}"

    @property
    def title(self) -> str:
        """The row's key as typed: "added row Forecasting", "added row IC4 / IC5"."""
        named = [plain(self.cells.get(k + 1)) for k in self.info["keys"]]
        return "added row " + " / ".join(str(v) for v in named if v is not None)


def show_change(change: Change) -> str:
    """before -> after; for a reworded text, the words removed and added (the diff's marks)."""
    before, after = plain(change.before), plain(change.after)
    if isinstance(before, str) and isinstance(after, str):
        from ladder_sheets.analysis.framework_diff import word_diff, words_text

        return words_text(word_diff(before, after))
    return f"{show(before)} -> {show(after)}"


def show(value: Any) -> str:
    value = plain(value)
    if value is None:
        return "(blank)"
    if isinstance(value, str):
        return repr(value if len(value) <= 70 else value[:67] + "...")
    return str(value)


def gather(
    workbook: Path,
    drafts: Sequence[Path],
    *,
    out: Path | None = None,
    dry_run: bool = False,
    annotate: Path | None = None,
    backup: bool = False,
    mapping: Any = None,
) -> GatherResult:
    workbook = Path(workbook)
    expect = fingerprint(workbook)
    read: list[tuple[Path, Draft | NotADraft]] = []
    for path in map(Path, drafts):
        try:
            read.append((path, read_draft(path)))
        except NotADraft as exc:
            read.append((path, exc))
    # the reports are never input, nor the history's sheets unless a draft came from them
    grids = read_grids(workbook, skip_reports=True, skip=_unused_long_sheets(workbook, read))
    result = GatherResult()
    proposals: dict[tuple[str, str], list[_Proposal]] = defaultdict(list)
    new_rows: list[_NewRow] = []
    new_level_cells: list[
        tuple[dict[str, Any], int, str, _Proposal]
    ] = []  # sheet, source row, code, what
    for path, draft in read:
        result.drafts.append(path.name)
        if isinstance(draft, NotADraft):
            result.refused.append(Refusal(path.name, str(draft)))
            continue
        problem = _identity(draft, workbook, expect.sha256, grids)
        if problem:
            result.refused.append(Refusal(path.name, problem))
            continue
        mine: dict[tuple[str, str], _Proposal] = {}
        outside: list[str] = []
        for cell in draft.cells:
            now = draft.values.get(cell.sheet, {}).get(split_ref(cell.cell))
            if normal(now) == normal(cell.base):
                continue
            if not cell.editable or not cell.source:
                outside.append(
                    f"{cell.sheet}!{cell.cell} ({cell.label}): {show(cell.base)} -> {show(now)}"
                )
                continue
            sheet, _, ref = cell.source.rpartition("!")
            mine[(sheet, ref)] = _Proposal(
                f"{draft.name} {cell.sheet}!{cell.cell}", cell.base, now, cell.label
            )
        rows, levels = _additions(draft, outside)
        if outside:
            result.refused.append(
                Refusal(
                    path.name,
                    f"it changes cells outside the {draft.family} family's editable cells (the "
                    "protected cells, the headers, or beyond the tables); nothing of it was "
                    "gathered: " + "; ".join(outside[:10]) + ("; ..." if len(outside) > 10 else ""),
                )
            )
            continue
        for key, proposal in mine.items():
            proposals[key].append(proposal)
        new_rows.extend(rows)
        new_level_cells.extend(levels)
    edits_from_rows = _place_additions(new_rows, new_level_cells, grids, proposals, result)
    _decide(proposals, grids, result)
    result.changes.extend(edits_from_rows)
    result.changes.sort(key=lambda c: (c.sheet, split_ref(c.cell)))
    if result.conflicts or result.refused or not result.changes:
        return result
    edits: dict[str, dict[str, CellValue]] = defaultdict(dict)
    for change in result.changes:
        edits[change.sheet][change.cell] = plain(change.after)
    _check_and_write(workbook, edits, result, out, dry_run, annotate, backup, expect, mapping)
    result.stale = [name for name in GENERATED_SHEETS if name in grids]
    return result


def _unused_long_sheets(workbook: Path, read: list[tuple[Path, Draft | NotADraft]]) -> list[str]:
    """The workbook's long sheets (Ratings History, Promotion Evidence: split never drafts them)
    that no draft refers to: not read (at a few years of reviews, most of the workbook)."""
    from ladder_sheets.workbook.aliases import table_for_sheet
    from ladder_sheets.workbook.extent import LONG_TABLES, sheet_names

    used: set[str] = set()
    for _, draft in read:
        if isinstance(draft, Draft):
            used |= {c.source.rpartition("!")[0] for c in draft.cells if c.source}
            used |= {str(info_.get("source_sheet")) for info_ in draft.sheets}
    out = []
    for sheet in sheet_names(workbook):
        guess = table_for_sheet(sheet)
        if guess is not None and guess[0] in LONG_TABLES and sheet not in used:
            out.append(sheet)
    return out


def _identity(draft: Draft, workbook: Path, sha: str, grids: dict[str, Grid]) -> str:
    """Why the draft was not split from this workbook ("" when it was)."""
    if draft.source_sha256 == sha:
        return ""
    created = created_stamp(workbook)
    if draft.source_created and created and draft.source_created != created:
        return (
            f"it was split from {draft.source_name or 'another workbook'} (created "
            f"{draft.source_created}), not from this workbook (created {created})"
        )
    sources = [c for c in draft.cells if c.source]
    missing = sorted({c.source.rpartition("!")[0] for c in sources} - set(grids))
    differ = sum(normal(_current(grids, c.source)) != normal(c.base) for c in sources)
    if missing or (sources and differ * 2 > len(sources)):
        why = (
            f"the sheets {', '.join(missing)} are not in this workbook"
            if missing
            else f"{differ} of the {len(sources)} cells it was split from hold other values "
            "here (if rows were inserted or deleted above them since the split, split again)"
        )
        return (
            f"it was split from {draft.source_name or 'another workbook'} (fingerprint "
            f"{draft.source_sha256[:12]}), not from this workbook: {why}"
        )
    return ""


def _current(grids: dict[str, Grid], source: str) -> Any:
    sheet, _, ref = source.rpartition("!")
    grid = grids.get(sheet)
    if grid is None or not ref:
        return None
    row, col = split_ref(ref)
    return grid.get(row - 1, col - 1)


def _additions(
    draft: Draft, outside: list[str]
) -> tuple[list[_NewRow], list[tuple[dict[str, Any], int, str, _Proposal]]]:
    """Rows and level columns the draft added; what it typed elsewhere goes to `outside`."""
    rows: list[_NewRow] = []
    levels: list[tuple[dict[str, Any], int, str, _Proposal]] = []
    recorded = defaultdict(set)
    sources: dict[tuple[str, int], int] = {}  # (draft sheet, draft row) -> HR's row
    for cell in draft.cells:
        r, _ = split_ref(cell.cell)
        recorded[cell.sheet].add(r)
        if cell.source:
            sources[(cell.sheet, r)] = split_ref(cell.source.rpartition("!")[2])[0]
    for info_ in draft.sheets:
        name, headers = info_["name"], info_["headers"]
        width = len(headers)
        values = draft.values.get(name, {})
        last = max(recorded[name], default=1)
        new_columns: dict[int, str] = {}
        for (r, c), value in sorted(values.items()):
            if r == 1 and c <= width:
                if normal(value) != normal(headers[c - 1]):
                    outside.append(
                        f"{name}!{col_letters(c)}1 (a heading): renamed to {show(value)}"
                    )
            elif r == 1 and info_["wide"] and isinstance(plain(value), str):
                new_columns[c] = str(plain(value))
        for (r, c), value in sorted(values.items()):
            if r > 1 and c > width and c not in new_columns:
                outside.append(f"{name}!{col_letters(c)}{r}: {show(value)} is outside the table")
        for c, code in new_columns.items():
            for r in sorted(recorded[name]):
                value = values.get((r, c))
                if r > 1 and normal(value) is not None and (name, r) in sources:
                    what = f"{values.get((r, 1))} at {code}"
                    levels.append(
                        (
                            info_,
                            sources[(name, r)],
                            code,
                            _Proposal(
                                f"{draft.name} {name}!{col_letters(c)}{r}", None, value, what
                            ),
                        )
                    )
        added = sorted({r for (r, c) in values if r > last and (c <= width or c in new_columns)})
        for r in added:
            cells = {
                c: v
                for (rr, c), v in values.items()
                if rr == r and (c <= width or c in new_columns)
            }
            key = tuple(_key(cells.get(k + 1)) for k in info_["keys"])
            named = [headers[k] for k in info_["keys"] if headers[k] != "Job Family"]
            if any(
                _key(cells.get(k + 1)) is None for k in info_["keys"] if headers[k] != "Job Family"
            ):
                outside.append(f"{name}!A{r}: an added row without its {' and '.join(named)}")
                continue
            family_col = next((k + 1 for k, h in enumerate(headers) if h == "Job Family"), None)
            if family_col is not None:
                typed = cells.get(family_col)
                if normal(typed) is not None and _key(typed) != _key(draft.family):
                    outside.append(
                        f"{name}!{col_letters(family_col)}{r}: a row added for {show(typed)}, "
                        f"not {draft.family}"
                    )
                    continue
                cells[family_col] = draft.family
                key = tuple(
                    _key(draft.family) if headers[k] == "Job Family" else v
                    for k, v in zip(info_["keys"], key, strict=True)
                )
            rows.append(
                _NewRow(f"{draft.name} {name}", r, info_, draft.family, key, cells, new_columns)
            )
    return rows, levels


def _key(value: Any) -> Any:
    value = normal(value)
    return value.casefold() if isinstance(value, str) else value


def _free_row(grid: Grid | None, after: int, taken: set[int]) -> int:
    row = after + 1
    while (grid is not None and any(True for _ in grid.row_cells(row - 1))) or row in taken:
        row += 1
    return row


def _place_additions(
    rows: list[_NewRow],
    levels: list[tuple[dict[str, Any], int, str, _Proposal]],
    grids: dict[str, Grid],
    proposals: dict[tuple[str, str], list[_Proposal]],
    result: GatherResult,
) -> list[Change]:
    """Where added rows and level columns go in HR's sheets: their cells as changes (new rows,
    new headers) or as proposals (values in existing rows, decided with the edits)."""
    changes: list[Change] = []
    columns: dict[tuple[str, str], int] = {}  # (HR sheet, level code) -> column

    def level_column(info_: dict[str, Any], code: str) -> int:
        sheet = info_["source_sheet"]
        known = columns.get((sheet, code.casefold()))
        if known:
            return known
        grid, header = grids.get(sheet), info_["header_row"] - 1
        if grid is not None:
            for c, value in grid.row_cells(header):
                if _key(value) == code.casefold():
                    columns[(sheet, code.casefold())] = c + 1
                    return c + 1
        taken = {c for (s, _), c in columns.items() if s == sheet}
        col = info_["last_column"] + 1
        while col in taken or (grid is not None and grid.get(header, col - 1) is not None):
            col += 1
        columns[(sheet, code.casefold())] = col
        changes.append(
            Change(
                sheet,
                f"{col_letters(col)}{info_['header_row']}",
                f"new level {code}",
                None,
                code,
                [],
                True,
            )
        )
        return col

    for info_, source_row, code, proposal in levels:
        col = level_column(info_, code)
        proposals[(info_["source_sheet"], f"{col_letters(col)}{source_row}")].append(proposal)
    # added rows: one per key and family; the same row from two drafts once
    unique: dict[tuple[str, Any], _NewRow] = {}
    for row in rows:
        k = (row.info["source_sheet"], row.key)
        other = unique.get(k)
        if other is None:
            unique[k] = row
        elif {c: normal(v) for c, v in other.cells.items()} != {
            c: normal(v) for c, v in row.cells.items()
        }:
            result.conflicts.append(
                Conflict(
                    row.info["source_sheet"],
                    "",
                    row.title,
                    "two drafts add this row with different values",
                    [(other.draft, _row_text(other)), (row.draft, _row_text(row))],
                )
            )
    taken: dict[str, set[int]] = defaultdict(set)
    for (sheet, _), row in unique.items():
        info_, grid = row.info, grids.get(sheet)
        existing = _existing_row(grid, info_, row)
        if existing:
            result.conflicts.append(
                Conflict(
                    sheet,
                    f"A{existing}",
                    row.title,
                    "the draft adds a row the workbook already has (HR added it since the split?)",
                    [(row.draft, _row_text(row))],
                )
            )
            continue
        target = _free_row(grid, info_["last_row"], taken[sheet])
        taken[sheet].add(target)
        label = row.title
        for c, value in sorted(row.cells.items()):
            if normal(value) is None:
                continue
            if c in row.new_columns:
                letter = col_letters(level_column(info_, row.new_columns[c]))
            else:
                letter = info_["source_columns"][c - 1]
            if letter:
                changes.append(
                    Change(sheet, f"{letter}{target}", label, None, value, [row.cell(c)], True)
                )
        if info_["family_column"] and not any(
            info_["source_columns"][c - 1] == info_["family_column"]
            for c in row.cells
            if c <= len(info_["source_columns"])
        ):
            changes.append(
                Change(
                    sheet,
                    f"{info_['family_column']}{target}",
                    label,
                    None,
                    row.family,
                    [row.draft],
                    True,
                )
            )
    return changes


def _row_text(row: _NewRow) -> str:
    return " | ".join(str(plain(v)) for _, v in sorted(row.cells.items()) if normal(v) is not None)


def _existing_row(grid: Grid | None, info_: dict[str, Any], row: _NewRow) -> int:
    """HR's row (1-based) that already holds the added row's key, 0 if none."""
    if grid is None:
        return 0
    key_cols = []
    for k in info_["keys"]:
        letter = info_["source_columns"][k]
        if letter:
            key_cols.append((split_ref(f"{letter}1")[1], row.cells.get(k + 1)))
    if info_["family_column"]:
        key_cols.append((split_ref(f"{info_['family_column']}1")[1], row.family))
    for r in grid.rows_present():
        if all(_key(grid.get(r, c - 1)) == _key(v) for c, v in key_cols):
            return r + 1
    return 0


def _decide(
    proposals: dict[tuple[str, str], list[_Proposal]],
    grids: dict[str, Grid],
    result: GatherResult,
) -> None:
    for (sheet, ref), group in sorted(
        proposals.items(), key=lambda kv: (kv[0][0], split_ref(kv[0][1]))
    ):
        now = normal(_current(grids, f"{sheet}!{ref}"))
        afters = {normal(p.after) for p in group}
        label = group[0].label
        if len(afters) > 1:
            result.conflicts.append(
                Conflict(
                    sheet,
                    ref,
                    label,
                    "two drafts changed this cell differently",
                    [("at the split", group[0].base), ("in the workbook now", now)]
                    + [(p.draft, p.after) for p in group],
                )
            )
            continue
        after = afters.pop()
        if now == after:
            continue  # the workbook holds it already
        changed_by_hr = [p for p in group if normal(p.base) != now]
        if changed_by_hr:
            result.conflicts.append(
                Conflict(
                    sheet,
                    ref,
                    label,
                    "HR changed this cell in the workbook since the split",
                    [("at the split", changed_by_hr[0].base), ("in the workbook now", now)]
                    + [(p.draft, p.after) for p in group],
                )
            )
            continue
        result.changes.append(
            Change(sheet, ref, label, group[0].base, group[0].after, [p.draft for p in group])
        )


def _check_and_write(
    workbook: Path,
    edits: dict[str, dict[str, CellValue]],
    result: GatherResult,
    out: Path | None,
    dry_run: bool,
    annotate: Path | None,
    backup: bool,
    expect: Any,
    mapping: Any,
) -> None:
    """Write the result to a scratch copy, check it, and write it for real when clean."""
    from ladder_sheets.api import check
    from ladder_sheets.workbook import history_cache
    from ladder_sheets.xlsx.edit import write_cells

    by_cell = {(c.sheet, c.cell): c for c in result.changes}
    with tempfile.TemporaryDirectory(prefix="ladder-gather-") as folder:
        scratch = Path(folder) / workbook.name
        write_cells(workbook, edits, out=scratch, expect=expect)
        before = {_finding_key(f) for f in check(workbook, mapping=mapping).report}
        # the edits keep the history sheets: their cache goes with each write, never re-read
        history_cache.carry_to(history_cache.carry_from(workbook), scratch)
        after = check(scratch, mapping=mapping).report
        carry = history_cache.carry_from(scratch)  # as the edited workbook reads
        for f in after:
            if _finding_key(f) in before:
                continue
            change = by_cell.get((f.where.sheet or "", f.where.cell or ""))
            where = Where(file=str(workbook), sheet=f.where.sheet, cell=f.where.cell)
            message = f.message + (
                f" (from {', '.join(change.drafts)})" if change and change.drafts else ""
            )
            result.findings.add(Finding(f.code, f.severity, message, f.hint, where))
        if annotate is not None:
            from ladder_sheets.sheets.annotate import write_annotated_copy

            marks = Report(
                info(
                    "gathered",
                    f"{c.label}: {show(c.before)} -> {show(c.after)}"
                    + (f" (from {', '.join(c.drafts)})" if c.drafts else ""),
                    "",
                    Where(sheet=c.sheet, cell=c.cell),
                )
                for c in result.changes
            )
            marks.extend(result.findings)
            write_annotated_copy(scratch, marks, annotate)
    if dry_run or result.findings.errors:
        return
    written = write_cells(workbook, edits, out=out, backup=backup, expect=expect)
    result.written = written.path
    history_cache.carry_to(carry, written.path)


def _finding_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.code, f.where.sheet or "", f.where.cell or "", f.message)
