"""The `ladder-sheets` command: parses options, calls one API function, renders the result.

Library exceptions become a clear message and an exit code here, in one place:
0 clean, 1 problems in the data the user can fix, 2 an input that could not be read or a usage
error. A traceback is a bug; `--debug` shows one for reporting it.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ladder_sheets import __version__
from ladder_sheets.errors import CacheNotExtended, LadderError, os_problem
from ladder_sheets.findings import Report

F = TypeVar("F", bound=Callable[..., Any])

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _labels(values: tuple[str, ...]) -> dict[str, float] | None:
    """--label "Solid performer=3" pairs -> {label: rating}."""
    out: dict[str, float] = {}
    for item in values:
        text, sep, number = item.rpartition("=")
        try:
            if not sep or not text.strip():
                raise ValueError
            out[text.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(
                f"'{item}' is not LABEL=NUMBER, e.g. --label \"Solid performer=3\"",
                param_hint="--label",
            ) from None
    return out or None


mapping_option = click.option(
    "--mapping",
    type=EXISTING_FILE,
    help="A TOML file saying which sheets and columns hold the tables, where the reader "
    "cannot tell (see the README).",
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)

# merge and the commands that run it (history store, history unstore).
overwrite_edited_option = click.option(
    "--force",
    is_flag=True,
    help="Overwrite generated sheets even if they were edited by hand since the last merge.",
)

label_option = click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="TEXT=N",
    help='A rating label of your review tool and its number, e.g. "Solid performer=3" '
    "(repeatable; adds to the built-in Meets/Exceeds... labels).",
)


def _stop_if_errors(report: Report, what: str) -> None:
    """Show the errors that kept a command from writing, say what was not written, exit 1."""
    from ladder_sheets.render import render_text

    if report.errors:
        click.echo(render_text(report, show_info=False))
        click.secho(what, fg="red", err=True)
        sys.exit(1)


def _fail(exc: LadderError) -> None:
    click.secho(f"Error: {exc}", fg="red", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ladder-sheets")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Career frameworks that live in Excel.

    Checks the role x competency workbook HR keeps, merges each review cycle's ratings into
    it, and writes gap analysis, promotion readiness and calibration packs.

    \b
    Start with:   ladder-sheets init framework.xlsx
    Before a cycle: ladder-sheets check framework.xlsx
    """
    ctx.obj = {"debug": debug}
    if not debug:  # the history is read again instead: slower, and right (errors.py)
        warnings.filterwarnings("ignore", category=CacheNotExtended)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--empty", is_flag=True, help="Headers and dropdowns only, without the example.")
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def init(path: Path, empty: bool, force: bool) -> None:
    """Write a new framework workbook from the template.

    Reads nothing. Writes PATH: the canonical sheets (Levels, Competencies, Matrix, Behaviors,
    Promotion Criteria, Paths, Employees, Ratings History) with dropdowns and an instructions
    sheet, filled with a worked Engineering example (IC1-IC7, M1-M4) unless --empty.

    \b
    Example:
      ladder-sheets init framework.xlsx
      ladder-sheets init blank.xlsx --empty
    """
    from ladder_sheets.api import init as _init

    try:
        written = _init(path, empty=empty, force=force)
    except LadderError as exc:
        _fail(exc)
    kind = "empty template" if empty else "template with the worked Engineering example"
    click.echo(f"Wrote {written} ({kind}).")
    click.echo(f"Next: fill it in, then run: ladder-sheets check {written}")


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.argument("ratings", nargs=-1, type=EXISTING_FILE)
@format_option
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a copy of the workbook with each bad cell filled and commented.",
)
@label_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--quiet", "-q", is_flag=True, help="Hide notes (info findings) in text output.")
@click.option("--cycle", help="Review cycle of exports that do not name one, e.g. 2026-Q3.")
@mapping_option
def check(
    workbook: Path,
    ratings: tuple[Path, ...],
    fmt: str,
    annotate: Path | None,
    strict: bool,
    quiet: bool,
    cycle: str | None,
    mapping: Path | None,
    labels: tuple[str, ...],
) -> None:
    """Validate a framework workbook (and review exports) before a cycle opens.

    Reads WORKBOOK and any RATINGS exports (CSV or XLSX). Writes nothing unless --annotate.
    Reports structure, references, ratings and framework-quality findings, each with a
    severity, a code, a sheet!cell and a fix.

    Exit codes: 0 no errors, 1 errors found (or warnings with --strict), 2 a file could not be
    read.

    \b
    Example:
      ladder-sheets check framework.xlsx
      ladder-sheets check framework.xlsx exports/2026-Q3.csv --annotate checked.xlsx
      ladder-sheets check framework.xlsx --format json > findings.json
    """
    from ladder_sheets.api import check as _check
    from ladder_sheets.render import render_text

    try:
        result = _check(workbook, ratings, mapping=mapping, cycle=cycle, labels=_labels(labels))
        if annotate is not None:
            from ladder_sheets.sheets.annotate import write_annotated_copy

            write_annotated_copy(workbook, result.report, annotate)
    except LadderError as exc:
        _fail(exc)
    report = result.report
    if fmt == "json":
        click.echo(report.to_json())
    else:
        click.echo(render_text(report, show_info=not quiet, strict=strict))
        if annotate is not None:
            click.echo(f"Annotated copy: {annotate}")
    sys.exit(report.exit_code(strict=strict))


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.argument("exports", nargs=-1, type=EXISTING_FILE)
@click.option(
    "--write-mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a mapping (TOML) that reproduces this reading; pass it back with --mapping "
    "('-': print it).",
)
@click.option("--force", is_flag=True, help="Replace the --write-mapping file if it exists.")
@label_option
@click.option("--cycle", help="Review cycle of exports that do not name one, e.g. 2026-Q3.")
@mapping_option
def inspect(
    workbook: Path,
    exports: tuple[Path, ...],
    write_mapping: Path | None,
    force: bool,
    labels: tuple[str, ...],
    cycle: str | None,
    mapping: Path | None,
) -> None:
    """Show how the workbook (and exports) was understood.

    Reads WORKBOOK and any EXPORTS. Writes nothing unless --write-mapping. Lists, table by
    table, the sheet and header row read, each column's concept with its sheet!cell, the
    evidence (header words, values that fit, the sheet's shape) and a confidence; the columns
    and sheets left unused; and every doubt. --write-mapping FILE.toml writes a mapping that
    reproduces the reading: edit what is wrong and pass it to check, merge or inspect
    ("--write-mapping -" prints the mapping, and the reading goes to stderr).

    Exit codes: 0 understood, 1 a doubt or a missing concept (an error finding), 2 a file
    could not be read.

    \b
    Example:
      ladder-sheets inspect framework.xlsx exports/2026-Q3.csv
      ladder-sheets inspect framework.xlsx --write-mapping mapping.toml
    """
    from ladder_sheets.commands.inspect import inspect as _inspect

    to_stdout = write_mapping is not None and str(write_mapping) == "-"
    if write_mapping is not None and not to_stdout and write_mapping.exists() and not force:
        click.secho(
            f"Error: {write_mapping} exists; inspect never overwrites a file (pass --force)",
            fg="red",
            err=True,
        )
        sys.exit(2)
    try:
        result = _inspect(workbook, exports, mapping=mapping, labels=_labels(labels), cycle=cycle)
    except LadderError as exc:
        _fail(exc)
    click.echo(result.text(), nl=False, err=to_stdout)  # "-": stdout holds the TOML alone
    if to_stdout:
        click.echo(result.mapping_toml(), nl=False)
    elif write_mapping is not None:
        write_mapping.write_text(result.mapping_toml(), encoding="utf-8")
        click.echo(f"Mapping written: {write_mapping} (pass it with --mapping)")
    sys.exit(Report(result.findings).exit_code())


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.argument("exports", nargs=-1, required=True, type=EXISTING_FILE)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the result here and leave WORKBOOK untouched.",
)
@click.option(
    "--replace-cycle",
    "replace_cycles",
    multiple=True,
    metavar="CYCLE",
    help="Let the exports' ratings for CYCLE replace different ones already recorded "
    "(a correction). Repeat for several cycles.",
)
@click.option("--cycle", help="Review cycle of exports that do not name one, e.g. 2026-Q3.")
@click.option("--analyse", "analyse_cycle", help="Analyse this cycle instead of the latest.")
@label_option
@mapping_option
@click.option(
    "--backup",
    is_flag=True,
    help="Keep the version the merge replaces as NAME.bak.xlsx (always the newest backup; "
    "the one there before is renamed NAME.bak-YYYYMMDD-HHMMSS.xlsx; none is deleted).",
)
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@overwrite_edited_option
def merge(
    workbook: Path,
    exports: tuple[Path, ...],
    out: Path | None,
    replace_cycles: tuple[str, ...],
    cycle: str | None,
    analyse_cycle: str | None,
    labels: tuple[str, ...],
    mapping: Path | None,
    backup: bool,
    dry_run: bool,
    force: bool,
) -> None:
    """Import review exports into the workbook and regenerate the analysis sheets.

    Reads WORKBOOK and the EXPORTS (CSV or XLSX; long or wide; any of the usual encodings),
    and runs check first: if it finds errors, nothing is written. Writes into WORKBOOK (or
    --out) the ratings added to Ratings History (importing the same export again changes
    nothing; a changed rating is reported and needs --replace-cycle), Promotion Evidence, and
    fresh Gap Analysis and Promotion Readiness sheets, keeping every other sheet, chart,
    dropdown and format as it was.

    \b
    Example:
      ladder-sheets merge framework.xlsx exports/2026-Q3.csv
      ladder-sheets merge framework.xlsx eng.csv sales.xlsx --backup
      ladder-sheets merge framework.xlsx fix.csv --replace-cycle 2026-Q3
    """
    from ladder_sheets.commands.merge import merge as _merge

    try:
        result = _merge(
            workbook,
            exports,
            out=out,
            replace_cycles=replace_cycles,
            cycle=cycle,
            analyse_cycle=analyse_cycle,
            labels=_labels(labels),
            mapping=mapping,
            backup=backup,
            dry_run=dry_run,
            force=force,
            progress=lambda msg: click.echo(f"... {msg}", err=True),
        )
    except LadderError as exc:
        _fail(exc)
    _stop_if_errors(result.report, f"Nothing was written: {workbook} is unchanged.")
    h = result.history
    if h is not None:
        click.echo(
            f"Ratings: {h.added} added, {h.unchanged} already recorded, {h.replaced} replaced "
            f"({', '.join(result.cycles_imported) or 'no cycle'})."
        )
    counts: dict[str, int] = {
        str(k): int(v) for k, v in result.readiness["status"].value_counts().items()
    }
    if len(counts):
        click.echo(
            f"Promotion readiness for {result.cycle}: "
            + ", ".join(f"{n} {s}" for s, n in counts.items())
            + "."
        )
        _say_not_rated(result)
    for now, was in result.renamed:
        click.echo(
            f"Note: the sheet '{now}' was generated as '{was}' and renamed since; it was left "
            f"as it is and a fresh '{was}' was written."
        )
    if dry_run:
        click.echo("Dry run: nothing was written.")
    else:
        click.echo(f"Wrote {result.written} ({len(result.gaps)} gap rows).")
        v = result.versions
        if v is not None and v.latest is not None:
            cycles = ", ".join(sorted(c for c, n in v.cycles.items() if n == v.latest.number))
            click.echo(
                f"Framework Versions: version {v.latest.number} judges {cycles} "
                f"({v.notes.get(v.latest.number, '')})."
            )
        if result.backup is not None:
            click.echo(f"Backup of the version it replaced: {result.backup}")
        w = result.history_write
        if w is not None:
            how = f"{w.rows} row(s) appended" if w.path == "append" else "rewritten"
            click.echo(f"Ratings History: {how} ({w.code}: {w.reason}).")
        store = result.store
        if store is not None and store.written:
            click.echo(
                f"History store: {store.stamp.rows} rating(s) of {len(store.stamp.cycles)} "
                f"cycle(s) in {store.path}"
                + (f" (backup of the one it replaced: {store.backup})" if store.backup else "")
                + ". Keep it with the workbook."
            )


