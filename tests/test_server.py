"""The HTTP face: every endpoint answers what the Engine and the CLI answer,
every failure is JSON with its status, the limits hold, and the server keeps
answering under load and while the index is updated."""

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from search import Engine, errors
from search.cli import main

from .conftest import ROOT

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve]'")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve]'")

from starlette.testclient import TestClient  # noqa: E402

from search.server import create_app, listen  # noqa: E402
from search.server.routes import ENDPOINTS, MAX_BATCH, MAX_BODY, MAX_QUERY_CHARS  # noqa: E402

API = [e.path for e in ENDPOINTS]


@contextmanager
def live_server(app):
    """``app`` served by uvicorn on a free loopback port, in a thread; its URL."""
    sock = listen("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="module")
def client(bundled_index):
    with TestClient(create_app(Engine.open(bundled_index))) as c:
        yield c


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert set(data) == {"error", "code"} and data["code"] == code, data
    assert "\n" not in data["error"] and "Traceback" not in data["error"]
    return data


# -- answers ---------------------------------------------------------------------

def test_search_answers_the_object_of_query_format_json_plus_the_time(client, bundled_index):
    cli = CliRunner().invoke(main, ["query", "злочинна група", "--index", str(bundled_index),
                                    "--format", "json", "--limit", "5", "--lang", "uk", "--offset", "2"])
    data = client.get("/api/search", params={"q": "злочинна група", "limit": 5, "lang": "uk", "offset": 2}).json()
    assert data.pop("took_ms") > 0
    assert data == json.loads(cli.stdout)
    assert list(data) == list(json.loads(cli.stdout))  # the same field order too


def test_search_pages_with_offset(client):
    whole = client.get("/api/search", params={"q": "група", "limit": 10}).json()
    page = client.get("/api/search", params={"q": "група", "limit": 5, "offset": 5}).json()
    assert [h["id"] for h in page["hits"]] == [h["id"] for h in whole["hits"][5:]]
    assert [h["rank"] for h in page["hits"]] == list(range(6, 11))
    assert page["offset"] == 5 and page["total"] == whole["total"]


def test_search_filters_reach_the_engine(client):
    ru = client.get("/api/search", params={"q": "людьми", "lang": "ru", "limit": 50}).json()
    assert ru["hits"] and {h["lang"] for h in ru["hits"]} == {"ru"}
    doc = client.get("/api/search", params={"q": "людьми", "doc": "untoc-uk", "limit": 50}).json()
    assert {h["doc"] for h in doc["hits"]} == {"untoc-uk"}
    exact = client.get("/api/search", params={"q": "групи", "exact": "true", "limit": 50}).json()
    assert {f.lower() for h in exact["hits"] for f in h["matched"]} == {"групи"}


def test_part_picks_an_instrument_by_words_of_its_name(client):
    data = client.get("/api/search", params={"q": "група", "part": "торгівлі людьми", "limit": 50}).json()
    assert data["hits"] and {h["part"] for h in data["hits"]} == {
        "Протокол про попередження і припинення торгівлі людьми, особливо жінками і дітьми, і покарання за неї"}
    assert client.get("/api/stats", params={"q": "група", "part": "Конвенція"}).json()["docs"]


class OlderEngine(Engine):
    """An engine whose search takes neither ``offset`` nor ``part``."""

    def search(self, query, *, limit=10, lang=None, doc=None, exact=False):
        return super().search(query, limit=limit, lang=lang, doc=doc, exact=exact)


def test_an_option_the_engine_does_not_take_is_neither_offered_nor_passed(bundled_index):
    with TestClient(create_app(OlderEngine(bundled_index))) as c:
        described = c.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]
        assert {"offset", "part"}.isdisjoint(p["name"] for p in described)
        response = c.get("/api/search", params={"q": "група", "part": "Конвенція"})
        assert "unknown parameter 'part'" in assert_error(response, 400, "bad_parameter")["error"]
        assert c.get("/api/search", params={"q": "група", "lang": "uk"}).json()["total"] > 0


def test_kwic_counts_all_lines_and_sorts_them(client, engine):
    data = client.get("/api/kwic", params={"q": "група", "sort": "right", "limit": 5, "width": 20}).json()
    expected = engine.concordance("група", sort="right", width=20)
    assert data["total"] == len(expected) > 5
    assert data["lines"] == [line.to_dict() for line in expected[:5]]
    page = client.get("/api/kwic", params={"q": "група", "sort": "right", "limit": 5, "offset": 5, "width": 20})
    assert page.json()["lines"] == [line.to_dict() for line in expected[5:10]]
    assert page.json()["total"] == len(expected) and page.json()["offset"] == 5


