"""read_export: a review tool's export (CSV or XLSX, long or wide) to the canonical
"history" and "evidence" tables, with findings for what could not be understood."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ladder_sheets.cellmap import column_letters
from ladder_sheets.exports import columns as cols
from ladder_sheets.exports import cycles, rating_labels, repeats
from ladder_sheets.exports.labels import LabelScale
from ladder_sheets.exports.layout import Layout, detect, find_header, rating_columns, tabs_not_read
from ladder_sheets.exports.meaning import Understood
from ladder_sheets.exports.people import People, find_key, restored_ids
from ladder_sheets.exports.rows import Context, build
from ladder_sheets.exports.slots import rater_reader
from ladder_sheets.exports.source import Source, load
from ladder_sheets.findings import Finding, Report, Where, error, info, warning
from ladder_sheets.model import Table, stacked_places
from ladder_sheets.scale import SCALE, SCALE_TEXT
from ladder_sheets.values import clean_text, normalize_header

# Header words of columns naming the one who rated, or the person's manager: never the key.
_NOT_REVIEWEE = frozenset(
    ("reviewer", "rater", "evaluator", "assessor", "author", "by", "manager", "supervisor",
     "submitter", "respondent", "lead")
)  # fmt: skip
_NEEDED = {"employee_id": "employee ID", "competency": "competency", "rating": "rating"}


@dataclass
class Export:
    """One export, read: ratings (table "history"), promotion evidence (table "evidence"),
    what was noticed on the way, and how the file was read."""

    path: Path
    ratings: Table
    evidence: Table
    findings: list[Finding] = field(default_factory=list)
    shape: str = "long"  # "long" or "wide"
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX only
    header_row: int | None = None  # 1-based line (CSV) or row (XLSX) of the header
    # How it was understood, for `inspect` and --write-mapping: role -> header, each concept
    # with its evidence and confidence, the columns left unread, and the rater words, labels
    # and cycles as they were read.
    columns: dict[str, str] = field(default_factory=dict)
    understood: list[Understood] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    raters: dict[str, str] = field(default_factory=dict)
    labels: dict[str, float] = field(default_factory=dict)
    cycles_read: dict[str, str] = field(default_factory=dict)
    # places of repeated ratings a finding of this export already explains
    explained: set[tuple[Any, ...]] = field(default_factory=set)
    tabs: list[str] = field(default_factory=list)  # XLSX: the tabs read, where several were

    @property
    def report(self) -> Report:
        return Report(self.findings)

    @property
    def cycles(self) -> list[str]:
        values = self.ratings.data["cycle"].dropna().tolist() if len(self.ratings) else []
        return sorted({str(v) for v in values})


def read_export(
    path: Path | str,
    *,
    competencies: Sequence[str] = (),
    employees: Sequence[str] = (),
    labels: Mapping[str, float] | None = None,
    cycle: str | None = None,
    mapping: Mapping[str, str] | None = None,
    people: People | None = None,
    export_mapping: Any = None,
) -> Export:
    """Read a review export. `competencies` and `employees` are the framework's names (used to
    recognise wide exports and to spell names as the framework does); `labels` adds or
    overrides rating labels; `cycle` is used where the export names none; `mapping` maps a
    role (employee_id, competency, rating, cycle, reviewer, rater_type, comment, self_rating,
    manager_rating, scope_met, endorsed, calibrated, ...) to a header, and "sheet" to a sheet;
    `people` (People.of the Employees table) lets rows name people by e-mail or name;
    `export_mapping` (the mapping file's [export] section: raters, cycles, keys) names rater
    words, cycles and the kind of key the reader would otherwise judge by itself.

    Raises UnreadableFile (or EncryptedFile, HostileFile) when the file cannot be read at all;
    everything else is a finding."""
    path = Path(path)
    source = load(path)
    tabs, others = _tabs_alike(source, competencies, LabelScale(labels), mapping)
    if len(tabs) < 2:
        return _read_tab(
            path, source, competencies, employees, labels, cycle, mapping, people, export_mapping
        )
    parts = [
        _read_tab(
            path,
            source,
            competencies,
            employees,
            labels,
            cycle,
            {**(mapping or {}), "sheet": tab},
            people,
            export_mapping,
            one_of_several=True,
        )
        for tab in tabs
    ]
    return _joined(path, parts, tabs, others)


def _read_tab(
    path: Path,
    source: Source,
    competencies: Sequence[str],
    employees: Sequence[str],
    labels: Mapping[str, float] | None,
    cycle: str | None,
    mapping: Mapping[str, str] | None,
    people: People | None,
    export_mapping: Any,
    one_of_several: bool = False,
) -> Export:
    """One export read from the tab its layout chose (or the mapping named); where it is
    `one_of_several` tabs read together, the tab's name gives the cycle before the file's."""
    name = str(path)
    scale = LabelScale(labels)
    tab = (mapping or {}).get("sheet") if one_of_several else None
    layout = detect(source, competencies=competencies, scale=scale, mapping=mapping)
    given = _ExportMapping.of(export_mapping)
    layout.rater_words = given.raters
    findings = [*source.findings, *layout.findings]
    findings += _mapping_findings(layout)
    export = Export(
        path,
        Table.empty("history", name),
        Table.empty("evidence", name),
        findings,
        shape=layout.shape,
        encoding=source.encoding,
        delimiter=source.delimiter,
        sheet=layout.rows.sheet,
        header_row=layout.rows.numbers[layout.header] if layout.rows.numbers else None,
    )
    people = people if people else People.from_ids(employees)
    key = None
    if people:
        key, key_findings = find_key(
            layout, people, _not_keys(layout, mapping), kind=given.keys.get("employee")
        )
        findings += key_findings
        if key is not None:
            layout.columns.roles = {r: c for r, c in layout.roles.items() if c != key.col}
            layout.columns.roles["employee_id"] = key.col
            layout.columns.claimed.add(key.col)
    missing = _missing_columns(layout)
    if missing:
        findings += missing
        return export
    findings += rating_labels.resolve(layout, scale, path.name)
    findings += _unread_rating_columns(layout, mapping)
    dating = _dating_column(layout, cycle is not None)
    fallback, cycle_findings = _fallback_cycle(layout, path, cycle, one_of_several)
    findings += cycle_findings
    if fallback is None and "completed" in dating:
        dating = {"completed": dating["completed"]}
        layout.columns.roles["cycle"] = dating["completed"]
        findings[:] = [f for f in findings if f.code != "cycle-unknown"]
    ctx = Context(
        layout=layout,
        scale=scale,
        # Ratings History's Source: the file, and the tab where several tabs were read
        source=f"{path.name}!{tab}" if tab else path.name,
        fallback_cycle=fallback,
        competencies={cols.compact(c): c for c in competencies if c},
        employees={cols.compact(e): e for e in employees if e},
        people=people,
        key=key,
        override=fallback if cycle is not None else None,
        cycle_names=given.cycles,
    )
    export.ratings, export.evidence = build(ctx)
    findings += ctx.findings
    findings += restored_ids(layout, ctx.restored, path.name)
    findings += _stated_scales(layout, export)
    findings += _competencies_in_text(layout)
    findings += ctx.notes.close(name)
    findings += _cycle_mismatch(layout, cycle, fallback)
    if ctx.cycle_forms and "cycle" in layout.roles:
        col = layout.roles["cycle"]
        where = _header_where(layout, layout.headers[col])
        findings.append(cycles.forms_said(path.name, layout.headers[col], where, ctx.cycle_forms))
    summary = _summary(layout, export, ctx.skipped, fallback)
    if any(f.code == "export-scale-differs" for f in findings):  # no rating, for that reason
        summary = [f for f in summary if f.code != "export-no-ratings"]
    findings += summary
    _record(export, layout, mapping, key, scale, ctx)
    said, export.explained = repeats.repeated(export.ratings, layout, name)
    findings += said
    return export


def _tabs_alike(
    source: Source,
    competencies: Sequence[str],
    scale: LabelScale,
    mapping: Mapping[str, str] | None,
) -> tuple[list[str], list[str]]:
    """The tabs of a workbook export holding ratings under one and the same header (one tab
    per team, or per cycle), to be read together; and the other tabs holding ratings, under
    another header, which are not. Nothing where the mapping names a sheet."""
    if len(source.sheets) < 2 or (mapping or {}).get("sheet"):
        return [], []
    known = {cols.compact(c): c for c in competencies if c}
    mapped = {cols.compact(h) for r, h in (mapping or {}).items() if r != "sheet"}
    groups: dict[tuple[str, ...], list[str]] = {}
    for rows in source.sheets:
        if rows.sheet is None or not rows.rows:
            continue
        header, _ = find_header(rows, set(known), mapped)
        if rating_columns(rows, header, scale, summaries=False) == 0:
            continue
        key = tuple(cols.compact(clean_text(v) or "") for v in rows.rows[header])
        groups.setdefault(tuple(k for k in key if k), []).append(rows.sheet)
    if not groups:
        return [], []
    tabs = max(groups.values(), key=len)
    if len(tabs) < 2:
        return [], []
    return tabs, [t for g in groups.values() if g is not tabs for t in g]


def _joined(path: Path, parts: list[Export], tabs: list[str], others: list[str]) -> Export:
    """One export of the tabs read one by one: their rows in tab order, each keeping its
    sheet and cell; their findings, and one note saying which tabs were read."""
    first = parts[0]
    export = Export(
        path,
        _stacked([p.ratings for p in parts]),
        _stacked([p.evidence for p in parts]),
        [],
        shape=first.shape,
        header_row=first.header_row,
        tabs=list(tabs),
    )
    for part in parts:
        export.findings += part.findings
        for attr in ("columns", "raters", "labels", "cycles_read"):
            getattr(export, attr).update(getattr(part, attr))
        export.explained |= part.explained
    export.understood, export.unused = first.understood, first.unused
    cycles_of = {tab: ", ".join(p.cycles) or "no cycle" for tab, p in zip(tabs, parts, strict=True)}
    listed = ", ".join(
        f"'{t}' ({cycles_of[t]}, {len(p.ratings)} ratings)"
        for t, p in zip(tabs, parts, strict=True)
    )
    export.findings.insert(
        0,
        info(
            "export-sheets-read",
            f"{len(tabs)} tabs read, each holding ratings under the same header: {listed}",
            "nothing to do if they all belong to this review; otherwise name one tab in the "
            "mapping",
            Where(file=str(path), sheet=tabs[0], cell="A1"),
        ),
    )
    if others:
        export.findings.insert(1, tabs_not_read(str(path), others))
    return export


def _stacked(tables: list[Table]) -> Table:
    data = pd.concat([t.data for t in tables], ignore_index=True)
    sheets = pd.concat([t.sheets.reindex(t.data.index) for t in tables], ignore_index=True)
    places = stacked_places(tables[0].name, tables)
    return Table(tables[0].name, data, places, sheets, tables[0].file)


@dataclass
class _ExportMapping:
    """The parts of a mapping's [export] section the reader takes beyond columns and sheet."""

    raters: dict[str, str] = field(default_factory=dict)
    cycles: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, given: Any) -> _ExportMapping:
        if given is None:
            return cls()
        raters = {str(k): str(v).lower() for k, v in dict(getattr(given, "raters", {})).items()}
        cycles = {
            clean_text(k) or "": str(v) for k, v in dict(getattr(given, "cycles", {})).items()
        }
        keys = {str(k): _key_kind(v) for k, v in dict(getattr(given, "keys", {})).items()}
        return cls(raters, cycles, keys)


