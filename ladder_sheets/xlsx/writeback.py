"""Write generated sheets into HR's own workbook without losing or changing anything of theirs.

Design (see docs/writeback.md): HR's workbook is NEVER loaded and saved by openpyxl, which drops
charts, shapes, sparklines, extension lists and more. Instead:

1. `build` adds the generated sheets to a scratch workbook that xlsxwriter writes row by row
   (constant_memory) into a temporary file, so a history of a million rows is never held as
   cells (with HR's date system; strings are never turned into formulas or links). Builders
   must therefore write each sheet top to bottom, each row left to right.
2. The scratch sheets are transplanted into HR's zip package: sheet XML with style indices
   renumbered and strings written inline, the scratch styles appended to HR's styles.xml, a
   <sheet> appended at the END of workbook.xml's sheet list (so positions, localSheetIds and the
   active tab of HR's sheets never change), the relationship, the content type, the sheet's own
   parts (drawings, charts, images, comments, tables), its sheet-scoped defined names (autofilter)
   and the app.xml title.
3. Every other zip member is copied as its original compressed bytes.
4. Each generated sheet carries a marker (a hidden sheet-scoped defined name with a hash of its
   cell contents). The next run replaces a marked sheet in place (same part, position, sheetId);
   a marked sheet whose contents HR edited is refused unless `force`; a sheet with a generated
   name but no marker is HR's and is never overwritten (unless the caller `adopt`s it: a sheet
   it read and writes back, like Ratings History); a marked sheet HR renamed is left alone and
   reported in `WriteResult.renamed`.
5. The package is written to a temporary file beside the target, checked and renamed over it.

Formulas carry the cached values `build` gives them; calcPr is left as HR had it, so Excel shows
those values and recalculates as it usually does.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import xlsxwriter
import xlsxwriter.workbook

from ladder_sheets.errors import UnreadableFile, os_problem
from ladder_sheets.workbook.safe import check_package
from ladder_sheets.xlsx.append.parts import apply_appends
from ladder_sheets.xlsx.append.prepare import PreparedAppend
from ladder_sheets.xlsx.package import (
    Package,
    check_well_formed,
    content_type_of,
    parse_rels,
    resolve,
)
from ladder_sheets.xlsx.safe_write import (
    Fingerprint,
    atomic_write,
    backup_path,
    changed_error,
    fingerprint,
    keep_backup,
    refuse_if_changed,
    refuse_if_open,
    writable_target,
)
from ladder_sheets.xlsx.stream_sheet import StreamSheet
from ladder_sheets.xlsx.transplant import transplant, workbook_part
from ladder_sheets.xlsx.workbook_xml import read_book

__all__ = ["Fingerprint", "WriteResult", "fingerprint", "write_back"]

# What a damaged package raises while its parts are read (a broken .rels, a missing member).
DAMAGE = (
    ParseError,
    ExpatError,
    KeyError,
    IndexError,
    UnicodeError,
    zipfile.BadZipFile,
    zlib.error,
)
SCRATCH_OPTIONS = {
    # Row by row: a row is flushed to a temp file once a later row is written (writes to an
    # earlier row are then silently dropped, hence the builders' top-to-bottom order).
    "constant_memory": True,
    "strings_to_formulas": False,  # text from exports stays text
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


@dataclass
class WriteResult:
    path: Path
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (now called, generated as)
    appended: list[str] = field(default_factory=list)  # sheets kept, with rows added
    removed: list[str] = field(default_factory=list)  # sheets taken out (`remove`)
    backup: Path | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def write_back(
    original: Path,
    build: Callable[[xlsxwriter.Workbook], None],
    *,
    out: Path | None = None,
    backup: bool = False,
    expect: Fingerprint | None = None,
    force: bool = False,
    adopt: Iterable[str] = (),
    appends: Sequence[PreparedAppend] = (),
    remove: Sequence[str] = (),
) -> WriteResult:
    """Add or replace the sheets `build` writes, in `original` (or in a copy at `out`).

    Raises UnreadableFile/EncryptedFile/HostileFile for what cannot be opened, WriteRefused when
    the target is open elsewhere, changed since `expect` was taken, or a generated sheet was
    edited by hand (unless `force`) or belongs to HR.

    `adopt` names sheets the caller has read and writes back itself (Ratings History: HR's
    rows plus the imported ones): when present they are replaced in place, marker or not.

    `appends` are existing sheets with rows added (`append.prepare_append`, read from this
    same `original`): their members are replaced by the prepared XML and their filter name,
    tables and marker follow; `build` must not write those sheets.

    `remove` names sheets taken out of the workbook (xlsx/remove.py), after the rest."""
    started = time.perf_counter()
    original = Path(original)
    target = Path(out) if out is not None else original
    check_package(original)
    refuse_if_changed(original, expect)
    refuse_if_open(target)
    writable_target(target)  # read-only, hard-linked: refused before the work, not after
    stat = original.stat()
    result = WriteResult(path=target)
    with Package(original) as pkg:
        try:
            book_part = workbook_part(pkg)
            book = read_book(pkg.read(book_part))
        except DAMAGE as exc:
            raise _damaged(original, exc) from None
        if book.strict:
            raise UnreadableFile(
                "Strict Open XML workbooks are not supported for write-back",
                file=str(original),
                hint="open it in Excel and save it as 'Excel Workbook (*.xlsx)'",
            )
        # The scratch lives in a temp folder of its own, never beside HR's file.
        with tempfile.TemporaryDirectory(prefix="ladder-scratch-") as folder:
            scratch_path, hashes = _build_scratch(build, book.date1904, Path(folder))
            result.seconds["build"] = time.perf_counter() - started
            try:
                with zipfile.ZipFile(scratch_path) as scratch:
                    adopted = frozenset(name.casefold() for name in adopt)
                    done = transplant(pkg, book_part, book, scratch, force, adopted, hashes)
            except DAMAGE as exc:
                raise _damaged(original, exc) from None
        result.added, result.replaced, result.renamed = done.added, done.replaced, done.renamed
        apply_appends(pkg, book_part, appends)
        result.appended = [a.sheet for a in appends]
        if remove:
            from ladder_sheets.xlsx.remove import remove_sheet

            result.removed = [name for name in remove if remove_sheet(pkg, book_part, name)]
        pkg.deflate_ahead()  # the large sheets deflate while the XML is checked
        _verify(pkg)
        result.seconds["transplant"] = time.perf_counter() - started - result.seconds["build"]

        def last_checks() -> None:
            refuse_if_open(target)
            now = original.stat()
            if (now.st_size, now.st_mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                raise changed_error(original)
            if backup and target.exists():
                try:
                    result.backup = keep_backup(target)
                except OSError as exc:  # the scratch copy is removed; earlier backups kept
                    raise os_problem(exc, backup_path(target), "write the backup") from None

        write_started = time.perf_counter()
        atomic_write(
            target,
            pkg.save,
            check=lambda tmp: _check_written(tmp, pkg.names()),
            before_replace=last_checks,
        )
        result.seconds["write"] = time.perf_counter() - write_started
    result.seconds["total"] = time.perf_counter() - started
    return result


def _damaged(path: Path, exc: BaseException) -> UnreadableFile:
    detail = str(exc) or type(exc).__name__
    return UnreadableFile(
        f"the workbook's package is damaged and cannot be written back ({detail})",
        file=str(path),
        hint="open it in Excel, save it again (File > Save As > Excel Workbook) and re-run",
    )


class ScratchWorkbook(xlsxwriter.Workbook):
    """The scratch workbook, its parts stored uncompressed: the transplant reads each once and
    the package is compressed when it is saved, so deflating the sheets here (tens of
    megabytes at 10,000 people) would be work thrown away."""

    def _store_workbook(self) -> None:
        # xlsxwriter opens its zip with the module's ZIP_DEFLATED; another thread's workbook
        # closing meanwhile would be stored too (larger, as valid)
        deflated = xlsxwriter.workbook.ZIP_DEFLATED  # type: ignore[attr-defined]
        xlsxwriter.workbook.ZIP_DEFLATED = zipfile.ZIP_STORED  # type: ignore[attr-defined]
        try:
            super()._store_workbook()
        finally:
            xlsxwriter.workbook.ZIP_DEFLATED = deflated  # type: ignore[attr-defined]


def _build_scratch(
    build: Callable[[xlsxwriter.Workbook], None], date1904: bool, folder: Path
) -> tuple[Path, dict[str, str]]:
    """The scratch workbook written to `folder` (xlsxwriter's row files go there too), and the
    content hash of each sheet that hashed its cells as it wrote them (StreamSheet)."""
    path = folder / "scratch.xlsx"
    options = {**SCRATCH_OPTIONS, "date_1904": date1904, "tmpdir": str(folder)}
    workbook = ScratchWorkbook(str(path), options)
    workbook.worksheet_class = StreamSheet
    try:
        build(workbook)
        if not workbook.worksheets():
            raise ValueError("build() added no worksheet to write back")
    finally:
        workbook.close()  # also on failure: it closes the row files in `folder`
    hashes = {}
    for sheet in workbook.worksheets():
        digest = sheet.content_digest() if isinstance(sheet, StreamSheet) else None
        if digest is not None:
            hashes[sheet.name] = digest
    return path, hashes


def _verify(pkg: Package) -> None:
    """Every part written is well-formed XML, every relationship written points at a member,
    every new member has a content type."""
    names = set(pkg.names())
    ct = pkg.read("[Content_Types].xml")
    for member, data in pkg.changed.items():
        if member.endswith((".xml", ".rels", ".vml")):
            check_well_formed(member, data)
        if member.endswith(".rels"):
            source = _source_of(member)
            for rel in parse_rels(data):
                if not rel.external and resolve(source, rel.target) not in names:
                    raise ValueError(f"{member}: relationship {rel.id} points at a missing part")
        elif content_type_of(ct, member) is None:
            raise ValueError(f"{member}: no content type declared")


def _check_written(tmp: Path, names: list[str]) -> None:
    with zipfile.ZipFile(tmp) as written:
        if written.namelist() != names:
            raise ValueError("the written package does not list the expected members")


def _source_of(rels_member: str) -> str:
    folder, name = rels_member.rsplit("/", 1) if "/" in rels_member else ("", rels_member)
    parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
    return f"{parent}/{name[:-5]}".lstrip("/")