def test_stats_terms_explain_and_info_are_the_engines(client, engine):
    assert client.get("/api/stats", params={"q": "група", "top": 3}).json().items() >= \
        engine.term_stats("група", top=3).to_dict().items()
    terms = client.get("/api/terms", params={"top": 5, "lang": "ru"}).json()["terms"]
    assert [(t["lemma"], t["count"]) for t in terms] == engine.terms(top=5, lang="ru")
    every = client.get("/api/terms", params={"top": 5, "all": "1"}).json()["terms"]
    assert [(t["lemma"], t["count"]) for t in every] == engine.terms(top=5, stop_words=True)
    explained = client.get("/api/explain", params={"q": "злочинна група", "limit": 2}).json()
    assert explained["compiled"] == engine.explain("злочинна група", limit=2).compiled
    assert len(explained["hits"]) == 2
    assert client.get("/api/info").json()["paragraphs"] == engine.info().paragraphs


def test_batch_takes_and_gives_json_lines(client, bundled_index, tmp_path):
    body = '{"id": "q1", "query": "злочинна група"}\n\n"торговля людьми"\n{"id": 7, "query": "\\"broken"}\n'
    response = client.post("/api/batch", params={"limit": 2}, content=body.encode())
    assert response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert [(r["id"], r["query"]) for r in records] == [("q1", "злочинна група"), ("3", "торговля людьми"),
                                                        ("7", '"broken')]
    assert len(records[0]["hits"]) == 2 and "error" in records[2]
    # The same records as `search batch` writes.
    (tmp_path / "q.tsv").write_text("q1\tзлочинна група\n", encoding="utf-8")
    cli = CliRunner().invoke(main, ["batch", str(tmp_path / "q.tsv"), "--index", str(bundled_index), "--limit", "2"])
    assert json.loads(cli.stdout) == records[0]


def test_the_readme_curl_example_is_what_the_api_answers(client):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"\$ curl -s -G http://127.0.0.1:8000(/api/search) --data-urlencode '(.*?)' -d (\S+) .*?\n"
                        r"(\{.*?\n\})\n```", readme, re.S)
    path, (name, value), limit = example.group(1), example.group(2).split("=", 1), example.group(3).split("=")
    answer = client.get(path, params={name: value, limit[0]: limit[1]}).json()
    shown = json.loads(example.group(4))
    assert answer.pop("took_ms") > 0 and shown.pop("took_ms") > 0
    assert answer == shown


# -- errors and limits ---------------------------------------------------------------

@pytest.mark.parametrize("params, problem", [
    ({"q": '"unclosed'}, "quote is not closed"),
    ({"q": "(група"}, "bad query"),
])
def test_a_bad_query_is_400_in_one_line(client, params, problem):
    assert problem in assert_error(client.get("/api/search", params=params), 400, "bad_query")["error"]


@pytest.mark.parametrize("path, params, problem", [
    ("/api/search", {}, "q is required"),
    ("/api/search", {"q": "група", "limit": "ten"}, "whole number"),
    ("/api/search", {"q": "група", "limit": "0"}, "between 1 and"),
    ("/api/search", {"q": "група", "limit": "100000"}, "between 1 and"),
    ("/api/search", {"q": "група", "offset": "-1"}, "between 0 and"),
    ("/api/search", {"q": "група", "lang": "de"}, "one of uk, ru, other"),
    ("/api/search", {"q": "група", "exact": "maybe"}, "true or false"),
    ("/api/search", {"q": "я" * (MAX_QUERY_CHARS + 1)}, "longer than"),
    ("/api/kwic", {"q": "група", "sort": "score"}, "one of doc, left, right, form"),
    ("/api/kwic", {"q": "група", "width": "100000"}, "between"),
    ("/api/terms", {"top": "1000000"}, "between"),
    ("/api/explain", {"q": "група", "limit": "500"}, "between"),
])
def test_a_bad_parameter_is_400(client, path, params, problem):
    assert problem in assert_error(client.get(path, params=params), 400, "bad_parameter")["error"]


