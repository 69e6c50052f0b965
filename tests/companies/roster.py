"""The invented companies: each a spec, the conventions of its workbook and its review tool.

Every name and person is invented. `xfail` says exactly what ladder-sheets does not yet
recognise in the company's files (None: understood today); `conventions` lists what the
company does its own way, for the suite's report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from companies import book as books
from companies import exports as tools
from companies.book import Book
from companies.exports import Export
from companies.spec import Spec, build, quarters

ENG = {"Engineering": {"IC": ["E1", "E2", "E3", "E4"], "Management": ["M1", "M2"]}}
FIVE = ["Well below", "Below", "Meets", "Exceeds", "Significantly exceeds"]
FIVE_EXPECTATIONS = [
    "Well below expectations",
    "Below expectations",
    "Meets expectations",
    "Exceeds expectations",
    "Significantly exceeds expectations",
]


VARIANTS = ("workbook", "exports", "both")


@dataclass
class Company:
    """A company's files in three variants, so that each side is judged on its own:
    "workbook": its own workbook with a canonical export (Cycle, Employee ID, Competency,
    Rating, Rater Type Manager/Self); "exports": the canonical workbook of the same spec with
    its own exports; "both": its own workbook and exports, as HR would run it."""

    name: str
    spec: Spec
    book: Book
    export: Export
    conventions: list[str]
    workbook_gap: str | None = None  # what the workbook reader does not recognise today
    exports_gap: str | None = None  # what the export reader does not recognise today
    both_gap: str | None = None  # what only the combination needs (keys across files)
    silent: dict[str, str] = field(default_factory=dict)  # variant -> today's silent misreading

    def gap(self, variant: str) -> str | None:
        """Why the variant is not understood today (None: it is)."""
        parts = {
            "workbook": [("workbook", self.workbook_gap)],
            "exports": [("exports", self.exports_gap)],
            "both": [
                ("workbook", self.workbook_gap),
                ("exports", self.exports_gap),
                ("together", self.both_gap),
            ],
        }[variant]
        said = [f"{side}: {why}" for side, why in parts if why]
        return "; ".join(said) or None

    def write(self, folder: Path, variant: str = "both") -> tuple[Path, list[Path]]:
        folder.mkdir(parents=True, exist_ok=True)
        book = self.book if variant in ("workbook", "both") else Book()
        workbook = books.write(self.spec, book, folder / "framework.xlsx")
        out = folder / "exports"
        out.mkdir(exist_ok=True)
        if variant == "workbook":
            key = self.book.person_key
            plain = Export("plain", key=key, reviewer_key=key, raters=("manager", "self"))
            return workbook, tools.plain(self.spec, out, plain)
        return workbook, tools.TOOLS[self.export.tool](self.spec, out, self.export)


def canonica() -> Company:
    """The control: the template's own layout and a canonical export. If this one fails, the
    reference (expect.py) and the product disagree on a definition, not on reading."""
    spec = build(
        "Canonica",
        seed=1,
        families=ENG,
        people=9,
        cycles=quarters("2026-Q1", 3),
        cycles_at_next=2,
    )
    return Company(
        "Canonica",
        spec,
        Book(),
        Export(
            "plain",
            key="id",
            reviewer_key="id",
            raters=("manager", "self"),
            words={"manager": "Manager", "self": "Self"},
        ),
        ["canonical layout", "long CSV by Employee ID", "Rater Type Manager/Self"],
    )


def globex() -> Company:
    spec = build(
        "Globex",
        seed=2,
        families={
            "Engineering": {"IC": ["IC1", "IC2", "IC3"], "Management": ["M1", "M2"]},
            "Sales": {"IC": ["S1", "S2", "S3"]},
        },
        people=10,
        cycles=quarters("2026-Q1", 2),
    )
    return Company(
        "Globex",
        spec,
        Book(headers={"people": {"track": "Ladder", "since": "Grade Since"}}),
        Export("plain", key="id", raters=("manager", "self"), rater_header="Rater"),
        ["people: 'Ladder' for track, 'Grade Since' for date in level", "export 'Rater' column"],
    )


def quillfeather() -> Company:
    spec = build(
        "Quillfeather Labs",
        seed=3,
        families={"Engineering": {"IC": ["P1", "P2", "P3", "P4"], "Management": ["M1", "M2"]}},
        people=10,
        cycles=quarters("2026-Q1", 3),
    )
    for c in spec["cycles"]:
        spec["labels"][c] = tools.spaced_quarter(c)
    book = Book(
        sheets={
            "levels": "Career Levels",
            "competencies": "Skills",
            "criteria": "Promotion Rules",
            "people": "Team",
        },
        headers={
            "levels": {"level": "Career Level", "track": "Career Path"},
            "people": {
                "id": "Worker ID",
                "level": "Career Level",
                "track": "Career Path",
                "manager": "Manager Email",
            },
            "criteria": {"from": "From Career Level", "to": "To Career Level"},
        },
        titles={
            "levels": ["Quillfeather Labs - Career Levels 2026"],
            "people": ["Team roster (confidential)"],
        },
        notes={"levels": "Owner: People team. Updated monthly."},
        merge_title=True,
        manager_by="email",
    )
    export = Export(
        "15five",
        words={"manager": "Manager review", "self": "Self review", "peer": "Peer review"},
        raters=("manager", "self", "peer"),
        cycle=tools.spaced_quarter,
    )
    return Company(
        "Quillfeather Labs",
        spec,
        book,
        export,
        [
            "'Career Level' / 'Career Path' headers",
            "titles above headers, merged, note beside",
            "managers by e-mail",
            "15Five long CSV (BOM) by e-mail",
            "'Manager review'/'Self review'/'Peer review', 2 peers each",
            "cycles 'Q1 2026'",
        ],
    )


def tallowmere() -> Company:
    spec = build(
        "Tallowmere",
        seed=4,
        families={
            "Engineering": {"IC": ["E1", "E2", "E3", "E4"], "Management": ["EM1", "EM2"]},
            "Operations": {"IC": ["O1", "O2", "O3"]},
        },
        people=12,
        cycles=quarters("2025-Q4", 2, step=2),
        upward=True,
    )
    abbreviated = {"Engineering": "Eng Expectations", "Operations": "Ops Expectations"}
    book = Book(
        headers={"levels": {"track": "Stream"}, "people": {"track": "Stream"}},
        tracks={"IC": "Individual Contributor", "Management": "People Leader"},
        matrix="transposed",
        matrix_per_family=True,
        matrix_sheet=lambda f: abbreviated[f],
    )
    export = Export(
        "lattice",
        words={"manager": "Downward", "self": "Self", "peer": "Peer", "upward": "Upward"},
        cycle=tools.half,
    )
    return Company(
        "Tallowmere",
        spec,
        book,
        export,
        [
            "'Stream' for track, 'Individual Contributor'/'People Leader'",
            "transposed matrix, one sheet per family, abbreviated ('Eng', 'Ops')",
            "Lattice long CSV by e-mail, 'Review direction' Downward/Self/Peer/Upward",
            "cycles 'H2 2025', 'H1 2026'",
        ],
    )


def corvid() -> Company:
    spec = build(
        "Corvid Freight",
        seed=5,
        families={
            "Operations": {"IC": ["G1", "G2", "G3", "G4"], "Management": ["G5", "G6"]},
            "Customer Success": {"IC": ["C1", "C2", "C3"]},
        },
        people=11,
        cycles=quarters("2025-Q4", 2, step=2),
        peers=0,
    )
    book = Book(
        headers={"people": {"since": "Level Start Date"}},
        matrix="long",
        all_families="All",
    )
    export = Export(
        "cultureamp",
        words={"manager": "Manager", "self": "Self-Evaluation"},
        raters=("manager", "self"),
        labels=FIVE,
        cycle=tools.named_half,
    )
    return Company(
        "Corvid Freight",
        spec,
        book,
        export,
        [
            "long-form matrix (Competency | Level | Expected)",
            "'Level Start Date'",
            "Job Family 'All'",
            "Culture Amp wide CSV: 'Manager - X' / 'Self-Evaluation - X', 'Overall Rating'",
            "labels Well below/Below/Meets/Exceeds/Significantly exceeds",
            "cycles 'Year-end 2025', 'Mid-year 2026'",
        ],
    )


def saltmarsh() -> Company:
    spec = build(
        "Saltmarsh Analytics",
        seed=6,
        families={"Data": {"IC": ["D1", "D2", "D3", "D4"], "Management": ["DM1", "DM2"]}},
        people=9,
        cycles=quarters("2026-Q1", 3),
        upward=True,
    )
    book = Book(
        headers={"people": {"since": "Date in Role", "manager": "Line Manager"}},
        split_names=True,
        manager_by="name",
    )
    export = Export(
        "leapsome",
        key="name",
        words={"manager": "Manager", "self": "Self", "peer": "Peer", "upward": "Direct report"},
        cycle=tools.short_quarter,
    )
    return Company(
        "Saltmarsh Analytics",
        spec,
        book,
        export,
        [
            "'First Name'/'Last Name'",
            "'Date in Role'",
            "'Line Manager' by name",
            "Leapsome long CSV keyed by name",
            "'Relationship' Manager/Self/Peer/Direct report",
            "cycles 'Q1-26'",
        ],
    )


def pebblecrest() -> Company:
    spec = build(
        "Pebblecrest",
        seed=7,
        families={"Marketing": {"IC": ["B1", "B2", "B3", "B4"], "Management": ["B5", "B6"]}},
        people=8,
        cycles=quarters("2026-Q1", 3),
        peers=0,
    )
    book = Book(
        headers={
            "levels": {"level": "Compensation Grade", "min_quarters": "Min Months In Grade"},
            "criteria": {
                "from": "From Grade",
                "to": "To Grade",
                "min_average": "Avg score needed",
                "min_each": "Lowest allowed",
                "cycles_at_next": "Consecutive cycles at next grade",
                "min_quarters": "Min months in grade",
                "endorsement": "Sign-off needed",
                "calibration": "Calibration needed",
            },
            "people": {"level": "Compensation Grade", "since": "Band Since"},
        },
        time_unit="months",
    )
    export = Export(
        "hibob",
        words={"manager": "Manager", "self": "Self"},
        raters=("manager", "self"),
        cycle=tools.short_quarter,
        xlsx=True,
    )
    return Company(
        "Pebblecrest",
        spec,
        book,
        export,
        [
            "'Compensation Grade', 'Band Since'",
            "time in months ('Min Months In Grade')",
            "criteria 'Avg score needed'/'Lowest allowed'/'Consecutive cycles at next grade'/"
            "'Sign-off needed'",
            "HiBob XLSX, two tabs (Summary first), wide 'X [Manager]' / 'X [Self]'",
            "cycles 'Q1-26'",
        ],
    )


def hollowfen() -> Company:
    spec = build(
        "Hollowfen Studios",
        seed=8,
        families={"Design": {"IC": ["D1", "D2", "D3", "D4"], "Management": ["DM1", "DM2"]}},
        people=8,
        cycles=quarters("2026-Q1", 3),
        peers=0,
    )
    book = Book(
        headers={
            "levels": {"min_quarters": "Min Years In Level"},
            "criteria": {"min_quarters": "Min Years In Level"},
        },
        time_unit="years",
        dates="dmy",
        titles={"people": ["Hollowfen Studios people list", "Export of 3 Dec 2026"]},
    )
    export = Export(
        "bamboohr",
        words={"manager": "Manager Assessment", "self": "Self Assessment"},
        raters=("manager", "self"),
        encoding="cp1252",
        delimiter=";",
    )
    return Company(
        "Hollowfen Studios",
        spec,
        book,
        export,
        [
            "time in years ('Min Years In Level')",
            "dates as text dd/mm/yyyy",
            "two title rows above the people header",
            "BambooHR CSV cp1252 with semicolons, wide, 'Assessment Type' Manager/Self Assessment",
            "cycle from 'Completed Date'",
        ],
    )


def mirefield() -> Company:
    spec = build(
        "Mirefield Insurance",
        seed=9,
        families={
            "Finance": {"IC": ["F1", "F2", "F3", "F4"], "Management": ["FM1", "FM2"]},
            "Operations": {"IC": ["O1", "O2", "O3"]},
        },
        people=12,
        cycles=quarters("2026-Q1", 3),
    )
    abbreviated = {"Finance": "Matrix - Fin", "Operations": "Matrix - Ops"}
    book = Book(
        headers={
            "people": {"id": "Worker ID", "manager": "Supervisor ID", "level": "Job Title Level"}
        },
        matrix_per_family=True,
        matrix_sheet=lambda f: abbreviated[f],
    )
    export = Export(
        "quantum",
        key="id",
        words={
            "manager": "Manager Evaluation",
            "self": "Self-Evaluation",
            "peer": "Peer Evaluation",
        },
        raters=("manager", "self", "peer"),
    )
    return Company(
        "Mirefield Insurance",
        spec,
        book,
        export,
        [
            "'Worker ID', 'Supervisor ID', 'Job Title Level'",
            "matrix per family, sheet names abbreviated ('Matrix - Fin')",
            "Quantum Workplace long CSV, First/Last Name, 'Evaluation Type'",
            "Manager Evaluation/Self-Evaluation/Peer Evaluation",
            "period start/end dates",
        ],
    )


def ashbury() -> Company:
    spec = build(
        "Ashbury Robotics",
        seed=10,
        families={
            "Engineering": {"IC": ["IC1", "IC2", "IC3", "IC4"], "Management": ["EM1", "EM2"]}
        },
        people=7,
        cycles=quarters("2026-Q2", 2),
        peers=0,
        min_quarters=2,
    )
    book = Book(
        headers={"levels": {"order": "Seniority Order"}, "people": {"manager": "Manager"}},
        manager_by="name",
        dates="mdy",
    )
    export = Export(
        "googleform",
        key="name",
        words={"manager": "Manager", "self": "Self"},
        raters=("manager", "self"),
        cycle=tools.spaced_quarter,
    )
    return Company(
        "Ashbury Robotics",
        spec,
        book,
        export,
        [
            "'Seniority Order'",
            "'Manager' column holding names",
            "dates as US text mm/dd/yyyy (every one also a valid dd/mm/yyyy)",
            "Google Form CSV: Timestamp, person by name, 'Rate each area [X]' grid",
            "'You are their' Manager/Self",
        ],
    )


def kestrel() -> Company:
    titles = {
        "BK1": "Baker I",
        "BK2": "Baker II",
        "BK3": "Senior Baker",
        "BK4": "Master Baker",
        "BK5": "Shift Lead",
        "BK6": "Bakery Manager",
    }
    spec = build(
        "Kestrel Bakeries",
        seed=11,
        families={"Operations": {"IC": ["BK1", "BK2", "BK3", "BK4"], "Management": ["BK5", "BK6"]}},
        people=9,
        cycles=quarters("2026-Q1", 3),
        titles=titles,
    )
    book = Book(
        level_header=lambda lv: str(lv["title"]),
        titles={"matrix": ["Kestrel Bakeries - what we expect at each role"]},
        notes={"matrix": "1 = aware, 5 = expert"},
        merge_title=True,
    )
    export = Export(
        "workday",
        key="id",
        raters=("manager", "self"),
        labels=FIVE_EXPECTATIONS,
        xlsx=True,
    )
    return Company(
        "Kestrel Bakeries",
        spec,
        book,
        export,
        [
            "job titles as the matrix's level headers",
            "merged title and a note above the matrix",
            "Workday XLSX report with title rows, 'Manager Evaluation' / 'Self-Evaluation'"
            " side by side",
            "labels 'Well below expectations' ... 'Significantly exceeds expectations'",
            "review period start/end dates",
        ],
    )


def lindenmoor() -> Company:
    spec = build(
        "Lindenmoor Health",
        seed=12,
        families={
            "Customer Success": {"IC": ["CS1", "CS2", "CS3", "CS4"], "Management": ["CM1", "CM2"]},
            "Finance": {"IC": ["FN1", "FN2", "FN3"]},
        },
        people=12,
        cycles=quarters("2026-Q1", 3),
        peers=3,
        additional=True,
    )
    abbreviated = {"Customer Success": "CS Matrix", "Finance": "Fin Matrix"}
    book = Book(
        matrix_per_family=True,
        matrix_sheet=lambda f: abbreviated[f],
        all_families="All",
        blank_row={"people": 4},
        tracks={"Management": "Manager"},
    )
    export = Export(
        "lattice",
        words={
            "manager": "Manager",
            "self": "Self",
            "peer": "Peer",
            "additional": "Additional manager",
        },
        raters=("manager", "self", "peer", "additional"),
    )
    return Company(
        "Lindenmoor Health",
        spec,
        book,
        export,
        [
            "matrix per family, sheet names abbreviated ('CS Matrix')",
            "Job Family 'All'",
            "a blank row in the people table",
            "track 'Manager'",
            "Lattice long CSV by e-mail, 3 peers each, an 'Additional manager' (dotted line)",
        ],
    )


def ferncastle() -> Company:
    spec = build(
        "Ferncastle Games",
        seed=13,
        families={
            "Design": {"IC": ["DS1", "DS2", "DS3"], "Management": ["DL1", "DL2"]},
            "Engineering": {"IC": ["EN1", "EN2", "EN3", "EN4"]},
        },
        people=10,
        cycles=quarters("2025-Q4", 2, step=2),
        peers=0,
    )
    book = Book(
        headers={
            "levels": {"track": "Stream"},
            "people": {"track": "Stream", "since": "Level Start Date"},
        },
        tracks={"Management": "People Leader"},
    )
    export = Export(
        "plain",
        key="id",
        words={"manager": "Direct Manager", "self": "Self Review"},
        raters=("manager", "self"),
        rater_header="Rater Relationship",
        cycle=tools.named_half,
        xlsx=True,
        tabs={"Report Parameters": [["Report", "Competency ratings"], ["Run by", "HR Ops"]]},
    )
    return Company(
        "Ferncastle Games",
        spec,
        book,
        export,
        [
            "'Stream' with 'People Leader'",
            "'Level Start Date'",
            "XLSX export with two tabs (parameters first)",
            "'Rater Relationship' Direct Manager/Self Review",
            "cycles 'Year-end 2025', 'Mid-year 2026'",
        ],
    )


def tamsin_row() -> Company:
    spec = build(
        "Tamsin Row Logistics",
        seed=14,
        families={"Operations": {"IC": ["T1", "T2", "T3", "T4", "T5"]}},
        people=8,
        cycles=quarters("2026-Q1", 3),
        peers=0,
    )
    book = Book(
        headers={"people": {"manager": "Line Manager"}},
        manager_by="name",
        blank_row={"people": 2, "levels": 2},
        titles={"levels": ["Grades"], "people": ["Staff"]},
        merge_title=True,
    )
    export = Export(
        "hibob",
        words={"manager": "Manager", "self": "Self"},
        raters=("manager", "self"),
        labels=FIVE,
        cycle=tools.short_quarter,
        encoding="cp1252",
        delimiter=";",
    )
    return Company(
        "Tamsin Row Logistics",
        spec,
        book,
        export,
        [
            "one track only",
            "blank rows, merged titles",
            "'Line Manager' by name",
            "HiBob CSV cp1252 with semicolons, wide 'X [Manager]' / 'X [Self]'",
            "labels Well below/Below/Meets/Exceeds/Significantly exceeds",
            "cycles 'Q1-26'",
        ],
    )


def wickham() -> Company:
    spec = build(
        "Wickham Loom",
        seed=15,
        families={"Sales": {"IC": ["AE1", "AE2", "AE3", "AE4"], "Management": ["SM1", "SM2"]}},
        people=10,
        cycles=quarters("2026-Q1", 3),
        upward=True,
    )
    book = Book(
        headers={
            "levels": {"level": "Career Level", "track": "Stream"},
            "people": {"level": "Career Level", "track": "Stream"},
        },
        tracks={"Management": "People Leader"},
        matrix="long",
    )
    export = Export(
        "15five",
        words={
            "manager": "Direct Manager",
            "self": "Self Review",
            "peer": "Peer",
            "upward": "Upward",
        },
        cycle=tools.short_quarter,
    )
    return Company(
        "Wickham Loom",
        spec,
        book,
        export,
        [
            "'Career Level', 'Stream' with 'People Leader'",
            "long-form matrix with a Job Family column",
            "15Five long CSV by e-mail, Direct Manager/Self Review/Peer/Upward",
            "cycles 'Q1-26'",
        ],
    )


def orchard_vale() -> Company:
    spec = build(
        "Orchard Vale Health",
        seed=16,
        families={
            "Customer Success": {"IC": ["V1", "V2", "V3", "V4"], "Management": ["VM1", "VM2"]}
        },
        people=9,
        cycles=quarters("2026-Q1", 3),
    )
    book = Book(
        headers={"people": {"id": None, "manager": "Manager Email"}},
        person_key="email",
        manager_by="email",
    )
    export = Export(
        "leapsome",
        key="email",
        words={"manager": "Manager", "self": "Self", "peer": "Peer"},
        raters=("manager", "self", "peer"),
        labels=FIVE,
        encoding="utf-8-sig",
        delimiter=";",
    )
    return Company(
        "Orchard Vale Health",
        spec,
        book,
        export,
        [
            "people keyed by e-mail (no ID column), managers by e-mail",
            "Leapsome long CSV with semicolons, keyed by e-mail",
            "labels Well below/Below/Meets/Exceeds/Significantly exceeds",
        ],
    )


def brindle_moss() -> Company:
    spec = build(
        "Brindle and Moss",
        seed=17,
        families={
            "Finance": {"IC": ["A1", "A2", "A3", "A4"], "Management": ["A5", "A6"]},
            "Marketing": {"IC": ["K1", "K2", "K3"]},
        },
        people=11,
        cycles=quarters("2026-Q1", 3),
        peers=0,
    )
    abbreviated = {"Finance": "Matrix - Fin", "Marketing": "Matrix - Mktg"}
    book = Book(
        headers={"people": {"since": "Date in Role", "id": "Employee #"}},
        matrix_per_family=True,
        matrix_sheet=lambda f: abbreviated[f],
        all_families="All",
    )
    export = Export(
        "bamboohr",
        words={"manager": "Manager Assessment", "self": "Self Assessment"},
        raters=("manager", "self"),
        xlsx=True,
        tabs={"About": [["BambooHR performance export"], ["Generated for HR"]]},
    )
    return Company(
        "Brindle and Moss",
        spec,
        book,
        export,
        [
            "'Employee #', 'Date in Role'",
            "matrix per family, abbreviated ('Matrix - Mktg')",
            "Job Family 'All'",
            "BambooHR XLSX, two tabs (About first), wide, Manager/Self Assessment",
            "cycle from 'Completed Date'",
        ],
    )


def gorsebrook() -> Company:
    spec = build(
        "Gorsebrook Ceramics",
        seed=18,
        families={"Design": {"IC": ["C1", "C2", "C3", "C4"], "Management": ["CL1", "CL2"]}},
        people=9,
        cycles=quarters("2026-Q1", 3),
        peers=1,
    )
    book = Book(
        headers={"people": {"manager": "Manager (Lattice ID)"}},
        extra_people={"tool_id": "Lattice User ID"},
        manager_by="tool_id",
    )
    export = Export(
        "lattice",
        key="tool_id",
        words={"manager": "Manager", "self": "Self", "peer": "Peer"},
        raters=("manager", "self", "peer"),
        cycle=tools.spaced_quarter,
    )
    return Company(
        "Gorsebrook Ceramics",
        spec,
        book,
        export,
        [
            "the review tool's user IDs: a 'Lattice User ID' column on the people sheet",
            "managers by the tool's IDs ('Manager (Lattice ID)')",
            "Lattice long CSV keyed by 'Reviewee ID' (the tool's IDs)",
        ],
    )


COMPANIES_BUILDERS = [
    canonica,
    globex,
    quillfeather,
    tallowmere,
    corvid,
    saltmarsh,
    pebblecrest,
    hollowfen,
    mirefield,
    ashbury,
    kestrel,
    lindenmoor,
    ferncastle,
    tamsin_row,
    wickham,
    orchard_vale,
    brindle_moss,
    gorsebrook,
]

# What ladder-sheets does not recognise today, per company and side: the xfail reasons. When
# a reader learns a convention, its tests fail as XPASS; remove the entry (or the part of it)
# that now holds. "then untested" lists the company's conventions behind the first stop.
TODAY: dict[str, dict[str, str]] = {}


def _today(company: Company) -> Company:
    known = TODAY.get(company.name, {})
    company.workbook_gap = known.get("workbook")
    company.exports_gap = known.get("exports")
    company.both_gap = known.get("both")
    company.silent = {k.split(":")[1]: v for k, v in known.items() if k.startswith("silent:")}
    return company


COMPANIES = [_today(b()) for b in COMPANIES_BUILDERS]
