"""Every colour, number format and conditional-format rule of the generated sheets.

Kept in one place so Gap Analysis, Promotion Readiness, Ratings History (and the packs) look
alike, and so a change of palette is one edit. Formats are xlsxwriter workbook objects: `Styles`
creates each one once per workbook and hands the same object to every sheet.
"""

from __future__ import annotations

import weakref
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

# Palette: muted enough to print, distinct for colour-blind readers (red/green scale has a white
# midpoint and below-expectation cells also get a bold font, so colour is never the only cue).
NAVY = "#1F3864"
WHITE = "#FFFFFF"
GREY_TEXT = "#595959"
RED = "#F8696B"
RED_FILL = "#FFC7CE"
RED_TEXT = "#9C0006"
GREEN = "#63BE7B"
GREEN_FILL = "#C6EFCE"
GREEN_TEXT = "#006100"
PALE_GREEN_FILL = "#E2F0D9"
AMBER_FILL = "#FFEB9C"
AMBER_TEXT = "#9C5700"
BLUE_FILL = "#DDEBF7"
BLUE_TEXT = "#1F4E78"
GREY_FILL = "#EDEDED"

# Number formats. Ratings and expectations use General so 3 shows "3" and 3.5 "3.5". Gaps
# show their sign and one decimal ("+General" would drop the ".0" but Google Sheets does not
# know General inside a section).
RATING_FORMAT = "General"
GAP_FORMAT = "+0.0;-0.0;0"
AVERAGE_FORMAT = "0.00"
QUARTERS_FORMAT = "0.0"
COUNT_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

# Gap scale: fixed ends so 0 is always the white midpoint and -2/+2 are full red/green,
# whatever the spread of one sheet's data.
GAP_SCALE_SPAN = 2

# Status -> (fill, font colour). Keys are the readiness statuses as analysis writes them.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "Ready": (GREEN_FILL, GREEN_TEXT),
    "Ready pending sign-off": (PALE_GREEN_FILL, GREEN_TEXT),
    "Close": (AMBER_FILL, AMBER_TEXT),
    "Not yet": (RED_FILL, RED_TEXT),
    "Top of track": (BLUE_FILL, BLUE_TEXT),
    "Insufficient data": (GREY_FILL, GREY_TEXT),
}

# Widths in characters.
MAX_WIDTH = 40
WRAP_WIDTH = 60
MIN_WIDTH = 6
LINE_HEIGHT = 15  # points per line of wrapped text at the default font

_FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 12, "font_color": NAVY},
    "note": {"italic": True, "font_color": GREY_TEXT},
    "header": {
        "bold": True,
        "font_color": WHITE,
        "bg_color": NAVY,
        "text_wrap": True,
        "valign": "top",
        "border": 1,
        "border_color": "#BFBFBF",
    },
    "text": {"valign": "top"},
    "wrap": {"valign": "top", "text_wrap": True},
    "link": {"valign": "top", "font_color": "#0563C1", "underline": 1},
    "rating": {"valign": "top", "num_format": RATING_FORMAT},
    "gap": {"valign": "top", "num_format": GAP_FORMAT},
    "average": {"valign": "top", "num_format": AVERAGE_FORMAT},
    "quarters": {"valign": "top", "num_format": QUARTERS_FORMAT},
    "count": {"valign": "top", "num_format": COUNT_FORMAT},
    "date": {"valign": "top", "num_format": DATE_FORMAT},
    "datetime": {"valign": "top", "num_format": DATETIME_FORMAT},
    "flag": {"valign": "top", "align": "center"},
    "status": {"valign": "top", "bold": True},
    # Conditional-format formats (dxf): only font/fill/border are honoured there.
    "below": {"bold": True, "font_color": RED_TEXT, "bg_color": RED_FILL},
    "below_font": {"bold": True, "font_color": RED_TEXT},
    "meets_no": {"font_color": RED_TEXT},
    "meets_yes": {"font_color": GREEN_TEXT},
}


class Styles:
    """The formats of one xlsxwriter workbook, created once and shared by its sheets."""

    _by_workbook: weakref.WeakKeyDictionary[xlsxwriter.Workbook, Styles] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        # A weak reference: the registry below maps the workbook to these styles, and a
        # strong one back would keep every workbook (and its sheets) alive for good.
        self._wb = weakref.ref(wb)
        self._made: dict[str, Format] = {}

    @classmethod
    def of(cls, wb: xlsxwriter.Workbook) -> Styles:
        styles = cls._by_workbook.get(wb)
        if styles is None:
            styles = cls._by_workbook[wb] = cls(wb)
        return styles

    def __getitem__(self, name: str) -> Format:
        made = self._made.get(name)
        if made is None:
            if name.startswith("status:"):
                fill, font = STATUS_COLOURS[name.removeprefix("status:")]
                spec: dict[str, Any] = {"bg_color": fill, "font_color": font, "bold": True}
            else:
                spec = _FORMATS[name]
            wb = self._wb()
            if wb is None:
                raise RuntimeError("the workbook of these styles is gone")
            made = self._made[name] = wb.add_format(spec)
        return made


# Conditional-format rules. Each returns xlsxwriter `conditional_format` options; formulas are
# written for the top-left cell of the range and Excel shifts them down the rows.


def gap_scale() -> dict[str, Any]:
    """Diverging scale on gap cells: negative red, 0 white, positive green."""
    return {
        "type": "3_color_scale",
        "min_type": "num",
        "min_value": -GAP_SCALE_SPAN,
        "min_color": RED,
        "mid_type": "num",
        "mid_value": 0,
        "mid_color": WHITE,
        "max_type": "num",
        "max_value": GAP_SCALE_SPAN,
        "max_color": GREEN,
    }


def below_rule(styles: Styles, value_cell: str, floor_cell: str) -> dict[str, Any]:
    """Marks a number below its floor (a rating below expectation), both cells relative.
    ISNUMBER keeps blanks and text ("n/a") unmarked."""
    return {
        "type": "formula",
        "criteria": (
            f"=AND(ISNUMBER({value_cell}),ISNUMBER({floor_cell}),{value_cell}<{floor_cell})"
        ),
        "format": styles["below"],
    }


def negative_rule(styles: Styles, cell: str) -> dict[str, Any]:
    """Bold red font on a negative gap; the font leaves the scale's fill visible."""
    return {
        "type": "formula",
        "criteria": f"=AND(ISNUMBER({cell}),{cell}<0)",
        "format": styles["below_font"],
    }


def text_rule(styles: Styles, text: str, format_name: str) -> dict[str, Any]:
    """Colours a cell whose text equals `text`, so an edited cell recolours."""
    quoted = text.replace('"', '""')
    return {
        "type": "cell",
        "criteria": "equal to",
        "value": f'"{quoted}"',
        "format": styles[format_name],
    }


def status_rules(styles: Styles) -> list[dict[str, Any]]:
    return [text_rule(styles, status, f"status:{status}") for status in STATUS_COLOURS]


def meets_rules(styles: Styles) -> list[dict[str, Any]]:
    return [text_rule(styles, "No", "meets_no"), text_rule(styles, "Yes", "meets_yes")]
