"""The IPAex Gothic font of the reports and the review room, shipped inside this package.

Why our own copy: LGWAN PCs have no internet and may lack a Japanese system font, and a
report of 課 names in tofu boxes is useless to the 本部. The PDF embeds this file, the
review room serves it to the browser, `dxi doctor` checks it. `fonts/` holds IPAex Gothic
00401 exactly as IPA publishes it (Debian's fonts-ipaexfont has the same file) with its
licence, IPA_Font_License_Agreement_v1.0.txt, which allows redistribution with that text.
No third-party import here: the web app needs only the path.
"""

from __future__ import annotations

from pathlib import Path

FONT_NAME = "IPAexGothic"
FONT_DIR = Path(__file__).parent / "fonts"
FONT_FILE = "ipaexg.ttf"
LICENSE_FILE = "IPA_Font_License_Agreement_v1.0.txt"


def font_path() -> Path:
    """The bundled IPAex Gothic TrueType file."""
    return FONT_DIR / FONT_FILE
