"""The worked example framework: Engineering (IC1-IC7, M1-M4) and a small Data family.

Content as plain Python data, written for this project (invented wording). Every behavioral
description names something a manager can observe ("has led a design review ..."), never a
trait. `FrameworkContent` is what the template writer lays out; the sample company reuses the
Engineering family and adds its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ladder_sheets.model import SCALE_TEXT

# (code, title, scope, min quarters in level, band min, band max), in order on the track.
LevelSpec = tuple[str, str, str, int, int, int]
# competency -> track -> one (expected 1-5, behavioral description) per level of that track.
Ladder = dict[str, dict[str, list[tuple[int, str]]]]
# A promotion step: (min average, min each, cycles at next level, requires endorsement,
# requires calibration, scope criteria); min quarters in level come from the from-level.
Step = tuple[float, int, int, bool, bool, str]


@dataclass
class Family:
    """One job family: its tracks, the competencies it rates and the steps between levels."""

    name: str
    tracks: dict[str, list[LevelSpec]]
    ladder: Ladder
    steps: dict[tuple[str, str], Step]
    # Functional competencies owned by this family: name -> definition.
    functional: dict[str, str] = field(default_factory=dict)

    def level_codes(self, track: str) -> list[str]:
        return [spec[0] for spec in self.tracks.get(track, [])]

    def expected(self, competency: str, level: str) -> int | None:
        for track, specs in self.tracks.items():
            codes = [s[0] for s in specs]
            rungs = self.ladder.get(competency, {}).get(track)
            if level in codes and rungs:
                return rungs[codes.index(level)][0]
        return None

    def competencies_for(self, track: str) -> list[str]:
        return [c for c, by_track in self.ladder.items() if track in by_track]


@dataclass
class FrameworkContent:
    """Everything a framework workbook holds, as rows keyed by the canonical column names."""

    families: list[Family]
    core: dict[str, str]  # company-wide core competencies: name -> definition
    paths: list[dict[str, Any]] = field(default_factory=list)
    employees: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def family(self, name: str) -> Family:
        return next(f for f in self.families if f.name == name)


CORE: dict[str, str] = {
    "Communication": "Shares information in writing and in person so that others can act on it.",
    "Ownership": "Takes responsibility for outcomes, follows work through to the end, and "
    "raises problems early.",
    "Delivery": "Plans work and finishes it to the agreed scope, quality and date.",
    "Collaboration": "Works with people in and beyond their team to reach shared decisions.",
}

ENGINEERING_FUNCTIONAL: dict[str, str] = {
    "Mentoring": "Helps other engineers learn and grow through pairing, reviews and teaching.",
    "Code Quality": "Writes and reviews code that is correct, tested and easy to change.",
    "System Design": "Designs systems and components that meet their needs and fail safely.",
    "Operational Excellence": "Keeps production services observable, reliable and recoverable.",
    "People Development": "Grows the people they manage through feedback, coaching and plans.",
    "Hiring": "Finds, assesses and brings in people who raise the team's capability.",
}

# fmt: off
ENGINEERING_TRACKS: dict[str, list[LevelSpec]] = {
    "IC": [
        ("IC1", "Associate Software Engineer",
         "Well-defined tasks in one component, with daily guidance.",
         2, 60000, 75000),
        ("IC2", "Software Engineer",
         "Small features in one component; asks for guidance on unfamiliar areas.",
         4, 70000, 90000),
        ("IC3", "Senior Software Engineer I",
         "Features across components of the team's system; works independently.",
         4, 85000, 110000),
        ("IC4", "Senior Software Engineer II",
         "Projects of several people within the team; sets the technical plan.",
         6, 105000, 135000),
        ("IC5", "Staff Engineer",
         "Systems used by two or more teams; sets direction for them.",
         8, 130000, 165000),
        ("IC6", "Senior Staff Engineer",
         "A product area of several teams; multi-quarter technical programs.",
         8, 160000, 200000),
        ("IC7", "Principal Engineer",
         "The whole engineering organisation; company-level technical outcomes.",
         8, 195000, 250000),
    ],
    "Management": [
        ("M1", "Engineering Manager",
         "One team of 4-8 engineers: its people, plan and delivery.",
         6, 130000, 165000),
        ("M2", "Senior Engineering Manager",
         "Two or more teams, often through a team lead or manager.",
         8, 155000, 195000),
        ("M3", "Director of Engineering",
         "A department of several teams and their managers.",
         8, 180000, 225000),
        ("M4", "VP of Engineering",
         "The engineering organisation, its budget and strategy.",
         8, 195000, 250000),
    ],
}
# fmt: on


def rungs(expected: list[int], texts: list[str]) -> list[tuple[int, str]]:
    """Pair expected proficiencies with descriptions, level by level."""
    if len(expected) != len(texts):
        raise ValueError("one expected proficiency per description")
    return list(zip(expected, texts, strict=True))


ENGINEERING_LADDER: Ladder = {
    "Communication": {
        "IC": rungs(
            [2, 2, 3, 3, 4, 4, 5],
            [
                "Posts a written status of their tasks at least weekly and asks in the team "
                "channel when blocked for more than half a day.",
                "Writes pull-request descriptions that say what changed and why, and presents "
                "their own work at the team demo.",
                "Writes a short design note for each feature they own and walks the team "
                "through it before implementation starts.",
                "Has written a design document reviewed by another team and has run a meeting "
                "that ended with recorded decisions and owners.",
                "Has presented a technical proposal to engineering leadership and revised the "
                "written plan from their feedback.",
                "Has written a proposal that changed the plans of three or more teams and has "
                "explained a trade-off to non-engineering executives in writing.",
                "Has published guidance (an RFC, a standard, a talk) that teams across the "
                "organisation cite in their own designs.",
            ],
        ),
        "Management": rungs(
            [4, 4, 5, 5],
            [
                "Holds a weekly one-to-one with each report and sends the team a written "
                "summary of priorities and changes every sprint.",
                "Sends a regular written update across their teams that names risks and "
                "decisions, and has run an all-hands session for their group.",
                "Has explained an organisational change in writing and in person to every "
                "affected team and answered questions in an open forum.",
                "Presents the engineering plan to the executive team and the board, and "
                "publishes a quarterly engineering letter read across the company.",
            ],
        ),
    },
    "Ownership": {
        "IC": rungs(
            [1, 2, 3, 3, 4, 5, 5],
            [
                "Finishes the tasks they pick up or hands them back with notes, and fixes "
                "the bugs found in their own code.",
                "Owns a small feature from ticket to release, including follow-up fixes, "
                "without being reminded.",
                "Owns a feature area end to end, answers support questions about it, and "
                "files tickets for problems they notice beyond their tasks.",
                "Has owned a project from proposal to production and reported its outcome "
                "against the goals set at the start.",
                "Owns a service used by two or more teams and has reworked or retired a "
                "part of it that no one was maintaining.",
                "Has taken on a long-standing cross-team problem with no owner, set a plan, "
                "and seen it through to a measurable result.",
                "Owns a company-level technical outcome (reliability, cost, platform) and "
                "reports on it to leadership every quarter.",
            ],
        ),
        "Management": rungs(
            [4, 4, 5, 5],
            [
                "Tracks the team's commitments in a shared plan and raises a slipping date "
                "before it is missed.",
                "Has moved people or scope between their teams to protect a committed goal "
                "and explained the change to both teams.",
                "Owns a department's budget and headcount plan and has stopped a project "
                "that no longer served the department's goals.",
                "Reports engineering's results to the company with the same measures every "
                "quarter, including the goals that were missed.",
            ],
        ),
    },
    "Delivery": {
        "IC": rungs(
            [2, 3, 3, 4, 4, 5, 5],
            [
                "Completes well-scoped tasks within the sprint they were planned in, with "
                "tests, after review feedback.",
                "Breaks a feature into tasks, estimates them, and ships the feature within "
                "one sprint of the estimate.",
                "Ships features of several weeks that change more than one component, with "
                "a written rollout plan.",
                "Has led the delivery of a multi-person project, kept its milestone plan "
                "current, and shipped it within the agreed scope.",
                "Has delivered a project involving two or more teams and resolved the "
                "dependencies between them before they blocked work.",
                "Has delivered a multi-quarter program across several teams and cut scope "
                "with stakeholders' agreement to keep the date.",
                "Has delivered an organisation-wide change (a migration, a platform) that "
                "every product team adopted.",
            ],
        ),
        "Management": rungs(
            [4, 4, 5, 5],
            [
                "Runs the team's planning and has delivered its quarterly commitments, "
                "giving a cause for each miss.",
                "Keeps cross-team dependencies of their teams in one plan that is reviewed "
                "with the teams every two weeks.",
                "Has delivered a department-wide initiative across four or more teams, "
                "reporting progress against milestones every month.",
                "Sets the annual engineering roadmap with product leadership and has "
                "delivered its committed items.",
            ],
        ),
    },
    "Collaboration": {
        "IC": rungs(
            [2, 2, 3, 4, 4, 4, 5],
            [
                "Pairs with teammates when asked and answers review comments on their own "
                "pull requests within a working day.",
                "Reviews teammates' pull requests within a working day with comments that "
                "say what to change and why.",
                "Works with product and design on their feature's requirements and has "
                "raised a disagreement in a way that led to a decision.",
                "Has agreed an interface or plan with another team and kept both teams "
                "informed until it shipped.",
                "Has settled a dispute between two teams about ownership or priorities by "
                "writing up the options and getting a decision.",
                "Has set up a working agreement between engineering and another function "
                "that continued after their own project ended.",
                "Has partnered with leaders outside engineering on a company initiative and "
                "is invited by name to cross-functional decisions.",
            ],
        ),
        "Management": rungs(
            [4, 5, 5, 5],
            [
                "Has set up a regular working session with product and design partners and "
                "changed team practice from their feedback.",
                "Has agreed shared goals with a peer manager of another team and reviews "
                "them together every quarter.",
                "Has negotiated priorities with the heads of other functions and written "
                "down the resulting trade-offs for their teams.",
                "Has changed an engineering plan to support another function's goal after "
                "agreeing it with the executive team.",
            ],
        ),
    },
    "Mentoring": {
        "IC": rungs(
            [1, 1, 2, 3, 4, 4, 5],
            [
                "Shares what they learned on a task in the team channel or at a team meeting.",
                "Helps a new joiner set up their environment and answers their questions "
                "during their first weeks.",
                "Has been the onboarding buddy of a new hire and reviewed their first pull "
                "requests with explanations.",
                "Meets one or two mentees regularly, and a mentee has taken on work they "
                "could not do before.",
                "Has mentored an engineer through a promotion and runs learning sessions "
                "for their team or guild.",
                "Mentors senior engineers on other teams and has designed a training track "
                "that others now deliver.",
                "Has built a technical mentoring program across the organisation and "
                "coaches staff-level engineers.",
            ],
        ),
    },
    "Code Quality": {
        "IC": rungs(
            [2, 3, 3, 4, 4, 5, 5],
            [
                "Writes code that passes the team's linters and tests, and adds tests for "
                "the changes they make.",
                "Writes tested code that needs only minor changes in review, and tidies "
                "unclear code they touch.",
                "Adds tests that catch regressions in their feature area and gives reviews "
                "that find defects before release.",
                "Has improved the test strategy or structure of a codebase their team owns, "
                "shown by fewer escaped defects.",
                "Has written code-quality standards (a review checklist, testing guidelines) "
                "that two or more teams follow.",
                "Has led a cross-team effort that removed a class of defects, for example "
                "through shared libraries or static checks.",
                "Has introduced engineering practices that every team in the organisation "
                "now uses and reviews their adoption.",
            ],
        ),
    },
    "System Design": {
        "IC": rungs(
            [1, 2, 2, 3, 4, 5, 5],
            [
                "Explains how the component they work on fits into the system, using a "
                "diagram or a senior engineer's help.",
                "Designs a change within one component, choosing between approaches the "
                "team has used before.",
                "Designs features spanning several components and writes down the "
                "alternatives they considered.",
                "Has designed a service or major component, with its data model and failure "
                "modes, that passed design review.",
                "Has led a design review for a system used by two or more teams and changed "
                "the design in response to its findings.",
                "Sets the architecture of a product area across several teams and has "
                "recorded each decision with its reasons.",
                "Has guided an architecture change that affected most of the company's "
                "systems, from proposal to completion.",
            ],
        ),
        "Management": rungs(
            [3, 3, 4, 4],
            [
                "Reviews the team's design documents and asks for changes where risks or "
                "costs are missing.",
                "Makes sure every cross-team design in their group has a review and a named "
                "decision maker.",
                "Has funded and staffed architecture work across the department, based on "
                "written proposals from staff engineers.",
                "Approves the company's technical strategy and has set the share of "
                "architecture work in the annual plan.",
            ],
        ),
    },
    "Operational Excellence": {
        "IC": rungs(
            [1, 2, 3, 3, 4, 4, 5],
            [
                "Handles an alert by following the runbook during on-call shadowing, with "
                "a teammate.",
                "Takes part in the on-call rotation and resolves routine alerts for the "
                "team's services.",
                "Adds monitoring and alerts to the features they ship and writes a runbook "
                "entry for each new alert.",
                "Has led the response to a production incident and written the postmortem, "
                "whose follow-up actions were completed.",
                "Has set reliability targets (SLOs) for a service used by two or more teams "
                "and reports against them.",
                "Has reduced incidents or on-call load across several teams through a "
                "change they designed and rolled out.",
                "Has written the organisation's incident process and reviews the "
                "highest-severity incidents with leadership.",
            ],
        ),
        "Management": rungs(
            [3, 4, 4, 5],
            [
                "Keeps the team's on-call rotation staffed and checks that postmortem "
                "actions are completed.",
                "Tracks reliability targets for their teams and has moved roadmap time to "
                "reliability work when a target was missed.",
                "Has set incident and on-call standards for the department and reports "
                "reliability trends every month.",
                "Reports reliability and security risks to the executive team and has "
                "funded the work on the largest ones.",
            ],
        ),
    },
    "People Development": {
        "Management": rungs(
            [3, 4, 4, 5],
            [
                "Has agreed a written development plan with each report and reviews "
                "progress with them every quarter.",
                "Coaches team leads and first-line managers in regular one-to-ones and has "
                "grown an engineer into a manager role.",
                "Runs talent reviews across the department and has filled a leadership role "
                "with an internal candidate.",
                "Has set up the succession plan for engineering leadership and reviews it "
                "with the executive team every year.",
            ],
        ),
    },
    "Hiring": {
        "Management": rungs(
            [3, 4, 4, 5],
            [
                "Interviews candidates for their team and submits structured feedback "
                "against the role's criteria within a day.",
                "Has run hiring for a role from job description to accepted offer and "
                "trained new interviewers.",
                "Plans department hiring against the budget and has changed the interview "
                "process based on its results.",
                "Sets engineering's hiring plan and interview standards and has hired "
                "senior leaders into the organisation.",
            ],
        ),
    },
}

# fmt: off
ENGINEERING_STEPS: dict[tuple[str, str], Step] = {
    ("IC1", "IC2"): (3.0, 2, 1, True, False,
        "Has shipped three or more tasks to production that passed review without being "
        "rewritten."),
    ("IC2", "IC3"): (3.0, 2, 1, True, False,
        "Has owned a feature from ticket to release, including follow-up fixes."),
    ("IC3", "IC4"): (3.5, 3, 2, True, True,
        "Has led a project of two or more engineers from design to release."),
    ("IC4", "IC5"): (3.5, 3, 2, True, True,
        "Has led a project with 3+ cross-team stakeholders and presented its design at a design "
        "review."),
    ("IC5", "IC6"): (4.0, 3, 2, True, True,
        "Has set the technical direction of a product area used by several teams for two or more "
        "quarters."),
    ("IC6", "IC7"): (4.0, 3, 2, True, True,
        "Has delivered an organisation-wide technical change sponsored by the engineering "
        "leadership."),
    ("M1", "M2"): (3.5, 3, 2, True, True,
        "Has managed a team of five or more for four quarters and grown a report into a bigger "
        "role."),
    ("M2", "M3"): (4.0, 3, 2, True, True,
        "Has managed two or more teams through their leads and delivered a cross-team initiative."),
    ("M3", "M4"): (4.0, 3, 2, True, True,
        "Has led a department through an annual plan and filled a leadership role internally."),
}
# fmt: on


def engineering() -> Family:
    return Family(
        name="Engineering",
        tracks=ENGINEERING_TRACKS,
        ladder=ENGINEERING_LADDER,
        steps=ENGINEERING_STEPS,
        functional=ENGINEERING_FUNCTIONAL,
    )


# The core competencies written for any non-engineering family, one rung per level (up to 5);
# a family with fewer levels uses the first rungs.
GENERIC_CORE: Ladder = {
    "Communication": {
        "IC": rungs(
            [2, 3, 3, 4, 5],
            [
                "Sends a written update on their own work each week and asks for help when blocked "
                "for more than half a day.",
                "Presents their own work at team meetings and writes summaries that colleagues can "
                "act on without a follow-up call.",
                "Writes the brief for a piece of work they lead and walks stakeholders through it "
                "before work starts.",
                "Has presented a proposal to their department's leadership and updated the written "
                "plan from the feedback.",
                "Has written guidance or a proposal that teams outside their own department "
                "adopted.",
            ],
        )
    },
    "Ownership": {
        "IC": rungs(
            [2, 2, 3, 4, 5],
            [
                "Finishes the tasks they take on or hands them back with notes on where they "
                "stopped.",
                "Keeps a recurring piece of work (a report, a process, a set of accounts) running "
                "without reminders.",
                "Owns an area end to end and raises problems they notice outside their own tasks "
                "with a proposed fix.",
                "Has owned a project from proposal to result and reported the outcome against the "
                "goal set at the start.",
                "Has taken on a cross-team problem with no owner, set a plan and delivered a "
                "measurable result.",
            ],
        )
    },
    "Delivery": {
        "IC": rungs(
            [2, 3, 3, 4, 5],
            [
                "Completes assigned tasks by the agreed date, or flags a slip before the date "
                "passes.",
                "Plans their own work for the month and delivers it within the agreed time.",
                "Delivers pieces of work lasting several weeks that depend on other people, with "
                "a written plan.",
                "Has led the delivery of a multi-person project and kept its milestone plan "
                "current until it finished.",
                "Has delivered a program involving two or more teams and resolved dependencies "
                "before they blocked work.",
            ],
        )
    },
    "Collaboration": {
        "IC": rungs(
            [2, 2, 3, 4, 4],
            [
                "Answers requests from teammates within a working day and joins shared work when "
                "asked.",
                "Gives teammates specific feedback on their work and asks for feedback on their "
                "own.",
                "Works with another team on shared work and has settled a disagreement in a way "
                "that led to a decision.",
                "Has agreed a plan with another department and kept both sides informed until it "
                "finished.",
                "Has set up a working agreement between two functions that continued after their "
                "own project ended.",
            ],
        )
    },
}


def generic_core(n_levels: int) -> Ladder:
    return {c: {"IC": by_track["IC"][:n_levels]} for c, by_track in GENERIC_CORE.items()}


# fmt: off
DATA_TRACKS: dict[str, list[LevelSpec]] = {
    "IC": [
        ("IC1", "Associate Data Analyst",
         "Defined questions on existing data, with review of every result.",
         2, 55000, 70000),
        ("IC2", "Data Analyst",
         "Recurring reporting and analyses for one team.",
         4, 65000, 85000),
        ("IC3", "Senior Data Analyst",
         "Analyses and experiments for a product area; works independently.",
         6, 80000, 105000),
        ("IC4", "Lead Data Analyst",
         "Company-level metrics and methods; reviews other analysts' work.",
         8, 100000, 130000),
    ],
}
# fmt: on

DATA_FUNCTIONAL: dict[str, str] = {
    "Data Modelling": "Builds tables and metric definitions that others can query and trust.",
    "Statistical Analysis": "Answers business questions with sound methods and states the "
    "uncertainty.",
}

DATA_LADDER: Ladder = {
    **generic_core(4),
    "Data Modelling": {
        "IC": rungs(
            [2, 3, 3, 4],
            [
                "Writes queries against existing tables and checks result row counts against a "
                "known source.",
                "Builds a documented table for one team's reporting, with tests for nulls and "
                "duplicates.",
                "Designs data models used by several dashboards and writes down the definition of "
                "each metric.",
                "Has set the modelling standards of the data team and reworked a core model used "
                "across the company.",
            ],
        )
    },
    "Statistical Analysis": {
        "IC": rungs(
            [1, 2, 3, 4],
            [
                "Produces descriptive summaries (counts, averages, trends) and states the period "
                "and filters used.",
                "Runs an analysis that answers a stated business question and shows the "
                "uncertainty of the result.",
                "Designs and analyses A/B tests for a product area and writes up the decision each "
                "one supports.",
                "Has reviewed other analysts' methods and changed a company decision with an "
                "analysis they led.",
            ],
        )
    },
}

# fmt: off
DATA_STEPS: dict[tuple[str, str], Step] = {
    ("IC1", "IC2"): (3.0, 2, 1, True, False,
        "Has delivered a recurring report that its users rely on without corrections."),
    ("IC2", "IC3"): (3.5, 3, 2, True, True,
        "Has led an analysis that changed a team's plan."),
    ("IC3", "IC4"): (3.5, 3, 2, True, True,
        "Has defined a metric used in company reporting and reviewed two analysts' work for a "
        "quarter."),
}
# fmt: on


def data() -> Family:
    return Family("Data", DATA_TRACKS, DATA_LADDER, DATA_STEPS, DATA_FUNCTIONAL)


CROSSOVER_AND_RETURN: list[dict[str, Any]] = [
    {
        "kind": "Crossover",
        "from_family": "Engineering",
        "from_level": "IC5",
        "to_family": "Engineering",
        "to_level": "M1",
        "transferable_skills": "Delivery; Collaboration; Communication; System Design",
        "gaps_to_close": "People Development; Hiring",
        "requirements": "Has mentored two or more engineers for two quarters and led a "
        "multi-person project; completes new-manager training; two-quarter trial with the "
        "return path open.",
    },
    {
        "kind": "Return",
        "from_family": "Engineering",
        "from_level": "M1",
        "to_family": "Engineering",
        "to_level": "IC5",
        "transferable_skills": "Communication; Delivery; Collaboration; System Design",
        "gaps_to_close": "Code Quality; Operational Excellence",
        "requirements": "Agreed with their manager's manager; one quarter on a hands-on "
        "project; pay band kept.",
    },
    {
        "kind": "Return",
        "from_family": "Engineering",
        "from_level": "M2",
        "to_family": "Engineering",
        "to_level": "IC6",
        "transferable_skills": "Communication; Delivery; Collaboration; System Design",
        "gaps_to_close": "Code Quality; Operational Excellence; Mentoring",
        "requirements": "Agreed with their manager's manager; leads a cross-team technical "
        "project within two quarters.",
    },
]

DATA_LATERAL: dict[str, Any] = {
    "kind": "Lateral",
    "from_family": "Engineering",
    "from_level": "IC3",
    "to_family": "Data",
    "to_level": "IC2",
    "transferable_skills": "Communication; Ownership; Delivery; Collaboration",
    "gaps_to_close": "Statistical Analysis; Data Modelling",
    "requirements": "Has completed an analysis project with the data team and a course in "
    "statistics; one quarter of shared work before the move.",
}

EXAMPLE_EMPLOYEES: list[dict[str, Any]] = [
    # A few invented people so the Employees sheet shows its format.
    {
        "employee_id": "E001",
        "name": "Ada Quill",
        "email": "ada.quill@example.com",
        "manager_id": None,
        "family": "Engineering",
        "track": "Management",
        "level": "M2",
        "in_level_since": dt.date(2024, 1, 1),
    },
    {
        "employee_id": "E002",
        "name": "Björn Castell",
        "email": "bjorn.castell@example.com",
        "manager_id": "E001",
        "family": "Engineering",
        "track": "IC",
        "level": "IC4",
        "in_level_since": dt.date(2025, 4, 1),
    },
    {
        "employee_id": "E003",
        "name": "Noor Haddad",
        "email": "noor.haddad@example.com",
        "manager_id": "E001",
        "family": "Data",
        "track": "IC",
        "level": "IC2",
        "in_level_since": dt.date(2025, 10, 1),
    },
]


def example_content() -> FrameworkContent:
    """The worked example of the template: Engineering, Data, their paths, three people."""
    return FrameworkContent(
        families=[engineering(), data()],
        core=dict(CORE),
        paths=[*CROSSOVER_AND_RETURN, DATA_LATERAL],
        employees=[dict(e) for e in EXAMPLE_EMPLOYEES],
    )


def empty_content() -> FrameworkContent:
    return FrameworkContent(families=[], core={})


# The Instructions sheet of the template, one (kind, text) per row: title, heading or text.
INSTRUCTIONS: list[tuple[str, str]] = [
    ("title", "Career framework workbook"),
    (
        "text",
        "This workbook holds your career framework (levels, competencies, what each level "
        "expects) and your people. ladder-sheets reads it, checks it, merges review ratings into "
        "it and writes gap analysis and promotion readiness back. Fill the sheets below; keep the "
        "sheet names and the header row as they are (header on row 1, data from row 2).",
    ),
    ("heading", "The sheets"),
    (
        "text",
        "Levels: one row per level of a job family's track (IC or Management). Order counts "
        "from 1 at the entry level; the next level is the next Order on the same track. Min "
        "Quarters In Level is the time someone normally spends in the level before a promotion. "
        "Band Min and Band Max are optional pay bands; the top IC band should equal the top "
        "management band.",
    ),
    (
        "text",
        "Competencies: one row per competency. Category is Core (everyone) or Functional "
        "(a craft). Leave Job Family blank for a competency every family uses.",
    ),
    (
        "text",
        "Matrix: one row per job family and competency, one column per level code. Enter "
        f"the expected proficiency ({SCALE_TEXT}) at each level of the family's tracks; leave a "
        "cell blank when the competency is not expected at that level or the level does not "
        "exist in that family. Expectations should never drop as the level rises on a track.",
    ),
    (
        "text",
        "Behaviors: the same shape as Matrix. In each cell write one or two sentences that "
        "two managers would read the same way: what the person has done or does, with observable "
        'verbs and a scope ("has led a design review for a service used by two or more teams"), '
        'not traits ("shows leadership"). Adjacent levels must differ.',
    ),
    (
        "text",
        "Promotion Criteria: one row per step From Level -> To Level within a family: Min "
        f"Average and Min Each (on {SCALE_TEXT}) apply to the latest cycle's ratings; Cycles At "
        "Next Level is how many consecutive cycles the person must meet the next level's "
        "expectations; Scope Criteria is the evidence of scope a manager confirms; Requires "
        "Endorsement and Requires Calibration say which sign-offs are needed.",
    ),
    (
        "text",
        "Paths: crossover (IC to management), return (management to IC) and lateral "
        "(another job family) moves, with the skills that transfer, the gaps to close and the "
        "requirements.",
    ),
    (
        "text",
        "Employees: one row per person. Manager ID is the Employee ID of their manager "
        "(blank only for the head of the company). In Level Since is the date they entered their "
        "current level. When someone leaves, write Terminated (or Left, Resigned) in Status, or "
        "their last day in Leaving Date: gaps, readiness and packs pass over them and their "
        "ratings history is kept. On leave or on notice is still employed.",
    ),
    (
        "text",
        "Ratings History and Promotion Evidence: written by `ladder-sheets merge` from your "
        "review exports, one row per rating or per person and cycle. You can read and filter them; "
        "corrections belong in the export, then merge again.",
    ),
    (
        "text",
        "Lists (hidden): the values behind the dropdowns. When you add a job family, level "
        "code or competency, also add it there (right-click a sheet tab, Unhide) so it appears in "
        "the dropdowns; other values are accepted with a warning.",
    ),
    ("heading", f"The {SCALE_TEXT} scale (expectations and ratings)"),
    ("text", "1 Learning: does the work with close guidance and review of every step."),
    ("text", "2 Developing: does routine work alone; needs guidance on unfamiliar work."),
    (
        "text",
        "3 Proficient: does the work of the level alone and reliably, including the unusual cases.",
    ),
    ("text", "4 Advanced: handles the hardest cases of their scope and helps others do the work."),
    ("text", "5 Expert: sets the way the work is done beyond their own team; others follow it."),
    (
        "text",
        "Review tools that export labels map to the same scale: Does not meet = 1, "
        "Partially meets = 2, Meets = 3, Exceeds = 4, Outstanding = 5.",
    ),
    ("heading", "Commands"),
    (
        "text",
        "ladder-sheets check WORKBOOK [EXPORTS...]: run before a review cycle opens. It "
        "checks every sheet, column and reference (levels, competencies, employees, managers), "
        "the ratings in the exports, and the framework against good practice, and lists each "
        "problem with its sheet!cell and a fix. It changes nothing.",
    ),
    (
        "text",
        "ladder-sheets merge WORKBOOK EXPORTS...: run after a cycle. It adds the exports' "
        "ratings to Ratings History (importing the same export twice changes nothing; a changed "
        "rating is reported, not overwritten) and rewrites the Gap Analysis and Promotion "
        "Readiness sheets. Every other sheet is kept as you left it.",
    ),
]
