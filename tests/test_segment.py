"""Structure and citations of the bundled sources."""

import pytest

from search.ingest import paragraphs_of
from search.ingest.markup import strip_html

from .conftest import SOURCES


@pytest.fixture(scope="module")
def uk():
    return paragraphs_of(SOURCES / "untoc-uk.txt")


@pytest.fixture(scope="module")
def ru():
    return paragraphs_of(SOURCES / "cop-decision-4-4-ru.md")


TRAFFICKING = ("Протокол про попередження і припинення торгівлі людьми, особливо жінками і дітьми, "
               "і покарання за неї")
SMUGGLING = "Протокол проти незаконного ввозу мігрантів по суші, морю і повітрю"


def find(paragraphs, start):
    return next(p for p in paragraphs if p.text.startswith(start))


def test_numbered_and_lettered_paragraphs_cite_like_a_lawyer(uk):
    p = find(uk, "a) i) конверсію або переказ майна")
    assert p.citation == "Конвенція, ст. 6, п. 1 (a)(i)"
    assert find(uk, "ii) приховування справжнього").citation == "Конвенція, ст. 6, п. 1 (a)(ii)"
    assert find(uk, "f) усвідомлення, умисел").citation == "Конвенція, ст. 6, п. 2 (f)"


def test_article_written_with_letter_ze_is_article_3(uk):
    heading = next(p for p in uk if p.kind == "heading" and p.text.startswith("Стаття З"))
    assert heading.article == "3"
    assert heading.article_title == "Терміни"
    assert heading.citation == f"{TRAFFICKING}, ст. 3"


def test_protocols_are_parts_with_sections_and_preambles(uk):
    p = find(uk, "a) \"торгівля людьми\" означає")
    assert p.part == TRAFFICKING
    assert p.article == "3"
    assert p.citation == f"{TRAFFICKING}, ст. 3, п. (a)"
    victims = [x for x in uk if x.section == "II. Захист жертв торгівлі людьми"]
    assert {x.article for x in victims} >= {"6", "7", "8"}
    preamble = [x for x in uk if x.kind == "preamble"]
    assert preamble and all(x.citation.endswith("преамбула") for x in preamble)


def test_portal_banner_and_survey_are_not_content(uk):
    texts = "\n".join(p.text for p in uk)
    for junk in ("Идет загрузка документа", "Главный правовой", "Остаться Попробовать", "Опрос"):
        assert junk not in texts


def test_banner_lines_do_not_make_paragraphs_russian(uk):
    body = [p for p in uk if p.kind != "front"]
    assert all(p.lang == "uk" for p in body if any(c in p.text for c in "іїєґ"))
    assert sum(p.lang == "uk" for p in body) > 0.95 * len(body)


def test_decision_markup_is_not_text_and_footnotes_are_linked(ru):
    assert all("<sup>" not in p.text and "##" not in p.text for p in ru)
    assert ru[0].part == "Решение 4/4"
    note = next(p for p in ru if p.kind == "footnote" and p.footnote == "3")
    assert note.text.startswith("United Nations, Treaty Series")
    citing = find(ru, "б) сослалась на Конвенцию")
    assert citing.footnotes == ("3",)
    assert citing.citation in note.citation  # the note says where it is cited
    assert "сноска 3" in note.citation


def test_decision_letters_after_h_are_letters_and_romans_nest(ru):
    assert find(ru, "i) предложила государствам").paragraph == "(i)"
    assert find(ru, "ii) представлять Конференции").paragraph == "(o)(ii)"
    assert find(ru, "а) с удовлетворением").citation == "Решение 4/4, п. (а)"


def test_paragraph_ids_are_stable_and_unique(uk):
    assert len({p.id for p in uk}) == len(uk)
    assert paragraphs_of(SOURCES / "untoc-uk.txt")[100].id == uk[100].id


def test_html_headings_and_footnotes():
    text, title = strip_html("<html><head><title>x</title></head><body><h2>Стаття 5</h2>"
                             "<p>Текст<sup>1</sup> далі</p><script>var a;</script></body></html>")
    assert title == "x"
    assert "var a" not in text and "## Стаття 5" in text and "\ue0001\ue001" in text


