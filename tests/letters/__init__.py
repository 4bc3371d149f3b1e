"""Tests of the letters package: plain data in, HTML and PDF out, nothing fetched.

Shared helpers live here (a package module, not a conftest) so both test modules import them.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, cast

import pypdf

from casework.letters import limits, rendering
from casework.letters.context import Demand, Language, LetterContext, LetterKind, PageSize
from casework.letters.rendering import render_pdf

# Strings that would change the document if they were not escaped.
HOSTILE = (
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    "<style>body{display:none}</style>",
    "<script>alert(1)</script>",
)


def letter(**changes: Any) -> LetterContext:
    """A realistic demand letter; keyword arguments replace fields."""
    ctx = LetterContext(
        kind=LetterKind.DEMAND,
        language="en",
        network_name="Seattle Solidarity Network",
        network_phone="(206) 555-0142",
        network_email="info@seasol.example",
        network_address="PO Box 20182\nSeattle, WA 98102",
        page_size="A4",
        reference="SEA-2026-0014",
        letter_date=date(2026, 11, 19),
        target_name="Greenlake Property Management LLC",
        target_address="1234 Aurora Ave N\nSeattle, WA 98103",
        member_name="María José Núñez",
        wrongs=(
            "María rented unit 4 from March 2024 to September 2026.\n"
            "When she moved out you kept her whole deposit without an itemized list."
        ),
        demands=(
            Demand(
                "money",
                "Return the full security deposit",
                Decimal("1500"),
                "Deposit paid on 1 March 2024, as the lease shows",
            ),
            Demand(
                "money", "Refund the move-out fee", Decimal("1234.5"), "Charged on the rent ledger"
            ),
            Demand("action", "Give a neutral written reference for future landlords"),
        ),
        deadline=date(2026, 12, 3),
        deadline_days=14,
        issue_label="Stolen deposit",
    )
    return replace(ctx, **changes)


def prose(length: int, seed: int = 0) -> str:
    """Ordinary words (English and Spanish), exactly ``length`` characters of them."""
    words = ("the", "landlord", "kept", "María's", "deposit", "of", "$1,500", "and", "unpaid",
             "wages", "for", "repairs", "semana", "horas", "mould")
    text = " ".join(words[(seed + n * 7) % len(words)] for n in range(length))
    return text[:length]


def at_limits(kind: LetterKind = LetterKind.DEMAND) -> LetterContext:
    """The largest letter the app lets anyone type: every demand and text at its limit, and
    the case's own texts at the case forms' limits, in Spanish (printed with its English copy).
    Each demand's description starts 'Demand 1', 'Demand 2'… so it can be found in the PDF."""
    demands = tuple(
        Demand("money", f"Demand {n} {prose(limits.MAX_DEMAND_DESCRIPTION, n)}"[
            :limits.MAX_DEMAND_DESCRIPTION], Decimal("99999999.99"),
            prose(limits.MAX_DEMAND_CALCULATION, n + 1))
        for n in range(1, limits.MAX_DEMANDS + 1))
    return letter(kind=kind, language="es", demands=demands, wrongs=prose(10_000, 1),
                  target_address=prose(10_000, 2), member_name=prose(120, 3),
                  target_name=prose(200, 4),
                  extra={key: prose(length, 5) for key, length in limits.MAX_TEXT_LENGTHS.items()})


@cache
def rendered(kind: LetterKind, language: Language, page_size: PageSize = "A4") -> bytes:
    """The PDF of the standard letter of this kind, rendered once per test session."""
    return render_pdf(letter(kind=kind, language=language, page_size=page_size))


def squeeze(text: str) -> str:
    """Text without any whitespace, so line wrapping in the PDF does not matter."""
    return "".join(text.split())


def pdf_reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pdf_reader(pdf).pages]


def font_names(pdf: bytes) -> set[str]:
    """The base font names used on every page, without the subset prefix ('ABCDEF+')."""
    names = set()
    for page in pdf_reader(pdf).pages:
        fonts = cast(Any, page["/Resources"]).get("/Font", {})
        for font in fonts.values():
            base_font = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.add(base_font.split("+", 1)[-1])
    return names


@contextmanager
def renderer_busy() -> Iterator[None]:
    """Another thread holds the process's renderer (rendering a long letter, say) meanwhile."""
    holding, done = threading.Event(), threading.Event()

    def render_for_ever() -> None:
        with rendering._lock:
            holding.set()
            done.wait(30)

    thread = threading.Thread(target=render_for_ever)
    thread.start()
    assert holding.wait(5)
    try:
        yield
    finally:
        done.set()
        thread.join()
