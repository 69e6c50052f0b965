"""`publish`: the framework as a static site anyone in the company can read.

read the workbook (typed, as check reads it) -> keep the framework parts only -> render.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ladder_sheets.api import PathLike, check
from ladder_sheets.errors import DataError, WriteRefused
from ladder_sheets.findings import Report
from ladder_sheets.model import Framework
from ladder_sheets.versions import VERSION_TABLES


@dataclass
class PublishResult:
    report: Report
    folder: Path
    pages: list[Path]
    families: list[str]


def publish(
    workbook: PathLike,
    folder: PathLike,
    *,
    family: str | None = None,
    title: str | None = None,
    mapping: Any = None,
) -> PublishResult:
    """Write the site of the workbook's framework into `folder`. Raises DataError when
    `family` is not a job family of the workbook."""
    from ladder_sheets.analysis.ladder import key
    from ladder_sheets.site import build_site

    checked = check(workbook, mapping=mapping)
    fw = framework_only(checked.framework)
    families = {key(f): f for f in fw.levels.data["family"].dropna().astype(str)}
    if family is not None and key(family) not in families:
        raise DataError(
            f"'{family}' is not a job family of the workbook",
            file=str(workbook),
            sheet="Levels",
            hint=f"the job families are: {', '.join(sorted(families.values())) or 'none'}",
        )
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise WriteRefused(
            "the site's folder is a file", file=str(out), hint="give a folder with -o SITE/"
        )
    try:
        site = build_site(
            fw,
            out,
            family=family,
            title=title or "Career framework",
            footer=f"Published from {Path(workbook).name} by ladder-sheets.",
        )
    except OSError as exc:
        raise WriteRefused(
            f"the site could not be written ({exc})",
            file=str(out),
            hint="check the folder is writable and has free space",
        ) from None
    return PublishResult(checked.report, out, site.pages, [f.name for f in site.view.families])


def framework_only(framework: Framework) -> Framework:
    """The framework parts alone: no Employees, Ratings History or Promotion Evidence, so no
    page can ever show a person."""
    tables = {t: framework.tables[t] for t in VERSION_TABLES if t in framework.tables}
    return Framework(framework.path, tables, [], list(framework.sheet_names), {})