def test_protocols_are_cited_by_their_full_names(uk):
    assert sorted({p.part for p in uk}) == sorted(["Конвенція", SMUGGLING, TRAFFICKING])
    assert find(uk, "Мета цього Протоколу полягає у попередженні незаконного ввозу").citation \
        == f"{SMUGGLING}, ст. 2"


def test_closing_attestations_are_the_instruments_closing_text(uk):
    closing = [p for p in uk if p.text.startswith(("На засвідчення чого", "На посвідчення чого"))]
    assert [(p.kind, p.citation, p.article) for p in closing] == [
        ("closing", "Конвенція, заключна формула", ""),
        ("closing", f"{SMUGGLING}, заключна формула", ""),
        ("closing", f"{TRAFFICKING}, заключна формула", ""),
    ]


def test_the_portals_page_around_the_document_is_not_content(uk):
    texts = [p.text for p in uk]
    assert texts[0].startswith("КОНВЕНЦІЯ")
    for chrome in ("Идет загрузка", "Конвенция Организации", "Страны - участницы", "Резолюция от",
                   "Додатково див.", "Опрос", "портал"):
        assert not any(chrome in t for t in texts), chrome
    assert all(p.lang == "uk" for p in uk if p.kind != "footnote")


def test_html_headings_are_the_structure_they_name(tmp_path):
    page = tmp_path / "law.html"
    page.write_text(
        "<html><head><title>Закон про видачу</title></head><body>"
        "<h1>Закон України</h1><h2>Стаття 2. Видача</h2><p>1. Видача здійснюється за запитом.</p>"
        "<h3>Розділ II Заключні положення</h3><p>Текст розділу.</p></body></html>", encoding="utf-8")
    paragraphs = paragraphs_of(page)
    body = find(paragraphs, "1. Видача здійснюється")
    assert (body.article, body.article_title, body.citation) == ("2", "Видача", "Закон України, ст. 2, п. 1")
    assert body.title == "Закон про видачу"
    assert find(paragraphs, "Текст розділу").section == "Розділ II Заключні положення"


def test_a_text_with_a_paragraph_a_line_is_split_by_lines(tmp_path):
    path = tmp_path / "single.txt"
    path.write_text("Стаття 5. Відповідальність\n1. Перша частина.\n2. Друга частина.\n"
                    "Стаття 6. Інше\nТекст статті шість.\n", encoding="utf-8")
    found = [(p.kind, p.citation, p.text) for p in paragraphs_of(path)]
    assert found == [
        ("heading", "single, ст. 5", "Стаття 5. Відповідальність"),
        ("body", "single, ст. 5, п. 1", "1. Перша частина."),
        ("body", "single, ст. 5, п. 2", "2. Друга частина."),
        ("heading", "single, ст. 6", "Стаття 6. Інше"),
        ("body", "single, ст. 6", "Текст статті шість."),
    ]


def test_an_article_or_numbered_line_opens_a_paragraph_inside_a_block(tmp_path):
    path = tmp_path / "law.txt"
    path.write_text("Вступний текст.\n\nСтаття 1\nМета\n1. Перше.\n2. Друге.\n", encoding="utf-8")
    found = [(p.kind, p.citation) for p in paragraphs_of(path)]
    assert found == [("front", "law, абз. 1"), ("heading", "law, ст. 1"), ("body", "law, ст. 1, п. 1"),
                     ("body", "law, ст. 1, п. 2")]


def test_a_section_word_alone_on_its_line_opens_a_section(tmp_path):
    path = tmp_path / "code.txt"
    path.write_text("Розділ II\nЗаключні положення\n\nТекст розділу.\n", encoding="utf-8")
    heading, body = paragraphs_of(path)
    assert heading.kind == "heading" and body.section == "Розділ II Заключні положення"
    assert body.kind == "body" and body.citation == "code, абз. 1"


def test_footnotes_stand_outside_the_numbering_and_cite_their_place(ru):
    notes = [p for p in ru if p.kind == "footnote"]
    assert notes and all(p.paragraph == "" for p in notes)
    assert notes[0].citation == "Решение 4/4, сноска 1 (Решение 4/4, абз. 1)"
