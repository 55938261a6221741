"""`dxi`: the command line. Thin: parses options, calls the domain, prints, sets exit codes.

The app and its shared helpers live in `flows.cli.app`; each command module of
`flows.cli` registers its commands on it. This module only imports those modules (which registers
the commands), makes them Japanese, and holds `main`, the console-script entry point.
Read-only commands never import Prefect, so they answer in well under a second.
"""

from __future__ import annotations

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


def main() -> None:
    """Console-script entry point: run the app, turning our errors into messages and exit codes."""
    from inventory.logs import configure_from_settings

    configure_from_settings()
    app()
