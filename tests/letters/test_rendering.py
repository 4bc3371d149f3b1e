"""Letters read back from the PDF: what they say, in which language, fonts, safety, batches."""

from __future__ import annotations

import html
import io
import json
import logging
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, cast

import pypdf
import pytest

from casework.letters import batch, rendering
from casework.letters.context import (
    Demand,
    Language,
    LetterContext,
    LetterKind,
    PageSize,
    from_snapshot,
    to_snapshot,
)
from casework.letters.fetcher import AssetFetcher
from casework.letters.i18n import format_date, format_money
from tests.letters import (
    HOSTILE,
    font_names,
    letter,
    page_texts,
    pdf_reader,
    rendered,
    squeeze,
)

KINDS = list(LetterKind)
LANGUAGES: list[Language] = ["en", "es"]
BUNDLED_FONTS = {"IBM-Plex-Sans", "IBM-Plex-Sans-Bold", "IBM-Plex-Sans-Italic"}


# ---- What a letter says ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_letter_shows_names_demands_amounts_deadline_and_pages(
    kind: LetterKind, language: Language
) -> None:
    ctx = letter(kind=kind, language=language)
    texts = page_texts(rendered(kind, language))
    text = squeeze("\n".join(texts))
    pages = len(texts)

    expected = [
        ctx.target_name,
        ctx.reference,
        ctx.network_phone,
        *(demand.description for demand in ctx.demands),
        *(demand.calculation for demand in ctx.demands if demand.calculation),
        # English formats always (a Spanish letter carries the English version too).
        "$1,500.00",
        "$1,234.50",
        "December 3, 2026",
    ]
    if language == "es":
        expected += ["1.500,00 $", "1.234,50 $", "3 de diciembre de 2026"]
    for wanted in expected:
        assert squeeze(wanted) in text, f"{wanted!r} missing from the {kind} letter"

    # The leaflet is public: it never names the member. Every other kind does.
    assert (squeeze(ctx.member_name) in text) is (kind != LetterKind.LEAFLET)

    if language == "es":
        assert f"Página1de{pages}" in squeeze(texts[0])
        assert f"Page{pages}of{pages}" in squeeze(texts[-1])
    else:
        assert f"Page1of{pages}" in squeeze(texts[0])
        assert "Página" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_spanish_letter_is_followed_by_the_english_one(kind: LetterKind) -> None:
    texts = page_texts(rendered(kind, "es"))
    spanish_pages = [i for i, text in enumerate(texts) if "Página" in text]
    english_pages = [i for i, text in enumerate(texts) if "Page " in text]
    assert spanish_pages and english_pages
    assert max(spanish_pages) < min(english_pages)  # a page break between, Spanish first


@pytest.mark.parametrize(("language", "title"), [("en", "Demand letter"),
                                                  ("es", "Carta de exigencias")])
def test_letter_is_a_tagged_pdf_with_its_language_and_title(language: Language,
                                                             title: str) -> None:
    """PDF/UA: screen readers find the structure, read in the right voice, say the title."""
    reader = pdf_reader(rendered(LetterKind.DEMAND, language))
    catalog = cast(dict[str, Any], reader.trailer["/Root"])
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == language
    assert reader.metadata is not None and (reader.metadata.title or "").startswith(title)
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


@pytest.mark.parametrize(
    ("page_size", "width", "height"), [("A4", 595.28, 841.89), ("Letter", 612.0, 792.0)]
)
def test_page_size_sets_the_paper(page_size: str, width: float, height: float) -> None:
    pdf = rendered(LetterKind.LEAFLET, "en", cast(PageSize, page_size))
    for page in pdf_reader(pdf).pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.1)


def test_deadline_before_delivery_is_counted_in_days() -> None:
    text = html.unescape(rendering.render_html(letter(deadline=None, language="es")))
    assert "You have 14 days from the delivery of this letter" in text
    assert "Tiene 14 días a partir de la entrega de esta carta" in text


@pytest.mark.parametrize(
    ("issue", "extra", "headline"),
    [
        ("Stolen deposit", {}, "Don't rent here!"),
        ("Repairs", {}, "Don't rent here!"),
        ("Unpaid wages", {}, "Don't shop here!"),
        ("Wrongful firing", {}, "Don't shop here!"),
        ("Unpaid wages", {"headline": "Don't eat at Joe's!"}, "Don't eat at Joe's!"),
    ],
)
def test_leaflet_headline_follows_the_issue(
    issue: str, extra: dict[str, str], headline: str
) -> None:
    ctx = letter(kind=LetterKind.LEAFLET, issue_label=issue, extra=extra)
    assert f'<p class="headline">{headline}</p>' in html.unescape(rendering.render_html(ctx))


