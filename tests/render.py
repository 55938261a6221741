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
from pathlib import Path

import pytest

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
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out_dir / (workbook.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF for {workbook.name}"
    return pdf


def page_count(pdf: Path) -> int:
    """Number of pages in `pdf` (pdfinfo)."""
    listing = subprocess.run(
        [require("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    match = re.search(r"^Pages:\s+(\d+)$", listing, re.M)
    assert match, listing
    return int(match.group(1))


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
