"""What changed between two frameworks: levels, competencies, expectations, behaviours,
promotion criteria and paths, each change with its place in both workbooks.

`diff_frameworks(old, new)` is pure: two typed Frameworks in, a `FrameworkDiff` out. Names
are matched as the analysis matches them (case- and space-insensitively, analysis.ladder.key).

Choices made here and kept stable:
- a level is the same level when its family and code match. An old level missing from the new
  framework and a new level missing from the old one, on the same family, track and Order, are
  one level renamed (a new code); a changed title on the same code is a rename too. Every
  later comparison (expectations, behaviours, criteria, paths) follows the rename, so
  renaming IC3 to SE3 is one change, not a matrix of removals and additions.
- expectations and behaviours of a level or competency added or removed are not listed one by
  one: the level's or competency's own change says how many there were.
- a text is "reworded" when it differs after trimming and collapsing spaces; the change holds
  a word-level diff (`words`: ("=", text), ("-", removed), ("+", added)).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ladder_sheets.analysis.ladder import key, number
from ladder_sheets.analysis.rating_index import flag
from ladder_sheets.model import Framework, Table
from ladder_sheets.values import clean_text

# The parts of a framework a version records and a diff compares (people and ratings are not).
FRAMEWORK_TABLES = ("levels", "competencies", "expectations", "behaviors", "criteria", "paths")

# Change kinds, in the order a reader wants them; stable codes (JSON, tests, the .xlsx).
KINDS = (
    "level-added",
    "level-removed",
    "level-renamed",
    "level-reordered",
    "level-changed",
    "competency-added",
    "competency-removed",
    "competency-changed",
    "expectation-raised",
    "expectation-lowered",
    "expectation-added",
    "expectation-removed",
    "behavior-reworded",
    "behavior-added",
    "behavior-removed",
    "criteria-added",
    "criteria-removed",
    "criteria-changed",
    "path-added",
    "path-removed",
    "path-changed",
)

Words = list[tuple[str, str]]


@dataclass(frozen=True)
class Change:
    """One difference. `old_where` / `new_where` are "Sheet!Cell" in each workbook ("" where
    the thing does not exist on that side)."""

    kind: str
    message: str
    family: str | None = None
    level: str | None = None
    competency: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None
    old_where: str = ""
    new_where: str = ""
    words: Words | None = None

    @property
    def part(self) -> str:
        """level, competency, expectation, behavior, criteria or path."""
        return self.kind.split("-")[0]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "message": self.message,
            "family": self.family,
            "level": self.level,
            "competency": self.competency,
            "field": self.field,
            "old": _plain(self.old),
            "new": _plain(self.new),
            "old_where": self.old_where,
            "new_where": self.new_where,
        }
        if self.words is not None:
            out["words"] = [list(w) for w in self.words]
        return out


@dataclass
class FrameworkDiff:
    changes: list[Change] = field(default_factory=list)
    # (family key, old level key) -> new level code, for every renamed level
    renamed: dict[tuple[str, ...], str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def of(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.kind] = out.get(c.kind, 0) + 1
        return out

    def summary(self) -> str:
        """One line: "2 expectations raised, 1 level renamed" (kinds in KINDS order)."""
        counts = self.counts()
        parts = [_count_phrase(k, counts[k]) for k in KINDS if k in counts]
        return ", ".join(parts) if parts else "no change"

    def new_code(self, family: Any, level: Any) -> str | None:
        """The code an old level has in the new framework (itself unless renamed)."""
        return self.renamed.get((key(family), key(level)))


def diff_frameworks(old: Framework, new: Framework) -> FrameworkDiff:
    """Every difference between the framework parts of `old` and `new`, in KINDS order, then
    in the order of the new workbook's rows (removals in the old one's)."""
    out = FrameworkDiff()
    gone_levels, new_levels = _levels(old, new, out)
    gone_comps, new_comps = _competencies(old, new, out)
    skip_levels = gone_levels | new_levels
    skip_comps = gone_comps | new_comps
    _cells(old, new, out, "expectations", "expected", skip_levels, skip_comps)
    _cells(old, new, out, "behaviors", "behavior", skip_levels, skip_comps)
    _criteria(old, new, out)
    _paths(old, new, out)
    rank = {k: i for i, k in enumerate(KINDS)}
    out.changes.sort(key=lambda c: rank[c.kind])  # stable: row order kept within a kind
    return out


# -- levels --------------------------------------------------------------------------------

_LEVEL_FIELDS = ("scope", "min_quarters", "band_min", "band_max")


def _levels(
    old: Framework, new: Framework, out: FrameworkDiff
) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """Compare the Levels tables; returns the (family, level) keys removed (old codes) and
    added (new codes), which later parts leave to the level's own change."""
    before, after = _rows(old.levels, _level_key), _rows(new.levels, _level_key)
    gone = [k for k in before if k not in after]
    came = [k for k in after if k not in before]
    for k in list(gone):
        o = before[k]
        twin = next(
            (
                n
                for n in came
                if n[0] == k[0]
                and key(after[n].get("track")) == key(o.get("track"))
                and _same_number(after[n].get("order"), o.get("order"))
            ),
            None,
        )
        if twin is None:
            continue
        gone.remove(k)
        came.remove(twin)
        out.renamed[k] = clean_text(after[twin].get("level")) or ""
        before_code, after_code = clean_text(o.get("level")), clean_text(after[twin].get("level"))
        out.changes.append(
            _change(
                "level-renamed",
                f"{_fam(o)}level {before_code} is now {after_code} (same track and order)",
                o,
                after[twin],
                old.levels,
                new.levels,
                "level",
                before_code,
                after_code,
            )
        )
        _level_fields(o, after[twin], old, new, out, after_code)
    for k, o in before.items():
        if k in after:
            _level_fields(o, after[k], old, new, out, clean_text(o.get("level")))
    for k in came:
        n = after[k]
        expects = _count_expected(new, n)
        out.changes.append(
            _change(
                "level-added",
                f"{_fam(n)}level {clean_text(n.get('level'))} "
                f"({clean_text(n.get('title')) or 'no title'}) added at order "
                f"{_shown(n.get('order'))} of the {clean_text(n.get('track')) or ''} track"
                f", expecting {expects} competencies",
                None,
                n,
                old.levels,
                new.levels,
                "level",
                None,
                clean_text(n.get("level")),
            )
        )
    for k in gone:
        o = before[k]
        out.changes.append(
            _change(
                "level-removed",
                f"{_fam(o)}level {clean_text(o.get('level'))} "
                f"({clean_text(o.get('title')) or 'no title'}) removed",
                o,
                None,
                old.levels,
                new.levels,
                "level",
                clean_text(o.get("level")),
                None,
            )
        )
    return set(gone), set(came)


