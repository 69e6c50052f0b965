"""Findings about an export's rows, found a column at a time and reported in row order, with a
cap per code so that a column of bad values does not drown the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ladder_sheets.findings import Finding, Severity, Where

MAX_PER_CODE = 25  # findings of one code listed one by one; the rest are summed up

# What a finding says about its n-th row: message, hint and place.
Describe = Callable[[int], tuple[str, str, Where]]


@dataclass
class _Batch:
    code: str
    severity: Severity
    keys: np.ndarray  # (row, step, slot) of each finding, one per row of the array
    describe: Describe


@dataclass
class Notes:
    """Batches of findings keyed by (row, step within the row, slot within the step), so the
    report lists them as a row-by-row reading would have found them."""

    batches: list[_Batch] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        rows: np.ndarray,
        step: int,
        slots: np.ndarray | int,
        describe: Describe,
    ) -> None:
        """Findings at `rows` (row numbers of Rows.rows); `describe(n)` words the n-th."""
        if not len(rows):
            return
        keys = np.empty((len(rows), 3), dtype=np.int64)
        keys[:, 0], keys[:, 1], keys[:, 2] = rows, step, slots
        self.batches.append(_Batch(code, severity, keys, describe))

    def close(self, file: str) -> list[Finding]:
        # per code: every finding counted, the first MAX_PER_CODE in row order worded
        codes: dict[str, list[_Batch]] = {}
        for batch in self.batches:
            codes.setdefault(batch.code, []).append(batch)
        listed: list[tuple[tuple[int, int, int], Finding]] = []
        totals: list[tuple[tuple[int, int, int], str, int]] = []
        for code, batches in codes.items():
            keys = np.concatenate([b.keys for b in batches])
            owner = np.concatenate([np.full(len(b.keys), n) for n, b in enumerate(batches)])
            local = np.concatenate([np.arange(len(b.keys)) for b in batches])
            order = np.lexsort((keys[:, 2], keys[:, 1], keys[:, 0]))
            for pos in order[:MAX_PER_CODE].tolist():
                batch = batches[owner[pos]]
                message, hint, where = batch.describe(int(local[pos]))
                key = (int(keys[pos, 0]), int(keys[pos, 1]), int(keys[pos, 2]))
                listed.append((key, Finding(code, batch.severity, message, hint, where)))
            first = order[0]
            totals.append(
                ((int(keys[first, 0]), int(keys[first, 1]), int(keys[first, 2])), code, len(keys))
            )
        listed.sort(key=lambda item: item[0])
        out = [finding for _, finding in listed]
        for _, code, n in sorted(totals):
            if n > MAX_PER_CODE:
                first_finding = next(f for f in out if f.code == code)
                out.append(
                    Finding(
                        code,
                        first_finding.severity,
                        f"{n - MAX_PER_CODE} more like the above",
                        first_finding.hint,
                        Where(file=file),
                    )
                )
        return out
