"""The HTTP face of the engine: a JSON API and a research web page.

Like the command line, it is a thin layer over :class:`search.Engine`:
``search serve`` runs :func:`serve`; a program can mount the app that
:func:`create_app` makes in its own ASGI server.  It needs the ``serve``
extra (Starlette and uvicorn): ``pip install -e '.[serve]'``.
"""

from __future__ import annotations

import socket
from typing import Callable, Optional

from ..errors import SearchError

INSTALL = "pip install -e '.[serve]'"
#: Host names a server on loopback answers for: another name pointing at
#: 127.0.0.1 (DNS rebinding) must not let a web site read the API.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def check_installed() -> None:
    """Raise a one-line SearchError naming the install command when the
    serve extra is missing."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise SearchError(f"search serve needs {exc.name}, which is not installed: run `{INSTALL}`") from None


def create_app(engine, **options):
    """The Starlette app over ``engine``; see :func:`search.server.app.create_app`."""
    from .app import create_app as make

    return make(engine, **options)


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: any free port).

    Made with the protocol named, as asyncio wants it to switch Nagle's
    algorithm off on each connection (``socket.create_server`` leaves the
    protocol 0, and every answer on a kept-alive connection then waits
    40 ms for the client's delayed acknowledgement)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise SearchError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def serve(engine, *, host: str = "127.0.0.1", port: int = 8000, cors: Optional[str] = None,
          say: Callable[[str], None] = print) -> None:
    """Answer HTTP on ``host``:``port`` until interrupted, saying where."""
    check_installed()
    import uvicorn

    sock = listen(host, port)
    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(engine, cors=cors, allowed_hosts=LOOPBACK_HOSTS if loopback else None)
    shown = f"[{host}]" if ":" in host else host
    say(f"search: serving {engine.path} at http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C stops)")
    if not engine.exists():
        say(f"search: no index at {engine.path} yet: answering 503 until `search index` builds one")
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=3)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stops gracefully, then raises the signal again
        pass
    say("search: stopped")
