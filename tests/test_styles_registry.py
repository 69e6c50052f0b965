"""Styles.of shares one set of formats per workbook without keeping the workbook alive."""

from __future__ import annotations

import gc
import io
import weakref

import xlsxwriter

from ladder_sheets.sheets.styles import Styles


def test_styles_are_shared_and_released_with_their_workbook() -> None:
    wb = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    assert Styles.of(wb) is Styles.of(wb)
    assert Styles.of(wb)["title"] is Styles.of(wb)["title"]
    gone = weakref.ref(wb)
    wb.close()
    del wb
    gc.collect()
    assert gone() is None  # a strong reference back from the registry kept every workbook
