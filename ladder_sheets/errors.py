"""Exceptions for what stops a run. Everything else is a Finding.

Each carries the place (file, sheet, cell) and a hint; the CLI maps them once to a message and
an exit code: 2 when an input could not be read, 1 when the user's data stops the work.
"""

from __future__ import annotations

import errno


class LadderError(Exception):
    """Base class: a problem the user can fix, with a place and a hint."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.cell = cell
        self.hint = hint

    def place(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'" + (f", cell {self.cell}" if self.cell else ""))
        return ": ".join(parts)

    def __str__(self) -> str:
        place = self.place()
        text = f"{place}: {self.message}" if place else self.message
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class UnreadableFile(LadderError):
    """Missing, empty, corrupt or of the wrong format."""


class EncryptedFile(UnreadableFile):
    """Password-protected: must be saved without a password first."""


class HostileFile(UnreadableFile):
    """XML bomb, external entities, zip bomb or absurd declared sizes."""


class LayoutError(LadderError):
    """The tables could not be found or mapped (missing sheet/column the run needs)."""

    exit_code = 2


class DataError(LadderError):
    """The data has errors that stop the work (reported as findings first)."""

    exit_code = 1


class OptionError(DataError):
    """An option's value names nothing in the files (a cycle, a family): a wrong option, so
    exit code 2 as for any wrong option."""

    exit_code = 2


class WriteRefused(LadderError):
    """The target workbook is open in Excel, changed since read, or has a hand-edited sheet."""

    exit_code = 1


# What to do when the file system refuses a write: the user's environment, not a bug.
_OS_HINTS = {
    errno.ENOSPC: "the disk is full: free some space (or write to another disk) and run again",
    errno.EDQUOT: "your disk quota is used up: free some space and run again",
    errno.EACCES: "you may not write there: choose a folder you may write to, or ask for access",
    errno.EPERM: "you may not write there: choose a folder you may write to, or ask for access",
    errno.EROFS: "the disk or folder is read-only: write to another folder",
    errno.ENAMETOOLONG: "the path is too long: use a shorter file name or a folder nearer the "
    "top of the disk",
    errno.ENOENT: "the folder does not exist: create it or check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
    errno.EISDIR: "the path is a folder: name a file",
    errno.EMFILE: "too many files are open: close some programs and run again",
    errno.EIO: "the disk reported an error: check the disk or write to another one",
}


def os_problem(
    exc: OSError, path: object = None, doing: str = "write the file", *, kept: bool = False
) -> WriteRefused:
    """An OSError from the user's environment (full disk, permissions, read-only folder, long
    path) as a message with what to do; exit 1, not an internal error."""
    place = exc.filename if exc.filename is not None else path
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = _OS_HINTS.get(exc.errno or -1, "check the folder, the disk and your permissions")
    return WriteRefused(
        f"could not {doing} ({reason})" + ("; the file is as it was" if kept else ""),
        file=str(place) if place is not None else None,
        hint=hint,
    )


class CacheNotExtended(RuntimeWarning):
    """merge could not extend the history cache for a reason other than the ones it checks
    for (workbook/history_extend.py): a bug. merge then reads the whole history again, which
    gives the right cache, only slower; the CLI does not show it (nothing for the user to do),
    the tests turn it into an error (pyproject's filterwarnings), so it is never silent there."""
