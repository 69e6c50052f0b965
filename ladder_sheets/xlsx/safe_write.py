"""Writing a workbook so that a crash, a full disk or an open Excel never costs HR their file.

Every file the tool writes goes through `atomic_write` (merge's write-back, the template, the
calibration pack and each pack, encrypted or not). The new workbook is written to a temporary
file in the target's folder (same file system, so the final rename is atomic), flushed and
fsynced, checked, and only then renamed over the target with `os.replace`. Before that the
target is refused while Excel (`~$name.xlsx`) or LibreOffice (`.~lock.name.xlsx#`) holds it
open, or when it changed since it was read (its fingerprint).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ladder_sheets.errors import WriteRefused, os_problem

TEMP_PREFIX = ".ladder-sheets-"


@dataclass(frozen=True)
class Fingerprint:
    """What a file was when it was read; content (sha256) decides, size is the quick test."""

    size: int
    mtime_ns: int
    sha256: str

    def same_content(self, other: Fingerprint) -> bool:
        return self.size == other.size and self.sha256 == other.sha256


def fingerprint(path: Path) -> Fingerprint:
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as f:
        stat = os.fstat(f.fileno())
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return Fingerprint(stat.st_size, stat.st_mtime_ns, digest.hexdigest())


def lock_files(target: Path) -> list[Path]:
    """Owner/lock files that say another program has `target` open."""
    name = target.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")  # Word-style owner files drop two characters
    return [target.with_name(c) for c in candidates if target.with_name(c).exists()]


def refuse_if_open(target: Path) -> None:
    locks = lock_files(target)
    if locks:
        raise WriteRefused(
            f"the workbook is open in another program (lock file {locks[0].name} beside it)",
            file=str(target),
            hint="close the workbook in Excel or LibreOffice and run again; if nothing has it "
            "open, the lock file was left by a crash and can be deleted",
        )


def refuse_if_changed(path: Path, expect: Fingerprint | None) -> None:
    if expect is None:
        return
    try:
        now = fingerprint(path)
    except OSError:
        now = None
    if now is None or not now.same_content(expect):
        raise changed_error(path)


def changed_error(path: Path) -> WriteRefused:
    return WriteRefused(
        "the workbook changed since it was read",
        file=str(path),
        hint="someone saved it in the meantime; run the command again so it reads the "
        "current version",
    )


def backup_path(target: Path) -> Path:
    """NAME.bak.xlsx: where the newest backup of `target` always is."""
    return target.with_name(f"{target.stem}.bak{target.suffix}")


def keep_backup(target: Path) -> Path:
    """Copy `target` to NAME.bak.xlsx and return that path. The backup that was there is kept,
    renamed NAME.bak-YYYYMMDD-HHMMSS.xlsx after the time the version it holds was saved: the
    newest backup is always NAME.bak.xlsx, older ones sort by time, none is ever deleted. The
    copy is complete before any name changes, so a failure leaves the backups as they were."""
    newest = backup_path(target)
    prefix = f"{TEMP_PREFIX}{os.getpid()}-"  # a killed run's leftover is then cleaned up
    fd, scratch = tempfile.mkstemp(prefix=prefix, suffix=".bak", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(target, scratch)
        if newest.exists():
            stamp = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
            older = target.with_name(f"{target.stem}.bak-{stamp}{target.suffix}")
            n = 1
            while older.exists():
                n += 1
                older = target.with_name(f"{target.stem}.bak-{stamp}-{n}{target.suffix}")
            os.replace(newest, older)
        os.replace(scratch, newest)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
    return newest


def atomic_write(
    target: Path,
    write: Callable[[BinaryIO], None],
    *,
    check: Callable[[Path], None] | None = None,
    before_replace: Callable[[], None] | None = None,
    durable: bool = True,
    sweep: bool = True,
) -> Path:
    """Write `target` through a temporary file beside it; on any failure the temporary file is
    removed and `target` is as it was. `check` validates the written temporary file;
    `before_replace` runs last (re-checking locks and fingerprints) before the rename.
    `durable=False` skips the fsyncs (files the tool can make again, such as packs: the rename
    is atomic all the same); `sweep=False` leaves stale temporary files to the caller, which
    sweeps the folder once (`remove_stale_temps`) instead of once per file.

    A symlink is followed: the file it points to is written and the link stays a link. A
    read-only file and a file with other hard links are refused (WriteRefused): the rename
    would replace the one and split the other. An OSError (full disk, permissions, read-only
    folder, path too long) becomes WriteRefused with what to do. Returns the path written."""
    real = writable_target(target)
    folder = real.parent
    try:
        if sweep:
            remove_stale_temps(folder)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=real.suffix, dir=folder
        )
    except OSError as exc:
        raise os_problem(exc, target, kept=True) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        if check is not None:
            check(tmp)
        if real.exists():
            shutil.copymode(real, tmp)
        else:  # mkstemp makes the file private; give it the mode a plain new file would get
            os.chmod(tmp, new_file_mode())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, real)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise os_problem(exc, target, kept=True) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(folder)
    return real


def writable_target(target: Path) -> Path:
    """The file a write to `target` really changes (a symlink followed), after refusing a
    read-only file, a file with other hard links, and one open in another program."""
    target = Path(target)
    real = Path(os.path.realpath(target))
    if real != target:
        refuse_if_open(real)
    try:
        st = real.stat()
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise os_problem(exc, target) from None
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteRefused(
            "the file is read-only",
            file=str(target),
            hint=f"allow writing to it (chmod u+w '{target}'; on Windows: Properties > clear "
            "'Read-only') and run again, or write to another file",
        )
    if st.st_nlink > 1:
        raise WriteRefused(
            f"the file has {st.st_nlink} hard links (other names for the same file): a new "
            "version written safely (beside it, then renamed) would leave the other names "
            "with the old content",
            file=str(target),
            hint="write to another file (merge: -o NEW.xlsx), or give this name its own copy "
            f"first (cp '{target}' copy.xlsx && mv copy.xlsx '{target}') and run again",
        )
    return real


@functools.cache
def new_file_mode() -> int:
    """0o666 less the umask, read once (os.umask can only be read by setting it)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temporary files left by a writer that was killed (its process is gone)."""
    removed = []
    for candidate in folder.glob(f"{TEMP_PREFIX}*"):
        found = re.match(re.escape(TEMP_PREFIX) + r"(\d+)-", candidate.name)
        if found and not _alive(int(found.group(1))):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but is not ours, or we cannot tell: leave its file alone
    return True


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform (Windows); the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
