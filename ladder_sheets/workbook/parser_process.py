"""fastexcel's parse of a workbook's long sheets in a separate process, begun before their scans
answer.

A sheet may be parsed in this process only once its scan has answered (extent.scan_extent):
fastexcel, like calamine, allocates the rectangle up to the farthest cell and aborts the
process on a value at XFD1048576. The scan of a long history costs about half its parse, so
the two in a row leave a core idle. A child process has no such constraint: if a sheet's
parse aborts it, only the child dies. So the child parses the long sheets at once, on the
other core, while this process scans them, and the reader takes a sheet's columns from the
child only after that sheet's own scan has answered; a sheet the scan refuses is refused as
before, and the child is stopped. Whatever goes wrong with the child (it cannot start, it
dies, it says something unexpected) leaves the reader where it was: the sheet parsed here,
after its scan.

The child is this file run as a script (`python -P parser_process.py book.xlsx sheet...`): it
imports fastexcel and pyarrow, never this package (0.5 s of imports). For each sheet, in
order, it writes its columns to a file (an Arrow IPC stream of one batch, in a folder made for
the child; this process maps the file: no copy on its heap) and a header to its standard
output (8-byte length, JSON) saying whether fastexcel served the sheet. Its address space is bounded
(`_memory_limit`), so a sheet whose few values span a huge rectangle (which the scan sends to
openpyxl) fails the child's allocation instead of filling the machine's memory.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# Below this much XML in the long sheets, parsing here after the scans is quicker than
# starting a process (about 0.2 s of interpreter and imports).
MIN_XML_BYTES = 32 << 20
# The child's address space: 3 bytes per byte of the sheets' XML (a dense sheet's cells take
# less room than their XML: the parse of a 157 MB Ratings History peaks at 260 MB resident),
# plus what the interpreter, its libraries and their threads reserve (1.4 GB of address space
# in all in that parse).
_BASE_BYTES = 2 << 30
_PER_XML_BYTE = 3
_SCRIPT = Path(__file__)


@dataclass
class Parsed:
    """fastexcel's reading of one sheet: column names (with how fastexcel found them), the
    first column's index, the columns, and the (row, column) of the cells it could not type,
    counted from the header row and the first column."""

    names: list[tuple[str, str]]
    first_col: int
    table: Any  # pa.RecordBatch
    failed: list[tuple[int, int]]


class Gone(Exception):
    """The child cannot give this sheet (it died, was stopped, or never parsed it)."""


class ParserProcess:
    """The child parsing `sheets` of `path`, in that order. `take(sheet)` is called from one
    thread, for sheets in that order (some may be skipped)."""

    def __init__(self, path: Path, sheets: list[str], xml_bytes: int) -> None:
        self._order = list(sheets)
        self._next = 0  # the first sheet whose answer has not been read
        self._lock = threading.Lock()
        limit = _BASE_BYTES + _PER_XML_BYTE * xml_bytes
        # the columns come as files, mapped here: never copied into this process's heap
        self._folder = Path(tempfile.mkdtemp(prefix="ladder-sheets-"))
        command = [sys.executable, "-P", str(_SCRIPT), str(path), str(limit), str(self._folder)]
        try:
            self._child: subprocess.Popen[bytes] | None = subprocess.Popen(
                [*command, *sheets],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        # a reading cut short (Ctrl-C while the reader's thread runs) leaves no child behind
        atexit.register(self.close)

    def take(self, sheet: str) -> Parsed | None:
        """The child's reading of `sheet` (None: fastexcel refused it, calamine reads it).
        Raises Gone when the child cannot give it: the caller parses the sheet itself."""
        child = self._child
        if child is None or sheet not in self._order[self._next :]:
            raise Gone(sheet)
        try:
            assert child.stdout is not None
            while True:
                name = self._order[self._next]
                header = json.loads(_frame(child.stdout))
                self._next += 1
                if header.get("sheet") != name:
                    raise ValueError("the child answered for another sheet")
                file = self._folder / f"{self._next - 1}.arrow"
                if name != sheet:  # a sheet the reader did not ask for (its scan said so)
                    with contextlib.suppress(OSError):
                        file.unlink()
                    continue
                table = _mapped(file) if header.get("ok") else None
                break
        except Exception:  # died (an aborted parse), stopped, or garbled: parsed here instead
            self.close()
            raise Gone(sheet) from None
        if table is None:
            return None
        names = [(str(n), str(how)) for n, how in header["names"]]
        failed = [(int(r), int(c)) for r, c in header["failed"]]
        return Parsed(names, int(header["first_col"]), table, failed)

    def close(self) -> None:
        """Stop the child (a sheet refused, the reading done or abandoned) and reap it."""
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            atexit.unregister(self.close)
            child.kill()
            child.wait()
            if child.stdout is not None:
                child.stdout.close()
            shutil.rmtree(self._folder, ignore_errors=True)  # what no map holds open


def _mapped(file: Path) -> Any:
    """The one batch of an Arrow IPC stream file, its buffers in the mapped file (freed
    with the batch); the file's name is removed at once where the platform lets it."""
    import pyarrow as pa

    source = pa.memory_map(str(file))
    stream = pa.ipc.open_stream(source)
    table = stream.read_next_batch()
    for _ in stream:  # the stream's end: one batch per sheet
        raise ValueError("more than one batch")
    with contextlib.suppress(OSError):  # Windows: removed with the folder, or left there
        file.unlink()
    return table


