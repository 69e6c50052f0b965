"""check's word on when a history store pays off.

Measured (scripts/measure_store.py cpu WORK 2000-c3 2000-c8 2000-c16: the benchmark's
organisations of 2,000 people, `benchmarks.run --work` folders; CPU seconds, user + sys, of
each call in a fresh interpreter after its imports, because the 2 cores were shared with other
jobs, load average 3-7; two runs each, each on a fresh copy; the history cache warm as merge
leaves it, and the store made by `history store` before the merge):

    cycles  history rows   rows only    merge of one cycle    check after it     workbook MB
            after merge    in store     sheet     store       sheet    store     sheet  store
    3       133,020        0            16.7-17.4 15.2-15.8   1.5-1.7  1.6-1.6   8.1    8.1
    8       355,380        133,224      19.4-19.9 17.6-19.8   2.1-2.2  2.3-2.5   14.1   10.5
    16      709,296        487,548      26.9-27.1 20.3-20.6   3.0-3.2  3.4-3.7   23.7   10.5

So a store pays off in merge, which rewrites and rescans the history sheets: 6.5 s of 27 for
the 487,548 ratings it takes out of them at 16 cycles, about 13 microseconds a rating (ROW_COST;
at 8 cycles the 0.9 s saved is within the spread). It does not in check once the cache is warm
(the cache makes the sheets cost little; the store's rows are read and typed on every run:
0.2-0.5 s more, and 150-200 MB more at the peak). The note therefore counts the ratings a store
would take out of the sheets (those of the cycles before the ones Ratings History keeps,
store/write.kept_cycle_count) and speaks past PAYOFF_ROWS of them, where a merge would save
PAYOFF_SECONDS; and past PAYOFF_MB megabytes of workbook (not measured here: the issue's 18 s
for LibreOffice to open 1.77M rows; the 16-cycle workbook above is 23.7 MB, 10.5 MB with a
store), where the file is slow to open and to send.
"""

from __future__ import annotations

from ladder_sheets.findings import Finding, Where, info
from ladder_sheets.model import Framework

ROW_COST = 13e-6  # CPU seconds of merge per rating a store takes out of the sheets
PAYOFF_SECONDS = 5.0
PAYOFF_ROWS = int(PAYOFF_SECONDS / ROW_COST)  # 384,615 ratings out of the sheets
PAYOFF_MB = 25.0


def store_advice(framework: Framework) -> list[Finding]:
    """An info finding when the workbook's history is past the point where a store pays off
    (never for a workbook that already has one)."""
    if framework.store is not None:
        return []
    from ladder_sheets.store.write import kept_cycle_count, kept_cycles

    history = framework.table("history").data
    rows = len(history)
    kept: tuple[str, ...] = ()
    moved = 0
    if rows >= PAYOFF_ROWS:  # else fewer than that could move (counting costs a pass)
        kept = kept_cycles(history, kept_cycle_count(framework))
        counts = history["cycle"].value_counts(dropna=False)
        moved = int(sum(n for cycle, n in counts.items() if str(cycle) not in set(kept)))
    try:
        size = framework.path.stat().st_size / 1e6
    except OSError:
        size = 0.0
    if moved < PAYOFF_ROWS and size < PAYOFF_MB:
        return []
    reason = (
        f"{moved:,} of the {rows:,} ratings in the workbook's history are of cycles before the "
        f"{len(kept)} readiness and trends need (past {PAYOFF_ROWS:,}: kept in the sheets, they "
        f"cost about {moved * ROW_COST:.0f} s of every merge)"
        if moved >= PAYOFF_ROWS
        else f"the workbook is {size:.0f} MB (past {PAYOFF_MB:.0f} MB, slow to open and to send)"
    )
    sheet = framework.sheet("history")
    return [
        info(
            "history-store-pays-off",
            f"{reason}: a history store beside the workbook would hold the whole history in a "
            "file of about a hundredth the size, and Ratings History would keep the cycles "
            "readiness and trends need",
            f"ladder-sheets history store {framework.path.name} --backup "
            "(then keep the workbook and its .history.parquet file together)",
            Where(file=str(framework.path), sheet=sheet, cell="A1"),
        )
    ]
