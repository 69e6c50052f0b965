"""merge appends a cycle's rows a block at a time (xlsx/append/rows.py, prepare.py): the same
bytes as all at once, without the whole cycle's XML, or a string per cell of it, held at once
(at 10,000 people that raised merge's peak memory by about 370 MB)."""

from __future__ import annotations

import datetime as dt
import zlib

import pandas as pd
import pytest

from ladder_sheets.sheets.history import COLUMNS
from ladder_sheets.xlsx.append import prepare, rows
from ladder_sheets.xlsx.package import check_well_formed


def _rows(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cycle": ["2026-Q3"] * n,
            "employee_id": [f"E{i:05d}" for i in range(n)],
            "competency": ["Delivery & <Craft>", "Ownership"] * (n // 2) + ["x"] * (n % 2),
            "rating": [float(i % 5 + 1) for i in range(n)],
            "rater_type": ["manager"] * n,
            "imported_at": [dt.datetime(2026, 12, 7, 10, 30)] * n,
        }
    )


def test_the_rows_in_blocks_are_the_rows_all_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _rows(23)
    styles = list(range(len(COLUMNS)))
    whole = rows.rows_xml(data, COLUMNS, styles, 5, False)
    monkeypatch.setattr(rows, "_BLOCK", 4)
    pieces = list(rows.rows_xml_pieces(data, COLUMNS, styles, 5, False))
    assert len(pieces) == 6  # 23 rows, 4 at a time
    assert all(p.startswith(b'<row r="') and p.endswith(b"</row>") for p in pieces)
    assert pieces[1].startswith(b'<row r="9">')  # rows 5-8, then 9
    assert b"".join(pieces) == whole
    assert whole.count(b"<row ") == 23 and b"Delivery &amp; &lt;Craft&gt;" in whole
    assert list(rows.rows_xml_pieces(data.iloc[:0], COLUMNS, styles, 5, False)) == []


def test_xml_in_pieces_is_checked_as_a_whole() -> None:
    check_well_formed("s.xml", [b"<a><b>", b"text</b>", b"</a>"])
    with pytest.raises(ValueError, match="s.xml: XML not well-formed"):
        check_well_formed("s.xml", [b"<a><b>", b"</a>"])
    with pytest.raises(ValueError, match="not well-formed"):
        check_well_formed("s.xml", [b"<a>", b"<b>"])  # never closed: said at the end


def test_the_end_of_a_block_inflated_a_piece_at_a_time() -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    head = packer.compress(b"<head/>") + packer.flush(zlib.Z_FULL_FLUSH)
    data = b"".join(b'<row r="%d"><c><v>%d</v></c></row>' % (i, i) for i in range(200_000))
    block = packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)
    raw = head + block + packer.compress(b"</end>") + packer.flush()
    begin, end = len(head), len(head) + len(block)
    whole = prepare._inflate_block(raw, begin, end)
    assert whole == data
    assert prepare._inflate_block_end(raw, begin, end, 1000) == (len(data), data[-1000:])
    assert prepare._inflate_block_end(raw, begin, end - 1, 1000) is None  # not at a flush
    assert prepare._inflate_block_end(raw, 0, len(raw), 10) is None  # the stream's end


def test_the_quick_test_of_a_generated_sheet_reads_it_as_a_stream(tmp_path) -> None:
    """transplant's raw hash of the sheet it replaces, read a megabyte at a time, is the hash
    of its bytes (original or changed in the package)."""
    import zipfile

    from ladder_sheets.xlsx.package import Package
    from ladder_sheets.xlsx.transplant import _member_raw_hash, raw_hash

    xml = b"<worksheet>" + b'<row r="1"><c><v>1</v></c></row>' * 100_000 + b"</worksheet>"
    book = tmp_path / "b.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with Package(book) as pkg:
        assert _member_raw_hash(pkg, "xl/worksheets/sheet1.xml") == raw_hash(xml)
        pkg.write("xl/worksheets/sheet1.xml", b"<worksheet/>")
        assert _member_raw_hash(pkg, "xl/worksheets/sheet1.xml") == raw_hash(b"<worksheet/>")


def test_blocks_deflated_in_a_thread_make_one_stream_in_order() -> None:
    """The appended rows' blocks, deflated in a worker while the next is encoded: one raw
    deflate stream of the blocks in the order given, ended at a full flush (the record keeps
    that place), with their CRC-32 and length."""
    blocks = [b'<row r="%d"><c><v>%d</v></c></row>' % (i, i) * 500 for i in range(40)]
    added = prepare._Deflated()
    with added:
        for block in blocks:
            added.submit(block)
    stream = b"".join(added.out)
    assert zlib.decompressobj(-15).decompress(stream) == b"".join(blocks)
    assert (added.crc, added.length) == (zlib.crc32(b"".join(blocks)), len(b"".join(blocks)))
    # the full flush ends on a byte boundary: a fresh stream can follow it
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    joined = stream + packer.compress(b"</end>") + packer.flush()
    assert zlib.decompressobj(-15).decompress(joined) == b"".join(blocks) + b"</end>"


def test_a_failure_in_the_deflating_thread_is_raised_not_lost() -> None:
    added = prepare._Deflated()
    with pytest.raises(TypeError), added:
        added.submit(b"<row/>")
        added.submit("not bytes")  # type: ignore[arg-type]
