"""Synthetic organisations for the benchmarks: seeded, reproducible, any size.

The sample company (`ladder_sheets.demo.company`) rates 6-8 competencies per track and builds
its tree around a fixed engineering chain; the benchmarks need 12 competencies per track and a
tree of span 5-8 at 10,000 people, so this module extends the sample's framework content and
builds its own tree and ratings with numpy. It writes:

- a framework workbook in the canonical layout of `ladder_sheets.model.TABLES` whose Ratings
  History already holds cycles 1..N-2 (manager and self ratings), written directly with
  xlsxwriter in constant-memory mode (merging N-2 exports with the tool would take longer than
  the benchmark itself at 10,000 people);
- the exports of cycles N-1 and N as long CSVs (self and manager ratings side by side,
  promotion evidence repeated per row), a format `merge` reads. The benchmark merges N-1 for
  real (so the workbook it measures was written by the tool, with whatever merge keeps beside
  it), then measures the merge of N and every other command on that merge's output.

Every person is invented; addresses use the reserved `example` domain.
"""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from ladder_sheets import model
from ladder_sheets.demo.company import FIRST_NAMES, LAST_NAMES, acme_content
from ladder_sheets.demo.example import Family, FrameworkContent
from ladder_sheets.sheets.history import build_evidence_sheet, build_history_sheet
from ladder_sheets.sheets.template import CREATED, level_columns, table_rows, wide_rows

COMPETENCIES_PER_TRACK = 12
LAST_CYCLE = (2026, 4)  # the export's cycle; earlier cycles count back from it
SELF_SHARE = 0.85  # share of people who self-assess in a cycle
READY_SHARE, DECLINING_SHARE = 0.12, 0.05

# Functional competencies added to each family until every track rates 12: name -> definition.
EXTRA: dict[str, dict[str, str]] = {
    "Engineering": {
        "Testing Strategy": "Chooses and maintains the tests that catch regressions early.",
        "Security Practice": "Builds and reviews changes so that data and systems stay safe.",
        "Technical Writing": "Writes the documents that let others use and change a system.",
        "Incident Response": "Leads and learns from production incidents.",
        "Roadmapping": "Turns goals into a sequenced, staffed plan that teams can follow.",
        "Budget Planning": "Plans and tracks the cost of teams and systems.",
        "Stakeholder Management": "Keeps the people a team depends on informed and aligned.",
        "Team Health": "Keeps workload, morale and attrition of a team in view and acts on it.",
    },
    "Sales": {
        "Account Planning": "Plans the growth of named accounts quarter by quarter.",
        "Forecasting": "Predicts bookings from the pipeline and explains the difference.",
        "Product Knowledge": "Explains what the product does and does not do for a buyer.",
        "Discovery Calls": "Runs calls that uncover a buyer's problem, budget and timeline.",
        "Contract Handling": "Takes a deal from verbal yes to signed order form.",
        "Renewals": "Keeps customers renewing and expanding at the end of a term.",
    },
    "People": {
        "Compensation Analysis": "Prices roles against the market and the pay bands.",
        "Workforce Planning": "Plans headcount and hiring against the business plan.",
        "Policy Writing": "Writes policies that employees and managers can apply.",
        "Learning Design": "Designs training that changes what people do at work.",
        "HR Data": "Keeps people data accurate and reports on it.",
        "Case Management": "Handles employee cases to a documented resolution.",
    },
}
# What a level's description is about, from the first rung of a track to the last.
SCOPES = [
    "their own tasks",
    "a small piece of the team's work",
    "a feature area of the team",
    "a project of several people",
    "work shared by two or more teams",
    "a product area of several teams",
    "the whole organisation",
]


def twelve_competency_content() -> FrameworkContent:
    """The sample company's families, each track extended to 12 rated competencies."""
    content = copy.deepcopy(acme_content())
    for family in content.families:
        pool = iter(EXTRA[family.name].items())
        for track, specs in family.tracks.items():
            while len(family.competencies_for(track)) < COMPETENCIES_PER_TRACK:
                name, definition = next(pool)
                family.functional[name] = definition
                family.ladder.setdefault(name, {})[track] = _rungs(name, len(specs), track)
    return content


