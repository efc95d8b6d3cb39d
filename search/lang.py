"""Language facts as data: letters, look-alikes, citation labels, stop words.

Code asks these tables instead of branching on ``lang == "uk"`` so that a
third language is a new table row, not a hunt through the modules.
"""

from __future__ import annotations

LANGS = ("uk", "ru")

#: Letters that occur in one of the two languages only.
OWN_LETTERS = {
    "uk": frozenset("іїєґ"),
    "ru": frozenset("ыэъё"),
}

CYRILLIC = frozenset("абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя")

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
           "footnote": "примітка", "section": "розділ", "block": "абз."},
    "ru": {"article": "ст.", "paragraph": "п.", "preamble": "преамбула",
           "footnote": "сноска", "section": "раздел", "block": "абз."},
    "other": {"article": "art.", "paragraph": "para.", "preamble": "preamble",
              "footnote": "note", "section": "section", "block": "para."},
}

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
