"""The framework in force for each cycle, for analyses that look back over several cycles.

"Operating at the next level" in 2026-Q2 is judged by 2026-Q2's expectations: the recorded
version for that cycle (ladder_sheets.versions), the current framework for the latest cycle
and for cycles without a recorded version.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from ladder_sheets.analysis.ladder import Ladder
from ladder_sheets.model import Framework
from ladder_sheets.versions import FrameworkVersions, Version, snapshot

# What places a person in a ladder.
_HELD = ("family", "level", "track")


class CycleLadders:
    """Frameworks and ladders per cycle, built once per version (0 is the current framework).
    `analysed` is the cycle analysed; `latest` the latest cycle of the history."""

    def __init__(self, current: Framework, analysed: str | None, latest: str | None) -> None:
        self.current = current
        self.latest = latest
        self._frameworks: dict[int, Framework] = {0: current}
        self._ladders: dict[int, Ladder] = {}
        self._next: dict[Any, dict[str, float] | None] = {}
        self.analysed_number = self.number(analysed)

    def number(self, cycle: str | None) -> int:
        """The version that judges `cycle` (0: the current framework)."""
        versions = self.current.versions
        if versions is None or cycle is None or cycle == self.latest:
            return 0
        version = versions.version_of(cycle)
        return 0 if version is None else version.number

    def framework(self, number: int) -> Framework:
        fw = self._frameworks.get(number)
        if fw is None:
            assert self.current.versions is not None
            version = self.current.versions.versions[number]
            fw = self._frameworks[number] = version.framework(self.current)
        return fw

    @property
    def analysed(self) -> Framework:
        """The framework the analysed cycle is judged by."""
        return self.framework(self.analysed_number)

    def next_expected(self, cycle: str, person: dict[Any, Any]) -> dict[str, float] | None:
        """What the person's next level expects in `cycle`'s framework (competency key ->
        expectation), or None when the analysed cycle's framework judges `cycle` too, or
        `cycle`'s version does not place the person's level."""
        number = self.number(cycle)
        if number == self.analysed_number:
            return None
        # the same for everyone holding the level as written (asked per person and cycle)
        held = tuple((v.__class__, v) for v in (person.get(k) for k in _HELD))
        try:
            return self._next[number, held]
        except KeyError:
            found = self._next[number, held] = self._next_expected(number, person)
            return found
        except TypeError:  # not a key (a list in a cell)
            return self._next_expected(number, person)

    def _next_expected(self, number: int, person: dict[Any, Any]) -> dict[str, float] | None:
        ladder = self._ladders.get(number)
        if ladder is None:
            ladder = self._ladders[number] = Ladder.from_framework(self.framework(number))
        level = ladder.level(person.get("family"), person.get("level"), person.get("track"))
        if level is None or level.next_level is None:
            return None
        expected = ladder.expected(level.family, level.next_level)
        return {c: e.expected for c, e in expected.items() if not math.isnan(e.expected)}


def record_cycles(
    versions: FrameworkVersions | None,
    cycles: Iterable[str],
    framework: Framework,
    now: dt.datetime | None = None,
) -> FrameworkVersions:
    """`versions` with every cycle of `cycles` not recorded yet judged by `framework`: the
    latest version when it is the same framework, else a new version. Recorded cycles keep
    their version (the framework in force when they were imported)."""
    from ladder_sheets.analysis.framework_diff import diff_frameworks

    before = versions or FrameworkVersions()
    out = FrameworkVersions(dict(before.versions), dict(before.cycles), dict(before.notes))
    todo = sorted({c for c in cycles if c and c not in out.cycles})
    if not todo:
        return out
    latest = out.latest
    number = latest.number if latest is not None else 0
    changes = diff_frameworks(latest.framework(framework), framework) if latest else None
    if latest is None or changes:
        number += 1
        stamp = (now or dt.datetime.now()).replace(microsecond=0).isoformat(sep=" ")
        out.versions[number] = Version(number, stamp, snapshot(framework))
        out.notes[number] = changes.summary() if changes is not None else "first version"
    for cycle in todo:
        out.cycles[cycle] = number
    return out
