"""Language facts as data: letters, look-alikes, citation labels, stop words.

Code asks these tables instead of branching on ``lang == "uk"`` so that a
third language is a new table row, not a hunt through the modules.
"""

from __future__ import annotations

LANGS = ("uk", "ru")
#: A paragraph's language label: one of LANGS, or "other" (not Cyrillic).
LABELS = LANGS + ("other",)

#: The query language's operators, with the words that write them in
#: capitals in each language; every command reads a query by this table.
OPERATORS = {"AND": ("AND", "І", "И"), "OR": ("OR", "АБО", "ИЛИ"), "NOT": ("NOT", "НЕ")}

#: Letters that occur in one of the two languages only.
OWN_LETTERS = {
    "uk": frozenset("іїєґ"),
    "ru": frozenset("ыэъё"),
}

CYRILLIC = frozenset("абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя")
#: The Unicode block of Cyrillic letters, as a regular-expression range.
CYRILLIC_BLOCK = "\u0400-\u04ff"

#: Apostrophe look-alikes used in Ukrainian words ("об’єднаних",
#: "обʼєднаних", "об'єднаних"); all are folded to the first, the form the
#: pymorphy3 Ukrainian dictionary uses.
APOSTROPHES = "'’ʼ‘`´′"

#: Latin letters that look like Cyrillic ones, upper and lower case.  Scraped
#: texts mix them into words ("Конвенцiя" with a Latin i, "СТОС" typed in
#: Latin), so a token is folded through this table before it is indexed.
LATIN_TO_CYRILLIC = {
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К",
    "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
    "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х",
    "y": "у",
}
CYRILLIC_TO_LATIN = {c: l for l, c in LATIN_TO_CYRILLIC.items()}

#: Labels of a citation in the document's own language.
CITATION = {
    "uk": {"article": "ст.", "paragraph": "п.", "preamble": "преамбула",
           "footnote": "примітка", "section": "розділ", "block": "абз.",
           "closing": "заключна формула"},
    "ru": {"article": "ст.", "paragraph": "п.", "preamble": "преамбула",
           "footnote": "сноска", "section": "раздел", "block": "абз.",
           "closing": "заключительная формула"},
    "other": {"article": "art.", "paragraph": "para.", "preamble": "preamble",
              "footnote": "note", "section": "section", "block": "para.",
              "closing": "closing formula"},
}

#: Words that open a heading of each kind, in every language the engine
#: reads (matched without regard to case).  A part is an instrument: the
#: Convention, a Protocol, a decision.
HEADING_WORDS = {
    "part": ("Конвенція", "Конвенция", "Протокол", "Convention", "Protocol"),
    "article": ("Стаття", "Статья", "Article"),
    "preamble": ("Преамбула", "Preamble"),
    "section": ("Розділ", "Раздел", "Глава", "Частина", "Часть", "Chapter", "Section"),
}
#: Where an instrument's full name ends and what it supplements begins:
#: "Протокол проти …, що доповнює Конвенцію …" is cited by what comes before.
SUPPLEMENTS = ("що доповнює", "який доповнює", "дополняющий", "supplementing")
#: How the closing attestation of a treaty begins ("In witness whereof…"):
#: the instrument's closing text, not a paragraph of its last article.
CLOSING_WORDS = ("На посвідчення чого", "На засвідчення чого", "В удостоверение чего",
                 "В засвидетельствование чего", "In witness whereof")
#: A web portal's page around a document: the banner that opens a saved page
#: (everything from it to the document's first heading is the portal's), and
#: lines of the portal's own anywhere in it.
PORTAL_BANNERS = (r"Ид[её]т загрузка документа.*", r"Йде завантаження документа.*")
PORTAL_LINES = (r"Главный правовой", r"Головний правовий", r"портал Украины", r"портал України",
                r"Остаться\s+Попробовать", r"Залишитися\s+Спробувати", r"Опрос", r"Опитування", r"_{3,}")
#: Blocks of a saved page that are the portal's links to other documents.
PORTAL_BLOCKS = (r"Додатково див\..*", r"Дополнительно см\..*")

#: Function words that carry no topic.  Used to drop words from queries made
#: only partly of them and by statistics; never removed from the index, so
#: quoted phrases keep them.
STOP_WORDS = {
    "uk": frozenset(
        "а або аби але б би бо в від во все де для до же з за зі і із й їх "
        "його її як яка яке який які коли на над не ні нею ним них о об от "
        "по під при про та так також те ти то у хоч це ця цей ці цих цього "
        "цієї чи що щоб щодо я є".split()
    ),
    "ru": frozenset(
        "а без бы в во вы да для до же за и из или к как ко ли на над не ни "
        "но о об от по под при про с со так также то у что чтобы это эти "
        "этот эта его ее её их она он они оно мы я".split()
    ),
}

#: Ukrainian dictionaries make a gerund ("враховуючи", "розглянувши") a
#: lemma of its own; treebanks and users take it as a form of its verb.  A
#: gerund's ending is turned into a verb form the dictionary knows (3rd
#: person plural present, or masculine past) to find the verb.  Longest
#: endings first.
GERUND_TO_VERB = {
    "uk": (("ючись", "ються"), ("учись", "уться"), ("ачись", "аться"), ("ячись", "яться"),
           ("ючи", "ють"), ("учи", "уть"), ("ачи", "ать"), ("ячи", "ять"),
           ("вшись", "вся"), ("вши", "в"), ("шись", "ся"), ("ши", "")),
}

