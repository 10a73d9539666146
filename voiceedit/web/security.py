"""What keeps the local editor local: a random token in the address, the Host and Origin
headers checked, and headers that stop framing, leaking the address and outside scripts.

- Token: the printed address carries it (`?token=`); the page is then given it as a
  SameSite=Strict, HttpOnly cookie, so its own requests (media, events) carry it and no
  other site's requests can. A request with neither is refused.
- Host: only the names this server answers on (127.0.0.1, localhost, the given host), so a
  DNS-rebinding page (evil.example resolving to 127.0.0.1) is refused.
- Origin: a request that says where it comes from must come from this server (a
  cross-site `fetch` or form post is refused even before the token is looked at).
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterable
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "voiceedit_token"
HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; media-src 'self' blob:; img-src 'self' data:; "
     b"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    names = {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"}
    return frozenset(f"{name}:{port}" for name in names)


class LocalOnly:
    """ASGI middleware: refuse what is not this page, on this machine, with this token."""

    def __init__(self, app: ASGIApp, token: str, hosts: Iterable[str]) -> None:
        self.app = app
        self.token = token
        self.hosts = frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1"): value.decode("latin-1")
                   for name, value in scope["headers"]}
        host = headers.get("host", "")
        refusal = self._refusal(scope, headers, host)
        if refusal is not None:
            await _refuse(send, refusal)
            return
        await self.app(scope, receive, _with_headers(send, self._cookie(scope, headers)))

    def _refusal(self, scope: Scope, headers: dict[str, str], host: str) -> str | None:
        if host not in self.hosts:
            return "This editor answers only on the address voiceedit serve printed."
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{host}":
            return "Requests from other sites are refused."
        if not self._has_token(scope, headers):
            return "Open the address voiceedit serve printed; it carries the page's key."
        return None

    def _has_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        offered = [_query_token(scope), headers.get("x-voiceedit-token", "")]
        cookie = SimpleCookie(headers.get("cookie", ""))
        if COOKIE in cookie:
            offered.append(cookie[COOKIE].value)
        return any(hmac.compare_digest(value.encode(), self.token.encode())
                   for value in offered if value)

    def _cookie(self, scope: Scope, headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
        """The token as a cookie, given with the page the printed address opens."""
        if not _query_token(scope):
            return []
        value = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        return [(b"set-cookie", value.encode())]


def _query_token(scope: Scope) -> str:
    from urllib.parse import parse_qs

    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return values[0] if values else ""


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def sending(message: dict) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            added = [(n, v) for n, v in HEADERS if n not in present] + extra
            message = {**message, "headers": list(message.get("headers", [])) + added}
        await send(message)

    return sending


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"message": message}).encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
