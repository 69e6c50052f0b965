"""`split`: one draft workbook per job family, for that family's managers to edit.

Each draft holds the family's Levels, Competencies (its own editable, the shared ones for
reference), Matrix, Behaviors and Promotion Criteria, and records for every cell where it came
from in HR's workbook and its value then, so `gather` can bring the edits back cell by cell.
HR's workbook is only read.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ladder_sheets.errors import LadderError, WriteRefused
from ladder_sheets.model import Framework, Table, headers
from ladder_sheets.sheets.draft import DraftCell, DraftPlan, DraftSheet, write_draft
from ladder_sheets.workbook.grid import Grid, read_grids
from ladder_sheets.xlsx.cells import col_letters, split_ref
from ladder_sheets.xlsx.safe_write import fingerprint

# Per table: the draft sheet, its columns (canonical, without Job Family unless shown), each
# column's kind, and the columns that name a row (locked on the rows HR wrote).
ROW_TABLES: dict[str, tuple[str, list[tuple[str, str]], list[str]]] = {
    "levels": (
        "Levels",
        [
            ("level", "text"),
            ("track", "track"),
            ("title", "text"),
            ("order", "number"),
            ("scope", "long"),
            ("min_quarters", "number"),
            ("band_min", "number"),
            ("band_max", "number"),
        ],
        ["level", "track"],
    ),
    "competencies": (
        "Competencies",
        [
            ("competency", "text"),
            ("category", "category"),
            ("family", "text"),
            ("definition", "long"),
        ],
        ["competency", "family"],
    ),
    "criteria": (
        "Promotion Criteria",
        [
            ("from_level", "text"),
            ("to_level", "text"),
            ("min_average", "decimal"),
            ("min_each", "scale"),
            ("cycles_at_next", "number"),
            ("min_quarters", "number"),
            ("scope_criteria", "long"),
            ("requires_endorsement", "yesno"),
            ("requires_calibration", "yesno"),
        ],
        ["from_level", "to_level"],
    ),
}
WIDE_TABLES = {"expectations": ("Matrix", "scale"), "behaviors": ("Behaviors", "long")}
DRAFT_ORDER = ("levels", "competencies", "expectations", "behaviors", "criteria")


@dataclass
class SplitResult:
    written: list[Path] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    cells: dict[str, int] = field(default_factory=dict)  # family -> editable cells


def family_key(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


def split(
    workbook: Path,
    out_dir: Path,
    *,
    family: str | None = None,
    force: bool = False,
    mapping: Any = None,
) -> SplitResult:
    """Write a draft per job family (or only `family`) into `out_dir`."""
    from ladder_sheets.api import read_framework

    workbook = Path(workbook)
    framework = read_framework(workbook, mapping=mapping)
    grids = read_grids(workbook, skip_reports=True)  # the reports are never input
    families = _families(framework)
    if family is not None:
        chosen = [f for f in families if family_key(f) == family_key(family)]
        if not chosen:
            raise LadderError(
                f"no job family '{family}' in the workbook",
                file=str(workbook),
                hint="the families are: " + ", ".join(families),
            )
        families = chosen
    if not families:
        raise LadderError(
            "the workbook names no job family in its Levels sheet",
            file=str(workbook),
            hint="fill the Job Family column of Levels, then split again",
        )
    out_dir = Path(out_dir)
    targets = {f: out_dir / f"{_slug(f)}.xlsx" for f in families}
    existing = [p for p in targets.values() if p.exists()]
    if existing and not force:
        raise WriteRefused(
            "a draft of that name exists already (a manager may be editing it)",
            file=str(existing[0]),
            hint="gather it first, or split into another folder, or pass --force to replace it",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    sha = fingerprint(workbook).sha256
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    result = SplitResult()
    for name in families:
        sheets = draft_sheets(framework, grids, name)
        plan = DraftPlan(name, workbook.name, sha, when, sheets, created_stamp(workbook))
        result.written.append(write_draft(targets[name], plan))
        result.families.append(name)
        result.cells[name] = sum(c.editable for s in sheets for row in s.rows for c in row)
    return result


def created_stamp(path: Path) -> str:
    """When the workbook was first created (docProps/core.xml): kept by Excel, LibreOffice and
    openpyxl through every save, different for another workbook; "" when absent."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml")[:65536]
    except (KeyError, OSError, zipfile.BadZipFile):
        return ""
    found = re.search(rb"<dcterms:created\b[^>]*>([^<]*)<", core)
    return found.group(1).decode("ascii", "replace").strip() if found else ""