@pytest.mark.parametrize("path", API)
@pytest.mark.parametrize("name", ["index", "path", "file", "sources", "dir"])
def test_no_endpoint_takes_a_path(client, path, name):
    params = {name: "/etc/passwd"}
    method = "POST" if path == "/api/batch" else "GET"
    assert_error(client.request(method, path, params=params, content=b'"x"\n'), 400, "bad_parameter")
    described = client.get("/openapi.json").json()["paths"][path]
    assert name not in {p["name"] for op in described.values() for p in op["parameters"]}


def test_batch_bounds_its_body_and_its_size(client):
    too_big = b'"' + b"a" * MAX_BODY + b'"\n'
    assert_error(client.post("/api/batch", content=too_big), 413, "too_large")
    many = "".join(f'"група {i}"\n' for i in range(MAX_BATCH + 1)).encode()
    assert_error(client.post("/api/batch", content=many), 413, "too_large")
    assert_error(client.post("/api/batch", content=b"{not json\n"), 400, "bad_parameter")
    assert_error(client.post("/api/batch", content=b'{"id": 1}\n'), 400, "bad_parameter")
    assert_error(client.post("/api/batch", content=b"\xff\xfe\x00"), 400, "bad_parameter")


def test_a_streamed_body_without_length_is_bounded_too(client):
    def chunks():
        for _ in range(MAX_BODY // 1024 + 2):
            yield b" " * 1024

    assert_error(client.post("/api/batch", content=chunks()), 413, "too_large")


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/api/nothing", 404, "not_found"),
    ("GET", "/static/", 404, "not_found"),
    ("GET", "/static", 404, "not_found"),
    ("GET", "/static/%2e%2e/app.py", 404, "not_found"),
    ("GET", "/static/..%2f..%2f..%2fpyproject.toml", 404, "not_found"),
    ("GET", "/api/batch", 405, "method_not_allowed"),
    ("POST", "/api/search?q=x", 405, "method_not_allowed"),
    ("DELETE", "/api/info", 405, "method_not_allowed"),
])
def test_http_errors_are_json_never_html(client, method, path, status, code):
    assert_error(client.request(method, path), status, code)


def test_a_missing_index_is_503_until_it_is_built(tmp_path):
    missing = tmp_path / "ix"
    with TestClient(create_app(Engine.open(missing))) as c:
        for path in ("/api/search?q=група", "/api/kwic?q=група", "/api/info", "/api/terms"):
            assert "search index" in assert_error(c.get(path), 503, "index_missing")["error"]
        assert c.get("/").status_code == 200  # the page still loads and shows the message
        Engine.open(missing).index([ROOT / "sources"])
        assert c.get("/api/search", params={"q": "група"}).json()["total"] > 0


class SlowEngine(Engine):
    def search(self, query, **options):
        time.sleep(1.5)
        return super().search(query, **options)


class FailingEngine(Engine):
    """An engine whose info() raises the error it is given."""

    def __init__(self, path, error: Exception) -> None:
        super().__init__(path)
        self.error = error

    def info(self):
        raise self.error


def test_a_slow_call_is_answered_503_within_the_time_limit(bundled_index):
    with TestClient(create_app(SlowEngine(bundled_index), timeout=0.3)) as c:
        started = time.monotonic()
        data = assert_error(c.get("/api/search", params={"q": "група"}), 503, "timeout")
        assert time.monotonic() - started < 1.2 and "0.3 s" in data["error"]


@pytest.mark.parametrize("error, status, code", [
    (errors.UsageError("an argument the engine cannot take"), 400, "bad_parameter"),
    (errors.IndexDamagedError("index at x cannot be read"), 503, "index_damaged"),
    (errors.NotAnIndexError("x holds files that are not an index"), 503, "not_an_index"),
    (errors.IndexLockedError("locked by PID 1"), 503, "index_locked"),
    (errors.SearchError("something the message explains"), 500, "search_error"),
])
def test_each_engine_error_has_its_status(bundled_index, error, status, code):
    with TestClient(create_app(FailingEngine(bundled_index, error))) as c:
        assert assert_error(c.get("/api/info"), status, code)["error"] == str(error)


def test_an_unexpected_error_is_500_json_without_details(bundled_index, caplog):
    failing = FailingEngine(bundled_index, RuntimeError("a bug, with a secret /home/path in it"))
    with TestClient(create_app(failing), raise_server_exceptions=False) as c:
        data = assert_error(c.get("/api/info"), 500, "internal")
    assert "secret" not in data["error"] and "RuntimeError" in caplog.text


