"""The ratings each export row may hold ("slots"): the column of each, its competency, rater
type and comment column, each the same for every row or read per row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ladder_sheets.exports.block import Block, clean_text
from ladder_sheets.exports.columns import (
    COMMENT_ROLES,
    RATER_ROLES,
    compact,
    names_competency,
    rater_type,
)
from ladder_sheets.exports.layout import Layout
from ladder_sheets.model import MANAGER

# A value that is the same on every row, or one per row (an object array).
PerRow = Any


@dataclass
class Slot:
    """One rating each row may hold: its column, competency, rater type and comment column,
    each the same for every row or one per row."""

    col: int
    competency: PerRow
    competency_cell: PerRow
    rater: PerRow
    rater_cell: PerRow
    comment_col: PerRow  # int, None, or an object array of int | None


def slot_cols(layout: Layout) -> list[int]:
    """The columns holding ratings, in the order a row's ratings are read."""
    roles = layout.roles
    if layout.shape == "wide":
        return [w.col for w in layout.wide]
    cols = [roles[r] for r in sorted((r for r in RATER_ROLES if r in roles), key=roles.__getitem__)]
    if "rating" in roles and "manager_rating" not in roles:
        cols.append(roles["rating"])
    return cols


def spelled(names: dict[str, str], text: str | None) -> str | None:
    """A name as the framework spells it ("e003" -> "E003"), else as written."""
    return None if text is None else names.get(compact(text), text)


def _competency_reader(layout: Layout, competencies: dict[str, str]) -> Any:
    """A competency cell as the framework spells it; a question's text naming one competency
    at its start or end ("Delivery: How well...") as that competency, kept in the layout to be
    said; anything else as written (the schema reports an unknown one)."""

    def read(value: Any) -> str:
        text = clean_text(value) or ""
        named = names_competency(text, competencies)
        if named is None:
            return text
        if compact(text) not in competencies:  # read from a question's text: to be said
            layout.competency_texts[text] = named
        return named

    return read


def rater_reader(words: dict[str, str]) -> Any:
    """The rater kind of a rater column's cell: the mapping's words first, then the
    vocabulary; an unknown one stays as written (the schema reports it), blank is manager."""
    own = {compact(k): v for k, v in words.items()}

    def read(value: Any) -> str:
        text = clean_text(value)
        if not text:
            return MANAGER
        return own.get(compact(text)) or rater_type(text) or text

    return read


def read_slots(
    layout: Layout, block: Block, at: np.ndarray, competencies: dict[str, str]
) -> list[Slot]:
    """Each rating a row holds: its column, competency, rater type and comment column."""
    roles, headers = layout.roles, layout.headers
    _rater = rater_reader(layout.rater_words)
    row_rater: PerRow = MANAGER  # a blank rater type is the manager's rating
    rater_cell: PerRow = ""
    if "rater_type" in roles:
        col = roles["rater_type"]
        # an unknown rater type stays as written; the schema reports it at its cell
        row_rater = block.map(col, _rater, at)
        rater_cell = block.places(col, at)
    if layout.shape == "wide":
        out = []
        for w in layout.wide:
            comment = w.comment_col if w.comment_col is not None else roles.get("comment")
            header_cell = layout.rows.cell(layout.header, w.col, headers[w.col])
            rater = w.rater or row_rater
            out.append(Slot(w.col, w.competency, header_cell, rater, rater_cell, comment))
        return out
    comp_col = roles["competency"]
    competency = block.map(comp_col, _competency_reader(layout, competencies), at)
    comp_cell = block.places(comp_col, at)
    slots = []
    for role in sorted((r for r in RATER_ROLES if r in roles), key=roles.__getitem__):
        rater = RATER_ROLES[role]
        comment = roles.get(COMMENT_ROLES[rater])
        if comment is None and rater == MANAGER:
            comment = roles.get("comment")
        slots.append(Slot(roles[role], competency, comp_cell, rater, "", comment))
    if "rating" in roles and "manager_rating" not in roles:
        comment_of = lambda r: roles.get("comment", roles.get(COMMENT_ROLES.get(r, "")))  # noqa: E731
        row_comment = (
            comment_of(row_rater)
            if isinstance(row_rater, str)
            else block.map(roles["rater_type"], lambda v: comment_of(_rater(v)), at)
        )
        slots.append(
            Slot(roles["rating"], competency, comp_cell, row_rater, rater_cell, row_comment)
        )
    return slots


def comments(block: Block, at: np.ndarray, slots: list[Slot]) -> tuple[list[Any], list[Any]]:
    """Each slot's comment text and place per row (None and "" where it has no comment)."""
    texts: list[Any] = []
    places: list[Any] = []
    for slot in slots:
        if slot.comment_col is None:
            texts.append(None)
            places.append("")
        elif isinstance(slot.comment_col, int):
            texts.append(block.comments(slot.comment_col)[at])
            places.append(block.places(slot.comment_col, at))
        else:  # the comment column depends on each row's rater type
            text = np.full(len(at), None, dtype=object)
            place = np.full(len(at), "", dtype=object)
            for col in pd.unique(slot.comment_col):
                if col is None:
                    continue
                rows = np.flatnonzero(np.equal(slot.comment_col, col))
                text[rows] = block.comments(col)[at[rows]]
                place[rows] = block.places(col, at[rows])
            texts.append(text)
            places.append(place)
    return texts, places