def _level_fields(
    o: dict[str, Any],
    n: dict[str, Any],
    old: Framework,
    new: Framework,
    out: FrameworkDiff,
    code: str | None,
) -> None:
    label = f"{_fam(n)}level {code}"
    if not _same_text(o.get("title"), n.get("title")):
        out.changes.append(
            _change(
                "level-renamed",
                f"{label} title: '{clean_text(o.get('title')) or ''}' is now "
                f"'{clean_text(n.get('title')) or ''}'",
                o,
                n,
                old.levels,
                new.levels,
                "title",
                clean_text(o.get("title")),
                clean_text(n.get("title")),
            )
        )
    if not _same_number(o.get("order"), n.get("order")):
        out.changes.append(
            _change(
                "level-reordered",
                f"{label} moved from order {_shown(o.get('order'))} to {_shown(n.get('order'))}",
                o,
                n,
                old.levels,
                new.levels,
                "order",
                number(o.get("order")),
                number(n.get("order")),
            )
        )
    for column in _LEVEL_FIELDS:
        text = column == "scope"
        same = (
            _same_text(o.get(column), n.get(column))
            if text
            else _same_number(o.get(column), n.get(column))
        )
        if same:
            continue
        a: Any
        b: Any
        a, b = (
            (clean_text(o.get(column)), clean_text(n.get(column)))
            if text
            else (number(o.get(column)), number(n.get(column)))
        )
        out.changes.append(
            _change(
                "level-changed",
                f"{label} {column.replace('_', ' ')}: {_say(a)} -> {_say(b)}",
                o,
                n,
                old.levels,
                new.levels,
                column,
                a,
                b,
                words=word_diff(a, b) if text else None,
            )
        )


def _level_key(rec: dict[str, Any]) -> tuple[str, ...] | None:
    level = key(rec.get("level"))
    return (key(rec.get("family")), level) if level else None


def _count_expected(fw: Framework, level_row: dict[str, Any]) -> int:
    fam, lvl = key(level_row.get("family")), key(level_row.get("level"))
    comps = {
        key(r.get("competency"))
        for r in fw.expectations.data.to_dict("records")
        if key(r.get("level")) == lvl
        and key(r.get("family")) in ("", fam)
        and not math.isnan(number(r.get("expected")))
    }
    return len(comps)