def _say_not_rated(result: Any) -> None:
    missing, carried = result.not_rated
    if missing:
        click.echo(
            f"Not rated yet in {result.cycle}: {missing} of {len(result.readiness)} people "
            f"({carried} keep their status from the latest cycle they were rated in, named in "
            "their Cycle column)."
        )


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the packs (created if needed).",
)
@click.option(
    "--by",
    type=click.Choice(["manager", "employee"]),
    default="manager",
    show_default=True,
    help="One pack per manager (their reports) or per employee (themselves).",
)
@click.option("--cycle", help="Cycle to show (default: the latest with ratings).")
@click.option("--tree", is_flag=True, help="A manager's pack covers everyone below them.")
@click.option("--only", multiple=True, metavar="ID", help="Only these recipients (repeatable).")
@click.option("--encrypt", is_flag=True, help="Password-protect every pack.")
@click.option(
    "--passwords",
    type=EXISTING_FILE,
    help="CSV of Employee ID,Password to use with --encrypt (else passwords are generated).",
)
@click.option(
    "--passwords-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write generated passwords (default: beside the folder, not in it).",
)
@click.option(
    "--sign-off",
    is_flag=True,
    help="Employee packs: also show the readiness status and the endorsement, calibration "
    "and committee decisions still missing (left out by default: before the committee meets "
    "they are not the employee's to read). Manager packs always show them.",
)
@click.option("--jobs", type=int, help="Worker processes (default: all cores).")
@mapping_option
def packs(
    workbook: Path,
    out_dir: Path,
    by: str,
    cycle: str | None,
    tree: bool,
    only: tuple[str, ...],
    encrypt: bool,
    passwords: Path | None,
    passwords_out: Path | None,
    sign_off: bool,
    jobs: int | None,
    mapping: Path | None,
) -> None:
    """Write a gap workbook for each manager or each employee.

    Reads WORKBOOK (after merge). Writes one .xlsx per recipient into --out: a manager's pack
    has a team heat map and a sheet per report (expectations at current and next level,
    ratings, trend, gaps and what to work on, readiness); an employee's pack has their own
    sheet (ratings, gaps, the measurable promotion criteria) and their next level's
    descriptions, without the readiness status and sign-off unless --sign-off. Each file
    holds only the people it is for.

    \b
    Example:
      ladder-sheets packs framework.xlsx -o packs/
      ladder-sheets packs framework.xlsx -o packs/ --by employee --encrypt
    """
    from ladder_sheets.commands.packs import write_packs

    with click.progressbar(length=1, label="Writing packs", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        try:
            result = write_packs(
                workbook,
                out_dir,
                by=by,
                cycle=cycle,
                tree=tree,
                only=only,
                encrypt=encrypt,
                passwords=passwords,
                passwords_out=passwords_out,
                jobs=jobs,
                mapping=mapping,
                progress=progress,
                sign_off=sign_off,
            )
        except LadderError as exc:
            _fail(exc)
    _stop_if_errors(result.report, "No packs were written: fix the errors above first.")
    click.echo(f"Wrote {len(result.written)} pack(s) for {result.cycle} into {out_dir}.")
    if result.passwords_file:
        click.echo(f"Passwords: {result.passwords_file} (send them separately from the packs).")


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.option("--cycle", help="The cycle to calibrate (default: the latest with ratings).")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The pack to write, e.g. calibration-2026-Q3.xlsx (with --apply: where to write the "
    "updated workbook instead of WORKBOOK).",
)
@click.option("--family", help="Only this job family.")
@click.option(
    "--apply",
    "apply_pack",
    type=EXISTING_FILE,
    help="A pack the committee filled in: record its decisions in WORKBOOK as calibration "
    "evidence and regenerate the analysis sheets.",
)
@mapping_option
def calibrate(
    workbook: Path,
    cycle: str | None,
    out: Path | None,
    family: str | None,
    apply_pack: Path | None,
    mapping: Path | None,
) -> None:
    """Write the calibration prep pack for a review cycle.

    Reads WORKBOOK (after merge). Writes a new workbook: rating distributions per family,
    level and competency against the previous cycle, managers who rate far above or below
    their peers, self vs manager gaps, promotion candidates with their evidence and a
    decision column, how many people could meet each step's criteria, and people whose
    ratings do not fit their level.

    \b
    Example:
      ladder-sheets calibrate framework.xlsx --cycle 2026-Q3 -o calibration-2026-Q3.xlsx
      ladder-sheets calibrate framework.xlsx -o sales.xlsx --family Sales
      ladder-sheets calibrate framework.xlsx --apply calibration-2026-Q3.xlsx
    """
    from ladder_sheets.commands.calibrate import calibrate as _calibrate

    if apply_pack is not None:
        _apply(workbook, apply_pack, out, mapping)
        return
    if out is None:
        raise click.UsageError("give the pack to write with -o PACK.xlsx")
    try:
        result = _calibrate(workbook, out, cycle=cycle, family=family, mapping=mapping)
    except LadderError as exc:
        _fail(exc)
    _stop_if_errors(result.report, "No pack was written: fix the errors above first.")
    click.echo(
        f"Wrote {result.written}: cycle {result.cycle}, {result.people} people, "
        f"{result.ratings} ratings."
    )


def _apply(workbook: Path, pack: Path, out: Path | None, mapping: Path | None) -> None:
    from ladder_sheets.commands.calibrate import apply_decisions

    try:
        applied = apply_decisions(workbook, pack, out=out, mapping=mapping)
    except LadderError as exc:
        _fail(exc)
    merged = applied.merged
    _stop_if_errors(merged.report, f"Nothing was written: {workbook} is unchanged.")
    for change in applied.changed:
        click.echo(
            f"Changed: {change.employee_id}, {change.cycle}: the committee's decision was "
            f"{change.before}, now {change.after} ({pack.name} {change.cell})."
        )
    click.echo(
        f"Recorded {applied.confirmed} calibration confirmation(s) and {applied.declined} "
        f"decision(s) not to promote; {applied.pending} deferred. Wrote {merged.written}."
    )


@cli.command(name="diff")
@click.argument("old", type=EXISTING_FILE)
@click.argument("new", type=EXISTING_FILE, required=False)
@format_option
@click.option(
    "--xlsx",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a workbook with every change on a highlighted row and the people affected.",
)
@click.option("--cycle", help="Judge readiness in this cycle (default: the latest with ratings).")
@click.option(
    "--since",
    metavar="CYCLE",
    help="Compare the workbook OLD with the framework version recorded for CYCLE.",
)
@mapping_option
def diff_command(
    old: Path,
    new: Path | None,
    fmt: str,
    xlsx: Path | None,
    cycle: str | None,
    since: str | None,
    mapping: Path | None,
) -> None:
    """Show what changed between two versions of a framework, and who it affects.

    Reads OLD and NEW (framework workbooks). Writes nothing unless --xlsx. Lists levels
    added, removed, renamed or reordered; expectations raised or lowered; descriptions
    reworded (word by word); criteria, paths and competencies changed; each with its
    Sheet!Cell in both workbooks. When a workbook holds ratings (NEW first, else OLD), also
    lists the people whose readiness status or gaps change under NEW, per family and manager.

    With --since CYCLE, compares the one workbook with the framework version merge recorded
    for CYCLE (the Framework Versions sheet).

    Exit codes: 0 done (changes or not), 1 no version recorded for --since, 2 a file could
    not be read.

    \b
    Example:
      ladder-sheets diff framework-2025.xlsx framework-2026.xlsx
      ladder-sheets diff old.xlsx new.xlsx --xlsx changes.xlsx
      ladder-sheets diff old.xlsx new.xlsx --format json > changes.json
      ladder-sheets diff framework.xlsx --since 2026-Q2
    """
    from ladder_sheets.commands import diff as diffs

    if (new is None) == (since is None):
        raise click.UsageError(
            "give two workbooks (ladder-sheets diff OLD NEW) or one with --since CYCLE"
        )
    try:
        if since is not None:
            result = diffs.diff_since(old, since, mapping=mapping, xlsx=xlsx)
        else:
            assert new is not None
            result = diffs.diff(old, new, cycle=cycle, mapping=mapping, xlsx=xlsx)
    except LadderError as exc:
        _fail(exc)
    if fmt == "json":
        click.echo(diffs.to_json(result))
    else:
        click.echo(diffs.render_text(result))
        for label, report in result.reports.items():
            if report.errors:
                click.secho(
                    f"Note: {label} has {len(report.errors)} error(s); run ladder-sheets check "
                    "on it: the comparison may be incomplete.",
                    fg="yellow",
                    err=True,
                )
        if result.written is not None:
            click.echo(f"Wrote {result.written}.")


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the drafts (created if needed).",
)
@click.option(
    "--by",
    type=click.Choice(["family"]),
    default="family",
    show_default=True,
    help="One draft per job family.",
)
@click.option("--family", help="Only this job family.")
@click.option("--force", is_flag=True, help="Replace drafts of the same name in the folder.")
@mapping_option
def split(
    workbook: Path,
    out_dir: Path,
    by: str,
    family: str | None,
    force: bool,
    mapping: Path | None,
) -> None:
    """Write a draft workbook per job family for its managers to edit.

    Reads WORKBOOK (never writes it). Writes one .xlsx per family into --out: the family's
    Levels, Competencies, Matrix, Behaviors and Promotion Criteria, with an instructions sheet,
    the editable cells unlocked (yellow) and the rest protected, dropdowns for 1-5, and
    conditional formats that flag trait words, descriptions past two sentences and
    expectations that drop as the level rises. Each draft records what it was split from, so
    `gather` brings its edits back cell by cell.

    \b
    Example:
      ladder-sheets split framework.xlsx --by family -o drafts/
      ladder-sheets split framework.xlsx --family Sales -o drafts/
    """
    from ladder_sheets.commands.split import split as _split

    del by  # the only way to split today
    try:
        result = _split(workbook, out_dir, family=family, force=force, mapping=mapping)
    except LadderError as exc:
        _fail(exc)
    for name, path in zip(result.families, result.written, strict=True):
        click.echo(f"  {name}: {path} ({result.cells[name]} editable cells)")
    click.echo(
        f"Wrote {len(result.written)} draft(s) into {out_dir}. When they come back: "
        f"ladder-sheets gather {workbook} {out_dir}/*.xlsx"
    )


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.argument("drafts", nargs=-1, required=True, type=EXISTING_FILE)
@click.option("--dry-run", is_flag=True, help="Show the change list and check it; write nothing.")
@click.option(
    "--annotate",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write CHANGES.xlsx: the gathered workbook with each changed cell marked.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the result here and leave WORKBOOK untouched.",
)
@click.option("--backup", is_flag=True, help="Keep the previous workbook as NAME.bak.xlsx.")
@mapping_option
def gather(
    workbook: Path,
    drafts: tuple[Path, ...],
    dry_run: bool,
    annotate: Path | None,
    out: Path | None,
    backup: bool,
    mapping: Path | None,
) -> None:
    """Bring the edits of family drafts back into the workbook.

    Reads WORKBOOK and the DRAFTS `split` wrote, lists every changed cell (before -> after,
    which draft) and runs check on the result. Writes the changes into WORKBOOK (or --out)
    cell by cell, keeping everything else as it was. A cell HR changed since the split, or
    two drafts changed differently, is a CONFLICT: nothing is written. A draft split from
    another workbook, or edited outside its family's cells, is refused.

    Exit codes: 0 applied (or nothing to apply), 1 conflicts, refused drafts or check errors
    (nothing written), 2 a file could not be read.

    \b
    Example:
      ladder-sheets gather framework.xlsx drafts/*.xlsx --dry-run
      ladder-sheets gather framework.xlsx drafts/*.xlsx --annotate changes.xlsx
    """
    from ladder_sheets.commands.gather import gather as _gather
    from ladder_sheets.commands.gather import show, show_change

    try:
        result = _gather(
            workbook,
            drafts,
            out=out,
            dry_run=dry_run,
            annotate=annotate,
            backup=backup,
            mapping=mapping,
        )
    except LadderError as exc:
        _fail(exc)
    for refusal in result.refused:
        click.secho(f"REFUSED {refusal.draft}: {refusal.message}", fg="red")
    for conflict in result.conflicts:
        where = conflict.where if conflict.cell else conflict.sheet
        click.secho(f"CONFLICT {where} ({conflict.label}): {conflict.reason}", fg="red")
        for whose, value in conflict.values:
            click.echo(f"    {whose}: {show(value)}")
    for change in result.changes:
        click.echo(
            f"{change.where} ({change.label}): {show_change(change)}"
            f"  [{', '.join(change.drafts) or 'new heading'}]"
        )
    if result.findings:
        from ladder_sheets.render import render_text

        click.echo("Check of the result (new findings only):")
        click.echo(render_text(result.findings, show_info=True))
    if annotate is not None and result.changes and not (result.conflicts or result.refused):
        click.echo(f"Changes marked in {annotate}")
    if result.blocked:
        click.secho(f"Nothing was written: {workbook} is unchanged.", fg="red", err=True)
        sys.exit(1)
    if not result.changes:
        click.echo(f"No changes in {len(drafts)} draft(s): {workbook} is unchanged.")
    elif dry_run:
        click.echo(f"Dry run: {len(result.changes)} cell(s) would change; nothing was written.")
    else:
        click.echo(f"Wrote {len(result.changes)} cell(s) into {result.written}.")
        if result.stale:
            click.echo(
                f"Note: {' and '.join(result.stale)} still show the framework as it was; the "
                "next merge recomputes them."
            )