def _key_kind(value: Any) -> str:
    text = str(value).strip().lower().replace("-", "")
    return {"id": "ID", "email": "e-mail", "mail": "e-mail", "name": "name"}.get(text, "ID")


def _record(
    export: Export,
    layout: Layout,
    mapping: Mapping[str, str] | None,
    key: Any,
    scale: LabelScale,
    ctx: Context,
) -> None:
    """What `inspect` shows of the export, and what --write-mapping writes to reproduce it."""
    headers, roles = layout.headers, layout.roles
    mapped = {cols.compact(h) for r, h in (mapping or {}).items() if r != "sheet"}
    export.columns = {role: headers[col] for role, col in roles.items()}
    for role, col in roles.items():
        header = headers[col]
        if cols.compact(header) in mapped:
            evidence, confidence = "mapping", "high"
        elif col in layout.evidence or (role == "employee_id" and key is not None and key.share):
            by_name = (cols.role_of(header) or ("",))[0] == role
            evidence = "name and values" if by_name else "values"
            confidence = "high" if by_name else "medium"
        else:
            evidence, confidence = "name", "high" if cols.role_of(header) else "medium"
        export.understood.append(Understood(role, header, col, evidence, confidence))
    for w in layout.wide:
        header = headers[w.col]
        named = cols.compact(w.competency) in ctx.competencies
        export.understood.append(
            Understood(
                f"competency:{w.competency}",
                header,
                w.col,
                "name" if named else "values",
                "high" if named else "low",
                w.rater,
            )
        )
    used = set(roles.values()) | {w.col for w in layout.wide}
    used |= {w.comment_col for w in layout.wide if w.comment_col is not None}
    export.unused = [h for c, h in enumerate(headers) if h and c not in used]
    if "rater_type" in roles:
        col = roles["rater_type"]
        reader = rater_reader(layout.rater_words)
        for i in layout.data_rows():
            cells = layout.rows.rows[i]
            text = clean_text(cells[col]) if col < len(cells) else None
            if text and text not in export.raters and len(export.raters) < 50:
                export.raters[text] = reader(text)
    export.labels = {s: v for s, v in scale.read_labels().items()}
    export.cycles_read = {
        raw: cycle for forms in ctx.cycle_forms.values() for raw, cycle in forms.items()
    }


