"""The quality rules on career frameworks that companies published under open licenses.

Sources (read from ../shared/frameworks at test time, nothing copied into this repository):
- Medium's Snowflake (github.com/Medium/snowflake, constants.js, Apache License 2.0): 16 tracks
  x 5 milestones, each milestone with a one-line summary.
- Etsy Engineering Career Ladder (github.com/etsy/Etsy-Engineering-Career-Ladder,
  competencies.md), licensed CC BY 4.0 by Etsy, Inc.: 5 competencies x 5 cumulative proficiency
  levels, each cell a bullet list of behaviours.
- Monzo's progression framework (github.com/monzo/progression-framework, frameworks/, MIT):
  YAML front matter with levels and topics, each topic listing criteria per level.

Each is turned into a Framework here: proficiency steps become the levels of one IC track, and a
level at step i expects proficiency i (at most 5).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import shared

from ladder_sheets.model import Framework, Table
from ladder_sheets.schema import validate

FRAMEWORKS = shared("frameworks")
pytestmark = pytest.mark.skipif(
    not FRAMEWORKS.is_dir(), reason="the public frameworks (../shared/frameworks) are not here"
)


def framework(
    family: str,
    levels: list[str],
    competencies: list[tuple[str, str]],
    behaviors: dict[tuple[str, int], str],
) -> Framework:
    """One IC track; competencies as (name, category); behaviors by (competency, step 1..n)."""
    level_rows = [
        {"family": family, "track": "IC", "level": name, "title": name, "order": i + 1}
        for i, name in enumerate(levels)
    ]
    comp_rows = [{"competency": c, "category": cat} for c, cat in competencies]
    cells: list[dict[str, Any]] = [
        {"family": family, "competency": c, "level": name, "step": i + 1}
        for c, _ in competencies
        for i, name in enumerate(levels)
    ]
    # The 1-5 scale tops out: a sixth or seventh step expects 5 too.
    expectations = [{**cell, "expected": min(cell["step"], 5)} for cell in cells]
    described = [
        {**cell, "behavior": behaviors[(cell["competency"], cell["step"])]} for cell in cells
    ]
    tables = {
        "levels": Table.from_records("levels", level_rows),
        "competencies": Table.from_records("competencies", comp_rows),
        "expectations": Table.from_records("expectations", expectations),
        "behaviors": Table.from_records("behaviors", described),
    }
    return Framework(Path(f"{family}.xlsx"), tables)


def snowflake() -> Framework:
    data = json.loads((FRAMEWORKS / "medium-snowflake" / "snowflake_tracks.json").read_text())
    competencies, behaviors = [], {}
    for track in data["tracks"].values():
        name = track["displayName"]
        # Category A holds the technical tracks (mobile, web, foundations, servers).
        competencies.append((name, "Functional" if track["category"] == "A" else "Core"))
        for i, milestone in enumerate(track["milestones"]):
            behaviors[(name, i + 1)] = milestone["summary"]
    return framework("Medium", [f"Milestone {i}" for i in range(1, 6)], competencies, behaviors)


ETSY_LEVELS = ["Beginner", "Intermediate", "Advanced", "Expert", "Leading Expert"]


def etsy() -> Framework:
    text = (FRAMEWORKS / "etsy-engineering-career-ladder" / "competencies.md").read_text()
    competencies, behaviors = [], {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        name = block.splitlines()[0].strip()
        category = "Functional" if name in ("Domain Expertise", "Problem Solving") else "Core"
        competencies.append((name, category))
        for i, cell in enumerate(re.findall(r"<td[^>]*>(.*?)</td>", block, re.S)):
            items = re.findall(r"<li>(.*?)</li>", cell, re.S)
            behaviors[(name, i + 1)] = " ".join(item.strip() for item in items)
    return framework("Etsy", ETSY_LEVELS, competencies, behaviors)


def cells_with(report: Any, code: str) -> list[str | None]:
    return [f.cell for f in report.with_code(code)]


def test_snowflake_has_too_many_competencies_and_some_trait_words() -> None:
    fw = snowflake()
    report = validate(fw).report
    assert report.errors == []
    too_many = report.with_code("competencies-too-many")
    assert [(f.sheet, f.cell) for f in too_many] == [("Levels", "B2")]
    assert "16 competencies" in too_many[0].message
    assert report.with_code("competencies-far-too-many") == []
    # No promotion criteria in the source: one finding for the 4 steps.
    assert [f.message.count("4 steps") for f in report.with_code("missing-criteria")] == [1]
    traits = {f.message for f in report.with_code("behavior-trait-words")}
    assert "'Craft' at Milestone 1 names traits: good." in traits
    assert "'Craft' at Milestone 4 names traits: great, proactive." in traits
    assert len(traits) == 7
    # Every flagged cell is a Behaviors cell whose text does contain one of the words.
    data = fw.behaviors.data.set_index(fw.behaviors.cells["behavior"])
    for cell in cells_with(report, "behavior-trait-words"):
        text = data.at[cell, "behavior"].lower()
        assert re.search(r"\b(good|great|proactive)\b", text)
    assert report.codes() == {"competencies-too-many", "behavior-trait-words", "missing-criteria"}


def test_etsy_has_too_few_competencies_and_long_descriptions() -> None:
    report = validate(etsy()).report
    assert report.errors == []
    assert [(f.sheet, f.cell) for f in report.with_code("competencies-too-few")] == [
        ("Levels", "B2")
    ]
    # Every cell lists 3 to 7 behaviours: all 25 run past two sentences.
    assert len(report.with_code("behavior-too-long")) == 25
    flagged = {
        re.match(r"'(.+)' at (.+) names", f.message).groups()  # type: ignore[union-attr]
        for f in report.with_code("behavior-trait-words")
    }
    assert ("Domain Expertise", "Advanced") in flagged
    assert ("Communication", "Leading Expert") in flagged
    assert ("Delivery", "Beginner") not in flagged
    assert report.with_code("expectation-drops") == []
    assert report.with_code("behavior-repeated") == []


def monzo(name: str) -> tuple[Framework, dict[str, str]]:
    """A Monzo framework file, and the description text of each Behaviors cell by address."""
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the Monzo front matter")
    text = (FRAMEWORKS / "monzo-progression" / "frameworks" / name).read_text()
    front = yaml.safe_load(text.split("---")[1])
    levels = [f"Level {i}" for i in range(1, int(front["levels"]) + 1)]
    competencies, behaviors = [], {}
    for i, topic in enumerate(front["topics"]):
        competencies.append((topic["name"], "Core" if i % 2 == 0 else "Functional"))
        for step in range(1, len(levels) + 1):
            behaviors[(topic["name"], step)] = ""
        for cell in topic.get("content") or []:
            items = list(cell.get("criteria") or [])
            items += [c["criteria"] for c in cell.get("exampleCriteria") or []]
            # Each criterion is one sentence; the file leaves off the full stops.
            behaviors[(topic["name"], cell["level"])] = " ".join(f"{c.rstrip('.')}." for c in items)
    fw = framework("Monzo", levels, competencies, behaviors)
    by_cell = dict(zip(fw.behaviors.cells["behavior"], fw.behaviors.data["behavior"], strict=True))
    return fw, by_cell


def test_monzo_quality_analyst_has_too_few_levels() -> None:
    fw, _ = monzo("engineering/qualityanalyst.md")
    report = validate(fw).report
    assert report.errors == []
    assert report.flatten("sheet", "cell", "code")[:2] == [
        ("Levels", "B2", "levels-too-few"),
        ("Levels", "B2", "competencies-too-few"),
    ]
    assert "3 levels" in report.findings[0].message


def test_monzo_backend_trait_words_are_whole_words() -> None:
    fw, by_cell = monzo("engineering/backend.md")
    report = validate(fw).report
    assert report.errors == []
    assert report.with_code("levels-too-few") == report.with_code("levels-too-many") == []
    assert len(report.with_code("competencies-too-few")) == 1  # 5 topics
    flagged = set(cells_with(report, "behavior-trait-words"))
    # Independently: cells whose words (split on anything but letters) include a trait word.
    single = {"good", "great", "strong", "excellent", "passionate", "proactive"}
    expected = {
        cell
        for cell, text in by_cell.items()
        if single & set(re.split(r"[^a-z]+", (text or "").lower()))
    }
    assert expected <= flagged
    assert expected  # the source does use some of them
    # "Proactively" is common in the source; it is not the trait word "proactive".
    assert any(t and "proactively" in t.lower() for t in by_cell.values())
    for finding in report.with_code("behavior-trait-words"):
        words = set(re.split(r"[^a-z]+", by_cell[finding.cell].lower()))
        if "proactive" not in words:
            assert "proactive" not in finding.message.split("names traits:")[1]