@cli.command()
@click.argument("workbook", type=EXISTING_FILE)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the site (created if needed).",
)
@click.option("--family", help="Only this job family.")
@click.option("--title", help='The site\'s title (default "Career framework").')
@mapping_option
def publish(
    workbook: Path, out_dir: Path, family: str | None, title: str | None, mapping: Path | None
) -> None:
    """Publish the framework as a static site for every employee.

    Reads WORKBOOK's framework only (levels, competencies, matrix, behaviors, promotion
    criteria, paths; never employees or ratings). Writes into --out an index, a page per job
    family (its tracks side by side, crossover, way back and lateral paths), a page per level
    (scope, each competency's expectation and behavior beside the next level's, the promotion
    criteria in words) and a search over the behaviors: plain HTML files with relative links
    that work from a folder or any intranet, print cleanly and read on a phone.

    \b
    Example:
      ladder-sheets publish framework.xlsx -o site/
      ladder-sheets publish framework.xlsx -o sales-site/ --family Sales
    """
    from ladder_sheets.commands.publish import publish as _publish

    try:
        result = _publish(workbook, out_dir, family=family, title=title, mapping=mapping)
    except LadderError as exc:
        _fail(exc)
    click.echo(
        f"Wrote {len(result.pages)} pages for {', '.join(result.families) or 'no family'} "
        f"into {result.folder}; open {result.folder / 'index.html'}."
    )
    if result.report.errors:
        click.secho(
            f"Note: {workbook} has {len(result.report.errors)} error(s); run ladder-sheets "
            "check on it before you share the site.",
            fg="yellow",
            err=True,
        )