def _not_keys(layout: Layout, mapping: Mapping[str, str] | None) -> set[int]:
    """Columns that cannot say who a row is about: ratings, competencies, cycles, raters and
    reviewers (a reviewer is a person too), and whatever the mapping gave another role."""
    roles = layout.roles
    skip = {w.col for w in layout.wide}
    skip |= {c for r, c in roles.items() if r not in ("employee_id", "name")}
    for col, header in enumerate(layout.headers):
        named = cols.role_of(header) if header else None
        if named and named[0] not in ("employee_id", "name", "ignored"):
            skip.add(col)  # "Reviewer Name" beside "Reviewer Email": a reviewer all the same
        elif set(normalize_header(header).split()) & _NOT_REVIEWEE:
            skip.add(col)
    if mapping and "employee_id" in mapping:
        skip |= set(range(len(layout.headers))) - {roles.get("employee_id", -1)}
    return skip


def _mapping_findings(layout: Layout) -> list[Finding]:
    out = []
    for item in layout.columns.unknown_mapping:
        role, _, header = item.partition("=")
        if header:
            hits = cols.suggest(role, layout.headers) or [
                h for h in layout.headers if h and cols.compact(header) in cols.compact(h)
            ]
            message = f"the mapping names column '{header}' for {role}, which the export lacks"
        else:
            hits = []
            message = f"the mapping names '{role}', which is not a column role"
        out.append(
            warning(
                "mapping-unknown-column" if header else "mapping-unknown-role",
                message,
                f"headers in the export: {', '.join(h for h in layout.headers if h)}",
                _header_where(layout, hits[0] if hits else None),
            )
        )
    return out


