"""The invented sample company's other job families: Sales (5 levels) and People (4 levels).

Both are single-track (IC) families that use the company-wide core competencies with the
generic wording of `example.GENERIC_CORE`, plus functional competencies of their own. Sales
promotion criteria are quota-based and expressed in Scope Criteria.
"""

from __future__ import annotations

from ladder_sheets.demo.example import Family, Ladder, LevelSpec, Step, generic_core, rungs

# fmt: off
SALES_TRACKS: dict[str, list[LevelSpec]] = {
    "IC": [
        ("IC1", "Sales Development Representative",
         "Books first meetings for account executives in an assigned territory.",
         2, 45000, 60000),
        ("IC2", "Account Executive",
         "Closes small and mid-size deals from their own pipeline.",
         4, 55000, 80000),
        ("IC3", "Senior Account Executive",
         "Closes multi-product deals and manages a set of named accounts.",
         4, 75000, 100000),
        ("IC4", "Enterprise Account Executive",
         "Closes the largest deals; leads a pod of account executives.",
         6, 95000, 130000),
        ("IC5", "Head of Sales",
         "The sales organisation: territories, forecast and quota setting.",
         8, 125000, 170000),
    ],
}
# fmt: on

SALES_FUNCTIONAL: dict[str, str] = {
    "Prospecting": "Finds and opens conversations with the accounts most likely to buy.",
    "Negotiation": "Reaches agreements on price and terms that both sides keep.",
    "Pipeline Management": "Keeps deals, stages and forecasts accurate and acts on them.",
}

SALES_LADDER: Ladder = {
    **generic_core(5),
    "Prospecting": {
        "IC": rungs(
            [2, 3, 3, 4, 5],
            [
                "Books qualified first meetings from outbound outreach and logs every contact "
                "attempt in the CRM.",
                "Generates part of their own pipeline from outbound work and researches each "
                "account "
                "before the first call.",
                "Keeps an account plan for each named account and has opened a new buying "
                "department "
                "in an existing customer.",
                "Has opened accounts in a new segment or region and shared the approach, which "
                "others "
                "on the team reused.",
                "Sets territories and account assignments for the sales team and reviews "
                "prospecting "
                "results every quarter.",
            ],
        )
    },
    "Negotiation": {
        "IC": rungs(
            [1, 2, 3, 4, 5],
            [
                "Explains list pricing and standard terms to prospects and passes pricing "
                "questions "
                "to an account executive.",
                "Negotiates standard deals within the discount policy and records the reason for "
                "each concession.",
                "Closes multi-year or multi-product deals and involves legal and finance before "
                "offering non-standard terms.",
                "Has negotiated the largest deals of the quarter and coached others through "
                "their own "
                "negotiations.",
                "Sets the discount and deal-approval policy and has approved or rejected "
                "non-standard "
                "deals against it.",
            ],
        )
    },
    "Pipeline Management": {
        "IC": rungs(
            [2, 2, 3, 4, 5],
            [
                "Updates each lead's stage and next step in the CRM within a day of every contact.",
                "Keeps a forecast of their own deals that lands within 15% of the quarter's actual "
                "result.",
                "Reviews their pipeline weekly, closes out stalled deals, and forecasts within "
                "10% of "
                "the actual result.",
                "Runs the weekly pipeline review for a pod and has corrected a forecast risk "
                "before "
                "quarter end.",
                "Owns the sales forecast reported to the executive team and explains every "
                "variance "
                "above 5%.",
            ],
        )
    },
}

# fmt: off
SALES_STEPS: dict[tuple[str, str], Step] = {
    ("IC1", "IC2"): (3.0, 2, 1, True, False,
        "Booked at least 100% of the meeting target in 3 of the last 4 quarters."),
    ("IC2", "IC3"): (3.5, 3, 2, True, True,
        "Attained 100% of quota in 3 of the last 4 quarters."),
    ("IC3", "IC4"): (3.5, 3, 2, True, True,
        "Attained 110% of quota in 3 of the last 4 quarters and closed one deal above the "
        "enterprise threshold."),
    ("IC4", "IC5"): (4.0, 3, 2, True, True,
        "Their pod attained 100% of its quota in 3 of the last 4 quarters and an account "
        "executive they coached reached quota."),
}
# fmt: on

