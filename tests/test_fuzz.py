"""The structure-aware fuzzer (tests/fuzzing.py) as part of the suite: seeded damaged workbooks
and exports through `check` and `merge`, each ending in exit 0, 1 or 2, without a traceback,
within the time limit and a bounded peak memory, its inputs byte for byte unchanged.

CI runs a few hundred cases; more with `LADDER_FUZZ_CASES=3000` (and `LADDER_FUZZ_SEED`).
The figures go to stdout (`pytest -s`): runs, crashes, exit 3, timeouts, peak memory.
"""

from __future__ import annotations

import os
from pathlib import Path

from fuzzing import make_seeds, run_cases

CASES = int(os.environ.get("LADDER_FUZZ_CASES", "200"))
SEED = int(os.environ.get("LADDER_FUZZ_SEED", "17"))
# A case's peak resident set, which includes the pages the forked child shares with pytest.
MAX_PEAK_MB = 1500


def test_damaged_inputs_end_in_exit_0_1_or_2_in_bounded_memory(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "seeds")
    figures = run_cases(seeds, CASES, SEED, tmp_path / "cases")
    print(figures.summary())
    bad = [
        o
        for o in figures.outcomes
        if not o.ok or o.timed_out or o.crashed or o.peak_kb > MAX_PEAK_MB * 1024
    ]
    assert not bad, "\n".join(
        f"{o.name}: exit {o.code}, {o.seconds:.0f} s, {o.peak_kb // 1024} MB, "
        f"{'traceback, ' if o.traceback else ''}{'input changed, ' if not o.unchanged else ''}"
        f"{o.stderr.strip()[-400:]}"
        for o in bad[:10]
    )
    assert len(figures.outcomes) == CASES
    codes = {o.code for o in figures.outcomes}
    assert {1, 2} <= codes  # the damage is seen, and not all of it is fatal
