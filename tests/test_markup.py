"""Markup and a portal's page furniture out, plain lines in."""

from search.ingest.markup import FOOTNOTE_CLOSE, FOOTNOTE_OPEN, drop_boilerplate, strip_html, strip_markdown

NOTE = f"{FOOTNOTE_OPEN}2{FOOTNOTE_CLOSE}"


def test_markdown_keeps_headings_and_text_and_marks_footnotes():
    text = strip_markdown("## Решение 4/4\n\n**Конференция** [сослалась](http://x) на _доклад_<sup>2</sup>.\n\n---\n").text
    assert [line for line in text.split("\n")] == [
        "## Решение 4/4", "", f"Конференция сослалась на доклад{NOTE}.", "", "", ""]


def test_markdown_footnote_reference_and_inline_html():
    assert strip_markdown("Текст[^1] і <b>жирне</b>").text == f"Текст{FOOTNOTE_OPEN}1{FOOTNOTE_CLOSE} і жирне"


def test_html_blocks_become_lines_and_scripts_vanish():
    marked = strip_html("<html><head><title> Закон \n про видачу </title><style>p{}</style></head>"
                        "<body><nav>Меню</nav><h3>Розділ I</h3><p>Перший&nbsp;абзац</p><div>Другий<sup>12</sup>"
                        "</div><script>alert(1)</script><sup>не примітка взагалі</sup></body></html>")
    lines = [line for line in marked.text.split("\n") if line]
    assert marked.title == "Закон про видачу"
    assert lines == ["### Розділ I", "Перший абзац", f"Другий{FOOTNOTE_OPEN}12{FOOTNOTE_CLOSE}",
                     "не примітка взагалі"]


def test_a_saved_portal_page_is_cut_to_the_document():
    page = "\n".join([
        "Идет загрузка документа (165 kByte)", "Главный правовой", "портал Украины", "Остаться Попробовать", "",
        "Конвенция Организации Объединенных Наций против преступности", "", "Страны - участницы",
        "КОНВЕНЦІЯ", "Організації Об'єднаних Націй", "", "Додатково див. Протоколи", " від 15 листопада",
        ",", "", "Стаття 1", "Мета", "", "____________", "", "Опрос",
    ])
    assert drop_boilerplate(page).split("\n") == [
        "КОНВЕНЦІЯ", "Організації Об'єднаних Націй", "", "", "Стаття 1", "Мета", "", ""]


def test_without_the_banner_only_portal_lines_go():
    text = "Конвенция об организованной преступности\n\nГоловний правовий\nТекст\n"
    assert drop_boilerplate(text) == "Конвенция об организованной преступности\n\nТекст\n"