def _missing_columns(layout: Layout) -> list[Finding]:
    roles = layout.roles
    needed = ["employee_id"]
    if layout.shape == "long":
        needed.append("competency")
        if not any(r in roles for r in ("rating", *cols.RATER_ROLES)):
            needed.append("rating")
    out = []
    for role in needed:
        if role in roles:
            continue
        # a suggestion never names a column already read as something else
        used = set(layout.columns.claimed) | set(roles.values()) | {w.col for w in layout.wide}
        unclaimed = [h for c, h in enumerate(layout.headers) if c not in used]
        hits = cols.suggest(role, unclaimed)
        names = ", ".join(cols.ROLE_ALIASES[role][:4])
        closest = f"; closest header: {', '.join(repr(h) for h in hits)}" if hits else ""
        out.append(
            error(
                "export-missing-column",
                f"no {_NEEDED[role]} column (looked for {names}, ...){closest}",
                f"rename the column to '{cols.ROLE_ALIASES[role][0]}', or name it in a mapping "
                f'file given with --mapping: [export.columns] {role} = "the column\'s header"',
                _header_where(layout, hits[0] if hits else None),
            )
        )
    return out


def _unread_rating_columns(layout: Layout, mapping: Mapping[str, str] | None) -> list[Finding]:
    """A rating column read beside another that could hold the same ratings: "Manager
    Rating" and "Score" in a long export, or "Rating" and "Score". Only the first is read. A
    note says so where the two agree in every row or a mapping chose the column; an error
    where they differ, since which one holds the ratings would be a guess."""
    roles = layout.roles
    if layout.shape != "long":
        return []
    pairs: list[tuple[str, int, int]] = []  # (role read, its column, the column left unread)
    if "rating" in roles and "manager_rating" in roles:
        pairs.append(("manager_rating", roles["manager_rating"], roles["rating"]))
    read = set(roles.values())
    for role in ("rating", *cols.RATER_ROLES):
        if role in roles:
            others = layout.columns.named.get(role, [])
            pairs += [(role, roles[role], c) for c in others if c not in read]
    return [_unread_rating_column(layout, mapping, *pair) for pair in pairs]


