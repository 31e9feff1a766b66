"""Two guards around every request: protective headers on every answer, and a bounded request body (a
refused upload gets a Chinese page, never a reset connection)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .texts import format_size

if TYPE_CHECKING:
    from .web import Pages

FORM_OVERHEAD = 256 * 1024      # multipart boundaries and the small fields around the file
DRAIN_CAP = 64 * 1024 * 1024    # read (and drop) at most this much of a refused body, so browsers see the page


class SecurityHeaders:
    """No caching of pages that carry links, no referrer leaking the token, no framing, no foreign resources."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy",
         b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
         b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + self.HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Stop reading a request body past the limit and answer 413 with a Chinese page.

    The rest of a moderately oversized body is read and dropped first, so a browser that is still
    sending sees the page rather than a reset connection.
    """

    def __init__(self, app: ASGIApp, limit: int, pages: Pages) -> None:
        self.app = app
        self.limit = limit
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, receive, send, already=0, declared=declared)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, already=received, declared=declared)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, already: int, declared: int | None) -> None:
        total = already
        if declared is None or declared <= DRAIN_CAP:
            while total <= DRAIN_CAP:
                message = await receive()
                if message["type"] != "http.request":
                    break
                total += len(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        size = declared if declared is not None else total
        limit = self.limit - FORM_OVERHEAD
        request = Request(scope)
        parts = scope.get("path", "").split("/")
        back = "/".join(parts[:3]) if len(parts) > 2 and parts[1] in ("u", "admin") else None
        response = self.pages.message(
            request, "上传未成功",
            f"文件过大（约 {format_size(size)}），超过 {format_size(limit)} 的上限，本次上传未保存。"
            "请使用下发的填报模板填写，勿在表中粘贴图片或大量数据。", status=413, back=back,
            back_label="返回重新上传")
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
