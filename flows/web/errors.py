"""Errors of the web UI, turned into HTTP answers only in `flows.web.app`.

WebError
 ├── LoginRequired   no valid session: send the browser to the login page
 ├── Forbidden       logged in, but this role or 課 may not see or do it (403, audited)
 │    └── CsrfRefused  a POST without the session's CSRF token (403, audited)
 └── PageNotFound    no such task, pilot or file (404)
"""

from __future__ import annotations


class WebError(Exception):
    """Base class; `message` is the Japanese text shown to the user."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginRequired(WebError):
    """No valid session."""

    status = 401


class Forbidden(WebError):
    """The role or the 課 of the user does not allow this."""

    status = 403


class CsrfRefused(Forbidden):
    """A form came without the session's CSRF token."""


class PageNotFound(WebError):
    """The thing asked for does not exist."""

    status = 404
