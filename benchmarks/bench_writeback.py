"""Write-back cost follows the generated sheet, not the size of HR's workbook.

    python -m benchmarks.bench_writeback [--rows 120000] [--hr-rows 100000] [--runs 3]

Writes a generated sheet of `--rows` rows (styles, a formula with its cached value, a
conditional format, a validation, frozen header, autofilter) three ways, median of `--runs`:

- alone: the same sheet written by xlsxwriter into a new file (the floor);
- into a small workbook: write_back into a one-sheet workbook (first run adds the sheet);
- into a large workbook: write_back into a workbook with `--hr-sheets` sheets of `--hr-rows`
  rows each (adds the sheet), then again (replaces it).

Prints a table with seconds and the ratio to "alone". Invented data only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

from ladder_sheets.xlsx.writeback import write_back

COMPETENCIES = ["Delivery", "Ownership", "Communication", "System Design", "Mentoring"]


def generated_sheet(rows: int) -> Callable[[xlsxwriter.Workbook], None]:
    def build(wb: xlsxwriter.Workbook) -> None:
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        below = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        ws = wb.add_worksheet("Gap Analysis")
        ws.write_row(0, 0, ["Employee ID", "Name", "Competency", "Rating", "Expected", "Gap"], head)
        for r in range(1, rows + 1):
            rating, expected = r % 5 + 1, (r // 7) % 5 + 1
            ws.write_string(r, 0, f"E{r:06d}")
            ws.write_string(r, 1, f"Person {r % 5000}")
            ws.write_string(r, 2, COMPETENCIES[r % len(COMPETENCIES)])
            ws.write_number(r, 3, rating)
            ws.write_number(r, 4, expected)
            ws.write_formula(r, 5, f"=D{r + 1}-E{r + 1}", None, rating - expected)
        ws.conditional_format(1, 5, rows, 5, {"type": "cell", "criteria": "<", "value": 0,
                                                "format": below})  # fmt: skip
        ws.data_validation(1, 3, rows, 3, {"validate": "integer", "criteria": "between",
                                           "minimum": 1, "maximum": 5})  # fmt: skip
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, rows, 5)

    return build


def hr_workbook(path: Path, sheets: int, rows: int) -> None:
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    for s in range(sheets):
        ws = wb.add_worksheet(f"Data {s + 1}")
        for r in range(rows):
            ws.write_row(r, 0, [f"Row {r}", r, r * 0.5, COMPETENCIES[r % 5], r % 7, "note"])
    wb.close()


def median_seconds(run: Callable[[], None], runs: int, setup: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=120_000)
    parser.add_argument("--hr-rows", type=int, default=100_000)
    parser.add_argument("--hr-sheets", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    build = generated_sheet(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        small, large = tmp / "small.xlsx", tmp / "large.xlsx"
        hr_workbook(small, 1, 10)
        hr_workbook(large, args.hr_sheets, args.hr_rows)
        target = tmp / "target.xlsx"

        def alone() -> None:
            wb = xlsxwriter.Workbook(tmp / "alone.xlsx", {"in_memory": True})
            build(wb)
            wb.close()

        def fresh(source: Path) -> Callable[[], object]:
            return lambda: shutil.copyfile(source, target)

        def into() -> None:
            write_back(target, build)

        def prepared_large() -> None:
            shutil.copyfile(large, target)
            write_back(target, build)

        rows = [
            ("alone (xlsxwriter, new file)", median_seconds(alone, args.runs, lambda: None)),
            ("write_back into small workbook", median_seconds(into, args.runs, fresh(small))),
            ("write_back into large workbook", median_seconds(into, args.runs, fresh(large))),
            ("write_back replace in large", median_seconds(into, args.runs, prepared_large)),
        ]
        floor = rows[0][1]
        size_mb = large.stat().st_size / 1e6
    print(
        f"generated sheet: {args.rows:,} rows x 6 columns; large workbook: {args.hr_sheets} "
        f"sheets x {args.hr_rows:,} rows ({size_mb:.1f} MB); median of {args.runs} runs"
    )
    print(f"{'case':<34}{'seconds':>9}{'ratio':>8}")
    for label, seconds in rows:
        print(f"{label:<34}{seconds:>9.2f}{seconds / floor:>8.2f}")


if __name__ == "__main__":
    main()
