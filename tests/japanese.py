"""What a person reads is Japanese: find English and missing-value leaks in shown text.

`english_words(text)` lists the English words in text meant for a person, leaving out
what a Japanese municipal user reads as it is (RPA, AI-OCR, Excel, CSV, KPI …), command
names, options, paths, file names and URLs. `missing_markers(text)` lists the pandas and
Python spellings of "no value" (nan, None, NaT …) that must never reach a person.
"""

from __future__ import annotations

import re

# Words a Japanese DX team reads as they are: product, tool and file-format names.
ALLOWED = frozenset(
    word.casefold()
    for word in (
        "RPA AI OCR AI-OCR DX BPR KPI ID URL CSV Excel PDF HTML JSON xlsx csv json html pdf toml TOML "
        "Prefect PostgreSQL SQLite LGWAN Ctrl dxi DXI FY OK LAN PC Web web UI IPAex Gothic IPAexGothic "
        "Chromium LibreOffice Windows Linux PowerShell Python Shift_JIS UTF cron zip sha256 manifest "
        "Dask API"
    ).split()
) | frozenset(
    # dxi's command names: what a person types, shown as they are in help and messages.
    "dx-task-inventory score rank review demo effects init template ingest tasks submissions doctor "
    "backup restore serve web campaign overtime pilot user open status remind close import list "
    "create advance measure add disable calibrate layout suggest save show screening runs".split()
)

_SKIP = re.compile(
    r"""
      https?://\S+                      # URLs
    | (?<![\w-])--?[a-z][\w-]*          # options: --fy, -o, --format
    | \$?[A-Z][A-Z0-9]*_[A-Z0-9_]+      # environment variables: DXI_HOME
    | \S*[/\\]\S*                       # paths
    | \S+\.(?:xlsx|xls|csv|json|html|pdf|toml|zip|sqlite3|md|py|log|txt|ttf|otf)\b  # file names
    """,
    re.X,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_MISSING = re.compile(r"(?<![\w.])(nan|NaN|None|NaT|null|<NA>)(?![\w.])")


def english_words(text: str, *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """English words in `text` that a Japanese reader should not meet."""
    cleaned = _SKIP.sub(" ", text)
    extra = {word.casefold() for word in allowed}
    return [
        word
        for word in _WORD.findall(cleaned)
        if word.casefold() not in ALLOWED and word.casefold() not in extra
    ]


def missing_markers(text: str) -> list[str]:
    """The spellings of 'no value' (nan, None, NaT …) shown in `text`."""
    return _MISSING.findall(text)
