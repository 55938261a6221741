"""`dxi`: the command line. Thin: parses options, calls the domain, prints, sets exit codes.

The app and its shared helpers live in `flows.cli_app`; each `flows.cli_*` module
registers its commands on it. This module only imports those modules (which registers
the commands), makes them Japanese, and holds `main`, the console-script entry point.
Read-only commands never import Prefect, so they answer in well under a second.
"""

from __future__ import annotations

from flows import (
    cli_bpr,  # score, rank, review
    cli_campaign,  # campaign open / status / close / remind
    cli_demo,  # demo
    cli_effects,  # effects
    cli_inventory,  # init, template, ingest, tasks, submissions
    cli_ops,  # doctor, backup, restore
    cli_overtime,  # overtime import / list
    cli_pilot,  # pilot create / advance / measure / list
    cli_serve,  # serve
    cli_web,  # user, web
)
from flows.cli_app import app
from flows.cli_ja import localise

__all__ = ["app", "main"]
COMMAND_MODULES = (cli_bpr, cli_campaign, cli_demo, cli_effects, cli_inventory, cli_ops, cli_overtime,
                   cli_pilot, cli_serve, cli_web)  # fmt: skip

localise(app)


def main() -> None:
    """Console-script entry point: run the app, turning our errors into messages and exit codes."""
    from inventory.logs import configure_from_settings

    configure_from_settings()
    app()
