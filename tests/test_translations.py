"""The Spanish catalog keeps up with the code: every string marked for translation has a
Spanish translation with the same placeholders, and the compiled catalog loads.

The strings are extracted here the way `make catalogs` extracts them (babel.cfg and the
Makefile's keywords), so a string marked today fails the suite until it is translated.
"""

from __future__ import annotations

import io
import re
import shlex
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask_babel import gettext, pgettext

from tests.languages import app_without_data

ROOT = Path(__file__).resolve().parent.parent
SPANISH_PO = ROOT / "casework/translations/es/LC_MESSAGES/messages.po"
HOW_TO_FIX = (f"Run `make catalogs`, then write the Spanish msgstr of each in "
              f"{SPANISH_PO.relative_to(ROOT)} (and remove any '#, fuzzy' line).")
# printf-style placeholders: %(name)s, %s, %d, %.2f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]")

MessageKey = tuple[str | None, str]  # (context, msgid)


@pytest.fixture
def light_app(tmp_path: Path) -> Flask:
    return app_without_data(tmp_path)


def makefile_keywords() -> list[str]:
    """The `-k` keywords of the Makefile's `pybabel extract` (so both extract the same)."""
    command = next(line for line in (ROOT / "Makefile").read_text().splitlines()
                   if "pybabel extract" in line)
    words = shlex.split(command.rstrip("\\"))
    return [words[i + 1] for i, word in enumerate(words) if word == "-k"]


@cache
def extracted() -> dict[MessageKey, str]:
    """Every string the code marks, with where it was found (the first place)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(makefile_keywords())}
    found: dict[MessageKey, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault((context, msgid), f"{filename}:{lineno}")
    return found


@cache
def spanish() -> Catalog:
    with SPANISH_PO.open("rb") as po_file:
        return read_po(po_file, locale="es")


def strings_of(message: Message) -> Iterator[str]:
    yield from (message.string if isinstance(message.string, tuple) else (message.string,))


def placeholders(text: str) -> list[str]:
    return sorted(found for found in PLACEHOLDER.findall(text) if found != "%%")


def describe(key: MessageKey) -> str:
    context, msgid = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def test_the_code_marks_strings_and_the_makefile_keywords_are_read() -> None:
    assert "lazy_pgettext:1c,2" in makefile_keywords()
    assert ("case state", "Won") in extracted()  # a lazy_pgettext in a model
    assert (None, "My work") in extracted()  # a template


def test_every_string_in_the_code_has_a_spanish_translation() -> None:
    untranslated = []
    for key, where in sorted(extracted().items(), key=lambda item: item[1]):
        message = spanish().get(key[1], context=key[0])
        if message is None or message.fuzzy or not all(s.strip() for s in strings_of(message)):
            state = "missing" if message is None else "fuzzy" if message.fuzzy else "empty"
            untranslated.append(f"  {where}: {describe(key)} ({state})")
    assert not untranslated, (
        f"{len(untranslated)} string(s) marked for translation have no Spanish translation:\n"
        + "\n".join(untranslated) + f"\n{HOW_TO_FIX}")


def test_no_translation_is_marked_fuzzy() -> None:
    fuzzy = [describe((m.context, m.id if isinstance(m.id, str) else m.id[0]))
             for m in spanish() if m.id and m.fuzzy]
    assert not fuzzy, f"Fuzzy (unchecked) translations: {', '.join(fuzzy)}. {HOW_TO_FIX}"


def test_translations_keep_the_placeholders_of_their_msgid() -> None:
    wrong = []
    for message in spanish():
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        allowed = [placeholders(source) for source in sources]
        for text in strings_of(message):
            if text and placeholders(text) not in allowed:
                wrong.append(f"  {describe((message.context, sources[0]))}: "
                             f"{placeholders(text)} instead of {allowed[-1]}")
    assert not wrong, ("These Spanish translations change the %(name)s placeholders of their "
                       "msgid (keep every one, spelt the same):\n" + "\n".join(wrong))


def test_the_compiled_catalog_loads_and_translates(light_app: Flask) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, spanish())
    compiled.seek(0)
    translations = Translations(compiled)
    assert translations.gettext("My work") == "Mi trabajo"
    assert translations.pgettext("case state", "Won") == "Ganada"
    # And the .mo the app loads (compiled by the test session) is the same catalog.
    with light_app.test_request_context(headers={"Accept-Language": "es"}):
        assert gettext("My work") == "Mi trabajo"
        assert pgettext("case state", "Won") == "Ganada"


@pytest.mark.parametrize(("text", "expected"), [
    ("Deadline %(day)s, %(count)d left", ["%(count)d", "%(day)s"]),
    ("%s of %d: 100%%", ["%d", "%s"]),
    ("Nothing to fill in.", []),
])
def test_placeholders_are_found(text: str, expected: list[str]) -> None:
    assert placeholders(text) == expected
