"""How much a render may take: a page limit, a cheap size check before the costly layout, and
a renderer that tells a waiting caller it is busy instead of making it queue for ever."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest

from casework.letters import limits, rendering
from casework.letters.context import Demand, LetterContext, LetterKind
from tests.letters import at_limits, letter, page_texts, prose, renderer_busy, squeeze

# The finding: 60 demands of ~2 KB and long version texts took 6.7 s under the lock.
FINDING = letter(language="es", demands=tuple(
    Demand("money", prose(1_000, n), Decimal(100), prose(1_000, n + 1)) for n in range(60)),
    extra={"note": prose(10_000)})
# Short typed lines lay out as whole lines: 5,000 of them would be about 200 pages.
LINE_BREAKS = letter(language="es", wrongs="a\n" * 5_000)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_largest_letter_the_app_allows_passes_the_size_check(kind: LetterKind) -> None:
    html = rendering.render_html(at_limits(kind))
    assert limits.MAX_HTML_LINES * 0.6 < limits.html_lines(html) <= limits.MAX_HTML_LINES


def test_the_largest_letter_the_app_allows_renders_within_the_page_limit() -> None:
    texts = page_texts(rendering.render_pdf(at_limits(LetterKind.SETTLEMENT)))
    assert 10 < len(texts) <= limits.MAX_PAGES
    text = squeeze(" ".join(texts))
    assert all(f"Demand{n}" in text for n in range(1, limits.MAX_DEMANDS + 1))


@pytest.mark.parametrize("ctx", [FINDING, LINE_BREAKS], ids=["60-long-demands", "line-breaks"])
def test_a_letter_far_over_the_limits_is_refused_before_it_is_laid_out(
        ctx: LetterContext) -> None:
    rendering.warm_up()
    started = time.monotonic()
    with pytest.raises(rendering.LetterTooLong, match="at most 40 pages"):
        rendering.render_pdf(ctx)
    assert time.monotonic() - started < 2  # laying it out takes 8 s of CPU or more


def test_a_letter_over_the_page_limit_is_refused_with_its_page_count(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PAGES", 1)
    with pytest.raises(rendering.LetterTooLong, match="would run to 2 pages"):
        rendering.render_pdf(letter(language="es"))  # Spanish, then English: two pages


@pytest.fixture
def renderer_held_elsewhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(rendering, "LOCK_WAIT_SECONDS", 0.3)
    with renderer_busy():
        yield


def test_a_render_waiting_for_a_busy_renderer_gives_up_with_a_clear_message(
        renderer_held_elsewhere: None) -> None:
    started = time.monotonic()
    with pytest.raises(rendering.RendererBusy, match="busy with other letters: try again"):
        rendering.render_pdf(replace(letter(), reference="SEA-2026-0099"))
    assert time.monotonic() - started < 2