# -- competencies --------------------------------------------------------------------------


def _competencies(old: Framework, new: Framework, out: FrameworkDiff) -> tuple[set[str], set[str]]:
    def comp_key(rec: dict[str, Any]) -> tuple[str, ...] | None:
        name = key(rec.get("competency"))
        return (key(rec.get("family")), name) if name else None

    before, after = _rows(old.competencies, comp_key), _rows(new.competencies, comp_key)
    for k, n in after.items():
        name = clean_text(n.get("competency"))
        if k not in before:
            out.changes.append(
                _change(
                    "competency-added",
                    f"competency {name} added ({clean_text(n.get('category')) or 'no category'}"
                    f", {clean_text(n.get('family')) or 'all families'})",
                    None,
                    n,
                    old.competencies,
                    new.competencies,
                    "competency",
                    None,
                    name,
                )
            )
            continue
        o = before[k]
        for column in ("category", "definition"):
            if _same_text(o.get(column), n.get(column)):
                continue
            a, b = clean_text(o.get(column)), clean_text(n.get(column))
            out.changes.append(
                _change(
                    "competency-changed",
                    f"competency {name} {column}: {_say(a)} -> {_say(b)}",
                    o,
                    n,
                    old.competencies,
                    new.competencies,
                    column,
                    a,
                    b,
                    words=word_diff(a, b) if column == "definition" else None,
                )
            )
    for k, o in before.items():
        if k not in after:
            name = clean_text(o.get("competency"))
            out.changes.append(
                _change(
                    "competency-removed",
                    f"competency {name} removed",
                    o,
                    None,
                    old.competencies,
                    new.competencies,
                    "competency",
                    name,
                    None,
                )
            )
    # A competency counts as added or removed framework-wide by name (whatever its family).
    names_before = {k[1] for k in before}
    names_after = {k[1] for k in after}
    return names_before - names_after, names_after - names_before


# -- the wide sheets: Matrix and Behaviors ---------------------------------------------------


def _cells(
    old: Framework,
    new: Framework,
    out: FrameworkDiff,
    table: str,
    column: str,
    skip_levels: set[tuple[str, ...]],
    skip_comps: set[str],
) -> None:
    told, tnew = old.table(table), new.table(table)

    def old_key(rec: dict[str, Any]) -> tuple[str, ...] | None:
        fam, comp, lvl = key(rec.get("family")), key(rec.get("competency")), key(rec.get("level"))
        if not comp or not lvl:
            return None
        return (fam, comp, key(out.renamed.get((fam, lvl), lvl)))

    def new_key(rec: dict[str, Any]) -> tuple[str, ...] | None:
        fam, comp, lvl = key(rec.get("family")), key(rec.get("competency")), key(rec.get("level"))
        return (fam, comp, lvl) if comp and lvl else None

    before, after = _rows(told, old_key), _rows(tnew, new_key)
    new_levels = {lvl for _, lvl in skip_levels}
    for k in [*after, *(k for k in before if k not in after)]:
        fam, comp, lvl = k
        if comp in skip_comps or lvl in new_levels or (fam, lvl) in skip_levels:
            continue
        o, n = before.get(k), after.get(k)
        if o is not None and (fam, key(o.get("level"))) in skip_levels:
            continue
        rec = n if n is not None else o
        assert rec is not None
        name = clean_text(rec.get("competency"))
        level = clean_text((n or {}).get("level")) or clean_text(rec.get("level"))
        fam_name = clean_text(rec.get("family"))
        label = f"{fam_name + ', ' if fam_name else ''}{name} at {level}"
        if table == "expectations":
            a = number((o or {}).get(column))
            b = number((n or {}).get(column))
            if _same_number(a, b):
                continue
            if math.isnan(a):
                kind, text = "expectation-added", f"{label}: now expected at {_shown(b)}"
            elif math.isnan(b):
                kind, text = "expectation-removed", f"{label}: no longer expected (was {_shown(a)})"
            elif b > a:
                kind, text = "expectation-raised", f"{label}: expectation raised {_shown(a)} -> "
                text += _shown(b)
            else:
                kind, text = "expectation-lowered", f"{label}: expectation lowered {_shown(a)} -> "
                text += _shown(b)
            out.changes.append(
                _change(kind, text, o, n, told, tnew, column, a, b, rec=rec, level=level)
            )
        else:
            ta, tb = clean_text((o or {}).get(column)), clean_text((n or {}).get(column))
            if _same_text(ta, tb):
                continue
            if ta is None:
                kind, text = "behavior-added", f"{label}: description added"
            elif tb is None:
                kind, text = "behavior-removed", f"{label}: description removed"
            else:
                kind, text = "behavior-reworded", f"{label}: description reworded"
            out.changes.append(
                _change(
                    kind,
                    text,
                    o,
                    n,
                    told,
                    tnew,
                    column,
                    ta,
                    tb,
                    rec=rec,
                    level=level,
                    words=word_diff(ta, tb),
                )
            )