def _unread_rating_column(
    layout: Layout, mapping: Mapping[str, str] | None, role: str, col: int, unread: int
) -> Finding:
    headers = layout.headers
    where = layout.rows.where(layout.header, unread, headers[unread])
    if mapping and role in mapping:
        return info(
            "export-column-ignored",
            f"column '{headers[unread]}' is not read: the mapping names '{headers[col]}' as "
            f"the {_ROLE_WORDS.get(role, role)}",
            "",
            where,
        )
    differ, rows = [], 0
    for i in layout.data_rows():
        cells = layout.rows.rows[i]
        a = _rating_text(cells[col] if col < len(cells) else None)
        b = _rating_text(cells[unread] if unread < len(cells) else None)
        rows += bool(a or b)
        if a != b:
            differ.append(i)
    if not differ:
        return info(
            "export-column-ignored",
            f"column '{headers[unread]}' is not read: it repeats '{headers[col]}' in every row",
            "",
            where,
        )
    first = layout.rows.where(differ[0], unread, headers[unread])
    return error(
        "export-ambiguous-rating",
        f"'{headers[col]}' and '{headers[unread]}' could each be the "
        f"{_ROLE_WORDS.get(role, role)}, and they differ in {len(differ)} of {rows} rows "
        f"(first: {f'line {first.line}' if first.line else first.cell})",
        f"say which column holds it in a mapping file given with --mapping: [export.columns] "
        f'{role} = "{headers[col]}" (the other column is then not read)',
        where,
    )


_ROLE_WORDS = {
    "rating": "rating",
    "manager_rating": "manager's rating",
    "self_rating": "self-rating",
    "peer_rating": "peer rating",
    "upward_rating": "upward rating",
}


def _rating_text(value: Any) -> str:
    """A rating cell as compared between two columns: 3, 3.0 and "3" are the same."""
    text = clean_text(value) or ""
    try:
        return f"{float(text):g}"
    except ValueError:
        return text.casefold()


def _competencies_in_text(layout: Layout) -> list[Finding]:
    """One note for the question texts read by the competency they name."""
    read = layout.competency_texts
    if not read:
        return []
    shown = "; ".join(f"'{text}' as {name}" for text, name in list(read.items())[:3])
    more = f" and {len(read) - 3} more" if len(read) > 3 else ""
    header = layout.headers[layout.roles["competency"]]
    return [
        info(
            "export-competency-in-text",
            f"{len(read)} question text{'s' * (len(read) != 1)} of '{header}' "
            f"{'were' if len(read) != 1 else 'was'} read by the one competency each names at its "
            f"start or end: {shown}{more}",
            "",
            _header_where(layout, header),
        )
    ]


