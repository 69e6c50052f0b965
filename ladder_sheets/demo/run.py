"""`demo`: the whole review cycle on the bundled, invented sample company, in one folder.

Writes the sample framework and its four quarterly exports, checks them, merges the quarters
in order, then writes the manager and employee packs and the calibration pack, publishes the
framework as a site, compares it with a proposed next version, and runs a co-authoring round
(split, two reviewers who disagree on one cell, gather): every output a newcomer should see,
from one command.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ladder_sheets.errors import DataError, WriteRefused


@dataclass
class DemoResult:
    folder: Path
    made: list[tuple[str, Path]] = field(default_factory=list)


def run_demo(
    folder: Path, *, force: bool = False, say: Callable[[str], None] | None = None
) -> DemoResult:
    from ladder_sheets.api import check
    from ladder_sheets.commands.calibrate import calibrate
    from ladder_sheets.commands.diff import diff
    from ladder_sheets.commands.merge import merge
    from ladder_sheets.commands.packs import write_packs
    from ladder_sheets.commands.publish import publish
    from ladder_sheets.demo.coauthor import coauthor_round
    from ladder_sheets.demo.exports import build_samples
    from ladder_sheets.demo.proposal import write_proposal

    note = say or (lambda _m: None)
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        if not force:
            raise WriteRefused(
                "the demo folder is not empty",
                file=str(folder),
                hint="choose a new folder, or pass --force to replace its contents",
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = DemoResult(folder)

    note("Writing the sample company (150 invented people) and four quarterly exports")
    build_samples(folder)
    workbook = folder / "acme_framework.xlsx"
    exports = sorted((folder / "exports").iterdir())
    result.made.append(("framework workbook", workbook))
    result.made.extend(("review export", p) for p in exports)

    note("check: validating the framework and the exports")
    checked = check(workbook, exports)
    if checked.report.errors:
        raise DataError(
            f"the sample failed its own check ({len(checked.report.errors)} errors)",
            file=str(workbook),
            hint="this is a bug in ladder-sheets; please report it",
        )
    for export in exports:
        note(f"merge: {export.name}")
        merged = merge(workbook, [export])
        if merged.written is None:
            codes = sorted({f.code for f in merged.report.errors})
            raise DataError(
                f"merging the sample export failed ({', '.join(codes)})",
                file=str(export),
                hint="this is a bug in ladder-sheets; please report it",
            )
    result.made.append(
        ("workbook with Ratings History, Gap Analysis, Promotion Readiness", workbook)
    )

    note("packs: one workbook per manager")
    managers = write_packs(workbook, folder / "packs" / "managers")
    result.made.append((f"{len(managers.written)} manager packs", folder / "packs" / "managers"))
    note("packs: one workbook per employee")
    people = write_packs(workbook, folder / "packs" / "employees", by="employee")
    result.made.append((f"{len(people.written)} employee packs", folder / "packs" / "employees"))

    note("calibrate: the calibration prep pack for the latest quarter")
    cal = calibrate(workbook, folder / "calibration.xlsx")
    if cal.written is not None:
        result.made.append((f"calibration pack for {cal.cycle}", cal.written))

    note("publish: the framework as a static site (no personal data)")
    site = publish(workbook, folder / "site")
    result.made.append((f"framework site, {len(site.pages)} pages", site.folder / "index.html"))

    note("diff: a proposed next version of the framework, and who it would move")
    proposed = write_proposal(workbook, folder / "acme_framework_proposed.xlsx")
    changes = diff(workbook, proposed, xlsx=folder / "framework-changes.xlsx")
    result.made.append(("proposed next version of the framework", proposed))
    moved = len(changes.impact) if changes.impact is not None else 0
    result.made.append(
        (
            f"its changes ({changes.diff.summary()}) and the {moved} people they move",
            folder / "framework-changes.xlsx",
        )
    )

    result.made.extend(coauthor_round(workbook, folder, note))
    return result
