"""Each promotion criterion checked, and what falls short said in words a manager can act on.

Codes are stable (tests and writers use them); sentences are for people. Missing data comes
first in the list, then the measurable criteria, then sign-off.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ladder_sheets.analysis.gaps import rounded, shown
from ladder_sheets.analysis.rating_index import RatingHistory
from ladder_sheets.values import time_in_words

# Sentences about sign-off rather than a measurable criterion: the committee's and the
# manager's to settle, which an employee's pack leaves out unless asked (packs --sign-off).
ENDORSEMENT_MISSING = "manager endorsement not recorded"
CALIBRATION_MISSING = "calibration confirmation not recorded"
COMMITTEE_SAID = "the calibration committee decided"


def is_sign_off(sentence: str) -> bool:
    return sentence in (ENDORSEMENT_MISSING, CALIBRATION_MISSING) or sentence.startswith(
        COMMITTEE_SAID
    )


# Ratings and averages are compared with this slack: 3.5 summed from decimals is still 3.5.
TOLERANCE = 1e-9


@dataclass
class Assessment:
    insufficient: list[tuple[str, str]] = field(default_factory=list)
    measures: list[tuple[str, str]] = field(default_factory=list)
    sign_offs: list[tuple[str, str]] = field(default_factory=list)
    committee: str | None = None  # the committee's "Not yet" for the cycle, which overrides
    carried: str | None = None  # not rated in the cycle: the status is from an earlier one

    @property
    def _all(self) -> list[tuple[str, str]]:
        said = [("not-rated-yet", self.carried)] if self.carried else []
        said += [("committee-not-yet", self.committee)] if self.committee else []
        return said + self.insufficient + self.measures + self.sign_offs

    @property
    def failed_measures(self) -> int:
        """Criteria that fall short (the floor counts once however many ratings are low)."""
        return len({code for code, _ in self.measures})

    @property
    def sentences(self) -> list[str]:
        return [text for _, text in self._all]

    @property
    def codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for code, _ in self._all:
            seen.setdefault(code, None)
        return list(seen)

    def missing(self, code: str, text: str) -> None:
        self.insufficient.append((code, text))

    def sign_off(self, code: str, text: str) -> None:
        self.sign_offs.append((code, text))

    def check_average(self, average: float, required: float) -> None:
        if math.isnan(required) or math.isnan(average):
            return
        if average < required - TOLERANCE:
            shown_avg = _apart(average, required)
            self.measures.append(
                (
                    "average-below-minimum",
                    f"average {shown_avg} is below the {limit(required)} required",
                )
            )

    def check_floor(self, ratings: list[tuple[str, float]], floor: float) -> None:
        if math.isnan(floor):
            return
        for name, value in ratings:
            if value < floor - TOLERANCE:
                self.measures.append(
                    (
                        "rating-below-floor",
                        f"{name} rated {shown(value)}, below the floor of {limit(floor)}",
                    )
                )

    def check_run(self, run: int, required: float, target: str | None, short: list[str]) -> None:
        if math.isnan(required) or run >= required:
            return
        text = (
            f"operating at {target} for {run} of the {limit(required)} consecutive cycles required"
        )
        if short:
            text += f" (below {target} in {', '.join(short)})"
        self.measures.append(("not-operating-at-next", text))

    def check_time(self, quarters: float, required: float) -> None:
        if math.isnan(required) or math.isnan(quarters):
            return
        if quarters < required - TOLERANCE:
            self.measures.append(
                (
                    "time-in-level",
                    # as a person says it: "in level 1 year 4 months of the 2 years required"
                    f"in level {time_in_words(quarters, below=required)} of the "
                    f"{time_in_words(required)} required",
                )
            )

    def check_scope(self, met: bool, criteria: str | None) -> None:
        if not met:
            self.measures.append(
                ("scope-not-met", f"scope criteria not recorded as met: {criteria}")
            )


def run_at_next(
    history: RatingHistory,
    employee: str,
    cycle: str,
    expected: dict[str, float],
    expected_in: Callable[[str], dict[str, float] | None] | None = None,
) -> tuple[int, list[str]]:
    """Consecutive cycles, ending at `cycle`, in which the manager rated every competency the
    next level expects at or above that expectation. Consecutive means the review cycles the
    organisation ran (RatingHistory.previous_cycle: half-yearly reviews are two quarters apart);
    a cycle the person was not rated in breaks the run.
    An earlier cycle is judged by `expected_in(cycle)` where that gives its own expectations
    (the framework version in force then), else by `expected`. Also returns the competency
    keys that kept `cycle` itself from counting."""
    if not expected:
        return 0, []  # nothing to operate at; the caller reports the empty level
    now = history.manager.cycle(cycle)
    short = [
        c
        for c, want in expected.items()
        if (r := now.get((employee, c))) is None or r.value < want - TOLERANCE
    ]
    run = 0
    earlier: str | None = cycle
    while earlier is not None:
        bar = expected_in(earlier) if run and expected_in is not None else None
        if not _operating(history, employee, earlier, bar or expected):
            break
        run += 1
        earlier = history.previous_cycle(earlier)
    return run, short


def run_before(
    history: RatingHistory,
    employee: str,
    cycle: str,
    expected: dict[str, float],
    expected_in: Callable[[str], dict[str, float] | None] | None = None,
) -> int:
    """The run run_at_next would count ending at the review cycle before `cycle`, each earlier
    cycle judged as run_at_next judges it."""
    run = 0
    earlier = history.previous_cycle(cycle)
    while earlier is not None:
        bar = expected_in(earlier) if expected_in is not None else None
        if not _operating(history, employee, earlier, bar or expected):
            break
        run += 1
        earlier = history.previous_cycle(earlier)
    return run


def _operating(
    history: RatingHistory, employee: str, cycle: str, expected: dict[str, float]
) -> bool:
    ratings = history.manager.cycle(cycle)  # looked up once: called per person and cycle
    for competency, want in expected.items():
        rating = ratings.get((employee, competency))
        if rating is None or rating.value < want - TOLERANCE:
            return False
    return True


def limit(value: float) -> str:
    """A threshold as typed in the criteria (4.05 stays 4.05; thresholds are never rounded)."""
    return rounded(value, 4)


def _apart(value: float, threshold: float) -> str:
    """The value with enough decimals that it does not read as equal to the threshold."""
    for places in (2, 3, 4, 6):
        text = rounded(value, places)
        if text != limit(threshold):
            return text
    return repr(value)
