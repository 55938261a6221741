"""Read a file off the 提出 form: the size limit before any byte is read, then the CSRF token.

The declared length is checked first, so a 2 GB upload is refused without being
received; the body is then parsed with at most one file, the token compared in
constant time, and the file's bytes read (never more than the limit) and the form
closed, so nothing of it stays behind. What the file *is* is never taken from its
name or the browser's Content-Type: the intake sniffs the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends
from starlette.datastructures import UploadFile
from starlette.requests import Request

from flows.web.auth import CurrentUser
from flows.web.errors import CsrfRefused
from flows.web.security import CSRF_FIELD, tokens_match
from inventory.intake.upload import safe_file_name

FORM_OVERHEAD = 64 * 1024  # the multipart boundaries and the other fields
MAX_FIELDS = 10


@dataclass(frozen=True)
class Upload:
    """The posted form: its text fields, the file, or the reason it was not read."""

    fields: dict[str, str] = field(default_factory=dict)
    file_name: str = ""
    data: bytes = b""
    problem: str | None = None
    status: int = 200


def limit_bytes(request: Request) -> int:
    """The largest file the page takes (settings.web_upload_max_mb)."""
    return int(request.app.state.settings.web_upload_max_mb) * 1024 * 1024


def too_large(limit: int) -> str:
    """The message for a file over the limit."""
    return (
        f"ファイルが大きすぎます（上限 {limit // (1024 * 1024)} MB）。調査票の行や画像を確認し、"
        "不要なシートを消してから保存し直してください"
    )


async def read_upload(request: Request, user: CurrentUser) -> Upload:
    """The form of a 提出: refused unread when too large, CSRF checked, the file read and released."""
    limit = limit_bytes(request)
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > limit + FORM_OVERHEAD:
        return Upload(problem=too_large(limit), status=413)
    async with request.form(max_files=1, max_fields=MAX_FIELDS) as form:
        if not tokens_match(form.get(CSRF_FIELD), user.csrf_token):
            raise CsrfRefused("フォームの有効期限が切れたか、不正な送信です。画面を開き直してください")
        fields = {k: v.strip()[:200] for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return Upload(fields, problem="提出するファイルを選んでください", status=400)
        data = await upload.read(limit + 1)
    name = safe_file_name(upload.filename)
    if len(data) > limit:
        return Upload(fields, name, problem=too_large(limit), status=413)
    return Upload(fields, name, data)


PostedUpload = Annotated[Upload, Depends(read_upload)]