def _frame(stream: IO[bytes]) -> bytes:
    size = _read_exactly(stream, 8)
    return _read_exactly(stream, int.from_bytes(size, "little"))


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError("the child stopped")
    return data


def _memory_limit(limit: int) -> None:
    """Bound the child's address space to `limit` bytes (where the platform can): an
    allocation past it fails and the child dies, which the reader takes as 'parse it here,
    after its scan'."""
    try:
        import resource
    except ImportError:  # Windows: no limit, as for the parse in the reader's process
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(path: str, sheets: list[str], folder: Path, out: IO[bytes]) -> None:
    """Parse each sheet; write its columns to `folder`/<its index>.arrow and a header saying
    what fastexcel gave (or that it refused) to `out`."""
    import importlib
    import logging

    import fastexcel

    # pyarrow (0.15 s of imports) is needed only once a sheet is parsed: it is imported
    # while fastexcel parses the first one (the parse leaves the GIL)
    arrow = threading.Thread(target=importlib.import_module, args=("pyarrow.ipc",))
    arrow.start()
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    reader = None
    for i, sheet in enumerate(sheets):
        header: dict[str, Any] = {"sheet": sheet, "ok": False}
        try:
            if reader is None:
                reader = fastexcel.read_excel(path)
            loaded = reader.load_sheet(sheet, header_row=0, dtype_coercion="strict")
            columns = loaded.available_columns()
            names = [(c.name, c.column_name_from) for c in columns]
            first_col = min((c.absolute_index for c in columns), default=0)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # mixed types, damage (a Rust panic): calamine reads the sheet
            loaded = None
        # anything else that fails (no pyarrow, no room for the file) ends the child: the
        # reader then parses the sheet itself
        arrow.join()
        import pyarrow as pa

        if loaded is not None:
            try:
                table, failed = loaded.to_arrow_with_errors()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # a type fastexcel cannot convert: calamine reads it
                table = None
            del loaded  # calamine's cells, freed before the columns are written out
            if table is not None:
                file = str(folder / f"{i}.arrow")
                with pa.OSFile(file, "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
                    w.write_batch(table)
                del table
                errors = [list(e.position) for e in failed.errors] if failed is not None else []
                header = {
                    "sheet": sheet,
                    "ok": True,
                    "names": names,
                    "first_col": first_col,
                    "failed": errors,
                }
        encoded = json.dumps(header).encode()
        out.write(len(encoded).to_bytes(8, "little") + encoded)
        out.flush()


if __name__ == "__main__":
    _memory_limit(int(sys.argv[2]))
    _serve(sys.argv[1], sys.argv[4:], Path(sys.argv[3]), sys.stdout.buffer)
