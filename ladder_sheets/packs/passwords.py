"""Passwords for encrypted packs: read from the HR team's CSV or generated, one per recipient,
and the list of generated ones written beside (never into) the packs folder."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

from ladder_sheets.api import PathLike
from ladder_sheets.errors import DataError, LadderError, UnreadableFile
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


def save_passwords(
    chosen: list[Recipient],
    used: dict[str, str],
    out: Path,
    passwords: PathLike | None,
    passwords_out: PathLike | None,
    generated: bool,
) -> Path:
    """Where the passwords are kept: the given file, or a new CSV beside the packs folder."""
    if passwords and not generated and not passwords_out:
        return Path(passwords)
    target = Path(passwords_out) if passwords_out else out.parent / f"{out.name}-passwords.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Employee ID", "Name", "Email", "File", "Password"])
        for r in chosen:
            w.writerow([r.employee_id, r.name, r.email, r.file_name, used[r.employee_id]])
    return target


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