def test_kind_specific_texts_are_shown_as_typed() -> None:
    escalation = letter(kind=LetterKind.ESCALATION, extra={"action_summary": "Picket  at 9am"})
    settlement = letter(kind=LetterKind.SETTLEMENT, extra={"terms": "Paid by check\nin full"})
    assert "Picket  at 9am" in rendering.render_html(escalation)
    assert "Paid by check\nin full" in rendering.render_html(settlement)


def test_preview_links_the_stylesheet_and_pdf_source_does_not() -> None:
    ctx = letter()
    preview = rendering.render_html(ctx, stylesheet_href="/letters/assets/letter.css")
    assert '<link rel="stylesheet" href="/letters/assets/letter.css">' in preview
    assert "<link" not in rendering.render_html(ctx)


# ---- Escaping and fetching ------------------------------------------------------------------

TEXT_FIELDS = [
    "network_name", "network_phone", "network_email", "network_address", "reference",
    "target_name", "target_address", "member_name", "wrongs", "issue_label",
]  # fmt: skip
NOT_SHOWN = {
    LetterKind.DEMAND: {"headline", "action_summary", "terms"},
    LetterKind.FINAL_NOTICE: {"headline", "action_summary", "terms"},
    LetterKind.ESCALATION: {"headline", "terms"},
    LetterKind.SETTLEMENT: {"headline", "action_summary"},
    LetterKind.LEAFLET: {
        "network_address", "member_name", "issue_label", "action_summary", "terms",
    },
}


def hostile(name: str) -> str:
    return f"{name}: {' '.join(HOSTILE)}"


def all_stream_bytes(pdf: bytes) -> bytes:
    """Every decompressed stream of the PDF, so hidden content can be searched too."""
    reader = pdf_reader(pdf)
    chunks = [pdf]
    for number in range(1, cast(int, reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, pypdf.generic.StreamObject):
            chunks.append(obj.get_data())
    return b"".join(chunks)


class RecordingFetcher(AssetFetcher):
    """The real fetcher, remembered so a test can see what every render asked for."""

    instances: list[RecordingFetcher] = []

    def __init__(self) -> None:
        super().__init__()
        RecordingFetcher.instances.append(self)


@pytest.mark.parametrize("kind", KINDS)
def test_user_text_is_escaped_and_nothing_is_fetched(
    kind: LetterKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = {"note": hostile("note"), "headline": hostile("headline")}
    extra |= {"action_summary": hostile("action_summary"), "terms": hostile("terms")}
    demand = Demand("money", hostile("description"), Decimal("10"), hostile("calculation"))
    ctx = letter(
        kind=kind,
        demands=(demand,),
        extra=extra,
        **{field: hostile(field) for field in TEXT_FIELDS},
    )
    rendering.warm_up()  # the renderer loads its fonts and stylesheet once, before this letter
    RecordingFetcher.instances = []
    monkeypatch.setattr(rendering, "AssetFetcher", RecordingFetcher)

    source = rendering.render_html(ctx)
    pdf = rendering.render_pdf_from_html(source)

    assert "<script>" not in source and "&lt;script&gt;" in source
    text = squeeze("\n".join(page_texts(pdf)))
    shown = [*TEXT_FIELDS, "description", "calculation", *extra]
    for field in shown:
        if field not in NOT_SHOWN[kind]:
            assert squeeze(hostile(field)) in text, f"{field} not shown literally"
    reader = pdf_reader(pdf)
    catalog = cast(Any, reader.trailer["/Root"])
    assert "/EmbeddedFiles" not in catalog.get("/Names", {})
    for page in reader.pages:
        for annotation in cast(Any, page.get("/Annots", [])):
            assert annotation.get_object()["/Subtype"] != "/FileAttachment"
    assert b"root:x:0:0" not in all_stream_bytes(pdf)
    # The fonts and stylesheet were loaded once, when the renderer was built: a letter
    # fetches nothing at all.
    assert RecordingFetcher.instances
    assert all(f.fetched == [] and f.refused == [] for f in RecordingFetcher.instances)


# ---- Fonts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_only_the_bundled_fonts_are_embedded(kind: LetterKind, language: Language) -> None:
    names = font_names(rendered(kind, language))
    assert names and names <= BUNDLED_FONTS


def test_characters_missing_from_the_font_do_not_pull_in_system_fonts() -> None:
    ctx = letter(kind=LetterKind.LEAFLET, target_name="王秀英 Ελένη Łukasz Nguyễn 😀")
    assert font_names(rendering.render_pdf(ctx)) <= BUNDLED_FONTS


# ---- Reproducible output --------------------------------------------------------------------


def test_same_context_gives_the_same_bytes() -> None:
    ctx = letter(language="es")
    first = rendering.render_pdf(ctx)
    assert rendering.render_pdf(ctx) == first
    assert rendering.render_pdf_from_html(rendering.render_html(ctx)) == first
    metadata = pdf_reader(first).metadata
    assert metadata is not None and metadata.title == "Carta de exigencias SEA-2026-0014"
    assert "/CreationDate" not in metadata and "/ModDate" not in metadata


def test_snapshot_round_trips_through_json() -> None:
    ctx = letter(language="es", extra={"note": "Hasta pronto"}, deadline=None)
    stored = json.loads(json.dumps(to_snapshot(ctx)))
    assert from_snapshot(stored) == ctx
    assert stored["demands"][1]["amount"] == "1234.5"
    with pytest.raises(ValueError, match="version"):
        from_snapshot({**stored, "version": 99})
    with pytest.raises(ValueError, match="malformed"):
        from_snapshot({k: v for k, v in stored.items() if k != "wrongs"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"language": "fr"}, "language"),
        ({"page_size": "A5"}, "page_size"),
        ({"extra": {"headine": "typo"}}, "unknown extra"),
        ({"wrongs": "lone \ud800 surrogate"}, "not valid Unicode"),
        ({"demands": (Demand("money", "Wages", Decimal("1")), "pay me")}, "Demand"),
    ],
)
def test_context_refuses_bad_data(change: dict[str, object], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        letter(**change)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "money", "description": "Wages"}, "needs an amount"),
        ({"kind": "money", "description": "Wages", "amount": Decimal(-1)}, "positive"),
        ({"kind": "action", "description": "Apologize", "amount": Decimal(1)}, "no amount"),
        ({"kind": "action", "description": "  "}, "description"),
    ],
)
def test_demand_refuses_bad_data(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Demand(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "en", "es"),
    [
        (Decimal("1234.5"), "$1,234.50", "1.234,50\u00a0$"),
        (Decimal("0.005"), "$0.01", "0,01\u00a0$"),
        (Decimal("1000000"), "$1,000,000.00", "1.000.000,00\u00a0$"),
    ],
)
def test_money_is_written_for_the_language(amount: Decimal, en: str, es: str) -> None:
    assert format_money(amount, "en") == en
    assert format_money(amount, "es") == es


