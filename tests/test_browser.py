"""The research page in a real browser: Debian's Chromium driven by
Playwright (never a browser Playwright downloads) against a server on
loopback.  Screenshots are kept in tests/artifacts/."""

import json
import os
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from search import Engine

from .conftest import ROOT, SOURCES

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")
pytest.importorskip("uvicorn", reason="the serve extra is not installed: pip install -e '.[serve]'")

from search.server import create_app  # noqa: E402

from .test_server import live_server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
#: Without the background-networking flags a closed network refuses the
#: browser's own connections; Playwright gives every launch a fresh profile.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
HOSTILE = {"id": "hostile<img src=x onerror=window.pwned=3>", "title": "<script>window.pwned=4</script> Зразок",
           "lang": "uk", "text": 'Небезпечний абзац: <script>window.pwned = 1</script> '
                                 '<img src=x onerror="window.pwned = 2"> і <b>жирний</b> текст.'}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("no Chromium here: `apt-get install chromium` (Debian; .ci/run does it) or set $CHROMIUM")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The bundled sources and one record full of markup, served on loopback."""
    sources = tmp_path_factory.mktemp("browser") / "sources"
    shutil.copytree(SOURCES, sources)
    (sources / "hostile.jsonl").write_text(json.dumps(HOSTILE, ensure_ascii=False) + "\n", encoding="utf-8")
    index = sources.parent / "index"
    Engine.open(index).index([sources])
    with live_server(create_app(Engine.open(index))) as url:
        yield url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(base_url=site, viewport={"width": 1200, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    failures = []
    tab.on("pageerror", lambda error: failures.append(error))
    yield tab
    context.close()
    assert not failures, failures  # no script error on the page


def settle(page) -> None:
    """Until the page has shown its answer (or its error)."""
    page.locator("body:is([data-state=done], [data-state=error])").wait_for()


def search(page, query: str) -> None:
    page.goto("/")
    settle(page)
    page.fill("#q", query)
    page.press("#q", "Enter")
    settle(page)


def address(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def api(page, path: str, **params) -> dict:
    return page.request.get(path, params=params).json()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_a_query_shows_highlighted_hits_with_their_citations(page):
    search(page, "злочинна група")
    expected = api(page, "/api/search", q="злочинна група")
    hits = page.locator(".hit")
    assert hits.count() == len(expected["hits"]) == 10
    citations = page.locator(".hit .citation").all_text_contents()
    assert citations == [h["citation"] for h in expected["hits"]]
    assert citations[0].startswith("Конвенція, ст. ")
    first = expected["hits"][0]
    assert hits.first.locator("mark").all_text_contents() == [first["text"][s:e] for s, e in first["matches"]]
    assert hits.first.locator(".lang").text_content() == "uk"
    assert address(page) == {"q": "злочинна група"}
    assert page.locator("#status").text_content().startswith(f"1–10 of {expected['total']} matching paragraphs")
    screenshot(page, "hits")


def test_pages_forward_and_back(page):
    search(page, "група")
    page.click("#next")
    settle(page)
    assert page.locator(".hit .rank").first.text_content() == "11."
    assert address(page)["page"] == "2"
    second = api(page, "/api/search", q="група", offset=10)
    assert page.locator(".hit .citation").all_text_contents() == [h["citation"] for h in second["hits"]]
    page.go_back()
    settle(page)
    assert page.locator(".hit .rank").first.text_content() == "1."
    assert page.is_disabled("#prev")


def test_the_language_filter_narrows_the_hits(page):
    search(page, "людьми")
    assert "uk" in page.locator(".hit .lang").all_text_contents()
    page.select_option("#lang", "ru")
    settle(page)
    assert set(page.locator(".hit .lang").all_text_contents()) == {"ru"}
    assert address(page)["lang"] == "ru"
    assert page.locator(".hit .citation").first.text_content().startswith("Решение 4/4")


def test_the_concordance_opens_and_sorts_by_right_context(page):
    search(page, "група")
    page.click("#views [data-view=kwic]")
    settle(page)
    lines = api(page, "/api/kwic", q="група", limit=500)
    rows = page.locator(".kwic-lines tbody tr")
    assert rows.count() == lines["total"] > 20
    page.click(".kwic-lines th [data-sort=right]")
    settle(page)
    right = page.locator(".kwic-lines tbody td:nth-child(3)").all_text_contents()
    assert right == sorted(right, key=str.lower) and right != [l["right"] for l in lines["lines"]]
    assert {f.lower() for f in page.locator(".kwic-lines tbody mark").all_text_contents()} >= {"група", "групи"}
    assert address(page) == {"q": "група", "view": "kwic", "sort": "right"}
    screenshot(page, "concordance")


def test_statistics_draw_a_frequency_chart_from_a_bookmark(page):
    page.goto("/?q=група&view=stats")
    settle(page)
    stats = api(page, "/api/stats", q="група", top=15)
    charts = page.locator("svg.chart")
    assert charts.count() == 2
    assert charts.nth(0).locator("rect").count() == len(stats["docs"])
    assert charts.nth(1).locator("rect").count() == len(stats["articles"]) > 3
    widths = [float(w) for w in charts.nth(1).locator("rect").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert "групи" in page.locator("table.forms").text_content()
    assert page.input_value("#q") == "група"
    screenshot(page, "statistics")


def test_copy_citation_puts_it_on_the_clipboard(page):
    search(page, "злочинна група")
    first = api(page, "/api/search", q="злочинна група")["hits"][0]
    page.locator(".hit .copy").first.click()
    sync_api.expect(page.locator(".hit .copy").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{first['citation']} ({first['title']})"


def test_a_bad_query_shows_its_one_line_error(page):
    search(page, '"злочинна група')
    error = page.locator("#error")
    assert error.is_visible()
    assert "quote is not closed" in error.text_content() and "\n" not in error.text_content()
    assert page.locator(".hit").count() == 0
    screenshot(page, "bad-query")


def test_corpus_markup_is_shown_as_text_and_never_runs(page):
    search(page, "небезпечний")
    text = page.locator(".hit .text").first.text_content()
    assert '<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2">' in text
    assert page.locator(".hit .citation").first.text_content().startswith("<script>window.pwned=4</script>")
    assert page.locator("#results script, #results img, #results b").count() == 0
    page.locator(".hit .copy").first.click()  # buttons and options built from corpus text stay text too
    assert HOSTILE["id"] in page.locator("#doc").text_content()
    assert page.evaluate("window.pwned") is None


def test_slash_focuses_the_box_and_a_long_paragraph_opens_whole(page):
    search(page, "відмивання доходів")
    page.locator("footer").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    long = next(h for h in api(page, "/api/search", q="відмивання доходів")["hits"] if len(h["text"]) > 400)
    hit = page.locator(f".hit[data-id='{long['id']}']")
    shown = hit.locator(".text").text_content()
    assert "…" in shown and len(shown) < len(long["text"])
    hit.locator(".whole").click()
    assert hit.locator(".text").text_content() == long["text"]


def test_explain_shows_the_analysis_of_each_word(page):
    search(page, "злочинна група")
    page.click("#views [data-view=explain]")
    settle(page)
    assert "злочинний" in page.locator("#results").text_content()
    assert "lemma:група" in page.locator(".explain code").nth(1).text_content()
    assert page.locator(".explain tbody").last.locator("tr").count() == 5
    assert page.locator(".expansions tbody tr").count() > 0  # группа, the Russian equivalent
    assert address(page)["view"] == "explain"


def test_the_instrument_filter_offers_the_index_instruments_and_narrows_the_hits(page):
    search(page, "група")
    options = page.locator("#parts option").evaluate_all("os => os.map(o => o.value)")
    assert "Конвенція" in options and len(options) == 4
    page.fill("#part", "торгівлі людьми")
    page.press("#part", "Enter")
    settle(page)
    assert address(page)["part"] == "торгівлі людьми"
    citations = page.locator(".hit .citation").all_text_contents()
    assert citations and all(c.startswith("Протокол про попередження") for c in citations)


def test_a_suggestion_is_a_link_and_other_words_are_marked(page):
    search(page, "конвенцыя")
    suggestion = page.locator(".suggestion a")
    assert suggestion.inner_text() == "конвенція"
    assert page.locator(".hit").count() == 0  # nothing was searched in its place
    suggestion.click()
    settle(page)
    assert parse_qs(urlsplit(page.url).query)["q"] == ["конвенція"] and page.locator(".hit").count() > 0
    search(page, "конфискация имущества")
    assert page.locator(".hit .how", has_text="translation").count() > 0
    page.uncheck("#translate")
    settle(page)
    assert "translate=0" in page.url and page.locator(".hit").count() == 0
