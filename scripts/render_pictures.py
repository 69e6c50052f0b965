"""Render the README's pictures from real outputs, so they stay true.

Runs `ladder-sheets demo` into a temporary folder, has LibreOffice headless print each workbook
with one page per sheet, finds each wanted sheet's page by its text, and crops the top of the
page to a PNG in docs/img/; the published site's pages are drawn by headless Chromium. Needs
LibreOffice (soffice), poppler (pdftoppm, pdftotext) and chromium.

    python scripts/render_pictures.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "img"
ONE_PAGE_PER_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'

# (workbook relative to the demo folder, text on the sheet's page, picture name, width, height)
PICTURES = [
    ("acme_framework.xlsx", "Gap Analysis, cycle", "gap-analysis", 1500, 520),
    ("acme_framework.xlsx", "Promotion Readiness, cycle", "promotion-readiness", 1500, 520),
    ("acme_framework.xlsx", "Matrix", "matrix", 1300, 420),
    ("calibration.xlsx", "what to look at first", "calibration-summary", 1200, 520),
    ("calibration.xlsx", "Manager consistency", "calibration-managers", 1400, 460),
]
# (page of the published site relative to the demo folder, picture name, width, height)
SITE_PICTURES = [
    ("site/family-engineering.html", "site-family", 1200, 820),
    ("site/level-engineering-ic3.html", "site-level", 1200, 900),
]
PACK_PICTURES = [
    ("Your team against the next level", "pack-team", 1300, 360),
    ("Promotion criteria", "pack-person", 1400, 760),
]


def run(*args: str) -> str:
    done = subprocess.run(args, check=True, capture_output=True, text=True, timeout=600)
    return done.stdout


def to_pdf(workbook: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui")
    run(
        soffice,
        "--headless",
        "--convert-to",
        ONE_PAGE_PER_SHEET,
        "--outdir",
        str(folder),
        str(workbook),
    )
    return folder / (workbook.stem + ".pdf")


def page_with(pdf: Path, text: str) -> int:
    pages = int(
        next(
            line.split()[-1]
            for line in run("pdfinfo", str(pdf)).splitlines()
            if line.startswith("Pages:")
        )
    )
    for page in range(1, pages + 1):
        if (
            text.lower()
            in run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-").lower()
        ):
            return page
    raise SystemExit(f"no page of {pdf.name} shows '{text}'")


def crop(pdf: Path, page: int, name: str, width: int, height: int) -> Path:
    stem = OUT / name
    run(
        "pdftoppm",
        "-f",
        str(page),
        "-l",
        str(page),
        "-r",
        "80",
        "-x",
        "0",
        "-y",
        "0",
        "-W",
        str(width),
        "-H",
        str(height),
        "-png",
        "-singlefile",
        str(pdf),
        str(stem),
    )
    return stem.with_suffix(".png")


def screenshot(page: Path, name: str, width: int, height: int) -> Path:
    """A page of the published site as headless Chromium draws it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is needed for the site's pictures (apt-get install chromium)")
    target = OUT / f"{name}.png"
    run(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
        f"--screenshot={target}",
        page.as_uri(),
    )
    return target


def main() -> None:
    from ladder_sheets.demo.run import run_demo

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        run_demo(demo)
        pdfs = Path(tmp) / "pdf"
        made = []
        for workbook, text, name, width, height in PICTURES:
            pdf = pdfs / (Path(workbook).stem + ".pdf")
            if not pdf.exists():
                pdf = to_pdf(demo / workbook, pdfs)
            made.append(crop(pdf, page_with(pdf, text), name, width, height))
        pack = sorted((demo / "packs" / "managers").glob("*.xlsx"))[0]
        pdf = to_pdf(pack, pdfs)
        for text, name, width, height in PACK_PICTURES:
            made.append(crop(pdf, page_with(pdf, text), name, width, height))
        for page, name, width, height in SITE_PICTURES:
            made.append(screenshot(demo / page, name, width, height))
    for path in made:
        print(path.relative_to(REPO))


if __name__ == "__main__":
    main()