# fmt: off
PEOPLE_TRACKS: dict[str, list[LevelSpec]] = {
    "IC": [
        ("IC1", "People Coordinator",
         "People processes and records for the company, with review.",
         2, 42000, 55000),
        ("IC2", "People Partner",
         "The people needs of one or two departments.",
         4, 55000, 75000),
        ("IC3", "Senior People Partner",
         "Several departments; designs people programs.",
         6, 72000, 95000),
        ("IC4", "Head of People",
         "People strategy, policy and the people team.",
         8, 95000, 130000),
    ],
}
# fmt: on

PEOPLE_FUNCTIONAL: dict[str, str] = {
    "Employee Relations": "Handles employee concerns and cases fairly, consistently and on record.",
    "Talent Programs": "Runs the processes through which people join, grow and are reviewed.",
}

PEOPLE_LADDER: Ladder = {
    **generic_core(4),
    "Employee Relations": {
        "IC": rungs(
            [1, 2, 3, 4],
            [
                "Logs employee questions in the case system and answers policy questions from the "
                "handbook, escalating the rest.",
                "Handles routine employee-relations cases from intake to closure, with notes "
                "another "
                "partner could pick up.",
                "Has run investigations into complaints, written findings with evidence, and "
                "agreed "
                "outcomes with legal counsel.",
                "Sets the company's case-handling process and has reviewed a sensitive case with "
                "the "
                "executive team.",
            ],
        )
    },
    "Talent Programs": {
        "IC": rungs(
            [2, 3, 3, 4],
            [
                "Schedules onboarding and review-cycle sessions and keeps attendance records "
                "complete.",
                "Runs one people process (onboarding, a review cycle) for a department and "
                "collects "
                "feedback on it afterwards.",
                "Has designed a talent program (a framework rollout, a calibration) for several "
                "departments and measured its uptake.",
                "Owns the company's talent calendar and has changed a program based on its "
                "results.",
            ],
        )
    },
}

# fmt: off
PEOPLE_STEPS: dict[tuple[str, str], Step] = {
    ("IC1", "IC2"): (3.0, 2, 1, True, False,
        "Has run onboarding for a quarter's new joiners without missed steps."),
    ("IC2", "IC3"): (3.5, 3, 2, True, True,
        "Has partnered with two departments' leaders through a review cycle."),
    ("IC3", "IC4"): (4.0, 3, 2, True, True,
        "Has designed and rolled out a company-wide people program."),
}
# fmt: on

SALES_LATERAL = {
    "kind": "Lateral",
    "from_family": "Engineering",
    "from_level": "IC4",
    "to_family": "Sales",
    "to_level": "IC3",
    "transferable_skills": "Communication; Collaboration; Delivery",
    "gaps_to_close": "Prospecting; Negotiation; Pipeline Management",
    "requirements": "Has supported three or more customer deals as a technical expert; one "
    "quarter shadowing an account executive.",
}

PEOPLE_LATERAL = {
    "kind": "Lateral",
    "from_family": "Sales",
    "from_level": "IC3",
    "to_family": "People",
    "to_level": "IC2",
    "transferable_skills": "Communication; Ownership; Collaboration",
    "gaps_to_close": "Employee Relations; Talent Programs",
    "requirements": "Has completed the employment-law course and run onboarding for the "
    "sales team for a quarter.",
}


def sales() -> Family:
    return Family("Sales", SALES_TRACKS, SALES_LADDER, SALES_STEPS, SALES_FUNCTIONAL)


def people() -> Family:
    return Family("People", PEOPLE_TRACKS, PEOPLE_LADDER, PEOPLE_STEPS, PEOPLE_FUNCTIONAL)
