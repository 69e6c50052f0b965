"""gap_table and readiness_table given one rating index give what each builds on its own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ladder_sheets import api
from ladder_sheets.analysis import gap_table, readiness_table
from ladder_sheets.analysis.rating_index import RatingHistory

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_one_index_serves_both_tables_unchanged() -> None:
    exports = sorted((SAMPLES / "exports").iterdir())
    result = api.check(SAMPLES / "acme_framework.xlsx", exports)
    framework, ratings = result.framework, result.ratings
    assert len(ratings) > 1000, "the sample exports hold the ratings of several cycles"
    shared = RatingHistory.from_table(ratings)
    pd.testing.assert_frame_equal(
        gap_table(framework, ratings, history=shared), gap_table(framework, ratings)
    )
    pd.testing.assert_frame_equal(
        readiness_table(framework, ratings, history=shared), readiness_table(framework, ratings)
    )
