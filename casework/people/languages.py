"""Language codes a person may be recorded with, their names, and reading them from text.

Codes are ISO 639 (two letters where one exists), chosen for the workers and tenants the
networks meet; ``other`` is for anything else (write which in the safe-contact notes). The
case pages already know ``en``, ``es`` and ``other`` and show any other code as it is.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import LazyString, get_locale, pgettext

# code: English name, then other names people write in a spreadsheet (lower case, no accents).
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("English", "ingles"),
    "es": ("Spanish", "espanol", "castellano"),
    "zh": ("Chinese", "mandarin", "chinese mandarin", "putonghua"),
    "yue": ("Cantonese",),
    "vi": ("Vietnamese", "tieng viet"),
    "tl": ("Tagalog", "filipino"),
    "ko": ("Korean",),
    "ja": ("Japanese",),
    "ru": ("Russian",),
    "uk": ("Ukrainian",),
    "pl": ("Polish",),
    "ro": ("Romanian",),
    "ar": ("Arabic",),
    "fa": ("Persian", "farsi", "dari"),
    "ps": ("Pashto",),
    "ku": ("Kurdish",),
    "tr": ("Turkish",),
    "so": ("Somali",),
    "am": ("Amharic",),
    "ti": ("Tigrinya",),
    "om": ("Oromo",),
    "sw": ("Swahili",),
    "yo": ("Yoruba",),
    "ha": ("Hausa",),
    "fr": ("French", "francais"),
    "ht": ("Haitian Creole", "kreyol", "haitian"),
    "pt": ("Portuguese", "portugues"),
    "it": ("Italian",),
    "de": ("German",),
    "hi": ("Hindi",),
    "pa": ("Punjabi",),
    "ur": ("Urdu",),
    "bn": ("Bengali", "bangla"),
    "ne": ("Nepali",),
    "my": ("Burmese",),
    "km": ("Khmer", "cambodian"),
    "lo": ("Lao",),
    "th": ("Thai",),
    "hmn": ("Hmong",),
    "mam": ("Mam",),
    "quc": ("K'iche'", "kiche", "quiche"),
    "yua": ("Yucatec Maya", "maya"),
    "zap": ("Zapotec", "zapoteco"),
    "mix": ("Mixtec", "mixteco"),
    "ase": ("American Sign Language", "asl"),
    "other": ("Other",),
}
MAX_STORED_LENGTH = 64  # Person.languages
# In another UI language the names come from Babel's locale data, except these it lacks.
_NAMES_NOT_IN_BABEL = {
    "mam": lambda: pgettext("language", "Mam"),
    "yua": lambda: pgettext("language", "Yucatec Maya"),
    "mix": lambda: pgettext("language", "Mixtec"),
    "ase": lambda: pgettext("language", "American Sign Language"),
    "other": lambda: pgettext("language", "Other"),
}
_SEPARATORS = re.compile(r"\s*(?:[,;/|+&]|\band\b|\by\b)\s*", re.IGNORECASE)


def _plain(text: str) -> str:
    """Lower case without accents or apostrophes, single spaces: 'Español' -> 'espanol'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "'’")
    return " ".join(kept.replace("-", " ").replace("_", " ").split())


_BY_WORD: dict[str, str] = {
    _plain(word): code for code, names in LANGUAGES.items() for word in (code, *names)
}


def language_name(code: str) -> str:
    """The name of a code in the UI's language ('es' -> 'Spanish', 'español'); an unknown
    code as it is."""
    names = LANGUAGES.get(code)
    if not names:
        return code
    locale = get_locale()
    if locale is None or locale.language == "en":
        return names[0]
    if code in _NAMES_NOT_IN_BABEL:
        return _NAMES_NOT_IN_BABEL[code]()
    return locale.languages.get(code) or names[0]


def lazy_language_name(code: str) -> LazyString:
    """``language_name`` when shown (for choices made at import time)."""
    return LazyString(language_name, code)


def language_list(codes: str) -> str:
    """'es,en' as 'Spanish, English'."""
    return ", ".join(language_name(code) for code in codes.split(",") if code)


class UnknownLanguage(ValueError):
    """A word that names no language we know."""


def parse_languages(text: str) -> list[str]:
    """Codes from 'es, en', 'Spanish and English' or 'Español/Inglés', preferred first,
    without repeats; raises UnknownLanguage naming the first word it cannot read."""
    codes: list[str] = []
    for word in _SEPARATORS.split(text.strip()):
        if not word.strip():
            continue
        code = _BY_WORD.get(_plain(word))
        if code is None:
            raise UnknownLanguage(word.strip()[:40])
        if code not in codes:
            codes.append(code)
    return codes


def union_languages(first: str, second: list[str] | str) -> str:
    """The codes of ``first`` in their order, then those of ``second`` it lacks, as stored;
    codes that would overflow the column are left out (the first ones are the preferred)."""
    extra = second.split(",") if isinstance(second, str) else second
    codes: list[str] = []
    for code in [*first.split(","), *extra]:
        if code and code not in codes and len(",".join([*codes, code])) <= MAX_STORED_LENGTH:
            codes.append(code)
    return ",".join(codes)