#: Abbreviations of legal and everyday texts and the words they stand for.
#: The word is indexed as another reading of the abbreviation, so "статті"
#: finds "ст. 6" (below the word written out, as a rarer reading ranks).
ABBREVIATIONS = {
    "uk": {"ст": "стаття", "п": "пункт", "пп": "підпункт", "ч": "частина", "абз": "абзац",
           "розд": "розділ", "гл": "глава", "р": "рік", "рр": "рік", "грн": "гривня",
           "тис": "тисяча", "млн": "мільйон", "млрд": "мільярд"},
    "ru": {"ст": "статья", "п": "пункт", "пп": "подпункт", "ч": "часть", "абз": "абзац",
           "разд": "раздел", "гл": "глава", "г": "год", "гг": "год", "руб": "рубль",
           "тыс": "тысяча", "млн": "миллион", "млрд": "миллиард"},
}

#: Letter and affix correspondences of Ukrainian and Russian cognates, each
#: (Ukrainian, Russian, cost), read in both directions.  "^" ties a rule to
#: a word's start, "$" to its end, "|" to a syllable that a consonant after
#: the rule's vowel closes (кі|т, по|вний).  A letter both alphabets have also stands
#: for itself at no cost.  A candidate is kept only where the other
#: dictionary has it as a lemma of the same part of speech (see
#: ``search.analysis.lexicon.cognates``), so a rule may be loose; its cost
#: ranks the candidates when several are found.
COGNATE_RULES = {
    ("uk", "ru"): (
        # letters: і stands for и in loanwords, for ѣ (ліс/лес) and, in
        # a syllable a consonant closes, for о and е (кіт/кот, піч/печь)
        ("и", "ы", 0), ("і", "и", 1), ("і", "е", 1), ("і|", "о", 1), ("ї", "и", 1),
        ("ї", "е", 2), ("є", "е", 0), ("є", "э", 1), ("е", "э", 1), ("ґ", "г", 0),
        ("'", "ъ", 0), ("'", "ь", 0), ("'", "", 0), ("ьо", "е", 1), ("йо", "е", 1),
        ("ов|", "ол", 1), ("дж", "жд", 1), ("чо", "че", 1), ("шо", "ше", 1), ("жо", "же", 1),
        # о where Russian writes а: козак/казак, замочувати/замачивать
        ("о", "а", 2),
        # doubled consonants of loanwords: група/группа, комісія/комиссия
        ("б", "бб", 2), ("г", "гг", 2), ("к", "кк", 2), ("л", "лл", 2), ("м", "мм", 2),
        ("н", "нн", 1), ("п", "пп", 2), ("р", "рр", 2), ("с", "сс", 2), ("т", "тт", 2),
        ("ф", "фф", 2),
        # suffixes
        ("ння$", "ние", 0), ("ння$", "нье", 1), ("ття$", "тие", 0), ("ття$", "тье", 1),
        ("ття$", "тья", 1), ("лля$", "лие", 1), ("лля$", "лье", 1), ("сся$", "сие", 1),
        ("ддя$", "дье", 1), ("ддя$", "дья", 1), ("жжя$", "жье", 1), ("ччя$", "чье", 1),
        ("'я$", "ье", 1), ("ськ", "ск", 0), ("цьк", "цк", 0), ("зьк", "зк", 0),
        ("ддя$", "дие", 0), ("ць$", "ц", 0), ("ця$", "ца", 0), ("ч$", "чь", 1),
        ("ж$", "жь", 1), ("ш$", "шь", 1), ("р$", "рь", 1), ("с$", "сь", 1), ("в$", "вь", 1),
        ("п$", "пь", 1), ("ий$", "ой", 1), ("ість$", "ество", 2),
        ("чн", "ческ", 0), ("ійн", "ионн", 1), ("цтв", "честв", 1),
        # verbs: infinitives, and -увати/-ировать, -овувати/-овывать
        ("ти$", "ть", 0), ("тися$", "ться", 0), ("гти$", "чь", 1), ("кти$", "чь", 1),
        ("гтися$", "чься", 1), ("ктися$", "чься", 1), ("ува", "ова", 0), ("юва", "ева", 0),
        ("овува", "овыва", 0), ("ува", "ива", 1), ("ува", "ирова", 1), ("юва", "ирова", 1),
        ("кува", "цирова", 1), ("ова", "ирова", 1), ("ування$", "ировка", 2),
        # prefixes
        ("роз", "раз", 1), ("роз", "рас", 1), ("^без", "бес", 1), ("^з", "с", 1),
        ("^від", "от", 1), ("^спів", "со", 1), ("^ву", "у", 1), ("^піді", "подо", 1),
        # roots: робота/работа
        ("роб", "раб", 1),
    ),
}

#: Keys of the Latin (QWERTY) layout that type a letter in a Cyrillic one,
#: and what each language's standard layout types on them, key by key.  A
#: word typed with the wrong layout active ("rjydtywsz", "выдача" typed as
#: "відача") is mapped back through these tables.  The Ukrainian layout
#: types the apostrophe on the backquote key and ґ on the backslash key.
KEYBOARD_KEYS = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.\\"
KEYBOARD = {
    "uk": "'йцукенгшщзхїфівапролджєячсмитьбюґ",
    "ru": "ёйцукенгшщзхъфывапролджэячсмитьбю\\",
}
