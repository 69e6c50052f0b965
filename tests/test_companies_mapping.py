"""`inspect --write-mapping` then `--mapping` reproduces the reading on every invented company:
the same tables, value for value, and the same merge result (statuses) where merge goes
through without a mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from companies.roster import COMPANIES, Company

import ladder_sheets as ls
from ladder_sheets.commands.inspect import inspect
from ladder_sheets.workbook.reader import read_framework


@pytest.mark.parametrize("company", COMPANIES, ids=[c.name for c in COMPANIES])
def test_written_mapping_reproduces_every_company(company: Company, tmp_path: Path) -> None:
    workbook, exports = company.write(tmp_path, "both")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(inspect(workbook, exports).mapping_toml(), encoding="utf-8")
    plain = read_framework(workbook)
    mapped = read_framework(workbook, mapping=mapping)
    assert plain.tables.keys() == mapped.tables.keys()
    for name, table in plain.tables.items():
        pd.testing.assert_frame_equal(
            table.data.reset_index(drop=True),
            mapped.tables[name].data.reset_index(drop=True),
            obj=f"{company.name}: {name}",
        )
    # check answers the same with and without the mapping
    without = ls.check(workbook, exports).report
    with_it = ls.check(workbook, exports, mapping=mapping).report
    assert sorted(f.code for f in without.errors) == sorted(f.code for f in with_it.errors)