def _rungs(name: str, n_levels: int, track: str) -> list[tuple[int, str]]:
    low = 3 if track == "Management" else 1
    out = []
    for i in range(n_levels):
        expected = low + round(i * (5 - low) / max(n_levels - 1, 1))
        scope = SCOPES[min(round(i * (len(SCOPES) - 1) / max(n_levels - 1, 1)), len(SCOPES) - 1)]
        out.append(
            (
                expected,
                f"Has applied {name.lower()} to {scope} and written down what changed as a "
                f"result, in a note their manager has reviewed.",
            )
        )
    return out


@dataclass
class Organisation:
    """A synthetic organisation: its framework content, its people and every rating."""

    content: FrameworkContent
    # employee_id, name, email, manager_id, family, track, level, in_level_since, profile
    people: pd.DataFrame
    # cycle, employee_id, competency, manager, self (NaN when not self-assessed), reviewer
    ratings: pd.DataFrame
    # employee_id, scope_met, endorsed: the promotion evidence of the last cycle
    evidence: pd.DataFrame
    cycles: tuple[str, ...]

    @property
    def managers(self) -> int:
        return int(self.people["manager_id"].dropna().nunique())


def cycle_names(n: int) -> tuple[str, ...]:
    """n consecutive quarters ending at LAST_CYCLE, oldest first."""
    year, quarter = LAST_CYCLE
    index = year * 4 + quarter - 1
    return tuple(f"{i // 4}-Q{i % 4 + 1}" for i in range(index - n + 1, index + 1))


def generate(n_people: int, seed: int = 7, cycles: int = 8) -> Organisation:
    """An invented organisation of n_people rated over `cycles` quarters (same seed, same
    organisation)."""
    if n_people < 2 or cycles < 2:
        raise ValueError("an organisation needs at least two people and two cycles")
    rng = np.random.default_rng(seed)
    content = twelve_competency_content()
    names = cycle_names(cycles)
    people = _people(rng, content, n_people, names)
    ratings = _ratings(rng, content, people, names)
    ready = people["profile"].eq("ready").to_numpy()
    evidence = pd.DataFrame(
        {
            "employee_id": people["employee_id"],
            "scope_met": ready & (rng.random(len(people)) < 0.9),
            "endorsed": ready & (rng.random(len(people)) < 0.8),
        }
    )
    content.employees = []  # people live in the DataFrame, not as dict rows
    return Organisation(content, people, ratings, evidence, names)


