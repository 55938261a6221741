"""`dxi`: the command line. Thin: parses options, calls the domain, prints, sets exit codes.

The app and its shared helpers live in `flows.cli.app`; each command module of
`flows.cli` registers its commands on it. This module only imports those modules (which registers
the commands), makes them Japanese, and holds `main`, the console-script entry point.
Read-only commands never import Prefect, so they answer in well under a second.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata

from flows.cli import (
    calibrate,  # calibrate
    campaign,  # campaign open / status / close / remind
    demo,  # demo
    effects,  # effects
    layout,  # layout suggest / save / list / show
    ops,  # doctor, backup, restore
    overtime,  # overtime import / list
    pilot,  # pilot create / advance / measure / list
    scoring,  # score, rank, review
    screening,  # screening (二次調査票)
    serve,  # serve
    survey,  # init, template, ingest, tasks, submissions
    web,  # user, web
)
from flows.cli.app import app
from flows.cli.ja import localise

__all__ = ["app", "main"]
COMMAND_MODULES = (
    calibrate, campaign, demo, effects, layout, ops, overtime, pilot, scoring, screening, serve, survey, web,
)  # fmt: skip

localise(app)


# What Japanese Windows' code page (cp932) lacks, and the look-alike it has: 「—」 is how
# every missing figure is shown (inventory.display.MISSING).
CP932_LOOKALIKES = str.maketrans({"\u2014": "\u2015", "\u2013": "-", "\u00a0": " "})


def _lookalike(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a look-alike, else the NFKC form (㋿ → 令和), else '?'."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = unicodedata.normalize("NFKC", error.object[error.start : error.end].translate(CP932_LOOKALIKES))
    return text.encode(error.encoding, errors="replace").decode(error.encoding), error.end


def use_console_encoding() -> None:
    """Never stop on a character the console's code page cannot show.

    On Windows, output sent to a file or a pipe is written in the code page (cp932), which
    has no 「—」; Python would stop with UnicodeEncodeError in the middle of a table.
    """
    codecs.register_error("dxi-lookalike", _lookalike)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(errors="dxi-lookalike")


def main() -> None:
    """Console-script entry point: run the app, turning our errors into messages and exit codes."""
    from inventory.logs import configure_from_settings

    use_console_encoding()
    configure_from_settings()
    app()