def _families(framework: Framework) -> list[str]:
    seen: dict[str, str] = {}
    for table in (framework.levels, framework.expectations):
        if "family" in table.data.columns:
            for value in table.data["family"].tolist():
                if isinstance(value, str) and value.strip():
                    seen.setdefault(family_key(value), value.strip())
    return list(seen.values())


def _slug(name: str) -> str:
    return re.sub(r"[^\w-]+", "-", name).strip("-") or "family"


def draft_sheets(framework: Framework, grids: dict[str, Grid], family: str) -> list[DraftSheet]:
    out = []
    for table in DRAFT_ORDER:
        t = framework.table(table)
        if not len(t.data) or not len(t.sheets):
            continue
        if table in WIDE_TABLES:
            sheet = _wide_sheet(t, grids, family, framework.levels)
        else:
            sheet = _row_sheet(t, grids, family)
        if sheet is not None:
            out.append(sheet)
    return out


def _base(grids: dict[str, Grid], sheet: str, cell: str) -> Any:
    grid = grids.get(sheet)
    if grid is None or not cell:
        return None
    row, col = split_ref(cell)
    value = grid.get(row - 1, col - 1)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _mine(t: Table, family: str) -> list[Any]:
    """The table's rows of `family`, in sheet order."""
    if "family" not in t.data.columns:
        return list(t.data.index)
    return [i for i, v in t.data["family"].items() if family_key(v) == family_key(family)]


def _column_letter(t: Table, rows: Sequence[Any], column: str) -> str:
    if column not in t.cell_columns:
        return ""
    for index in rows:
        cell = t.cell(index, column)
        if cell:
            return re.sub(r"\d+", "", cell)
    return ""


def _last_row(t: Table, sheet: str) -> int:
    numbers = [
        split_ref(cell)[0]
        for i, s in t.sheets.items()
        if s == sheet
        for column in t.cell_columns
        if (cell := t.cell(i, str(column)))
    ]
    return max(numbers, default=1)


def _row_sheet(t: Table, grids: dict[str, Grid], family: str) -> DraftSheet | None:
    name, spec, keys = ROW_TABLES[t.name]
    mine = _mine(t, family)
    shared: list[Any] = []
    if t.name == "competencies" and "family" in t.data.columns:
        shared = [i for i, v in t.data["family"].items() if not family_key(v)]
        mine = [i for i in t.data.index if i in set(mine) or i in set(shared)]
    sheet = str(t.sheets[mine[0]]) if mine else str(t.sheets.iloc[0])
    on_sheet = [i for i, s in t.sheets.items() if s == sheet]
    columns = [(c, k) for c, k in spec if _column_letter(t, on_sheet, c)]
    if not columns:
        return None
    titles = headers(t.name)
    head = [titles[c] for c, _ in columns]
    rows = []
    for index in mine:
        if t.sheets[index] != sheet:
            continue  # a family's rows on a second sheet: not in the draft
        named = [k for k in keys if k in t.data.columns and k not in ("family", "track")]
        key = " -> ".join(str(t.data.at[index, k]) for k in named)
        row = []
        for column, _ in columns:
            cell = t.cell(index, column)
            editable = bool(cell) and column not in keys and index not in shared
            row.append(
                DraftCell(
                    value=_base(grids, sheet, cell),
                    source=f"{sheet}!{cell}" if cell else "",
                    editable=editable,
                    label=f"{key} {titles[column]}".strip(),
                )
            )
        rows.append(row)
    return DraftSheet(
        name=name,
        table=t.name,
        headers=head,
        kinds=[k for _, k in columns],
        rows=rows,
        keys=[n for n, (c, _) in enumerate(columns) if c in keys],
        source_sheet=sheet,
        source_columns=[_column_letter(t, on_sheet, c) for c, _ in columns],
        family_column=_column_letter(t, on_sheet, "family"),
        last_row=_last_row(t, sheet),
    )


