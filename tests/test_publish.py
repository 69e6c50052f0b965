"""publish: the sample company's site and a public framework's, checked against the workbook
read independently with openpyxl: every link resolves, every level and behaviour is on its
page, no employee's name, ID or e-mail is in any file, and the search finds a behaviour by a
word in it (its script run by node and, where installed, by headless Chromium)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from ladder_sheets.cli import cli
from ladder_sheets.site import build_site
from ladder_sheets.site.views import slug

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "acme_framework.xlsx"
NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="samples/ is missing")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)
            if name == "id" and value:
                self.ids.add(value)


def rows(ws: Any) -> list[dict[str, Any]]:
    it = ws.iter_rows(values_only=True)
    head = [str(h) if h is not None else "" for h in next(it)]
    return [dict(zip(head, r, strict=False)) for r in it if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    run = CliRunner().invoke(cli, ["publish", str(SAMPLE), "-o", str(out)])
    assert run.exit_code == 0, run.output
    return out


def page(site: Path, name: str) -> str:
    return html.unescape((site / name).read_text(encoding="utf-8"))


def months_in_words(months: int) -> str:
    """18 -> '1 year 6 months', 24 -> '2 years', 6 -> '6 months'; written here, independently
    of the product, as the workbook's Time Required column says it."""
    years, rest = divmod(months, 12)
    words = [f"{years} year" + "s" * (years != 1)] if years else []
    words += [f"{rest} month" + "s" * (rest != 1)] if rest else []
    return " ".join(words)


def check_links(site: Path) -> int:
    """Every href and src of every page is relative and resolves (anchors included); returns
    how many were followed."""
    followed = 0
    for p in sorted(site.glob("*.html")):
        parser = Links()
        parser.feed(p.read_text(encoding="utf-8"))
        for target in parser.targets:
            assert not re.match(r"^(https?:)?//|^/", target), f"{p.name}: {target} is not relative"
            path, _, anchor = target.partition("#")
            assert (site / path).is_file() if path else True, f"{p.name}: {target}"
            if anchor:
                assert anchor in parser.ids, f"{p.name}: #{anchor}"
            followed += 1
    return followed


def test_every_link_resolves(site: Path) -> None:
    assert len(list(site.glob("*.html"))) > 20
    assert check_links(site) > 250


def test_levels_behaviours_and_criteria_match_the_workbook(site: Path) -> None:
    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    levels = rows(wb["Levels"])
    for lv in levels:
        text = page(site, f"level-{slug(lv['Job Family'])}-{slug(lv['Level'])}.html")
        assert f"{lv['Level']} · {lv['Title']}" in text
        assert lv["Scope"] in text
        family = page(site, f"family-{slug(lv['Job Family'])}.html")
        assert f"level-{slug(lv['Job Family'])}-{slug(lv['Level'])}.html" in family
    codes = {lv["Level"] for lv in levels}
    checked = 0
    for rec in rows(wb["Behaviors"]):
        for code, said in rec.items():
            if code in codes and said:
                text = page(site, f"level-{slug(rec['Job Family'])}-{slug(code)}.html")
                assert str(said) in text, (rec["Job Family"], rec["Competency"], code)
                checked += 1
    assert checked > 100
    for step in rows(wb["Promotion Criteria"]):
        text = page(site, f"level-{slug(step['Job Family'])}-{slug(step['From Level'])}.html")
        assert f"Moving up to {step['To Level']}" in text
        average = f"{float(step['Min Average']):g}"
        assert f"An average manager rating of at least {average}" in text
        if step["Scope Criteria"]:
            assert f"Scope: {step['Scope Criteria']}" in text
        if step["Min Quarters In Level"]:
            time = months_in_words(int(step["Min Quarters In Level"]) * 3)
            assert f"At least {time} at {step['From Level']}." in text
        assert not re.search(r"\d quarters at ", text), "time in level is said in years and months"
    for lv in levels:
        if lv["Min Quarters In Level"]:
            text = page(site, f"level-{slug(lv['Job Family'])}-{slug(lv['Level'])}.html")
            time = months_in_words(int(lv["Min Quarters In Level"]) * 3)
            assert f"at least {time}</dd>" in text
    for path in rows(wb["Paths"]):
        text = page(site, f"family-{slug(path['From Family'])}.html")
        for field in ("Transferable Skills", "Gaps To Close"):
            if path[field]:
                assert str(path[field]) in text


def test_no_personal_data_in_any_file(site: Path) -> None:
    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    people = rows(wb["Employees"])
    assert len(people) > 100
    secrets = {
        str(p[c]).strip()
        for p in people
        for c in ("Employee ID", "Name", "Email")
        if p.get(c) is not None
    }
    files = [f for f in site.rglob("*") if f.is_file()]
    assert {f.suffix for f in files} == {".html", ".css", ".js"}
    for f in files:
        text = f.read_text(encoding="utf-8")
        for secret in secrets:
            assert not re.search(rf"\b{re.escape(secret)}\b", text), f"{secret} in {f.name}"