def test_dates_are_written_for_the_language() -> None:
    assert format_date(date(2026, 12, 3), "en") == "December 3, 2026"
    assert format_date(date(2026, 12, 3), "es") == "3 de diciembre de 2026"


def test_missing_harfbuzz_subset_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(rendering, "harfbuzz_subset_available", lambda: False)
    with caplog.at_level(logging.WARNING, logger="casework.letters.rendering"):
        rendering._Renderer()
    assert "libharfbuzz-subset0" in caplog.text and "3x slower" in caplog.text


# ---- Batches --------------------------------------------------------------------------------


def test_render_many_keeps_order_and_reports_progress() -> None:
    contexts = [
        letter(kind=LetterKind.LEAFLET, reference=f"SEA-2026-{n:04d}", target_name=f"Target {n}")
        for n in range(6)
    ]
    calls: list[tuple[int, int]] = []
    pdfs = batch.render_many(contexts, processes=2, progress=lambda d, t: calls.append((d, t)))

    assert calls == [(n, 6) for n in range(1, 7)]
    for ctx, pdf in zip(contexts, pdfs, strict=True):
        assert ctx.reference in "".join(page_texts(pdf))
    # A worker process makes exactly the bytes this process makes.
    assert pdfs[3] == rendering.render_pdf(contexts[3])


def test_render_combined_keeps_each_letters_pages() -> None:
    contexts: list[LetterContext] = [
        letter(kind=LetterKind.LEAFLET, reference="SEA-1"),
        replace(letter(kind=LetterKind.LEAFLET, reference="SEA-2"), page_size="Letter"),
    ]
    texts = page_texts(batch.render_combined(contexts))
    assert len(texts) == 2
    assert all("Page 1 of 1" in text for text in texts)
    assert "SEA-1" in texts[0] and "SEA-2" in texts[1]


def test_zip_pdfs_is_reproducible_and_refuses_bad_names() -> None:
    named = [("SEA-1-demand.pdf", b"%PDF-1"), ("SEA-2-demand.pdf", b"%PDF-2")]
    archive = batch.zip_pdfs(named)
    assert batch.zip_pdfs(named) == archive
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert [(n, opened.read(n)) for n in opened.namelist()] == named
    for bad in ("../x.pdf", "a/b.pdf", ""):
        with pytest.raises(ValueError):
            batch.zip_pdfs([(bad, b"x")])
    with pytest.raises(ValueError, match="duplicate"):
        batch.zip_pdfs(named + named[:1])