def _stated_scales(layout: Layout, export: Export) -> list[Finding]:
    """Rating columns whose header states a scale other than the framework's ("Score
    (1-10)" where ratings are 1-5): their numbers mean something else on the framework's scale
    and converting them would be a guess, so none of them is read, and one error per stated
    scale, at the first such header, says why (rather than one per rating above the top)."""
    ratings = export.ratings
    if not len(ratings):
        return []
    rating_cols = [layout.roles.get(role) for role in ("rating", *cols.RATER_ROLES)]
    by_scale: dict[tuple[int | None, int], list[int]] = {}
    for col in [*rating_cols, *(w.col for w in layout.wide)]:
        stated = cols.stated_scale(layout.headers[col]) if col is not None else None
        if col is not None and stated and (stated[1], stated[0]) not in _FRAMEWORK_SCALE:
            by_scale.setdefault(stated, []).append(col)
    if not by_scale:
        return []
    cells = pd.Series(ratings.cell_column("rating"), index=ratings.data.index, dtype=object)
    if layout.rows.sheet is None:
        column_of = cells.str.split(":", n=1).str[-1]  # "12:Score (1-10)": line, then header
        names = {col: layout.headers[col] for cols_ in by_scale.values() for col in cols_}
    else:
        column_of = cells.str.rstrip("0123456789")
        names = {col: column_letters(col) for cols_ in by_scale.values() for col in cols_}
    out: list[Finding] = []
    unread = pd.Series(False, index=cells.index)
    for (low, high), columns in by_scale.items():
        mine = column_of.isin([names[c] for c in columns])
        if not mine.any():
            continue
        unread |= mine
        values = pd.to_numeric(ratings.data.loc[mine, "rating"], errors="coerce")
        off = values[(values < SCALE[0]) | (values > SCALE[1])]
        said = f"{low}-{high}" if low is not None else f"out of {high}"
        at = ratings.where(off.index[0], "rating") if len(off) else None
        first = f" (first: {f'line {at.line}' if at.line else at.cell})" if at else ""
        headers = [layout.headers[c] for c in columns]
        named = ", ".join(f"'{h}'" for h in headers[:3])
        named += f" and {len(headers) - 3} more" if len(headers) > 3 else ""
        n = int(mine.sum())
        out.append(
            error(
                "export-scale-differs",
                f"{'the column' if len(headers) == 1 else 'the columns'} {named} "
                f"{'says' if len(headers) == 1 else 'say'} the ratings are {said}, and the "
                f"framework rates {SCALE_TEXT}: a rating is not converted from one scale to "
                f"another, so {n} rating{'s' * (n != 1)} there {'were' if n != 1 else 'was'} "
                f"not read; {len(off)} {'is' if len(off) == 1 else 'are'} off the {SCALE_TEXT} "
                f"scale{first}",
                f"export the ratings on the {SCALE_TEXT} scale, or convert them before merging; "
                f"if they are already {SCALE_TEXT}, take the scale out of the header",
                _header_where(layout, headers[0]),
            )
        )
    keep = ~unread
    export.ratings = Table(
        ratings.name,
        ratings.data[keep].reset_index(drop=True),
        ratings.cells[keep].reset_index(drop=True),
        ratings.sheets[keep.to_numpy()].reset_index(drop=True),
        ratings.file,
    )
    return out


# The ways a header states the framework's own scale: "(1-5)", "(out of 5)" (top, lowest).
_FRAMEWORK_SCALE = {(SCALE[1], SCALE[0]), (SCALE[1], None)}


def _header_where(layout: Layout, header: str | None) -> Where:
    col = layout.headers.index(header) if header in layout.headers else 0
    if not layout.rows.numbers:
        return Where(file=layout.rows.file)
    return layout.rows.where(layout.header, col, header)


def _fallback_cycle(
    layout: Layout, path: Path, cycle: str | None, tab_first: bool = False
) -> tuple[str | None, list[Finding]]:
    """The cycle for rows the export does not date: --cycle, a title row, then the file name
    and the tab's name ("2026-Q3", "Mid-year 2026"), the tab's first where tabs hold one
    cycle each (`tab_first`)."""
    name = str(path)
    findings: list[Finding] = []
    given = None
    if cycle is not None:
        try:
            given = cycles.read_cycle(cycle)[0]
        except ValueError:
            findings.append(
                error(
                    "cycle-unreadable",
                    f"the cycle '{cycle}' given for this export is not a review cycle",
                    "write it as 2026-Q3",
                    Where(file=name),
                )
            )
    tab = layout.rows.sheet
    from_tab = cycles.named_cycle(tab) if tab else None
    from_name = cycles.named_cycle(path.stem)
    by_tab = (*from_tab, f"tab '{tab}'") if from_tab else None
    by_name = (*from_name, path.name) if from_name else None
    named = layout.preamble_cycle or ((by_tab or by_name) if tab_first else (by_name or by_tab))
    fallback = given or (named[0] if named else None)
    if given is None and named is not None and named[1]:
        cycle_, how, text = named
        shown = text if text.startswith("tab '") else f"'{text}'"
        before = cycles.cycle_from_index(cycles.cycle_index(cycle_) - 1)
        findings.append(
            info(
                "cycle-read-as-quarter",
                f"{path.name}: the cycle is read from {shown} as {cycle_}, the quarter its "
                f"{'half-year' if how == 'half-year' else 'year'} ends in",
                f"to file this export under another quarter, pass it (e.g. --cycle {before})",
                Where(file=name),
            )
        )
    if fallback is None and "cycle" not in layout.roles:
        findings.append(
            error(
                "cycle-unknown",
                "the export names no review cycle (no cycle column, title or file name)",
                "pass the cycle: --cycle 2026-Q3 (cycle='2026-Q3' in Python), or name the file "
                "like 2026-Q3_reviews.csv",
                Where(file=name),
            )
        )
    return fallback, findings


