"""The HTTP face: one Starlette app over one Engine.

A request goes route → parameters checked against the endpoint's table →
one Engine call in a worker thread, under a time limit → JSON.  Every
failure, ours or the engine's, becomes ``{"error", "code"}`` with its status
in one place, :func:`error_response`; no traceback and no HTML error page
ever leaves the server.  The page at ``/`` and its files come from the
package's ``static`` folder.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Optional

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import (IndexDamagedError, IndexLockedError, IndexMissingError, NotAnIndexError,
                      QuerySyntaxError, SearchError, UsageError)
from .openapi import document
from .params import BadParameter, parse
from .routes import ENDPOINTS, MAX_BODY, Endpoint, TooLarge

STATIC = Path(__file__).resolve().parent / "static"
TIMEOUT = 10.0  # seconds an Engine call may take before the request is answered 503
log = logging.getLogger("search.server")


class Overtime(SearchError):
    """An Engine call took longer than the request's time limit."""


class BadHost(SearchError):
    """A request named a host the server does not answer for (DNS rebinding)."""


#: Exception → (status, code), the first that matches.
ERRORS = (
    (TooLarge, 413, "too_large"),
    (BadParameter, 400, "bad_parameter"),
    (QuerySyntaxError, 400, "bad_query"),
    (UsageError, 400, "bad_parameter"),
    (BadHost, 400, "bad_host"),
    (IndexMissingError, 503, "index_missing"),
    (IndexDamagedError, 503, "index_damaged"),
    (NotAnIndexError, 503, "not_an_index"),
    (IndexLockedError, 503, "index_locked"),
    (Overtime, 503, "timeout"),
    (SearchError, 500, "search_error"),
)
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
#: Sent with every answer: the page runs only its own files; nothing is
#: sniffed, framed or told where the reader came from.
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                 b"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def error_response(exc: BaseException) -> JSONResponse:
    """The one place where exceptions become statuses."""
    if isinstance(exc, HTTPException):
        status, code = exc.status_code, HTTP_CODES.get(exc.status_code, "http_error")
        message = {404: "no such page", 405: "method not allowed"}.get(status, str(exc.detail))
        return JSONResponse({"error": message, "code": code}, status, headers=exc.headers)
    for kind, status, code in ERRORS:
        if isinstance(exc, kind):
            return JSONResponse({"error": str(exc), "code": code}, status,
                                headers={"retry-after": "5"} if status == 503 else None)
    log.error("internal error", exc_info=exc)
    return JSONResponse({"error": "internal error; the server's log says more", "code": "internal"}, 500)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"the body is larger than {limit} bytes")
    return bytes(body)


async def run_limited(timeout: float, call, *args):
    """``call(*args)`` in a worker thread; after ``timeout`` seconds the
    request is answered and the thread's result, when it comes, dropped."""
    try:
        with anyio.fail_after(timeout):
            return await anyio.to_thread.run_sync(call, *args, abandon_on_cancel=True)
    except TimeoutError:
        raise Overtime(f"no answer within {timeout:g} s; narrow the query or ask for fewer results") from None


def api_route(endpoint: Endpoint, engine, timeout: float, max_body: int) -> Route:
    params = endpoint.offered(engine)

    async def handle(request: Request) -> Response:
        started = time.perf_counter()
        try:
            args = (engine, parse(params, request.query_params), params)
            if endpoint.http == "POST":
                args += (await read_body(request, max_body),)
            answer = await run_limited(timeout, endpoint.call, *args)
        except Exception as exc:
            return error_response(exc)
        if isinstance(answer, str):
            return Response(answer, media_type="application/x-ndjson")
        answer["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return JSONResponse(answer)

    return Route(endpoint.path, handle, methods=[endpoint.http], name=endpoint.call.__name__)


class Guard:
    """ASGI middleware: refuses hosts not allowed (when a list is given) and
    adds :data:`HEADERS` to every answer."""

    def __init__(self, app, allowed_hosts: Optional[list[str]] = None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.allowed_hosts is not None:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed_hosts:
                return await error_response(BadHost(f"this server does not answer for host {name[:60]!r}"))(
                    scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(engine, *, cors: Optional[str] = None, timeout: float = TIMEOUT, max_body: int = MAX_BODY,
               allowed_hosts: Optional[list[str]] = None) -> Starlette:
    """The web page and JSON API over ``engine`` (which the app closes when
    it stops).  ``cors`` is the one origin allowed to call the API from
    another site's pages (none by default); ``allowed_hosts`` the host names
    requests may be addressed to (any by default)."""
    openapi = document(ENDPOINTS, engine)

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi)

    async def on_error(request: Request, exc: Exception) -> Response:
        return error_response(exc)

    @asynccontextmanager
    async def lifespan(app):
        yield
        engine.close()

    routes = [api_route(e, engine, timeout, max_body) for e in ENDPOINTS]
    routes += [Route("/", page), Route("/openapi.json", openapi_json),
               Mount("/static", StaticFiles(directory=STATIC), name="static")]
    middleware = [Middleware(Guard, allowed_hosts=allowed_hosts)]
    if cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[cors], allow_methods=["GET", "POST"],
                                     allow_headers=["Content-Type"]))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: on_error, Exception: on_error})
