"""Print what a person would print: workbooks through LibreOffice, PDFs through poppler.

`xlsx_to_pdf` converts a workbook exactly as LibreOffice Calc prints it (page setup, print
area, repeated header rows, fit to width), so a test can count pages and look at page 1.
Each helper skips with the reason when its tool is missing, unless the matching
DXI_REQUIRE_* variable is 1 (set by .ci/run), where a missing tool is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from PIL import Image

_TOOLS = {
    "soffice": ("DXI_REQUIRE_LIBREOFFICE", "apt-get install libreoffice-calc-nogui"),
    "pdftoppm": ("DXI_REQUIRE_PDFTOPPM", "apt-get install poppler-utils"),
    "pdfinfo": ("DXI_REQUIRE_PDFTOPPM", "apt-get install poppler-utils"),
    "pdftotext": ("DXI_REQUIRE_PDFTOPPM", "apt-get install poppler-utils"),
}


def require(tool: str) -> str:
    """Return the tool's path; skip (or fail where it is required) when it is missing."""
    path = shutil.which(tool)
    if path is None:
        variable, install = _TOOLS[tool]
        if os.environ.get(variable) == "1":
            pytest.fail(f"{tool} is required here ({variable}=1) but is not installed ({install})")
        pytest.skip(f"{tool} is not installed ({install})")
    return path


def xlsx_to_pdf(workbook: Path, out_dir: Path) -> Path:
    """Print `workbook` to PDF with LibreOffice headless; return the PDF's path."""
    return xlsx_to_pdfs([workbook], out_dir)[0]


def xlsx_to_pdfs(workbooks: Sequence[Path], out_dir: Path) -> list[Path]:
    """Print several workbooks in one LibreOffice run (one start-up); return their PDFs in order."""
    soffice = require("soffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / ".lo-profile"  # a private profile: parallel runs do not share a lock
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *(str(w) for w in workbooks),
        ],
        check=True,
        capture_output=True,
        timeout=180 + 60 * len(workbooks),
    )
    pdfs = [out_dir / (w.stem + ".pdf") for w in workbooks]
    for workbook, pdf in zip(workbooks, pdfs, strict=True):
        assert pdf.exists(), f"LibreOffice wrote no PDF for {workbook.name}"
    return pdfs


def page_count(pdf: Path) -> int:
    """Number of pages in `pdf` (pdfinfo)."""
    listing = subprocess.run(
        [require("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    match = re.search(r"^Pages:\s+(\d+)$", listing, re.M)
    assert match, listing
    return int(match.group(1))


def page_size(pdf: Path, page: int = 1) -> tuple[float, float]:
    """Width and height of one page of `pdf`, in points (A4 portrait: 595 × 842)."""
    listing = subprocess.run(
        [require("pdfinfo"), "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", listing, re.M)
    assert match, listing
    return float(match.group(1)), float(match.group(2))


def overlapping_words(pdf: Path, page: int = 1, *, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of words printed over each other on one page (pdftotext -bbox), e.g. wrapped
    text running into the next row because the row is too short for it."""
    xhtml = subprocess.run(
        [require("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words: list[tuple[str, float, float, float, float]] = [
        (
            w.text or "",
            float(w.attrib["xMin"]),
            float(w.attrib["yMin"]),
            float(w.attrib["xMax"]),
            float(w.attrib["yMax"]),
        )
        for w in ElementTree.fromstring(xhtml).iter("{http://www.w3.org/1999/xhtml}word")
    ]
    words.sort(key=lambda w: w[2])
    clashes = []
    for i, (text, x0, _y0, x1, y1) in enumerate(words):
        for other, u0, v0, u1, _v1 in words[i + 1 :]:
            if v0 >= y1 - tolerance:
                break
            if u0 < x1 - tolerance and x0 < u1 - tolerance:
                clashes.append((text, other))
    return clashes


def page_text(pdf: Path, page: int = 1) -> str:
    """The text laid out on one page of `pdf` (pdftotext -layout)."""
    return subprocess.run(
        [require("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def render_page(pdf: Path, out_dir: Path, page: int = 1, dpi: int = 60) -> Path:
    """Render one page of `pdf` to PNG (pdftoppm); return the PNG's path."""
    prefix = out_dir / f"{pdf.stem}-p{page}"
    subprocess.run(
        [require("pdftoppm"), "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(pdf), str(prefix)],
        check=True,
    )
    return prefix.with_suffix(".png")


def rgb(png: Path) -> np.ndarray:
    """A PNG's pixels as RGB floats in 0..1 (height × width × 3)."""
    with Image.open(png) as image:
        return np.asarray(image.convert("RGB"), dtype=float) / 255