def test_pages_are_accessible_and_printable(site: Path) -> None:
    for p in site.glob("*.html"):
        text = p.read_text(encoding="utf-8")
        assert '<html lang="en">' in text and 'name="viewport"' in text
        assert len(re.findall(r"<h1[ >]", text)) == 1, p.name
        assert 'href="#main"' in text and 'id="main"' in text
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "@media print" in css and "@media (max-width" in css and ":focus" in css
    level = (site / "level-engineering-ic3.html").read_text(encoding="utf-8")
    assert '<th scope="col">' in level and "<caption>" in level


def test_family_option_and_unknown_family(tmp_path: Path) -> None:
    run = CliRunner().invoke(
        cli, ["publish", str(SAMPLE), "-o", str(tmp_path), "--family", "sales"]
    )
    assert run.exit_code == 0, run.output
    names = {p.name for p in tmp_path.glob("*.html")}
    assert "family-sales.html" in names and "family-engineering.html" not in names
    assert not [n for n in names if n.startswith("level-engineering")]
    run = CliRunner().invoke(cli, ["publish", str(SAMPLE), "-o", str(tmp_path), "--family", "Ops"])
    assert run.exit_code == 1
    assert "'Ops' is not a job family" in run.output and "Engineering" in run.output


SEARCH_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const [site, query] = process.argv.slice(2);
const made = [];
const el = (id) => ({ id, value: "", textContent: "", innerHTML: "", children: made,
  addEventListener() {}, appendChild(c) { made.push(c); } });
const elements = { q: el("q"), results: el("results"), count: el("count") };
const context = { window: { location: { search: "?q=" + encodeURIComponent(query) } },
  document: { getElementById: (id) => elements[id], createElement: () => ({ innerHTML: "" }) },
  URLSearchParams };
context.window.window = context.window;
vm.createContext(context);
for (const file of ["search-index.js", "search.js"]) {
  vm.runInContext(fs.readFileSync(site + "/" + file, "utf8"), context);
}
const items = made.map((m) => m.innerHTML);
console.log(JSON.stringify({ count: elements.count.textContent, items }));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed: the search script is not run")
def test_search_finds_a_behaviour_by_a_word(site: Path, tmp_path: Path) -> None:
    harness = tmp_path / "harness.js"
    harness.write_text(SEARCH_HARNESS, encoding="utf-8")
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(harness), str(site), "onboarding buddy"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout)
    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    expected = [
        str(v)
        for rec in rows(wb["Behaviors"])
        for k, v in rec.items()
        if k not in ("Job Family", "Competency") and v and "onboarding buddy" in str(v).lower()
    ]
    assert expected and len(found["items"]) == len(expected)
    assert found["count"].startswith(f"{len(expected)} description")
    assert any(html.escape(expected[0], quote=True) in item for item in found["items"])


HARNESS = """<!doctype html><html><body>%s<pre id="out"></pre><script>
window.addEventListener("load", function () {
  var out = [];
  document.querySelectorAll("iframe").forEach(function (f) {
    var d = f.contentDocument;
    var ok = d && d.querySelector("h1") && d.querySelector("main") && d.title;
    out.push((ok ? "rendered " : "broken ") + f.getAttribute("src"));
  });
  document.getElementById("out").textContent = out.join("\\n");
});
</script></body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_headless_chromium_renders_every_page_and_runs_the_search(
    site: Path, tmp_path: Path
) -> None:
    """One Chromium run loads every page in a frame of a harness page (file pages may read
    each other with --allow-file-access-from-files) and lists which rendered; a second runs
    the search page with a query."""
    assert CHROMIUM is not None
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    pages = sorted(p.name for p in copy.glob("*.html"))
    frames = "".join(f'<iframe src="{name}"></iframe>' for name in pages)
    (copy / "harness.html").write_text(HARNESS % frames, encoding="utf-8")

    def dom(url: str) -> str:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--allow-file-access-from-files",
                "--virtual-time-budget=10000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    report = dom((copy / "harness.html").as_uri())
    rendered = re.findall(r"rendered ([\w.-]+)", report)
    assert sorted(rendered) == pages, report[-3000:]
    found = dom((copy / "search.html").as_uri() + "?q=onboarding%20buddy")
    assert re.search(r'id="count"[^>]*>\d+ descriptions? found', found)
    assert "onboarding buddy" in found.lower()


FRAMEWORKS = REPO.parent / "shared" / "frameworks"


@pytest.mark.skipif(
    not (FRAMEWORKS / "medium-snowflake").is_dir(),
    reason="the public frameworks (../shared/frameworks) are not here",
)
def test_a_public_framework_publishes(tmp_path: Path) -> None:
    """Medium's snowflake (its tracks as competencies, its milestones as levels)."""
    from test_frameworks_public import snowflake

    fw = snowflake()
    site = build_site(fw, tmp_path)
    assert [f.name for f in site.view.families] == ["Medium"]
    data = json.loads((FRAMEWORKS / "medium-snowflake" / "snowflake_tracks.json").read_text())
    for track in data["tracks"].values():
        for i, milestone in enumerate(track["milestones"], start=1):
            text = page(tmp_path, f"level-medium-milestone-{i}.html")
            assert milestone["summary"] in text
    assert check_links(tmp_path) > 50
