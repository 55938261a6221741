"""HTTP-level protections: security headers, session and login-CSRF cookies, CSRF checks.

The pages run no script at all, so the Content-Security-Policy can forbid every
script and inline style: an injected `<script>` in a task name would not run even if
escaping ever failed. Cookies are HttpOnly and SameSite=Strict (the app is never
entered from another site's form), and Secure whenever the request came over https.
"""

from __future__ import annotations

import secrets
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE: Final = "dxi_session"
LOGIN_CSRF_COOKIE: Final = "dxi_login_csrf"
CSRF_FIELD: Final = "csrf_token"

CSP: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def apply_headers(request: Request, response: Response) -> None:
    """Add the security headers; pages and downloads (anything not under /static) are never cached."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if is_https(request):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not request.url.path.startswith(("/static/", "/fonts/")):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"


def peer_address(request: Request) -> str:
    """The address the connection comes from (the reverse proxy's, when there is one)."""
    return request.client.host if request.client else "unknown"


def from_trusted_proxy(request: Request) -> bool:
    """True when the peer is one of settings.web_trusted_proxies."""
    return peer_address(request) in request.app.state.settings.web_trusted_proxies


def client_address(request: Request) -> str:
    """The user's address: behind a trusted proxy, the last hop of X-Forwarded-For it added.

    Login throttling counts per this address, so all users behind one proxy are not
    locked out together; the header is ignored from anyone but a trusted proxy.
    """
    forwarded = request.headers.get("x-forwarded-for") if from_trusted_proxy(request) else None
    if forwarded and forwarded.split(",")[-1].strip():
        return forwarded.split(",")[-1].strip()[:64]
    return peer_address(request)


def is_https(request: Request) -> bool:
    """Served over https: directly, or through a trusted proxy that says so (X-Forwarded-Proto)."""
    if request.url.scheme == "https":
        return True
    return from_trusted_proxy(request) and request.headers.get("x-forwarded-proto", "").lower() == "https"


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None = None
) -> None:
    """HttpOnly, SameSite=Strict, path /, Secure over https."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="strict", secure=is_https(request)
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    """Remove a cookie with the same attributes it was set with."""
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=is_https(request))


def new_token() -> str:
    """A random URL-safe token (256 bits)."""
    return secrets.token_urlsafe(32)


def tokens_match(given: object, expected: str | None) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    return isinstance(given, str) and bool(expected) and secrets.compare_digest(given, expected or "")


def safe_next(target: str | None) -> str:
    """A local path to go to after login; anything else (another site, //host) → the dashboard."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
