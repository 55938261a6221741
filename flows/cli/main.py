"""`dxi`: the command line. Thin: parses options, calls the domain, prints, sets exit codes.

The app and its shared helpers live in `flows.cli.app`; each command module of
`flows.cli` registers its commands on it. Nothing is imported here up front: the app's
group (`flows.cli.lazy`) imports a command's module when the command runs, so `dxi --help`
loads only typer and the read commands only what they read with. `load_all` imports
every command module, for tests and docs that enumerate the whole app.
"""

from __future__ import annotations

from flows.cli.app import app
from flows.cli.lazy import load_all

__all__ = ["app", "load_all", "main"]


def main() -> None:
    """Console-script entry point: run the app, turning our errors into messages and exit codes.

    Logging is configured from the settings when a command runs (`flows.cli.app`).
    """
    app()