@cli.command()
@click.argument("folder", default="ladder-demo", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the folder's contents if it is not empty.")
def demo(folder: Path, force: bool) -> None:
    """Run a whole review cycle on the bundled sample company.

    Reads nothing of yours. Writes into FOLDER (default ./ladder-demo): an invented company's
    framework workbook and four quarterly review exports, then runs check, merges the quarters
    in order, writes the manager and employee packs and the calibration pack, and lists every
    file it made.

    \b
    Example:
      ladder-sheets demo
      ladder-sheets demo /tmp/try-ladder --force
    """
    from ladder_sheets.demo.run import run_demo

    try:
        result = run_demo(folder, force=force, say=lambda m: click.echo(f"... {m}", err=True))
    except LadderError as exc:
        _fail(exc)
    click.echo(f"Demo written to {result.folder}:")
    for label, path in result.made:
        click.echo(f"  {label}: {path}")
    click.echo(
        f"Open {result.folder / 'acme_framework.xlsx'} and look at the Gap Analysis and "
        "Promotion Readiness sheets first."
    )


@cli.group()
def history() -> None:
    """The ratings history: keep it in a store beside the workbook, or write it out whole.

    For organisations whose history outgrows the workbook (check says when): `history store`
    moves the whole history into a Parquet file beside the workbook, and Ratings History then
    keeps the cycles readiness and trends need. Every command reads the two together; a
    workbook whose store is missing, older, newer or another workbook's is refused, never read
    as only its recent cycles. `history export` writes the whole history to .xlsx or CSV;
    `history unstore` brings it all back into the workbook and deletes the store.

    Reads WORKBOOK and its store. Writes, for `store`, WORKBOOK and NAME.history.parquet
    beside it; for `unstore`, WORKBOOK (the store is deleted); for `export`, only OUT (-o).

    \b
    Example:
      ladder-sheets history store framework.xlsx --backup
      ladder-sheets history export framework.xlsx -o history.xlsx
      ladder-sheets history unstore framework.xlsx --backup
    """


def _history_merge(
    workbook: Path,
    backup: bool,
    dry_run: bool,
    force: bool,
    mapping: Path | None,
    *,
    history_store: bool = False,
    unstore: bool = False,
) -> Any:
    """merge without exports, for `history store` and `history unstore`; stops (exit 1) when
    check found errors."""
    from ladder_sheets.commands.merge import merge as _merge

    try:
        result = _merge(
            workbook,
            [],
            mapping=mapping,
            backup=backup,
            dry_run=dry_run,
            force=force,
            progress=lambda msg: click.echo(f"... {msg}", err=True),
            history_store=history_store,
            unstore=unstore,
        )
    except LadderError as exc:
        _fail(exc)
    _stop_if_errors(result.report, f"Nothing was written: {workbook} is unchanged.")
    return result


@history.command(name="store")
@click.argument("workbook", type=EXISTING_FILE)
@click.option(
    "--backup",
    is_flag=True,
    help="Keep the version it replaces as NAME.bak.xlsx (as merge --backup does).",
)
@click.option("--dry-run", is_flag=True, help="Say what would move; write nothing.")
@overwrite_edited_option
@mapping_option
def history_store(
    workbook: Path, backup: bool, dry_run: bool, force: bool, mapping: Path | None
) -> None:
    """Keep the workbook's whole ratings history in a store beside it (opt in, once).

    Writes WORKBOOK.history.parquet beside WORKBOOK with every rating of Ratings History, and
    rewrites WORKBOOK with the cycles readiness and trends need in Ratings History and a
    History Store sheet that records the store. Gap Analysis and Promotion Readiness are
    written again, the same as before. Every later merge appends to the store. Copy and move
    the workbook and its store together.

    \b
    Example:
      ladder-sheets history store framework.xlsx --backup
    """
    result = _history_merge(workbook, backup, dry_run, force, mapping, history_store=True)
    plan = result.store
    kept = ", ".join(plan.kept) or "no cycle"
    if plan.stamp.generation > 1:
        click.echo(f"{workbook.name} already keeps its history in a store; it is written again.")
    click.echo(
        f"History store: {plan.stamp.rows} rating(s) of {len(plan.stamp.cycles)} cycle(s) in "
        f"{plan.path.name}; Ratings History keeps {kept} ({len(plan.sheet_rows)} rows)."
    )
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    click.echo(f"Wrote {result.written} and {plan.path}. Keep the two files together.")
    if result.backup is not None:
        click.echo(f"Backup of the version it replaced: {result.backup}")


@history.command(name="unstore")
@click.argument("workbook", type=EXISTING_FILE)
@click.option(
    "--backup",
    is_flag=True,
    help="Keep the workbook it replaces as NAME.bak.xlsx and the store as "
    "NAME.history.bak.parquet.",
)
@click.option("--dry-run", is_flag=True, help="Say what would move; write nothing.")
@overwrite_edited_option
@mapping_option
def history_unstore(
    workbook: Path, backup: bool, dry_run: bool, force: bool, mapping: Path | None
) -> None:
    """Bring the whole ratings history back into the workbook and stop using a store.

    Reads WORKBOOK and its store. Writes WORKBOOK again with every rating, the store's cycles
    and Ratings History's, in Ratings History (continued in "Ratings History (2)" past Excel's
    row limit), removes the History Store sheet, then deletes NAME.history.parquet (kept as
    NAME.history.bak.parquet with --backup). Gap Analysis and Promotion Readiness are written
    again, the same as before. Later merges write the history into the workbook only.

    \b
    Example:
      ladder-sheets history unstore framework.xlsx --backup
    """
    from ladder_sheets.store.files import store_path_for
    from ladder_sheets.store.record import STORE_SHEET
    from ladder_sheets.workbook.extent import sheet_names

    if STORE_SHEET not in sheet_names(workbook):
        click.echo(f"{workbook.name} has no history store: its whole history is in it already.")
        return
    result = _history_merge(workbook, backup, dry_run, force, mapping, unstore=True)
    store = store_path_for(workbook)
    if dry_run:
        click.echo(f"Dry run: nothing was written; {store.name} stays beside {workbook.name}.")
        return
    kept = f" (kept as {result.unstored.name})" if result.unstored not in (None, store) else ""
    click.echo(
        f"Wrote {result.written}: the whole history is in Ratings History; removed the "
        f"History Store sheet and {store.name}{kept}."
    )
    if result.backup is not None:
        click.echo(f"Backup of the version it replaced: {result.backup}")


@history.command(name="export")
@click.argument("workbook", type=EXISTING_FILE)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: .xlsx (split over sheets past Excel's row limit) or .csv "
    "(UTF-8 with BOM).",
)
@mapping_option
def history_export(workbook: Path, out: Path, mapping: Path | None) -> None:
    """Write the whole ratings history (store and workbook) to one .xlsx or CSV file.

    Reads WORKBOOK and, when it keeps its history in a store, the store beside it; writes
    every rating to OUT with the columns of Ratings History. The workbook is only read.

    \b
    Example:
      ladder-sheets history export framework.xlsx -o history.xlsx
      ladder-sheets history export framework.xlsx -o history.csv
    """
    from ladder_sheets.api import read_framework
    from ladder_sheets.store.export import export_history

    try:
        framework = read_framework(workbook, mapping=mapping)
        done = export_history(
            framework, out, progress=lambda msg: click.echo(f"... {msg}", err=True)
        )
    except LadderError as exc:
        _fail(exc)
    where = f" ({done.from_store} from the store)" if framework.store is not None else ""
    sheets = f" on {len(done.sheets)} sheet(s)" if len(done.sheets) > 1 else ""
    click.echo(
        f"Wrote {done.path}: {done.rows} rating(s) of {len(done.cycles)} cycle(s){where}{sheets}."
    )


def main() -> None:
    """Console entry point: a LadderError is a message; anything else is a bug, said so."""
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LadderError as exc:
        _fail(exc)
    except SystemExit:
        raise
    except OSError as exc:  # the user's disk, permissions or path: not a bug in the tool
        if debug:
            raise
        _fail(os_problem(exc))
    except Exception as exc:
        if debug:
            raise
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, OSError):  # xlsxwriter's FileCreateError wraps the OSError
            _fail(os_problem(cause))
        click.secho(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in ladder-sheets, not in your files. Run again with --debug and "
            "report the output.",
            fg="red",
            err=True,
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
