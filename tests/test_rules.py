"""Rules written once: a blank rater type is the manager's rating, and the rating scale."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

import ladder_sheets
from ladder_sheets.analysis.calibration.distributions import manager_ratings
from ladder_sheets.commands.merge_history import normalise_keys
from ladder_sheets.model import (
    MANAGER,
    SCALE,
    SCALE_POINTS,
    SCALE_TEXT,
    manager_rows,
    rater_type_or_manager,
)

PACKAGE = Path(ladder_sheets.__file__).resolve().parent


def test_a_blank_rater_type_is_the_managers_rating():
    for blank in (None, "", "   ", math.nan, np.nan):
        assert rater_type_or_manager(blank) == MANAGER
    assert rater_type_or_manager(" Self ") == "self"
    assert rater_type_or_manager("MANAGER") == MANAGER
    raters = pd.Series(["manager", None, "self", "", "Manager", "peer", math.nan], dtype=object)
    assert manager_rows(raters).tolist() == [True, True, False, True, True, False, True]
    assert manager_rows(np.array(["", "self", "manager"], dtype=object)).tolist() == [
        True,
        False,
        True,
    ]


def test_every_reader_of_ratings_applies_it():
    ratings = pd.DataFrame(
        {
            "cycle": ["2026-Q3"] * 4,
            "employee_id": ["E1", "E2", "E3", "E4"],
            "competency": ["Delivery"] * 4,
            "rater_type": [None, "manager", "self", "  "],
            "rating": [3, 4, 5, 2],
        }
    )
    assert manager_ratings(ratings, "2026-Q3")["employee_id"].tolist() == ["E1", "E2", "E4"]
    assert normalise_keys(ratings)["rater_type"].tolist() == [MANAGER, MANAGER, "self", MANAGER]


def test_the_scale_is_spelled_once():
    assert SCALE == (1, 5)
    assert SCALE_POINTS == (1, 2, 3, 4, 5) and SCALE_TEXT == "1-5"
    literal = re.compile(r"(?<![\d.-])1 ?(?:-|to|–) ?5(?![\d.])")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "scale.py" and path.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in docstrings and literal.search(text):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.Tuple) and [ast.unparse(e) for e in node.elts] == ["1", "5"]:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: (1, 5)")
    assert not found, (
        "use SCALE / SCALE_POINTS / SCALE_TEXT (ladder_sheets/scale.py):\n" + "\n".join(found)
    )
