"""Opening workbooks safely: look at the package before any parser does.

`check_package` sniffs the file and inspects the zip without extracting it: wrong formats
(CSV, PDF, HTML, legacy .xls, .xlsb, .ods, Strict OOXML), encrypted workbooks, corrupt or
truncated zips, zip bombs and XML parts that declare a DOCTYPE or ENTITY (entity expansion,
external entities) are refused with an error that names the file and says what to do.
`open_xlsx` then loads the workbook with openpyxl (which uses defusedxml when it is installed)
and turns anything openpyxl or zipfile raises into `UnreadableFile`.
"""

from __future__ import annotations

import gc
import posixpath
import re
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import ElementTree
from openpyxl.workbook.workbook import Workbook

from ladder_sheets.errors import EncryptedFile, HostileFile, UnreadableFile

# Limits for a career framework workbook: generous for real files, far below what a bomb needs.
# Past 1 GiB declared across all members a package must compress as a workbook's XML does
# (5-25 to 1; merge's own output at 10,000 people x 8 cycles is 1.0 GiB at 15 to 1): a
# zip bomb spread over many small members compresses hundreds to 1. Past MAX_DECLARED, no.
MAX_TOTAL_UNCOMPRESSED = 1 << 30
MAX_TOTAL_RATIO = 50
MAX_DECLARED = 16 << 30
MAX_RATIO = 200  # compression ratio refused on big members
RATIO_MIN_SIZE = 16 << 20  # only members above 16 MiB are judged by ratio
MAX_MEMBERS = 20_000
PROLOG_SCAN = 64 << 10  # bytes of each XML part scanned for DOCTYPE / ENTITY

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
STRICT_NS = b"http://purl.oclc.org/ooxml/"
_XML_DECLS = [b"<!DOCTYPE", b"<!ENTITY"]
_XML_DECLS += [d.decode().encode("utf-16-le") for d in _XML_DECLS[:2]]
_XML_DECLS += [d.decode().encode("utf-16-be") for d in _XML_DECLS[:2]]

SAVE_AS_XLSX = "open it in Excel and use File > Save As > 'Excel Workbook (*.xlsx)'"


def damaged_sheet(path: Path | str, sheet: str, exc: BaseException) -> UnreadableFile:
    """The error for a sheet whose XML (or calamine) failed: damage the user can repair."""
    return UnreadableFile(
        f"the sheet could not be read ({exc})",
        file=str(path),
        sheet=sheet,
        hint=f"the file may be damaged; {SAVE_AS_XLSX} and try again",
    )