# -- promotion criteria and paths -----------------------------------------------------------

_CRITERIA_NUMBERS = ("min_average", "min_each", "cycles_at_next", "min_quarters")
_CRITERIA_FLAGS = ("requires_endorsement", "requires_calibration")


def _criteria(old: Framework, new: Framework, out: FrameworkDiff) -> None:
    def step_key(rec: dict[str, Any], rename: bool) -> tuple[str, ...] | None:
        fam, a, b = key(rec.get("family")), key(rec.get("from_level")), key(rec.get("to_level"))
        if not a or not b:
            return None
        if rename:
            a = key(out.renamed.get((fam, a), a))
            b = key(out.renamed.get((fam, b), b))
        return (fam, a, b)

    told, tnew = old.criteria, new.criteria
    before = _rows(told, lambda r: step_key(r, True))
    after = _rows(tnew, lambda r: step_key(r, False))
    for k, n in after.items():
        label = (
            f"{_fam(n)}step {clean_text(n.get('from_level'))} -> {clean_text(n.get('to_level'))}"
        )
        o = before.get(k)
        if o is None:
            out.changes.append(
                _change("criteria-added", f"{label}: criteria added", None, n, told, tnew, "")
            )
            continue
        for column in (*_CRITERIA_NUMBERS, "scope_criteria", *_CRITERIA_FLAGS):
            a: Any
            b: Any
            if column in _CRITERIA_NUMBERS:
                a, b = number(o.get(column)), number(n.get(column))
                if _same_number(a, b):
                    continue
                how = "raised" if not math.isnan(a) and not math.isnan(b) and b > a else ""
                how = how or ("lowered" if not math.isnan(a) and not math.isnan(b) else "changed")
                text = f"{label}: {_header('criteria', column)} {how} {_say(a)} -> {_say(b)}"
                words = None
            elif column == "scope_criteria":
                a, b = clean_text(o.get(column)), clean_text(n.get(column))
                if _same_text(a, b):
                    continue
                text = f"{label}: scope criteria reworded"
                words = word_diff(a, b)
            else:
                a, b = flag(o.get(column)), flag(n.get(column))
                if a == b:
                    continue
                text = f"{label}: {_header('criteria', column)} {_say(a)} -> {_say(b)}"
                words = None
            out.changes.append(
                _change("criteria-changed", text, o, n, told, tnew, column, a, b, words=words)
            )
    for k, o in before.items():
        if k not in after:
            label = f"{_fam(o)}step {clean_text(o.get('from_level'))} -> "
            label += f"{clean_text(o.get('to_level'))}"
            out.changes.append(
                _change("criteria-removed", f"{label}: criteria removed", o, None, told, tnew, "")
            )


_PATH_TEXTS = ("transferable_skills", "gaps_to_close", "requirements")


def _paths(old: Framework, new: Framework, out: FrameworkDiff) -> None:
    def path_key(rec: dict[str, Any], rename: bool) -> tuple[str, ...] | None:
        ff, fl = key(rec.get("from_family")), key(rec.get("from_level"))
        tf, tl = key(rec.get("to_family")), key(rec.get("to_level"))
        if not fl and not tl:
            return None
        if rename:
            fl = key(out.renamed.get((ff, fl), fl))
            tl = key(out.renamed.get((tf or ff, tl), tl))
        return (key(rec.get("kind")), ff, fl, tf, tl)

    told, tnew = old.paths, new.paths
    before = _rows(told, lambda r: path_key(r, True))
    after = _rows(tnew, lambda r: path_key(r, False))

    def label(rec: dict[str, Any]) -> str:
        src = " ".join(x for x in (clean_text(rec.get("from_family")), _lv(rec, "from")) if x)
        dst = " ".join(x for x in (clean_text(rec.get("to_family")), _lv(rec, "to")) if x)
        return f"{clean_text(rec.get('kind')) or 'path'} path {src} -> {dst}"

    for k, n in after.items():
        o = before.get(k)
        if o is None:
            out.changes.append(_change("path-added", f"{label(n)} added", None, n, told, tnew, ""))
            continue
        for column in _PATH_TEXTS:
            a, b = clean_text(o.get(column)), clean_text(n.get(column))
            if _same_text(a, b):
                continue
            out.changes.append(
                _change(
                    "path-changed",
                    f"{label(n)}: {_header('paths', column)} reworded",
                    o,
                    n,
                    told,
                    tnew,
                    column,
                    a,
                    b,
                    words=word_diff(a, b),
                )
            )
    for k, o in before.items():
        if k not in after:
            out.changes.append(
                _change("path-removed", f"{label(o)} removed", o, None, told, tnew, "")
            )


