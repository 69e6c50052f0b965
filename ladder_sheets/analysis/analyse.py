"""The analysed cycle: gaps and promotion readiness from one index of the ratings, shared by
merge (the Gap Analysis and Promotion Readiness sheets), packs and calibrate."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ladder_sheets.analysis.gaps import gap_table
from ladder_sheets.analysis.rating_index import RatingHistory
from ladder_sheets.analysis.readiness import readiness_table
from ladder_sheets.model import Framework, Table
from ladder_sheets.values import cycle_index


@dataclass
class Analysed:
    """Gap rows (employee x competency), readiness rows (employee), the cycle they describe
    (None when the ratings hold no cycle) and the index of the ratings they were computed from."""

    readiness: pd.DataFrame
    index: RatingHistory
    gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    cycle: str | None = None


def analyse(
    framework: Framework,
    history: Table | None = None,
    evidence: Table | None = None,
    *,
    cycle: str | None = None,
    gaps: bool = True,
) -> Analysed:
    """Analyse `cycle` (default: the latest with manager ratings). `history` and `evidence`
    default to the framework's own tables (merge passes the merged ones); `gaps=False` skips
    the gap table (calibrate reads only readiness)."""
    history = history if history is not None else framework.history
    evidence = evidence if evidence is not None else framework.evidence
    index = RatingHistory.from_table(history)  # one index for both tables
    gap = gap_table(framework, history, cycle=cycle, history=index) if gaps else pd.DataFrame()
    ready = readiness_table(framework, history, evidence, cycle=cycle, history=index)
    return Analysed(ready, index, gap, analysed_cycle(gap, ready, cycle))


def analysed_cycle(gaps: pd.DataFrame, readiness: pd.DataFrame, chosen: str | None) -> str | None:
    """The cycle the analysis tables describe: the one asked for, else the latest they
    report (people not rated yet carry an earlier cycle on their readiness row)."""
    if chosen:
        return chosen
    for df in (readiness, gaps):
        if "cycle" in df.columns and df["cycle"].notna().any():
            return max((str(c) for c in df["cycle"].dropna().unique()), key=cycle_index)
    return None
