"""The annotated copy that `check --annotate OUT.xlsx` writes.

Each cell with a finding is filled (red error, amber warning, blue note) and carries a comment
with the code, the message and the fix; a "Check Findings" sheet lists every finding with a link
to its cell. The copy is made with openpyxl, which does not keep everything a workbook can hold
(charts, some extension lists): it is a worklist for fixing the framework, never written over the
original, which stays untouched.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import coordinate_from_string

from ladder_sheets.errors import WriteRefused
from ladder_sheets.findings import Finding, Report, Severity
from ladder_sheets.model import sheet_ref

FINDINGS_SHEET = "Check Findings"
_FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}


def write_annotated_copy(original: Path, report: Report, out: Path) -> Path:
    from ladder_sheets.workbook.safe import open_xlsx

    original, out = Path(original), Path(out)
    if out.resolve() == original.resolve():
        raise WriteRefused(
            "the annotated copy would overwrite the workbook that was checked",
            file=str(out),
            hint="give --annotate a new file name, e.g. framework_checked.xlsx",
        )
    wb = open_xlsx(original)
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report:
        if (
            f.where.sheet
            and f.where.sheet in wb.sheetnames
            and f.where.cell
            and _is_cell(f.where.cell)
        ):
            by_cell[(f.where.sheet, f.where.cell)].append(f)  # type: ignore[index]
    for (sheet, cell), findings in by_cell.items():
        target = wb[sheet][cell]
        worst = min(findings, key=lambda f: f.severity.rank)
        target.fill = _FILL[worst.severity]
        text = "\n\n".join(
            f"[{f.severity.value}] {f.code}: {f.message}" + (f"\nFix: {f.hint}" if f.hint else "")
            for f in findings
        )
        target.comment = Comment(text[:30000], "ladder-sheets check", width=360, height=160)

    if FINDINGS_SHEET in wb.sheetnames:
        del wb[FINDINGS_SHEET]
    ws = wb.create_sheet(FINDINGS_SHEET, 0)
    ws.append(["Severity", "Code", "Sheet", "Cell", "Message", "Fix"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for f in report.sorted():
        ws.append(
            [
                f.severity.value,
                f.code,
                f.where.sheet or f.where.file or "",
                f.where.cell or (f"line {f.where.line}" if f.where.line else ""),
                f.message,
                f.hint,
            ]
        )
        row = ws.max_row
        for c in ws[row]:
            c.data_type = "s" if isinstance(c.value, str) else c.data_type
        ws.cell(row, 1).fill = _FILL[f.severity]
        if (
            f.where.sheet
            and f.where.sheet in wb.sheetnames
            and f.where.cell
            and _is_cell(f.where.cell)
        ):
            link = ws.cell(row, 4)
            link.hyperlink = "#" + sheet_ref(f.where.sheet, f.where.cell)
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEF", (9, 26, 22, 9, 80, 60), strict=True):
        ws.column_dimensions[col].width = width
    wb.active = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _is_cell(ref: str) -> bool:
    try:
        coordinate_from_string(ref)
    except ValueError:
        return False
    return True
