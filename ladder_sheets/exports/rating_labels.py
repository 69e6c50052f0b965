"""The export's own set of rating labels, read as one scale (see `scales`) before any row is
read: said when the set decided a number, one finding when the candidate scales disagree. A
label no scale knows stays text and is reported at each cell (rows.py), naming the set found."""

from __future__ import annotations

from dataclasses import dataclass

from ladder_sheets.exports import scales
from ladder_sheets.exports.labels import LabelScale
from ladder_sheets.exports.layout import Layout
from ladder_sheets.exports.slots import slot_cols
from ladder_sheets.findings import Finding, Where, error, info


@dataclass
class Seen:
    text: str  # as first written
    count: int
    where: Where  # the first place


def labels_in(layout: Layout, scale: LabelScale) -> dict[str, Seen]:
    """Label key -> the label as written, how often, and where first, over the rating
    columns (a cell's text is looked at once per distinct value of its column)."""
    out: dict[str, Seen] = {}
    rows, headers = layout.rows, layout.headers
    for col in slot_cols(layout):
        bare: dict[object, str | None] = {}
        for i in layout.data_rows():
            cells = rows.rows[i]
            if col >= len(cells):
                continue
            value = cells[col]
            if not isinstance(value, str):
                continue
            if value not in bare:
                bare[value] = scale.bare_label(value)
            text = bare[value]
            if text is None:
                continue
            key = scales.label_key(text)
            seen = out.get(key)
            if seen is None:
                out[key] = Seen(text, 1, rows.where(i, col, headers[col]))
            else:
                seen.count += 1
    return out


def resolve(layout: Layout, scale: LabelScale, source: str) -> list[Finding]:
    """Settle the export's labels on `scale`; findings say which scale was read, or stop."""
    seen = labels_in(layout, scale)
    if not seen:
        return []
    inferred = scales.infer([s.text for s in seen.values()], scale.given)
    scale.resolve(inferred)
    found = ", ".join(f"'{s.text}' ({s.count})" for s in seen.values())
    scale.found = found
    first = next(iter(seen.values())).where
    out: list[Finding] = []
    for readings in inferred.ambiguous.values():
        options = "; or ".join(
            f"{name}: {scales.label_options(reading)}" for name, reading in readings
        )
        out.append(
            error(
                "label-scale-ambiguous",
                f"{source}: the labels found ({found}) fit scales that read them differently, "
                "so no rating was guessed",
                f"pass the options of your scale: {options}",
                first,
            )
        )
    agreed = scales.unanimous()
    # said only when the set decided something: labels every scale reads alike need no word
    if inferred.settled and any(k not in agreed for k in inferred.values):
        named = f"the scale {inferred.scale}" if inferred.scale else "every scale that holds them"
        read = ", ".join(f"{seen[k].text}={v:g}" for k, v in inferred.values.items() if k in seen)
        out.append(
            info(
                "label-scale",
                f"{source}: rating labels read as {named}: {read}",
                "if your scale differs, pass --label for each label, e.g. "
                + scales.label_options({s.text: "N" for s in list(seen.values())[:1]}),
                Where(file=str(first.file)),
            )
        )
    return out