# -- the safety of the defaults -------------------------------------------------------

def test_cors_is_off_by_default(client):
    response = client.get("/api/info", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/search", headers={"Origin": "https://elsewhere.example",
                                                       "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_the_one_origin_given(bundled_index):
    with TestClient(create_app(Engine.open(bundled_index), cors="https://lab.example")) as c:
        allowed = c.get("/api/info", headers={"Origin": "https://lab.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://lab.example"
        other = c.get("/api/info", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_a_loopback_server_answers_only_for_loopback_names(bundled_index):
    from search.server import LOOPBACK_HOSTS

    with TestClient(create_app(Engine.open(bundled_index), allowed_hosts=LOOPBACK_HOSTS)) as c:
        assert_error(c.get("/api/info", headers={"Host": "rebound.example:8000"}), 400, "bad_host")
        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
            assert c.get("/api/info", headers={"Host": host}).status_code == 200


def test_the_page_and_its_files_come_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "style.css"):
        assert f"/static/{name}" in page.text
        assert client.get(f"/static/{name}").status_code == 200
    assert "//" not in page.text.replace("http://www.w3.org", "")  # nothing from elsewhere (no CDN)
    script = client.get("/static/app.js").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script


def test_openapi_describes_every_endpoint_and_its_parameters(client):
    described = client.get("/openapi.json").json()
    assert described["openapi"].startswith("3.") and set(described["paths"]) == set(API)
    search = described["paths"]["/api/search"]["get"]
    limit = next(p for p in search["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}
    assert "requestBody" in described["paths"]["/api/batch"]["post"]


# -- the command ------------------------------------------------------------------------

def test_serve_without_the_extra_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(main, ["serve", "--index", "anywhere"])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "pip install -e '.[serve]'" in result.stderr


def test_serve_on_a_busy_port_fails_in_one_line(bundled_index):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--index", str(bundled_index), "--port", str(port)])
    assert result.exit_code == 1 and result.stderr.startswith(f"search: cannot listen on 127.0.0.1:{port}")


def test_the_listening_socket_names_tcp_so_that_answers_are_not_held_back():
    # asyncio turns Nagle's algorithm off only on sockets made with
    # IPPROTO_TCP; without it each kept-alive answer waits 40 ms.
    with listen("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP


def test_search_serve_says_where_it_listens_and_stops_on_ctrl_c(bundled_index):
    proc = subprocess.Popen([sys.executable, "-m", "search", "serve", "--index", str(bundled_index), "--port", "0"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stderr.readline()
        assert line.startswith(f"search: serving {bundled_index} at http://127.0.0.1:")
        url = line.split(" at ")[1].split()[0]
        import urllib.request

        with urllib.request.urlopen(url + "api/info", timeout=30) as response:
            assert json.load(response)["paragraphs"] > 0
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err


# -- load and updates ----------------------------------------------------------------------

def _serve_load():
    spec = importlib.util.spec_from_file_location("serve_load", ROOT / "benchmarks" / "serve_load.py")
    module = sys.modules["serve_load"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_16_clients_and_400_mixed_requests_while_the_index_is_updated(tmp_path):
    report = _serve_load().load(tmp_path, clients=16, requests=400, updates=True)
    assert report.count == 400
    assert report.failures == []
    assert report.updates >= 1 and report.fresh


def test_a_live_server_answers_from_each_new_generation(tmp_path, sources_copy):
    ix = tmp_path / "ix"
    Engine.open(ix).index([sources_copy])
    load = _serve_load()
    import urllib.request
    from urllib.parse import quote

    with live_server(create_app(Engine.open(ix))) as url:
        def total(word):
            with urllib.request.urlopen(f"{url}/api/search?exact=1&q={quote(word)}", timeout=30) as r:
                return json.load(r)["total"]

        original = (sources_copy / "untoc-uk.txt").read_text(encoding="utf-8")
        before = None
        for marker in load.MARKERS[:2]:
            assert total(marker) == 0
            (sources_copy / "untoc-uk.txt").write_text(load.marked(original, marker), encoding="utf-8")
            assert CliRunner().invoke(main, ["index", str(sources_copy), "--index", str(ix), "-q"]).exit_code == 0
            assert total(marker) == 1
            assert before is None or total(before) == 0
            before = marker
