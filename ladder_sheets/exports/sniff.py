"""What kind of file an export is, its text encoding and its delimiter.

Encodings are tried strictest first: a byte-order mark settles it (UTF-8, UTF-16, UTF-32);
then strict UTF-8, which almost never decodes text written in another encoding; then cp1252
(Excel's "CSV" on Western Windows) and finally latin-1, which decodes any byte. Because the
last two accept nearly anything, their result is checked for control characters and for an
implausible share of accented letters, so binary garbage and text in another encoding are
refused instead of imported as nonsense.
"""

from __future__ import annotations

import codecs
import collections
import csv
import io
import re
import unicodedata
from pathlib import Path

from ladder_sheets.errors import UnreadableFile

# Refused above these (documented in the package docstring): a company of 10,000 people
# rated on 15 competencies is 150,000 lines; millions mean the wrong file. Reading keeps
# every value and its place, about 1.5 KB a line, so the limit also bounds memory.
MAX_BYTES = 200 << 20
MAX_LINES = 500_000
# Fields in one record: Excel's width. Every row is padded to the header's width, so a header
# with a million extra columns would otherwise cost a million cells per row.
MAX_FIELDS = 16_384
# Values once every record is padded to the widest (30 columns at the line limit).
MAX_CELLS = 15_000_000
_CHUNK = 1 << 20

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

SAVE_AS_CSV = "export it again as CSV (UTF-8) or .xlsx from the review tool, or save it from Excel"

_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_KINDS = (
    (b"%PDF", "a PDF document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac")


def kind_of(head: bytes) -> str:
    """'xlsx' for a zip or OLE2 package (an Excel file whatever its name), else 'text'."""
    if head.startswith(_ZIP) or head.startswith(_OLE2):
        return "xlsx"
    return "text"


def read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(
                f"the export is {size / (1 << 20):.0f} MB; exports above "
                f"{MAX_BYTES >> 20} MB are refused",
                file=name,
                hint="export one cycle (or one department) at a time",
            )
        _refuse_many_lines(path)
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile("file not found", file=name, hint="check the path") from None
    except IsADirectoryError:
        raise UnreadableFile("this is a folder, not an export", file=name) from None
    except OSError as exc:
        raise UnreadableFile(
            f"cannot read the file ({exc.strerror or exc})",
            file=name,
            hint="check that you may read it and that no other program locks it",
        ) from None


def _refuse_many_lines(path: Path) -> None:
    """Count line breaks in chunks before reading the whole file (a zip is not counted)."""
    lines = 0
    with path.open("rb") as f:
        head = f.read(8)
        if kind_of(head) == "xlsx":
            return
        f.seek(0)
        while chunk := f.read(_CHUNK):
            lines += chunk.count(b"\n")
            if lines > MAX_LINES:
                raise too_many_lines(str(path), f"more than {MAX_LINES:,}")


def too_many_lines(name: str, count: str) -> UnreadableFile:
    return UnreadableFile(
        f"the export has {count} lines; exports above {MAX_LINES:,} lines are refused",
        file=name,
        hint="export one cycle (or one department) at a time",
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of an export and the encoding it was written in."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFile(
            "the export is empty", file=name, hint="export the ratings again from the tool"
        )
    for magic, what in _BINARY_KINDS:
        if data.startswith(magic):
            raise UnreadableFile(
                f"this is not a CSV export: it is {what}", file=name, hint=SAVE_AS_CSV
            )
    encoding = _bom_encoding(data) or _utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"the file starts as {encoding} but byte {exc.start} is not {encoding}",
                file=name,
                hint=SAVE_AS_CSV,
            ) from None
        return text.lstrip("\ufeff"), encoding
    if b"\x00" in data:
        raise UnreadableFile(
            "this is not a text export: it holds binary data", file=name, hint=SAVE_AS_CSV
        )
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        _refuse_nonsense(text, encoding, name)
        return text, encoding
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def looks_mojibake(text: str) -> bool:
    """UTF-8 read as cp1252 somewhere upstream ("JosÃ©"): worth a warning."""
    return len(_MOJIBAKE.findall(text[:200_000])) >= 2


def count_lines(text: str) -> int:
    return text.count("\n") + (text.count("\r") if "\n" not in text else 0) + 1


def sniff_delimiter(text: str) -> str:
    """The delimiter that explains the most splits: rows of one width (with at least two
    non-empty fields) times the splits in each. Counting rows alone lets a delimiter that only
    occurs inside a quoted, multi-line comment win, since it cuts every line of it in two."""
    sample = text[:65536]
    first = sample.split("\n", 1)[0].strip()
    if len(first) == 5 and first.lower().startswith("sep="):
        return first[4]  # Excel's own hint line, "sep=;"
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        widths: dict[int, int] = {}
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            for i, record in enumerate(reader):
                # A record counts when it has two fields with content: a delimiter that only
                # splits the inside of a quoted comment into empty pieces is not the delimiter.
                if sum(1 for field in record if field.strip()) > 1:
                    widths[len(record)] = widths.get(len(record), 0) + 1
                if i >= 60:
                    break
        except csv.Error:
            continue
        if not widths:
            continue
        width, rows = max(widths.items(), key=lambda kv: (kv[1] * (kv[0] - 1), kv[1], kv[0]))
        if (rows * (width - 1), rows) > best_score:
            best, best_score = delimiter, (rows * (width - 1), rows)
    return best


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """ASCII-heavy UTF-16 has a zero in every other byte."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.6 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.6 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _refuse_nonsense(text: str, encoding: str, name: str) -> None:
    sample = text[:200_000]
    # counted per distinct character: unicodedata per character is slow on a long sample
    counts = collections.Counter(sample)
    visible = sum(n for c, n in counts.items() if not c.isspace())
    if not visible:
        return
    control = sum(
        n
        for c, n in counts.items()
        if not c.isspace() and unicodedata.category(c) in ("Cc", "Co", "Cn")
    )
    if control > max(2, visible // 200):
        raise UnreadableFile(
            "this is not a text export: it holds binary data or an unknown encoding",
            file=name,
            hint=SAVE_AS_CSV,
        )
    if encoding != "utf-8":
        # a real cp1252 export has a few accented names; most-non-ASCII text is another
        # encoding (Shift-JIS, KOI8-R, ...) read with the wrong table
        foreign = sum(n for c, n in counts.items() if not c.isspace() and ord(c) > 127)
        if foreign > 0.3 * visible:
            raise UnreadableFile(
                f"the text does not read as UTF-8 and makes no sense as {encoding}",
                file=name,
                hint="save the export as 'CSV UTF-8' (Excel: File > Save As) and try again",
            )
