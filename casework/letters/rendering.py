"""Render a letter to HTML (preview and PDF source) and to PDF with WeasyPrint.

One renderer per process holds what can be reused between letters: a FontConfiguration that
knows only the bundled fonts (their @font-face rules are fetched and decoded once), the parsed
``letter.css``, and the Jinja environment. The first letter in a process costs ~1 s (fonts
decoded, Pango's caches filled; see :func:`warm_up`); after that a one-page letter takes about
0.1 s of CPU, nearly all of it WeasyPrint's layout (the rest is PDF writing and font
subsetting). WeasyPrint is imported when this module is, so a process pays its ~1 s import
once. bench/letters.py measures all this against the usual per-request WeasyPrint call.

Public API: :func:`render_html`, :func:`render_pdf`, :func:`render_pdf_from_html`,
:func:`render_pdf_from_htmls`, :func:`warm_up`, :func:`harfbuzz_subset_available`,
:class:`LetterRenderError`, :class:`UnsafeResourceError`, and the two a user is told about:
:class:`LetterTooLong` (more than ``limits`` allow) and :class:`RendererBusy` (the process's
renderer stayed busy for ``LOCK_WAIT_SECONDS``).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import dataclasses
import functools
import gc
import logging
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import jinja2
from flask_babel import gettext

from casework.letters import i18n, limits
from casework.letters.context import Demand, Language, LetterContext, LetterKind, LetterText
from casework.letters.fetcher import (
    ASSET_BASE_URL,
    ASSETS_DIR,
    AssetFetcher,
    AssetRefused,
    asset_url,
)

with warnings.catch_warnings():
    # See fetcher.py: the missing-library case is reported once, by _Renderer, as a log line.
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    import weasyprint
    from weasyprint.document import Document
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

log = logging.getLogger(__name__)

TEMPLATES_DIR: Final = Path(__file__).resolve().parents[2] / "templates" / "letters"
# A fontconfig file with no font directories: see assets/fontconfig.conf.
FONTCONFIG_FILE: Final = ASSETS_DIR / "fontconfig.conf"
_HARFBUZZ_SUBSET_NAMES: Final = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)


class LetterRenderError(Exception):
    """The letter could not be rendered exactly as written; nothing was produced."""


class LetterTooLong(LetterRenderError):
    """The letter holds more than a letter may (``limits``): nothing was written."""

    def __init__(self, pages: int | None = None) -> None:
        size = f"would run to {pages} pages" if pages else "is too long"
        super().__init__(
            f"This letter {size}; a letter may have at most {limits.MAX_PAGES} pages. Shorten "
            "the case's 'What happened', its demands or this version's texts.")
        self.pages = pages

    def __str__(self) -> str:
        """In the page's language (the error may be raised in a worker, with no request)."""
        if self.pages:
            return gettext("This letter would run to %(pages)s pages; a letter may have at "
                           "most %(most)s pages. Shorten the case's 'What happened', its "
                           "demands or this version's texts.", pages=self.pages,
                           most=limits.MAX_PAGES)
        return gettext("This letter is too long; a letter may have at most %(most)s pages. "
                       "Shorten the case's 'What happened', its demands or this version's "
                       "texts.", most=limits.MAX_PAGES)

    def __reduce__(self) -> tuple[type[LetterTooLong], tuple[int | None]]:
        return (type(self), (self.pages,))


class RendererBusy(LetterRenderError):
    """Another letter held this process's renderer for longer than a request should wait."""

    def __init__(self) -> None:
        super().__init__("The letter service is busy with other letters: try again in a "
                         "minute.")

    def __str__(self) -> str:
        return gettext("The letter service is busy with other letters: try again in a minute.")

    def __reduce__(self) -> tuple[type[RendererBusy], tuple[()]]:
        return (type(self), ())