def _family_levels(levels: Table, family: str) -> list[tuple[str, str]]:
    """(level code, track) of the family, IC first, each track by Order."""
    rows = []
    for index in _mine(levels, family):
        code = levels.data.at[index, "level"]
        if not isinstance(code, str) or not code.strip():
            continue
        track = str(levels.data.at[index, "track"] or "") if "track" in levels.data else ""
        order: Any = levels.data.at[index, "order"] if "order" in levels.data else None
        try:
            rank = float(order)
        except (TypeError, ValueError):
            rank = float("inf")
        rows.append((0 if track.casefold() != "management" else 1, rank, code.strip(), track))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(code, track) for _, _, code, track in rows]


def _wide_sheet(t: Table, grids: dict[str, Grid], family: str, levels: Table) -> DraftSheet | None:
    name, kind = WIDE_TABLES[t.name]
    mine = _mine(t, family)
    if not mine:
        return None
    sheet = str(t.sheets[mine[0]])
    on_sheet = [i for i, s in t.sheets.items() if s == sheet]
    # Each level's header cell on that sheet (any family's row names it).
    header_cells: dict[str, str] = {}
    for index in on_sheet:
        code = t.data.at[index, "level"]
        cell = t.cell(index, "level")
        if isinstance(code, str) and cell:
            header_cells.setdefault(code.strip().casefold(), cell)
    chosen = [(c, tr) for c, tr in _family_levels(levels, family) if c.casefold() in header_cells]
    if not chosen:
        return None
    header_row = split_ref(header_cells[chosen[0][0].casefold()])[0]
    level_cols = [split_ref(header_cells[c.casefold()])[1] for c, _ in chosen]
    # One draft row per competency, in the order of HR's rows.
    competencies: dict[str, tuple[str, int]] = {}
    for index in mine:
        if t.sheets[index] != sheet:
            continue
        comp = t.data.at[index, "competency"]
        cell = t.cell(index, "competency")
        if isinstance(comp, str) and cell:
            competencies.setdefault(comp.strip().casefold(), (comp.strip(), split_ref(cell)[0]))
    comp_letter = _column_letter(t, on_sheet, "competency")
    what = "expected" if t.name == "expectations" else "behavior"
    rows = []
    for comp, row_number in sorted(competencies.values(), key=lambda c: c[1]):
        row = [
            DraftCell(comp, f"{sheet}!{comp_letter}{row_number}", False, comp),
        ]
        for (code, _), col in zip(chosen, level_cols, strict=True):
            cell = f"{col_letters(col)}{row_number}"
            row.append(
                DraftCell(
                    _base(grids, sheet, cell), f"{sheet}!{cell}", True, f"{comp} at {code} ({what})"
                )
            )
        rows.append(row)
    grid = grids.get(sheet)
    last_column = max((c + 1 for c, _ in grid.row_cells(header_row - 1)), default=0) if grid else 0
    return DraftSheet(
        name=name,
        table=t.name,
        headers=[headers(t.name)["competency"], *(c for c, _ in chosen)],
        kinds=["text", *([kind] * len(chosen))],
        rows=rows,
        keys=[0],
        source_sheet=sheet,
        source_columns=[comp_letter, *(col_letters(c) for c in level_cols)],
        family_column=_column_letter(t, on_sheet, "family"),
        last_row=_last_row(t, sheet),
        header_row=header_row,
        last_column=max(last_column, *level_cols),
        wide=True,
        tracks=["", *(tr for _, tr in chosen)],
    )