def _dating_column(layout: Layout, given: bool) -> dict[str, int]:
    """Without a cycle column, a review period's end (else start) column dates each row; a
    completion date is kept for when nothing else names the cycle. Said when used."""
    if "cycle" in layout.roles or given:
        return {}
    dating = cycles.dating_columns(layout.headers, set(layout.roles.values()))
    for kind in ("end", "start"):
        if kind in dating:
            col = layout.roles["cycle"] = dating[kind]
            layout.columns.claimed.add(col)
            if kind == "start":
                layout.findings.append(
                    warning(
                        "cycle-from-period-start",
                        f"only the start of the review period is given (column "
                        f"'{layout.headers[col]}'): each row's cycle is the quarter it starts in",
                        "pass --cycle 2026-Q3 if the period ends in another quarter",
                        _header_where(layout, layout.headers[col]),
                    )
                )
            return {kind: col}
    return dating


def _cycle_mismatch(layout: Layout, given: str | None, fallback: str | None) -> list[Finding]:
    """--cycle names one quarter and the export's cycle column another: --cycle wins, said."""
    if given is None or fallback is None or "cycle" not in layout.roles:
        return []
    col = layout.roles["cycle"]
    other: set[str] = set()
    for i in layout.data_rows():
        cells = layout.rows.rows[i]
        if col < len(cells) and clean_text(cells[col]) and len(other) < 5:
            try:
                read = cycles.read_cycle(cells[col])[0]
            except ValueError:
                continue
            if read != fallback:
                other.add(read)
    if not other:
        return []
    return [
        warning(
            "cycle-mismatch",
            f"the cycle given ({fallback}) differs from the export's cycle column "
            f"({', '.join(sorted(other))}); the cycle given is used for every row",
            "check that this is the export you meant, or drop --cycle to use the column",
            _header_where(layout, layout.headers[col]),
        )
    ]


def _summary(layout: Layout, export: Export, skipped: int, fallback: str | None) -> list[Finding]:
    out: list[Finding] = []
    where = _header_where(layout, None)
    has_rows = any(any(str(v).strip() for v in layout.rows.rows[i]) for i in layout.data_rows())
    if not has_rows:
        out.append(
            error(
                "export-no-rows",
                "the export has a header but no rows",
                "export the ratings again once the review cycle has ratings in it",
                where,
            )
        )
    elif not len(export.ratings):
        out.append(
            error(
                "export-no-ratings",
                "the export has rows but not one rating in them",
                "check that the rating columns were included in the export",
                where,
            )
        )
    if skipped:
        out.append(
            info(
                "ratings-skipped",
                f"{skipped} blank or N/A ratings were skipped",
                "nothing to do unless those ratings should have been given",
                Where(file=layout.rows.file),
            )
        )
    blank_cycles = int(export.ratings.data["cycle"].isna().sum()) if len(export.ratings) else 0
    if blank_cycles and fallback is None and "cycle" in layout.roles:
        out.append(
            error(
                "cycle-unknown",
                f"{blank_cycles} ratings have a blank cycle",
                "fill in the cycle column, or pass --cycle 2026-Q3 for the rows without one",
                where,
            )
        )
    return out
