"""The framework as a static site: a page per job family and per level, a search over the
behavioral descriptions, plain files with relative links (works from a folder, a zip or any
intranet), no personal data.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ladder_sheets.model import Framework
from ladder_sheets.site.views import SiteView, site_view

HERE = Path(__file__).parent
STATIC = ("style.css", "search.js")


@dataclass
class Site:
    folder: Path
    pages: list[Path]
    view: SiteView


def build_site(
    framework: Framework,
    folder: Path,
    *,
    family: str | None = None,
    title: str = "Career framework",
    footer: str = "",
) -> Site:
    """Write the site into `folder` (created; files of the same names replaced). Only the
    framework parts are read: employees, ratings and evidence never reach a page."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    view = site_view(framework, family)
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    folder.mkdir(parents=True, exist_ok=True)
    common = {"site_title": title, "families": view.families, "footer": footer}
    pages: list[Path] = []

    def page(name: str, template: str, **context: object) -> None:
        html = env.get_template(template).render(**common, **context)
        target = folder / name
        target.write_text(html, encoding="utf-8")
        pages.append(target)

    page("index.html", "index.html.j2", title="Job families")
    for fam in view.families:
        page(fam.href, "family.html.j2", title=fam.name, family=fam)
        for level in fam.levels:
            page(level.href, "level.html.j2", title=level.name, family=fam, level=level)
    page("search.html", "search.html.j2", title="Search")
    # A script, not JSON: browsers refuse fetch() of a local file, a <script> loads anywhere.
    index = json.dumps(view.search, ensure_ascii=False).replace("</", "<\\/")
    (folder / "search-index.js").write_text(f"window.LADDER_SEARCH = {index};\n", "utf-8")
    for name in STATIC:
        shutil.copyfile(HERE / "static" / name, folder / name)
    return Site(folder, pages, view)