def _tree(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Parent of each person (-1 for the CEO) and height (0 for people with no reports).

    Breadth first with a span of 5-8, so depth grows with the log of the size (5 levels of
    management at 10,000 people); the CEO has six reports, one head per family branch."""
    parent = np.full(n, -1, dtype=np.int64)
    spans = rng.integers(5, 9, size=n)
    spans[0] = 6
    nxt, head = 1, 0
    while nxt < n:
        take = min(int(spans[head]), n - nxt)
        parent[nxt : nxt + take] = head
        nxt, head = nxt + take, head + 1
    height = np.zeros(n, dtype=np.int64)
    for child in range(n - 1, 0, -1):  # children always come after their parent
        p = parent[child]
        height[p] = max(height[p], height[child] + 1)
    return parent, height


BRANCHES = ["Engineering"] * 4 + ["Sales", "People"]
IC_WEIGHTS = {
    "Engineering": {"IC1": 8, "IC2": 22, "IC3": 28, "IC4": 22, "IC5": 12, "IC6": 6, "IC7": 2},
    "Sales": {"IC1": 30, "IC2": 40, "IC3": 30},
    "People": {"IC1": 30, "IC2": 45, "IC3": 25},
}
# Level of a person with reports, by family and height in the tree (1 = manages ICs only).
MANAGER_LEVELS = {
    "Engineering": ("Management", ["M1", "M2", "M3"]),
    "Sales": ("IC", ["IC4", "IC5"]),
    "People": ("IC", ["IC3", "IC4"]),
}


def _people(
    rng: np.random.Generator, content: FrameworkContent, n: int, cycles: tuple[str, ...]
) -> pd.DataFrame:
    parent, height = _tree(rng, n)
    family = np.empty(n, dtype=object)
    family[0] = "Engineering"
    for i in range(1, n):
        family[i] = BRANCHES[i - 1] if parent[i] == 0 else family[parent[i]]
    track = np.empty(n, dtype=object)
    level = np.empty(n, dtype=object)
    track[0], level[0] = "Management", "M4"
    draws = rng.random(n)
    for i in range(1, n):
        f = family[i]
        if height[i] > 0:
            track[i], ladder = MANAGER_LEVELS[f]
            level[i] = ladder[min(height[i], len(ladder)) - 1]
        else:
            weights = IC_WEIGHTS[f]
            cumulative = np.cumsum(list(weights.values())) / sum(weights.values())
            track[i] = "IC"
            level[i] = list(weights)[int(np.searchsorted(cumulative, draws[i], side="right"))]
    ids = np.array([f"E{i + 1:05d}" for i in range(n)], dtype=object)
    first = [FIRST_NAMES[i % len(FIRST_NAMES)] for i in range(n)]
    last = [LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)] for i in range(n)]
    initial = [chr(65 + (i // (len(FIRST_NAMES) * len(LAST_NAMES))) % 26) for i in range(n)]
    names = [f"{a} {m}. {b}" for a, m, b in zip(first, initial, last, strict=True)]
    emails = [
        f"{_fold(a)}.{m.lower()}.{_fold(b)}@synthetic.example"
        for a, m, b in zip(first, initial, last, strict=True)
    ]
    start = dt.date(2019, 1, 1)
    last_day = dt.date(int(cycles[-1][:4]), 3 * int(cycles[-1][-1]), 1) - dt.timedelta(days=120)
    since = [
        start + dt.timedelta(days=int(d)) for d in rng.integers(0, (last_day - start).days, size=n)
    ]
    has_next = np.array(
        [
            _next_level(content.family(f), t, lv) is not None
            for f, t, lv in zip(family, track, level, strict=True)
        ]
    )
    roll = rng.random(n)
    profile = np.where(
        ~has_next | (parent < 0),
        "top",
        np.where(
            roll < READY_SHARE,
            "ready",
            np.where(roll < READY_SHARE + DECLINING_SHARE, "declining", "steady"),
        ),
    )
    return pd.DataFrame(
        {
            "employee_id": ids,
            "name": names,
            "email": emails,
            "manager_id": [ids[p] if p >= 0 else None for p in parent],
            "family": family,
            "track": track,
            "level": level,
            "in_level_since": since,
            "profile": profile,
        }
    )


def _fold(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum()).lower()


def _next_level(family: Family, track: str, level: str) -> str | None:
    codes = family.level_codes(track)
    i = codes.index(level)
    return codes[i + 1] if i + 1 < len(codes) else None


def _ratings(
    rng: np.random.Generator,
    content: FrameworkContent,
    people: pd.DataFrame,
    cycles: tuple[str, ...],
) -> pd.DataFrame:
    """Manager and self ratings of everyone but the CEO, for every cycle, as numpy blocks."""
    rated = people[people["manager_id"].notna()].reset_index(drop=True)
    k = COMPETENCIES_PER_TRACK
    # Per (family, track, level): the competencies and the expectations now and one level up.
    shapes: dict[tuple[str, str, str], tuple[list[str], list[int], list[int]]] = {}
    for key in {tuple(r) for r in rated[["family", "track", "level"]].itertuples(index=False)}:
        f, t, lv = key
        fam = content.family(f)
        comps = fam.competencies_for(t)
        nxt = _next_level(fam, t, lv)
        now = [fam.expected(c, lv) or 3 for c in comps]
        up = [fam.expected(c, nxt) or e for c, e in zip(comps, now, strict=True)] if nxt else now
        shapes[key] = (comps, now, [max(a, b) for a, b in zip(now, up, strict=True)])
    keys = list(rated[["family", "track", "level"]].itertuples(index=False, name=None))
    comp = np.array([shapes[key][0] for key in keys], dtype=object)
    cur = np.array([shapes[key][1] for key in keys], dtype=np.int64)
    target = np.array([shapes[key][2] for key in keys], dtype=np.int64)
    profile = rated["profile"].to_numpy()[:, None]
    # A few managers rate more leniently (+1) or more severely (-1) than their peers.
    managers = people["employee_id"].to_numpy()
    leniency = rng.choice([0, 1, -1], size=len(managers), p=[0.7, 0.2, 0.1])
    bias_of = dict(zip(managers, leniency, strict=True))
    bias = np.array([bias_of[m] for m in rated["manager_id"]], dtype=np.int64)[:, None]
    name_of = dict(zip(people["employee_id"], people["name"], strict=True))
    reviewer = np.array([name_of[m] for m in rated["manager_id"]], dtype=object)
    ids = rated["employee_id"].to_numpy()
    n = len(rated)
    blocks = []
    for j, cycle in enumerate(cycles):
        from_end = len(cycles) - j  # 1 = the latest cycle
        noise = rng.choice([-1, 0, 1], size=(n, k), p=[0.15, 0.6, 0.25])
        lean = bias * (rng.random((n, k)) < 0.5)
        score = cur + noise + lean
        if from_end <= 2:
            score = np.where(profile == "ready", target, score)
            score = np.where(profile == "declining", cur - 1, score)
        elif from_end == 3:
            half = rng.random((n, 1)) < 0.5
            score = np.where((profile == "ready") & half, target, score)
        score = np.clip(score, 1, 5)
        shift = rng.choice([0, 1, -1], size=(n, k), p=[0.45, 0.35, 0.2])
        selfs = np.clip(score + shift, 1, 5).astype(float)
        selfs[rng.random(n) >= SELF_SHARE] = np.nan
        blocks.append(
            pd.DataFrame(
                {
                    "cycle": cycle,
                    "employee_id": np.repeat(ids, k),
                    "competency": comp.ravel(),
                    "manager": score.ravel().astype(float),
                    "self": selfs.ravel(),
                    "reviewer": np.repeat(reviewer, k),
                }
            )
        )
    return pd.concat(blocks, ignore_index=True)


def history_rows(org: Organisation, cycles: tuple[str, ...]) -> pd.DataFrame:
    """Ratings History rows (canonical columns) for `cycles`, as merge would have written
    them: per cycle the manager ratings, then the self ratings."""
    parts = []
    for cycle in cycles:
        block = org.ratings[org.ratings["cycle"] == cycle]
        year, quarter = int(cycle[:4]), int(cycle[-1])
        stamp = dt.datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 10, 9)
        for rater, column in (("manager", "manager"), ("self", "self")):
            rows = block[block[column].notna()]
            parts.append(
                pd.DataFrame(
                    {
                        "cycle": cycle,
                        "employee_id": rows["employee_id"].to_numpy(),
                        "competency": rows["competency"].to_numpy(),
                        "rating": rows[column].to_numpy(),
                        "rater_type": rater,
                        "reviewer": rows["reviewer"].to_numpy() if rater == "manager" else None,
                        "evidence": None,
                        "source": f"reviews_{cycle}.csv",
                        "imported_at": stamp,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=model.columns("history"))
    return pd.concat(parts, ignore_index=True)


def write_workbook(org: Organisation, path: Path, *, cycles: tuple[str, ...] | None = None) -> Path:
    """The framework workbook, its Ratings History holding `cycles` (default: every cycle but
    the last) and no promotion evidence, as HR would have it before merging the next one."""
    cycles = org.cycles[:-1] if cycles is None else cycles
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties({"title": "Career framework (synthetic)", "created": CREATED})
    header = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    levels = level_columns(org.content)
    for table in ("levels", "competencies", "expectations", "behaviors", "criteria", "paths"):
        ws = wb.add_worksheet(model.TABLES[table][0])
        if table in ("expectations", "behaviors"):
            heads = model.headers(table)
            cols = ["family", "competency", *levels]
            ws.write_row(0, 0, [heads["family"], heads["competency"], *levels], header)
            rows = wide_rows(org.content, behaviors=table == "behaviors")
        else:
            cols = model.columns(table)
            ws.write_row(0, 0, [model.headers(table)[c] for c in cols], header)
            rows = table_rows(org.content, table)
        for i, row in enumerate(rows, start=1):
            for j, col in enumerate(cols):
                _cell(ws, i, j, row.get(col), date)
    ws = wb.add_worksheet(model.TABLES["employees"][0])
    # the invented people have no Status or Leaving Date (everyone is employed): the columns
    # they have, as the organisations generated before those columns existed
    cols = [c for c in model.columns("employees") if c in org.people.columns]
    ws.write_row(0, 0, [model.headers("employees")[c] for c in cols], header)
    for i, person in enumerate(org.people[cols].itertuples(index=False, name=None), start=1):
        for j, value in enumerate(person):
            _cell(ws, i, j, value, date)
    build_history_sheet(wb, history_rows(org, cycles))
    build_evidence_sheet(wb, pd.DataFrame())
    wb.close()
    return path


def _cell(ws: Any, row: int, col: int, value: Any, date: Any) -> None:
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "Yes" if value else "No")
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        ws.write_number(row, col, float(value))
    else:
        ws.write_string(row, col, str(value))


EXPORT_HEADER = [
    "Cycle",
    "Employee ID",
    "Competency",
    "Self Rating",
    "Manager Rating",
    "Manager",
    "Scope Criteria Met",
    "Manager Endorsement",
]


def write_export(org: Organisation, path: Path, cycle: str | None = None) -> Path:
    """The long CSV export of one cycle (default: the last), UTF-8, comma separated."""
    cycle = cycle or org.cycles[-1]
    block = org.ratings[org.ratings["cycle"] == cycle]
    flags = org.evidence.set_index("employee_id").reindex(block["employee_id"])
    yes_no = {True: "Yes", False: "No"}
    out = pd.DataFrame(
        {
            "Cycle": cycle,
            "Employee ID": block["employee_id"].to_numpy(),
            "Competency": block["competency"].to_numpy(),
            "Self Rating": block["self"].astype("Int64").to_numpy(),
            "Manager Rating": block["manager"].astype("int64").to_numpy(),
            "Manager": block["reviewer"].to_numpy(),
            "Scope Criteria Met": flags["scope_met"].map(yes_no).to_numpy(),
            "Manager Endorsement": flags["endorsed"].map(yes_no).to_numpy(),
        },
        columns=EXPORT_HEADER,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


@dataclass
class Files:
    """One organisation on disk."""

    workbook: Path  # history of cycles 1..N-2, as HR keeps it before the last two merges
    seed_export: Path  # cycle N-1, long CSV: merged for real before anything is measured
    export: Path  # cycle N, long CSV: the merge that is measured
    people: int
    managers: int
    cycles: tuple[str, ...]
    history_rows: int  # rows of Ratings History once cycle N is merged


def build(
    n_people: int, out_dir: Path, *, cycles: int = 8, seed: int = 7, reuse: bool = False
) -> Files:
    """Generate and write an organisation's workbook and last two exports into out_dir (with
    `reuse`, files already there from the same size, seed and cycles are kept)."""
    if cycles < 3:
        raise ValueError("the benchmark needs three cycles: history, one merged, one measured")
    org = generate(n_people, seed=seed, cycles=cycles)
    out_dir = Path(out_dir)
    names = org.cycles
    workbook = out_dir / f"framework_{n_people}.xlsx"
    exports = [out_dir / f"reviews_{n_people}_{c}.csv" for c in names[-2:]]
    # Written under a temporary name and renamed: a run stopped mid-write leaves nothing
    # that --reuse would take for a whole file.
    if not (reuse and workbook.exists()):
        write_workbook(org, _partial(workbook), cycles=names[:-2]).replace(workbook)
    for path, cycle in zip(exports, names[-2:], strict=True):
        if not (reuse and path.exists()):
            write_export(org, _partial(path), cycle).replace(path)
    rows = int(org.ratings["manager"].notna().sum() + org.ratings["self"].notna().sum())
    return Files(workbook, exports[0], exports[1], len(org.people), org.managers, names, rows)


def _partial(path: Path) -> Path:
    return path.with_name(f"partial-{path.name}")
