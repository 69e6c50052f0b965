"""Framework quality rules about levels, competencies, expectations and descriptions."""

from __future__ import annotations

from test_schema_company import COMPETENCIES, TRACKS, build, company, row_of

from ladder_sheets.schema import validate
from ladder_sheets.schema.descriptions import sentence_count, trait_words


def flat(rec: dict) -> list[tuple]:
    return validate(build(rec)).report.flatten("sheet", "cell", "code")


def test_levels_too_few_and_too_many() -> None:
    tracks = {
        "Engineering": {"IC": ["IC1", "IC2", "IC3", "IC4"], "Management": ["M1", "M2", "M3"]},
        "Data": {"IC": [f"D{i}" for i in range(1, 9)]},
    }
    result = validate(build(company(tracks)))
    # Levels rows: IC1-IC4 on 2-5, M1-M3 on 6-8, D1-D8 on 9-16
    assert result.report.flatten("sheet", "cell", "code", "severity") == [
        ("Levels", "B6", "levels-too-few", "warning"),
        ("Levels", "B9", "levels-too-many", "warning"),
    ]


def test_four_and_seven_levels_are_healthy() -> None:
    tracks = {
        "Data": {"IC": [f"D{i}" for i in range(1, 8)]},
        "Ops": {"IC": ["O1", "O2", "O3", "O4"]},
    }
    rec = company(tracks)
    rec["paths"] = []
    rec["employees"], rec["history"], rec["evidence"] = [], [], []
    assert flat(rec) == []


def test_competency_counts_per_track() -> None:
    def names(n: int) -> list[tuple[str, str]]:
        return [(f"Skill {i}", "Core" if i % 2 else "Functional") for i in range(n)]

    for n, code in (
        (5, "competencies-too-few"),
        (13, "competencies-too-many"),
        (20, "competencies-far-too-many"),
    ):
        rec = company(competencies=names(n))
        rec["history"] = []
        result = validate(build(rec))
        assert result.report.flatten("sheet", "cell", "code") == [
            ("Levels", "B2", code),  # Engineering IC
            ("Levels", "B7", code),  # Engineering Management
            ("Levels", "B11", code),  # Data IC
        ], n
    for n in (6, 12):
        rec = company(competencies=names(n))
        rec["history"] = []
        assert flat(rec) == [], n


def test_far_too_many_says_it_takes_a_day() -> None:
    rec = company(
        competencies=[(f"Skill {i}", "Core" if i < 3 else "Functional") for i in range(21)]
    )
    rec["history"] = []
    finding = validate(build(rec)).report.with_code("competencies-far-too-many")[0]
    assert "21 competencies" in finding.message and "a day" in finding.message


def test_no_core_or_no_functional_competency() -> None:
    rec = company()
    for c in rec["competencies"]:
        c["category"] = "Functional"
    assert flat(rec) == [
        ("Competencies", "B2", "no-core-competencies"),
        ("Competencies", "B2", "no-core-competencies"),
    ]
    rec["competencies"][0]["category"] = "Core"
    rec["competencies"][0]["family"] = "Data"  # Engineering still has none
    result = validate(build(rec))
    assert result.report.flatten("cell", "code") == [("B3", "no-core-competencies")]
    assert "Engineering" in result.report.findings[0].message


def test_missing_expectation_after_a_level_that_expects_it() -> None:
    rec = company()
    r = row_of(rec, "expectations", family="Engineering", competency="Delivery", level="IC3")
    rec["expectations"][r - 2]["expected"] = None
    assert flat(rec) == [("Matrix", f"D{r}", "missing-expectation")]


def test_blank_below_the_first_expected_level_is_fine() -> None:
    rec = company()
    for level in ("IC1", "IC2"):
        r = row_of(rec, "expectations", family="Engineering", competency="Operations", level=level)
        rec["expectations"][r - 2]["expected"] = None
    rec["history"] = []  # E003 (IC2) is rated on Operations: that alone would be info
    assert flat(rec) == []


def test_competency_expected_nowhere() -> None:
    rec = company()
    rec["competencies"].append({"competency": "Hiring", "category": "Core"})
    assert flat(rec) == [("Competencies", "A8", "missing-expectation")]


def test_missing_behavior_blank_absent_or_no_sheet() -> None:
    rec = company()
    r = row_of(rec, "behaviors", family="Data", competency="Ownership", level="D3")
    rec["behaviors"][r - 2]["behavior"] = "  "
    assert flat(rec) == [("Behaviors", f"D{r}", "missing-behavior")]
    rec = company()
    r = row_of(rec, "expectations", family="Data", competency="Ownership", level="D3")
    del rec["behaviors"][r - 2]
    assert flat(rec) == [("Matrix", f"D{r}", "missing-behavior")]
    rec["behaviors"] = []
    assert flat(rec) == [("Behaviors", None, "missing-behavior")]


def test_expectation_drops_as_the_level_rises() -> None:
    rec = company()
    r = row_of(rec, "expectations", family="Engineering", competency="Delivery", level="IC4")
    rec["expectations"][r - 2]["expected"] = 2  # IC3 expects 3
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code") == [
        ("Matrix", f"D{r}", "expectation-drops")
    ]
    assert "IC3" in result.report.findings[0].message


def test_behavior_repeated_on_adjacent_levels() -> None:
    rec = company()
    low = row_of(rec, "behaviors", family="Engineering", competency="Delivery", level="IC2")
    high = row_of(rec, "behaviors", family="Engineering", competency="Delivery", level="IC3")
    rec["behaviors"][high - 2]["behavior"] = rec["behaviors"][low - 2]["behavior"].upper()
    assert flat(rec) == [("Behaviors", f"D{high}", "behavior-repeated")]


def test_behavior_trait_words() -> None:
    rec = company()
    r = row_of(rec, "behaviors", family="Engineering", competency="Ownership", level="IC4")
    rec["behaviors"][r - 2]["behavior"] = "A strong team  player who Thinks Strategically."
    result = validate(build(rec))
    assert result.report.flatten("sheet", "cell", "code") == [
        ("Behaviors", f"D{r}", "behavior-trait-words")
    ]
    assert "strong, team player, thinks strategically" in result.report.findings[0].message


def test_trait_words_match_whole_words_only() -> None:
    assert trait_words("Builds goodwill with greatly varied strongholds.") == []
    assert trait_words("A Rockstar, a ninja; GOOD at it.") == ["rockstar", "ninja", "good"]
    assert trait_words("Demonstrates leadership and is passionate") == [
        "demonstrates leadership",
        "passionate",
    ]


def test_behavior_too_long() -> None:
    rec = company()
    r = row_of(rec, "behaviors", family="Data", competency="Delivery", level="D2")
    rec["behaviors"][r - 2]["behavior"] = "Ships features. Writes tests. Reviews code."
    assert flat(rec) == [("Behaviors", f"D{r}", "behavior-too-long")]


def test_sentence_count() -> None:
    assert sentence_count("Ships features, e.g. search. Writes tests") == 2
    assert sentence_count("Ships features! Writes tests? Reviews code.") == 3
    assert sentence_count("Version 2.5 shipped by them.") == 1
    assert sentence_count("") == 0


def test_canonical_company_shape_is_within_the_healthy_ranges() -> None:
    assert 6 <= len(COMPETENCIES) <= 12
    assert all(4 <= len(codes) <= 7 for t in TRACKS.values() for codes in t.values())
