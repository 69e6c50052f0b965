"""`diff`: what changed between two frameworks, and who it affects.

read both workbooks (typed, as check reads them) -> compare the framework parts -> with
ratings, judge the same people by both frameworks -> text, JSON, or a workbook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.analysis.framework_diff import FrameworkDiff, diff_frameworks, words_text
from ladder_sheets.analysis.framework_impact import IMPACT_COLUMNS
from ladder_sheets.analysis.gaps import shown
from ladder_sheets.api import PathLike, check
from ladder_sheets.findings import Report
from ladder_sheets.model import Framework


@dataclass
class DiffResult:
    old_label: str
    new_label: str
    diff: FrameworkDiff
    impact: pd.DataFrame | None  # None without ratings
    cycle: str | None
    reports: dict[str, Report]  # label -> what check found in that workbook
    written: Path | None = None

    @property
    def errors(self) -> int:
        return sum(len(r.errors) for r in self.reports.values())


def diff(
    old: PathLike,
    new: PathLike,
    *,
    cycle: str | None = None,
    mapping: Any = None,
    xlsx: PathLike | None = None,
    impact: bool = True,
) -> DiffResult:
    """Compare the frameworks of two workbooks; with ratings in NEW (else in OLD), the people
    whose readiness or gaps differ under NEW, for `cycle` (default: the latest)."""
    old_checked = check(old, mapping=mapping)
    new_checked = check(new, mapping=mapping)
    return compare(
        old_checked.framework,
        new_checked.framework,
        old_label=str(old),
        new_label=str(new),
        reports={str(old): old_checked.report, str(new): new_checked.report},
        cycle=cycle,
        xlsx=xlsx,
        impact=impact,
    )


def diff_since(
    workbook: PathLike,
    cycle: str,
    *,
    mapping: Any = None,
    xlsx: PathLike | None = None,
    impact: bool = True,
) -> DiffResult:
    """Compare the framework recorded for `cycle` (Framework Versions) with the workbook's
    framework now; the impact is on the workbook's own people and ratings."""
    from ladder_sheets.errors import DataError
    from ladder_sheets.values import parse_cycle

    checked = check(workbook, mapping=mapping)
    fw = checked.framework
    try:
        wanted = parse_cycle(cycle) or cycle
    except ValueError:
        wanted = cycle
    version = fw.versions.version_of(wanted) if fw.versions is not None else None
    if version is None:
        known = sorted(fw.versions.cycles) if fw.versions is not None else []
        raise DataError(
            f"no framework version is recorded for {cycle}",
            file=str(workbook),
            hint=(
                f"versions are recorded for {', '.join(known)}"
                if known
                else "merge records the framework of each cycle it imports; this workbook "
                "has not been merged since versions exist"
            ),
        )
    return compare(
        version.framework(fw),
        fw,
        old_label=f"{Path(workbook).name} (version {version.number}, in force for {wanted})",
        new_label=f"{Path(workbook).name} (now)",
        reports={str(workbook): checked.report},
        people=fw,
        xlsx=xlsx,
        impact=impact,
    )


def compare(
    old: Framework,
    new: Framework,
    *,
    old_label: str,
    new_label: str,
    reports: dict[str, Report] | None = None,
    people: Framework | None = None,
    cycle: str | None = None,
    xlsx: PathLike | None = None,
    impact: bool = True,
) -> DiffResult:
    """The diff of two typed frameworks, the impact on `people` (default: whichever of NEW and
    OLD holds ratings, NEW first), and the workbook when `xlsx` is given."""
    from ladder_sheets.analysis.framework_impact import diff_impact

    changes = diff_frameworks(old, new)
    if people is None:
        people = new if len(new.history) and len(new.employees) else old
    table = None
    if impact and len(people.history) and len(people.employees):
        table = diff_impact(old, new, people, changes, cycle=cycle)
    analysed = str(table["cycle"].dropna().iloc[0]) if table is not None and len(table) else cycle
    result = DiffResult(old_label, new_label, changes, table, analysed, reports or {})
    if xlsx is not None:
        from ladder_sheets.sheets.framework_diff import write_diff_workbook

        result.written = write_diff_workbook(Path(xlsx), changes, table, old_label, new_label)
    return result


def render_text(result: DiffResult) -> str:
    """The changes grouped by kind, each with both places; then the people affected, per
    family and manager."""
    d = result.diff
    lines = [f"Framework changes from {result.old_label} to {result.new_label}: {d.summary()}"]
    for c in d.changes:
        places = " -> ".join(p or "(none)" for p in (c.old_where, c.new_where))
        lines.append(f"  {c.kind:<20} {c.message}  [{places}]")
        if c.words and any(op != "=" for op, _ in c.words):
            lines.append(f"  {'':<20}   {words_text(c.words)}")
    if result.impact is None:
        lines.append("No ratings in either workbook: impact on people not computed.")
        return "\n".join(lines)
    impact = result.impact
    lines.append("")
    cycle = f" in {result.cycle}" if result.cycle else ""
    lines.append(f"People whose readiness or gaps change{cycle}: {len(impact)}")
    family = manager = None
    for r in impact.to_dict("records"):
        if r["family"] != family:
            family, manager = r["family"], None
            lines.append(f"  {family or '(no family)'}")
        boss = r["manager"] or r["manager_id"] or "(no manager)"
        if boss != manager:
            manager = boss
            mid = f" ({r['manager_id']})" if r["manager"] and r["manager_id"] else ""
            lines.append(f"    manager {boss}{mid}")
        lines.append(f"      {r['employee_id']} {r['name'] or ''} ({r['level']}): {r['summary']}")
    return "\n".join(lines)


def to_json(result: DiffResult) -> str:
    out: dict[str, Any] = {
        "old": result.old_label,
        "new": result.new_label,
        "summary": result.diff.summary(),
        "counts": result.diff.counts(),
        "changes": [c.as_dict() for c in result.diff.changes],
        "impact": None,
    }
    if result.impact is not None:
        out["impact"] = {
            "cycle": result.cycle,
            "people": [
                {
                    **{
                        k: r[k]
                        for k in IMPACT_COLUMNS
                        if k not in ("cycle", "gap_changes", "summary")
                    },
                    "gap_changes": [
                        {
                            "competency": comp,
                            "gap": what,
                            "old": _num(a),
                            "new": _num(b),
                        }
                        for comp, what, a, b in r["gap_changes"]
                    ],
                }
                for r in result.impact.to_dict("records")
            ],
        }
    return json.dumps(out, indent=2, ensure_ascii=False, default=str)


def _num(value: float) -> float | None:
    return None if value != value else float(shown(value))
