"""What the published site shows, assembled from the framework parts alone.

Only levels, competencies, expectations, behaviours, promotion criteria and paths are read
here: nothing of Employees, Ratings History or Promotion Evidence can reach a page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ladder_sheets.analysis.gaps import shown
from ladder_sheets.analysis.ladder import Ladder, key, number, step_for
from ladder_sheets.analysis.rating_index import flag
from ladder_sheets.model import Framework
from ladder_sheets.values import clean_text, time_in_words


@dataclass
class CompetencyRow:
    competency: str
    category: str | None
    definition: str | None
    expected: str  # "3", "" when not expected
    behavior: str | None
    next_expected: str
    next_behavior: str | None
    raised: bool  # the next level expects more


@dataclass
class PathView:
    kind: str
    source: str  # "Engineering IC4"
    target: str
    source_href: str | None
    target_href: str | None
    transferable_skills: str | None
    gaps_to_close: str | None
    requirements: str | None


@dataclass
class LevelView:
    family: str
    track: str
    code: str
    title: str | None
    order: float
    scope: str | None
    min_time: str
    href: str
    rows: list[CompetencyRow] = field(default_factory=list)
    next: LevelView | None = None
    previous: LevelView | None = None
    criteria: list[str] = field(default_factory=list)  # the step up, in words
    paths: list[PathView] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.code} · {self.title}" if self.title else self.code


@dataclass
class FamilyView:
    name: str
    href: str
    tracks: list[tuple[str, list[LevelView]]]  # track -> levels, highest first
    paths: list[PathView]
    competencies: list[tuple[str, str | None, str | None]]  # name, category, definition

    @property
    def levels(self) -> list[LevelView]:
        return [lv for _, levels in self.tracks for lv in levels]


@dataclass
class SiteView:
    families: list[FamilyView]
    search: list[dict[str, str]]


def site_view(framework: Framework, family: str | None = None) -> SiteView:
    ladder = Ladder.from_framework(framework)
    levels = _levels(framework, ladder)
    by_key = {(key(lv.family), key(lv.code)): lv for lv in levels}
    paths = _paths(framework, by_key)
    families: dict[str, list[LevelView]] = {}
    for lv in levels:
        families.setdefault(lv.family, []).append(lv)
    names = list(families)
    if family is not None:
        names = [n for n in names if key(n) == key(family)]
    out: list[FamilyView] = []
    search: list[dict[str, str]] = []
    for name in names:
        members = families[name]
        for lv in members:
            _fill(lv, ladder, framework, by_key)
            lv.paths = [p for p in paths if lv.href in (p.source_href, p.target_href)]
        tracks: dict[str, list[LevelView]] = {}
        for lv in sorted(members, key=lambda lv: _finite(lv.order), reverse=True):
            tracks.setdefault(lv.track or "Other", []).append(lv)
        ordered = sorted(tracks.items(), key=lambda t: (t[0] != "IC", t[0]))
        fam_paths = [p for p in paths if _in_family(p, members)]
        out.append(
            FamilyView(
                name,
                f"family-{slug(name)}.html",
                ordered,
                fam_paths,
                _competencies(framework, name),
            )
        )
        for lv in members:
            for row in lv.rows:
                if row.behavior:
                    search.append(
                        {
                            "family": name,
                            "level": lv.name,
                            "competency": row.competency,
                            "text": row.behavior,
                            "href": lv.href,
                        }
                    )
    return SiteView(out, search)


def _levels(framework: Framework, ladder: Ladder) -> list[LevelView]:
    out: list[LevelView] = []
    seen: set[str] = set()
    for found in ladder.levels.values():
        for lv in found[:1]:
            rec = framework.levels.data.loc[lv.index]
            href = _unique(f"level-{slug(lv.family)}-{slug(lv.level)}.html", seen)
            out.append(
                LevelView(
                    family=lv.family,
                    track=lv.track or "",
                    code=lv.level,
                    title=clean_text(rec.get("title")),
                    order=lv.order,
                    scope=clean_text(rec.get("scope")),
                    min_time=_time_required(lv.min_quarters),
                    href=href,
                )
            )
    return out


def _fill(
    lv: LevelView, ladder: Ladder, framework: Framework, by_key: dict[tuple[str, str], LevelView]
) -> None:
    found = ladder.level(lv.family, lv.code, lv.track)
    nxt_code = found.next_level if found is not None else None
    lv.next = by_key.get((key(lv.family), key(nxt_code))) if nxt_code else None
    if lv.next is not None:
        lv.next.previous = lv
    here = ladder.expected(lv.family, lv.code)
    there = ladder.expected(lv.family, nxt_code) if nxt_code else {}
    comps = sorted({*here, *there}, key=lambda c: ladder.positions.get(c, 1 << 30))
    definitions = {
        (key(r.get("family")), key(r.get("competency"))): clean_text(r.get("definition"))
        for r in framework.competencies.data.to_dict("records")
    }
    for c in comps:
        a = here[c].expected if c in here else math.nan
        b = there[c].expected if c in there else math.nan
        if math.isnan(a) and math.isnan(b):
            continue
        name = (here.get(c) or there[c]).competency
        lv.rows.append(
            CompetencyRow(
                competency=name,
                category=ladder.category(lv.family, name),
                definition=definitions.get((key(lv.family), c)) or definitions.get(("", c)),
                expected=shown(a),
                behavior=ladder.behavior(lv.family, lv.code, name) if not math.isnan(a) else None,
                next_expected=shown(b),
                next_behavior=(
                    ladder.behavior(lv.family, nxt_code, name) if not math.isnan(b) else None
                ),
                raised=not math.isnan(b) and (math.isnan(a) or b > a),
            )
        )
    if nxt_code:
        step = step_for(framework.criteria.data, lv.family, lv.code, nxt_code)
        lv.criteria = criteria_in_words(step, lv.code, nxt_code, lv.min_time)


def _time_required(quarters: float) -> str:
    """A minimum time in level as the workbook says it ("2 years", "18 months"); blank where
    nothing is required."""
    return time_in_words(quarters) if not math.isnan(quarters) and quarters > 0 else ""


def criteria_in_words(step: Any, code: str, target: str, level_time: str = "") -> list[str]:
    """The promotion criteria of a step as sentences an employee reads."""
    if step is None:
        return []
    out: list[str] = []
    avg, each = number(step.get("min_average")), number(step.get("min_each"))
    cycles, quarters = number(step.get("cycles_at_next")), number(step.get("min_quarters"))
    if not math.isnan(avg):
        out.append(
            f"An average manager rating of at least {shown(avg)} across the competencies "
            f"{code} expects."
        )
    if not math.isnan(each):
        out.append(f"No competency rated below {shown(each)}.")
    if not math.isnan(cycles) and cycles > 0:
        plural = "cycle" if cycles == 1 else "consecutive review cycles"
        out.append(
            f"Operating at {target} (meeting every expectation of {target}) for "
            f"{shown(cycles)} {plural}."
        )
    time = _time_required(quarters) if not math.isnan(quarters) else level_time
    if time:
        out.append(f"At least {time} at {code}.")
    scope = clean_text(step.get("scope_criteria"))
    if scope:
        out.append(f"Scope: {scope}")
    if flag(step.get("requires_endorsement")):
        out.append("Your manager's endorsement.")
    if flag(step.get("requires_calibration")):
        out.append("Confirmation by the calibration committee.")
    return out


def _paths(framework: Framework, by_key: dict[tuple[str, str], LevelView]) -> list[PathView]:
    out = []
    for rec in framework.paths.data.to_dict("records"):
        src_fam = clean_text(rec.get("from_family")) or ""
        dst_fam = clean_text(rec.get("to_family")) or src_fam
        src, dst = clean_text(rec.get("from_level")) or "", clean_text(rec.get("to_level")) or ""
        a = by_key.get((key(src_fam), key(src)))
        b = by_key.get((key(dst_fam), key(dst)))
        out.append(
            PathView(
                kind=clean_text(rec.get("kind")) or "Path",
                source=" ".join(x for x in (src_fam, src) if x),
                target=" ".join(x for x in (dst_fam, dst) if x),
                source_href=a.href if a else None,
                target_href=b.href if b else None,
                transferable_skills=clean_text(rec.get("transferable_skills")),
                gaps_to_close=clean_text(rec.get("gaps_to_close")),
                requirements=clean_text(rec.get("requirements")),
            )
        )
    return out


def _in_family(path: PathView, members: list[LevelView]) -> bool:
    hrefs = {lv.href for lv in members}
    return path.source_href in hrefs or path.target_href in hrefs


def _competencies(framework: Framework, family: str) -> list[tuple[str, str | None, str | None]]:
    out = []
    for rec in framework.competencies.data.to_dict("records"):
        fam = key(rec.get("family"))
        name = clean_text(rec.get("competency"))
        if name and fam in ("", key(family)):
            out.append((name, clean_text(rec.get("category")), clean_text(rec.get("definition"))))
    return out


def slug(text: Any) -> str:
    """A file-name-safe form: ascii letters, digits and dashes ("Sales Ops" -> "sales-ops")."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "x"


def _unique(name: str, seen: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate in seen:
        candidate = f"{stem}-{n}{dot}{ext}"
        n += 1
    seen.add(candidate)
    return candidate


def _finite(value: float) -> float:
    return value if not math.isnan(value) else math.inf