class UnsafeResourceError(LetterRenderError):
    """The HTML asked WeasyPrint for something other than a bundled asset, or to attach a file."""

    def __init__(self, url: str, reason: str) -> None:
        shown = url if len(url) <= 120 else f"{url[:117]}..."
        super().__init__(f"letter refused {shown!r}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self) -> tuple[type[UnsafeResourceError], tuple[str, str]]:
        # Rebuilt from (url, reason) when it crosses from a batch worker to the parent.
        return (type(self), (self.url, self.reason))


@functools.cache
def harfbuzz_subset_available() -> bool:
    """Whether the system library libharfbuzz-subset is installed (fonts subset ~3x faster)."""
    for name in _HARFBUZZ_SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    found = ctypes.util.find_library("harfbuzz-subset")
    if found is None:
        return False
    try:
        ctypes.CDLL(found)
    except OSError:
        return False
    return True


# ---- HTML ----------------------------------------------------------------------------------


@functools.cache
def _environment() -> jinja2.Environment:
    """The letters' own Jinja environment, so rendering needs no Flask app (one per process)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every user-entered string is escaped; templates never use |safe
        undefined=jinja2.StrictUndefined,  # a misspelt variable fails instead of printing ""
        trim_blocks=True,
        lstrip_blocks=True,
    )


def own_words(ctx: LetterContext, language: Language) -> LetterText:
    """The letter's words in ``language``; a snapshot with none of its own in that language
    (made before letters had texts per language) still names the issue in it."""
    words = ctx.text_for(language)
    if language in ctx.texts or not words.issue_label:
        return words
    return dataclasses.replace(words, issue_label=i18n.issue_label_in(words.issue_label,
                                                                        language))


def _template_context(ctx: LetterContext, stylesheet_href: str | None) -> dict[str, Any]:
    languages = ctx.printed_languages
    words = {lang: own_words(ctx, lang) for lang in languages}
    return {
        "c": ctx,
        "kind": ctx.kind.value,
        "languages": languages,
        "words": words,
        "labels": i18n.LABELS,
        "titles": {lang: i18n.TITLES[lang][ctx.kind] for lang in languages},
        "headline": {
            lang: i18n.leaflet_headline(words[lang].issue_label or ctx.issue_label, lang,
                                        words[lang].extra.get("headline"))
            for lang in languages
        },
        "money_demands": sum(1 for demand in ctx.demands if demand.amount is not None),
        "fmt_date": i18n.format_date,
        "fmt_money": i18n.format_money,
        "stylesheet_href": stylesheet_href,
    }


def render_html(ctx: LetterContext, *, stylesheet_href: str | None = None) -> str:
    """The letter as a complete HTML document: the PDF's source and the browser preview.

    Without ``stylesheet_href`` (the PDF source, which is what to store with a frozen letter)
    the HTML links no stylesheet: the renderer applies the bundled ``letter.css`` itself. For a
    preview in a browser, pass the URL at which the app serves ``assets/letter.css`` (it finds
    the fonts beside it, under ``fonts/``).
    """
    template = _environment().get_template("base.html")
    return template.render(_template_context(ctx, stylesheet_href))


# ---- PDF -----------------------------------------------------------------------------------


class _ErrorCollector(logging.Handler):
    """Collects the problems WeasyPrint logs and otherwise ignores (a broken image, say)."""

    def __init__(self, level: int) -> None:
        super().__init__(level=level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collect_weasyprint_errors(level: int = logging.ERROR) -> Iterator[list[str]]:
    collector = _ErrorCollector(level)
    weasyprint_log = logging.getLogger("weasyprint")
    weasyprint_log.addHandler(collector)
    try:
        yield collector.messages
    finally:
        weasyprint_log.removeHandler(collector)


def _refuse_attachments(document: Document) -> None:
    """Fail before writing if the HTML asks to embed files (WeasyPrint would fetch them then)."""
    if document.metadata.attachments:
        raise UnsafeResourceError('<link rel="attachment">', "attachments are not allowed")
    for page in document.pages:
        for link_type, target, *_ in page.links:
            if link_type == "attachment":
                raise UnsafeResourceError(str(target), "attachments are not allowed")


class _Renderer:
    """What one process reuses between letters. Used under the module lock only."""

    def __init__(self) -> None:
        if not harfbuzz_subset_available():
            log.warning(
                "libharfbuzz-subset not found: font subsetting falls back to pure Python and "
                "letters render ~3x slower; install the libharfbuzz-subset0 package"
            )
        self.font_config = _bundled_fonts_only()
        # Parsed once: the stylesheet and its @font-face rules, whose fonts the
        # FontConfiguration fetches, decodes and registers here and then keeps. Our own
        # stylesheet must load without a single warning (a font that failed to load is only
        # a warning to WeasyPrint, and letters would silently come out in another face).
        with _collect_weasyprint_errors(logging.WARNING) as problems:
            try:
                self.stylesheets = [
                    weasyprint.CSS(
                        url=asset_url("letter.css"),
                        url_fetcher=AssetFetcher(),
                        font_config=self.font_config,
                    )
                ]
            except FatalURLFetchingError as error:
                raise LetterRenderError(f"bundled letter assets are missing: {error}") from error
        if problems:
            raise LetterRenderError(f"bundled letter.css does not load: {'; '.join(problems)}")
        self.pid = os.getpid()  # who owns the temporary font folder
        self.warm = False

    def render(self, htmls: Sequence[str]) -> bytes:
        """Lay out each HTML document and write all their pages, in order, as one PDF."""
        fetcher = AssetFetcher()
        with _collect_weasyprint_errors() as errors:
            try:
                documents = [self._layout(html, fetcher) for html in htmls]
                longest = max(len(doc.pages) for doc in documents)
                if longest > limits.MAX_PAGES:  # before the PDF is written, which costs too
                    raise LetterTooLong(longest)
                document = documents[0]
                if len(documents) > 1:
                    document = document.copy([page for doc in documents for page in doc.pages])
                # PDF/UA-1: a tagged PDF with the language and title of the HTML.
                pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
            except AssetRefused as refused:
                raise UnsafeResourceError(refused.url, refused.reason) from refused
            except FatalURLFetchingError as error:
                raise LetterRenderError(str(error)) from error
        # WeasyPrint swallows exceptions raised while drawing SVG images: check what the
        # fetcher refused and what was logged as an error, and fail the render for those too.
        if fetcher.refused:
            raise UnsafeResourceError(fetcher.refused[0], "not a bundled asset")
        if errors:
            raise LetterRenderError(f"WeasyPrint reported: {'; '.join(errors)}")
        return pdf

    def _layout(self, html: str, fetcher: AssetFetcher) -> Document:
        document = weasyprint.HTML(
            string=html, base_url=ASSET_BASE_URL, url_fetcher=fetcher
        ).render(font_config=self.font_config, stylesheets=self.stylesheets)
        _refuse_attachments(document)
        return document


def _bundled_fonts_only() -> FontConfiguration:
    """A FontConfiguration whose fontconfig knows no system fonts, only @font-face ones.

    fontconfig reads FONTCONFIG_FILE when a configuration is created, so the variable is set
    just for that call (made under the module lock) and restored at once.
    """
    previous = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    try:
        return FontConfiguration()
    finally:
        if previous is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = previous


# ---- One renderer per process ----------------------------------------------------------------

_renderer: _Renderer | None = None
# Pango, fontconfig and the shared FontConfiguration are not safe to use from two threads at
# once, so a process renders one letter at a time (batch.py uses processes for parallel work).
# The lock is also held across fork(): a child never inherits a render half done.
_lock = threading.Lock()
# How long a render waits for another to finish. The largest letter ``limits`` allows takes
# a few seconds (bench/letters.py), so this lets a couple finish first; past it the caller is
# told the service is busy instead of queueing behind a stalled render.
LOCK_WAIT_SECONDS = 10.0


def _before_fork() -> None:
    _lock.acquire()


def _after_fork_in_parent() -> None:
    _lock.release()


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )


def _render_locked(htmls: Sequence[str]) -> bytes:
    """Render under the process's lock; a request waits for it a little while, not forever."""
    global _renderer
    if any(limits.html_lines(html) > limits.MAX_HTML_LINES for html in htmls):
        raise LetterTooLong()  # refused before the costly layout
    lock = _lock  # the one acquired is the one released, whatever a fork does to the name
    if not lock.acquire(timeout=LOCK_WAIT_SECONDS):
        raise RendererBusy()
    try:
        if _renderer is None:
            _renderer = _Renderer()
            # Delete the temporary font folder when the process ends normally.
            atexit.register(close_renderer)
        return _renderer.render(htmls)
    finally:
        lock.release()


def has_renderer() -> bool:
    """Whether this process already holds a renderer (built here or inherited through fork)."""
    return _renderer is not None


def close_renderer() -> None:
    """Drop this process's renderer and delete its temporary font folder.

    A forked child shares its parent's font folder, so there it does nothing.
    """
    global _renderer
    with _lock:
        if _renderer is None or _renderer.pid != os.getpid():
            return
        _renderer = None
    # Laid-out documents hold the FontConfiguration in reference cycles; collect them so its
    # __del__ (which deletes the folder) runs now rather than never, at a worker's exit.
    gc.collect()


def warm_up() -> None:
    """Build this process's renderer and lay out one letter, so the next one is fast.

    The first render in a process loads the fonts and fills Pango's caches (~1 s); call this
    at application start, or before forking workers that should inherit a warm renderer.
    """
    if _renderer is not None and _renderer.warm:
        return
    render_pdf(_WARM_UP_CONTEXT)
    if _renderer is not None:
        _renderer.warm = True


def render_pdf_from_html(html: str) -> bytes:
    """A PDF from HTML made by :func:`render_html` (e.g. the source stored with a letter).

    Only bundled assets can be loaded; anything else raises :class:`UnsafeResourceError`.
    """
    return _render_locked([html])


def render_pdf_from_htmls(htmls: Sequence[str]) -> bytes:
    """Several HTML documents' pages, in order, in one PDF (each keeps its own numbering)."""
    if not htmls:
        raise ValueError("no documents to render")
    return _render_locked(htmls)


def render_pdf(ctx: LetterContext) -> bytes:
    """The letter as PDF bytes; the same context always gives the same bytes."""
    return render_pdf_from_html(render_html(ctx))


# Accented text in both languages, so warm_up() loads every glyph table a letter uses.
_WARM_UP_CONTEXT: Final = LetterContext(
    kind=LetterKind.DEMAND,
    language="es",
    network_name="Red de Solidaridad",
    network_phone="555-0100",
    network_email="red@example.org",
    network_address="Calle Mayor 1",
    page_size="Letter",
    reference="WARM-0000",
    letter_date=date(2026, 1, 1),
    target_name="Ñandú S.A.",
    target_address="Avenida Central 2",
    member_name="José Núñez",
    wrongs="¿Qué pasó? Salarios no pagados.",
    demands=(Demand("money", "Salarios", Decimal("1234.50"), "10 h × 123,45"),),
    deadline=date(2026, 1, 15),
    deadline_days=14,
    issue_label="Unpaid wages",
)
