"""Passwords for encrypted packs: read from the HR team's CSV or generated, one per recipient,
and the record of them written beside (never into) the packs folder: 0600, through a temporary
file, earlier rows kept so that a re-run for a few recipients loses nobody's password."""

from __future__ import annotations

import csv
import io
import os
import secrets
import tempfile
from pathlib import Path

from ladder_sheets.api import PathLike
from ladder_sheets.errors import DataError, LadderError, UnreadableFile, os_problem
from ladder_sheets.packs.recipients import Recipient


def pack_passwords(
    chosen: list[Recipient], passwords: PathLike | None
) -> tuple[dict[str, str], bool]:
    """A password per recipient: the given ones, or new random ones (then the flag is True)
    when no file (or an empty one) is given."""
    given = read_passwords(Path(passwords)) if passwords else {}
    lacking = [r.employee_id for r in chosen if given and r.employee_id not in given]
    if lacking:
        raise DataError(
            f"no password for {len(lacking)} recipient(s): {', '.join(lacking[:10])}",
            file=str(passwords),
            hint="add a row (Employee ID, Password) for each, or leave out --passwords to "
            "have passwords generated",
        )
    if given:
        return {r.employee_id: given[r.employee_id] for r in chosen}, False
    return {r.employee_id: new_password() for r in chosen}, True


# Letters and digits that cannot be mistaken for one another when read out over the phone:
# no l, I, 1, 0 or O. Nothing else, so no password starts with "-" (which tools such as
# msoffcrypto-tool take for an option).
READABLE = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def new_password(groups: int = 4, size: int = 4) -> str:
    """A random password in groups joined by "-" ("Kx7m-Pq3r-..."): 16 characters of 57,
    about 93 bits."""
    return "-".join("".join(secrets.choice(READABLE) for _ in range(size)) for _ in range(groups))


def password_record(out: Path, passwords_out: PathLike | None) -> Path:
    """Where the passwords are recorded: `passwords_out`, or `<folder>-passwords.csv` beside
    the packs folder. Never inside the folder the packs go to (they are sent from there):
    paths are compared resolved, so `-o .` run inside the folder is caught too."""
    folder = Path(out).resolve()
    beside = folder.parent / f"{folder.name}-passwords.csv"
    target = Path(passwords_out) if passwords_out else beside
    if target.resolve().is_relative_to(folder):
        raise LadderError(
            "the passwords file would be written inside the packs folder, next to the packs "
            "it opens",
            file=str(target),
            hint=f"name a file outside {folder} with --passwords-out (for example "
            f"--passwords-out '{beside}')",
        )
    return target


def save_passwords(
    chosen: list[Recipient],
    used: dict[str, str],
    out: Path,
    passwords: PathLike | None,
    passwords_out: PathLike | None,
    generated: bool,
) -> Path:
    """Record the passwords used: the given file stays the record when it was used as is;
    otherwise they are added to the record beside the packs folder (or `passwords_out`):
    earlier rows are kept (a re-run with --only replaces only its own recipients' rows),
    the file is written 0600 through a temporary file and renamed."""
    if passwords and not generated and not passwords_out:
        return Path(passwords)
    target = password_record(out, passwords_out)
    rows = _earlier_rows(target)
    for r in chosen:
        rows[r.employee_id] = [r.employee_id, r.name, r.email, r.file_name, used[r.employee_id]]
    buffer = io.StringIO()
    w = csv.writer(buffer)
    w.writerow(RECORD_COLUMNS)
    w.writerows(rows.values())
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".passwords-", suffix=".csv", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            os.fchmod(fd, 0o600)  # mkstemp makes it 0600 already; said here on purpose
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                fh.write(buffer.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise os_problem(exc, target, "write the passwords file") from None
    return target


RECORD_COLUMNS = ["Employee ID", "Name", "Email", "File", "Password"]


def _earlier_rows(target: Path) -> dict[str, list[str]]:
    """The record's rows by Employee ID, when the file exists (else none)."""
    if not target.exists():
        return {}
    earlier = read_passwords(target)
    try:
        records = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError):
        records = []
    rows: dict[str, list[str]] = {}
    for record in records:
        key = (record.get("Employee ID") or "").strip()
        if key in earlier:
            rows[key] = [key, *(record.get(c) or "" for c in RECORD_COLUMNS[1:4]), earlier[key]]
    for key, password in earlier.items():
        rows.setdefault(key, [key, "", "", "", password])
    return rows


def read_passwords(path: Path) -> dict[str, str]:
    """A CSV of Employee ID and Password (header row required; other columns ignored)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(
            f"could not read the passwords file ({exc})",
            file=str(path),
            hint="save it as CSV (UTF-8) with the columns Employee ID and Password",
        ) from exc
    rows = list(csv.DictReader(text.splitlines()))
    norm = {k.strip().lower(): k for k in (rows[0].keys() if rows else [])}
    if "employee id" not in norm or "password" not in norm:
        raise LadderError(
            "the passwords file needs the columns 'Employee ID' and 'Password'",
            file=str(path),
            hint="add a header row: Employee ID,Password",
        )
    return {
        r[norm["employee id"]].strip(): r[norm["password"]]
        for r in rows
        if r.get(norm["employee id"]) and r.get(norm["password"])
    }
