"""Page rendering: one Jinja2 environment with autoescape on for every template.

Autoescape is switched on for all files, not by extension: the templates end in
`.html.j2`, which Jinja2's `select_autoescape` would *not* escape. A task name
from a survey such as `<script>…` must always reach the browser as text.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bpr.scoring.labels import QUADRANT_LABELS, REVIEW_SOURCES, ROLE_LABELS, TOOL_LABELS
from flows.web.auth import Principal
from inventory.display import hours, japan_time
from inventory.era import era_label
from inventory.intake.upload import KIND_LABELS

TEMPLATES = Path(__file__).parent / "templates"
NAV = (
    ("dashboard", "/", "ダッシュボード", ("admin", "reviewer", "dept")),
    ("ranking", "/ranking", "候補一覧", ("admin", "reviewer", "dept")),
    ("pilots", "/pilots", "実証", ("admin", "reviewer", "dept")),
    ("submit", "/submit", "提出", ("admin", "reviewer", "dept")),
    ("history", "/history", "提出履歴", ("admin", "reviewer", "dept")),
    ("submissions", "/submissions", "提出状況", ("admin", "reviewer", "dept")),
    ("admin", "/admin", "管理", ("admin",)),
)


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return japan_time(value)
    return value.isoformat()


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:+.{digits}f}%"


def _short(value: str | None, length: int = 24) -> str:
    text = value or ""
    return text if len(text) <= length else text[: length - 1] + "…"


def fiscal_year_label(value: int | None) -> str:
    """A 年度 the way the whole web UI writes it: 和暦, like the reports (2025 → 令和7年度)."""
    return "—" if value is None else era_label(int(value))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters.update(num=hours, when=_when, pct=_pct, short=_short, fy=fiscal_year_label)
    env.globals.update(
        QUADRANT_LABELS=QUADRANT_LABELS,
        TOOL_LABELS=TOOL_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        NAV=NAV,
        REVIEW_SOURCES=REVIEW_SOURCES,
        KIND_LABELS=KIND_LABELS,
    )
    return env


ENV = _environment()


def render(
    request: Request, template: str, *, page: str, title: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page inside the layout, for the request's user (if any)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    html = ENV.get_template(template).render(
        request=request, user=principal, page=page, title=title, **context
    )
    return HTMLResponse(html, status_code=status)