def check_package(path: Path) -> None:
    """Raise UnreadableFile, EncryptedFile or HostileFile unless `path` looks like a safe
    .xlsx/.xlsm package. Reads only the zip directory and the first bytes of each XML part."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UnreadableFile(
            "file not found", file=name, hint="check the path and the file name (and extension)"
        )
    if path.is_dir():
        raise UnreadableFile(
            "this is a folder, not a workbook", file=name, hint="name a .xlsx file"
        )
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        raise UnreadableFile(
            f"cannot read the file ({exc.strerror or exc})",
            file=name,
            hint="check that you may read it and that it is not locked by another program",
        ) from None
    if size == 0:
        raise UnreadableFile(
            "the file is empty (0 bytes)",
            file=name,
            hint="the file was probably not saved or copied completely; save it again from Excel",
        )
    if head.startswith(OLE2_MAGIC):
        _refuse_ole2(path)
    if not head.startswith(ZIP_MAGICS):
        raise UnreadableFile(
            f"this is not an Excel workbook: it looks like {_looks_like(head)}",
            file=name,
            hint=f"{SAVE_AS_XLSX}, or give the tool the real .xlsx file",
        )
    _check_zip(path)


def open_xlsx(path: Path, **options: Any) -> Workbook:
    """The openpyxl workbook at `path`, after `check_package`. `options` go to
    `openpyxl.load_workbook` (read_only, data_only, keep_vba, keep_links, rich_text)."""
    path = Path(path)
    check_package(path)
    failure = ""
    with warnings.catch_warnings():
        # "Data Validation extension is not supported" and the like: noise for the user.
        warnings.simplefilter("ignore", UserWarning)
        try:
            return openpyxl.load_workbook(path, **options)
        except MemoryError:
            failure = "memory"
        except Exception as exc:  # openpyxl raises anything from KeyError to parser errors
            failure = f"{type(exc).__name__}: {exc}"
        # openpyxl leaves its zip open when it fails; close it here, quietly, not at exit.
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    if failure == "memory":
        raise HostileFile(
            "the workbook needs more memory than is available",
            file=str(path),
            hint="the file is far too large for a career framework; remove unused sheets",
        )
    raise UnreadableFile(
        f"the workbook could not be read ({failure})",
        file=str(path),
        hint=f"the file may be damaged; {SAVE_AS_XLSX} and try again",
    )


def _looks_like(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"{\\rtf"):
        return "an RTF document"
    if head[:4] in (b"\x89PNG", b"GIF8") or head[:3] == b"\xff\xd8\xff":
        return "an image"
    text = _as_text(head)
    if text is None:
        return "a binary file of unknown type"
    stripped = text.lstrip().lower()
    if stripped.startswith(("<html", "<!doctype html", "<table", "<meta")):
        return "an HTML page (some tools export 'Excel' files as HTML)"
    if stripped.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in stripped:
            return "an Excel 2003 XML spreadsheet"
        return "an XML file"
    first = text.splitlines()[0] if text.splitlines() else ""
    for sep, label in ((",", "comma"), (";", "semicolon"), ("\t", "tab")):
        if sep in first:
            return f"a CSV/text file ({label}-separated)"
    return "a text file"


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _refuse_ole2(path: Path) -> None:
    """An OLE2 compound file is either an encrypted OOXML workbook or a legacy .xls/.doc."""
    name = str(path)
    streams: set[str] = set()
    encrypted = False
    try:
        import msoffcrypto
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
        with path.open("rb") as f:
            encrypted = bool(msoffcrypto.OfficeFile(f).is_encrypted())
    except Exception:  # a damaged OLE file: judged below by what we know
        pass
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise EncryptedFile(
            "the workbook is protected with a password to open",
            file=name,
            hint="open it in Excel, then File > Info > Protect Workbook > Encrypt with Password, "
            "clear the password and save it without a password",
        )
    if encrypted:
        raise EncryptedFile(
            "this is a password-protected legacy Excel 97-2003 (.xls) workbook",
            file=name,
            hint=f"open it in Excel with its password, remove the password, and {SAVE_AS_XLSX}",
        )
    if "Workbook" in streams or "Book" in streams or not streams:
        raise UnreadableFile(
            "this is a legacy Excel 97-2003 (.xls) workbook, which is not supported",
            file=name,
            hint=SAVE_AS_XLSX,
        )
    raise UnreadableFile(
        "this is an old Office document (OLE2), not an Excel .xlsx workbook",
        file=name,
        hint=SAVE_AS_XLSX,
    )


def _check_zip(path: Path) -> None:
    name = str(path)
    damaged = f"the file is damaged or incomplete; copy it again or {SAVE_AS_XLSX}"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(name, infos)
            names = {i.filename for i in infos}
            _check_kind(name, zf, names)
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    _check_prolog(name, zf, info)
            _check_parts(name, zf, names)
    except (UnreadableFile, MemoryError):
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        raise UnreadableFile(
            f"the zip package is corrupt ({exc})", file=name, hint=damaged
        ) from None
    except (NotImplementedError, RuntimeError, ValueError, KeyError) as exc:
        # unsupported compression, encrypted zip members, inconsistent headers
        raise UnreadableFile(
            f"the zip package cannot be read ({exc})", file=name, hint=damaged
        ) from None


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise HostileFile(
            f"the package holds {len(infos)} parts, far more than a workbook needs",
            file=name,
            hint="this is not a normal workbook; do not open it",
        )
    total = sum(i.file_size for i in infos)
    ratio = total / max(sum(i.compress_size for i in infos), 1)
    if total > MAX_DECLARED or (total > MAX_TOTAL_UNCOMPRESSED and ratio > MAX_TOTAL_RATIO):
        raise HostileFile(
            f"the package would unpack to {total / (1 << 30):.1f} GiB, {ratio:.0f} times its "
            "compressed size (a zip bomb?)",
            file=name,
            hint="this is not a normal workbook; do not open it, ask for the real file",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise HostileFile(
                f"part {info.filename} is compressed {ratio:.0f} to 1 (a zip bomb?)",
                file=name,
                hint="this is not a normal workbook; do not open it, ask for the real file",
            )


def _check_kind(name: str, zf: zipfile.ZipFile, names: set[str]) -> None:
    if "mimetype" in names:
        mime = zf.read("mimetype")[:100]
        if b"opendocument" in mime:
            raise UnreadableFile(
                "this is an OpenDocument spreadsheet (.ods), not an Excel workbook",
                file=name,
                hint="open it in LibreOffice Calc or Excel and save it as 'Excel 2007-365 (.xlsx)'",
            )
    if any(n.lower().endswith("workbook.bin") for n in names):
        raise UnreadableFile(
            "this is an Excel binary workbook (.xlsb), which is not supported",
            file=name,
            hint=SAVE_AS_XLSX,
        )
    if not names:
        raise UnreadableFile(
            "the zip archive is empty", file=name, hint="save the workbook again from Excel"
        )
    workbook = next((n for n in names if n.lower() == "xl/workbook.xml"), None)
    if workbook is None:
        workbook = next((n for n in names if n.lower().endswith("/workbook.xml")), None)
    if workbook is None or "[Content_Types].xml" not in names:
        raise UnreadableFile(
            "this zip file holds no Excel workbook (no workbook part)",
            file=name,
            hint="this is a zip archive or another Office document; give the tool the .xlsx file",
        )
    with zf.open(workbook) as part:
        head = part.read(PROLOG_SCAN)
    if STRICT_NS in head:
        raise UnreadableFile(
            "the workbook is saved as 'Strict Open XML Spreadsheet', which cannot be read "
            "or written back safely",
            file=name,
            hint=SAVE_AS_XLSX + " (not 'Strict Open XML')",
        )


_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _check_parts(name: str, zf: zipfile.ZipFile, names: set[str]) -> None:
    """What `merge` needs to write the package back, checked for `check` too, so that both
    refuse the same files the same way: part names with forward slashes, the workbook's
    relationships pointing at parts the package holds, and a content type for the workbook
    part and every part it relates to. Excel repairs all three when it opens the file."""
    repair = f"the file is damaged; {SAVE_AS_XLSX} and try again"
    backslashed = sorted(n for n in names if "\\" in n)
    if backslashed:
        raise UnreadableFile(
            f"part '{backslashed[0]}' is named with backslashes, which a workbook package may "
            "not hold (it was zipped by hand or by a faulty tool)",
            file=name,
            hint=repair,
        )
    workbook = next((n for n in names if n.lower() == "xl/workbook.xml"), None)
    if workbook is None or "[Content_Types].xml" not in names:
        return  # _check_kind judged these
    folded = {n.casefold(): n for n in names}
    needed = [workbook]
    rels = posixpath.join(posixpath.dirname(workbook), "_rels", "workbook.xml.rels")
    if rels.casefold() in folded:
        for rel in _xml(name, zf, folded[rels.casefold()]).iter(f"{_PKG_REL_NS}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(workbook, rel.get("Target", ""))
            if target.casefold() not in folded:
                raise UnreadableFile(
                    f"relationship {rel.get('Id')} of {workbook} points at part {target}, "
                    "which the package does not hold",
                    file=name,
                    hint=repair,
                )
            if target not in names:  # merge reads parts by their exact name
                raise UnreadableFile(
                    f"relationship {rel.get('Id')} of {workbook} points at part {target}, "
                    f"but the part is named {folded[target.casefold()]}",
                    file=name,
                    hint=repair,
                )
            needed.append(target)
    types = _xml(name, zf, "[Content_Types].xml")
    defaults = {d.get("Extension", "").casefold() for d in types.iter(f"{_CT_NS}Default")}
    overrides = {
        o.get("PartName", "").lstrip("/").casefold() for o in types.iter(f"{_CT_NS}Override")
    }
    for part in needed:
        extension = part.rsplit(".", 1)[-1].casefold() if "." in part else ""
        if part.casefold() not in overrides and extension not in defaults:
            raise UnreadableFile(
                f"part {part} has no content type in [Content_Types].xml",
                file=name,
                hint=repair,
            )


def _xml(name: str, zf: zipfile.ZipFile, member: str) -> Any:
    try:
        return ElementTree.fromstring(zf.read(member))
    except ElementTree.ParseError as exc:
        raise UnreadableFile(
            f"part {member} is not well-formed XML ({exc})",
            file=name,
            hint=f"the file is damaged; {SAVE_AS_XLSX} and try again",
        ) from None


def _resolve(source: str, target: str) -> str:
    """The member a relationship target names, relative to its source part."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _check_prolog(name: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """A DOCTYPE or ENTITY declaration has no business in an OOXML part: refuse it before a
    parser can expand entities or fetch external ones. Reading is bounded and streamed."""
    with zf.open(info) as part:
        head = part.read(PROLOG_SCAN)
    if any(decl in head for decl in _XML_DECLS):
        raise HostileFile(
            f"part {info.filename} declares a DOCTYPE/ENTITY (XML entity expansion or "
            "external entity attack)",
            file=name,
            hint="this is not a normal workbook; do not open it, ask for the real file",
        )
    if info.filename.lower().endswith("sharedstrings.xml"):
        _check_string_count(name, info, head)


_UNIQUE_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\suniqueCount="([^"]*)"')
MIN_STRING_BYTES = 5  # the shortest string entry, <si/>


def _check_string_count(name: str, info: zipfile.ZipInfo, head: bytes) -> None:
    """calamine reserves room for the declared number of shared strings before reading one:
    a count the part cannot hold (uniqueCount="99999999999") would abort the process."""
    found = _UNIQUE_COUNT.search(head)
    if found is None:
        return
    text = found.group(1).decode("ascii", "replace").strip()
    room = info.file_size // MIN_STRING_BYTES
    if text.isdigit() and int(text) <= room:
        return
    raise UnreadableFile(
        f"part {info.filename} declares {text!r} shared strings but has room for at most "
        f"{room:,}: the file is damaged",
        file=name,
        hint=f"Excel repairs the count when it opens the file: {SAVE_AS_XLSX}",
    )
