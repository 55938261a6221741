"""`dxi`: the command line. Thin: parses options, calls the domain, prints, sets exit codes.

The app and its shared helpers live in `flows.cli.app`; each command module of
`flows.cli` registers its commands on it. Nothing is imported here up front: the app's
group (`flows.cli.lazy`) imports a command's module when the command runs, so `dxi --help`
loads only typer and the read commands only what they read with. `load_all` imports
every command module, for tests and docs that enumerate the whole app.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import unicodedata

from flows.cli.app import app
from flows.cli.lazy import load_all

__all__ = ["app", "load_all", "main"]


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
    """Console-script entry point: run the app, turning our errors into messages and exit codes.

    Logging is configured from the settings when a command runs (`flows.cli.app`).
    """
    use_console_encoding()
    # dxi uses no pydantic plugin; looking for them reads every installed package's metadata.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()