def _lv(rec: dict[str, Any], side: str) -> str:
    return clean_text(rec.get(f"{side}_level")) or ""


# -- words ----------------------------------------------------------------------------------


def word_diff(old: str | None, new: str | None) -> Words:
    """The word-level difference of two texts: runs of ("=", kept), ("-", removed) and
    ("+", added) words, in reading order (a replacement is its removal, then its addition)."""
    a, b = (old or "").split(), (new or "").split()
    out: Words = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def words_text(words: Words) -> str:
    """A word diff as text: kept words plain, [-removed-] and {+added+}."""
    marks = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return " ".join(marks[op].format(text) for op, text in words)


# -- helpers --------------------------------------------------------------------------------


def _rows(table: Table, keyer: Any) -> dict[tuple[str, ...], dict[str, Any]]:
    """Rows by key (the first row wins, as in the analysis), each with its row label."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    data = table.data
    for label, rec in zip(data.index, data.to_dict("records"), strict=True):
        k = keyer(rec)
        if k is not None and k not in out:
            out[k] = {**{str(c): v for c, v in rec.items()}, "_row": label}
    return out


def _change(
    kind: str,
    message: str,
    o: dict[str, Any] | None,
    n: dict[str, Any] | None,
    told: Table,
    tnew: Table,
    column: str,
    a: Any = None,
    b: Any = None,
    *,
    rec: dict[str, Any] | None = None,
    level: str | None = None,
    words: Words | None = None,
) -> Change:
    rec = rec if rec is not None else (n if n is not None else o) or {}
    fam = clean_text(rec.get("family")) or clean_text(rec.get("from_family"))
    comp = clean_text(rec.get("competency")) if told.name != "levels" else None
    if level is None and told.name == "levels":
        level = clean_text((n or o or {}).get("level"))
    if level is None and told.name == "criteria":
        level = clean_text((n or o or {}).get("to_level"))
    return Change(
        kind=kind,
        message=message,
        family=fam,
        level=level,
        competency=comp,
        field=column or None,
        old=a,
        new=b,
        old_where=_where(told, o, column),
        new_where=_where(tnew, n, column),
        words=words,
    )


def _where(table: Table, rec: dict[str, Any] | None, column: str) -> str:
    if rec is None:
        return ""
    col = column if column in table.cell_columns else None
    return str(table.where(rec["_row"], col))


def _same_text(a: Any, b: Any) -> bool:
    return " ".join((clean_text(a) or "").split()) == " ".join((clean_text(b) or "").split())


def _same_number(a: Any, b: Any) -> bool:
    x, y = number(a), number(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) < 1e-9


def _shown(value: Any) -> str:
    x = number(value)
    if math.isnan(x):
        return "blank"
    return str(int(x)) if x.is_integer() else f"{x:g}"


def _say(value: Any) -> str:
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _shown(value)
    return f"'{value}'"


def _fam(rec: dict[str, Any]) -> str:
    fam = clean_text(rec.get("family"))
    return f"{fam}: " if fam else ""


def _header(table: str, column: str) -> str:
    from ladder_sheets.model import headers

    return headers(table).get(column, column)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


_NOUNS = {
    "level": ("level", "levels"),
    "competency": ("competency", "competencies"),
    "expectation": ("expectation", "expectations"),
    "behavior": ("description", "descriptions"),
    "criteria": ("step's criteria", "steps' criteria"),
    "path": ("path", "paths"),
}


def _count_phrase(kind: str, n: int) -> str:
    part, _, verb = kind.partition("-")
    one, many = _NOUNS[part]
    return f"{n} {one if n == 1 else many} {verb}"


def changed_parts(changes: Iterable[Change]) -> list[str]:
    """The parts touched, in FRAMEWORK_TABLES words, for a one-line summary."""
    seen: dict[str, None] = {}
    for c in changes:
        seen.setdefault(c.part, None)
    return list(seen)
