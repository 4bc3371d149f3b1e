"""The network's recruitment poster and flyer: HTML for the preview, PDF for the printer.

They are rendered like letters (``casework.letters.rendering``): the same bundled fonts, the
same fetcher that loads nothing but bundled assets, one page per sheet. The QR code to the
public "get in touch" form is drawn by segno as a PNG and embedded as a ``data:`` URL, so the
PDF holds it as an image any phone camera (and the tests) can read back.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import segno
from flask import render_template

from casework.letters.fetcher import asset_url
from casework.models import Network

PosterKind = Literal["poster", "flyer"]
Language = Literal["en", "es"]
LANGUAGE_SETS: Final[Mapping[str, tuple[Language, ...]]] = {
    "both": ("en", "es"), "en": ("en",), "es": ("es",)}
TAB_COUNT: Final = 8  # tear-off tabs along a poster's foot
# Pixels per QR module: a crisp image whatever the printer scales it to.
QR_SCALE: Final = 8

# The poster's words (DESIGN §10: people find the network through posters).
WORDS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {
        "headline": "Getting kicked around by an employer or landlord?",
        "call": "Get in touch!",
        "body": "Unpaid wages, a deposit kept, repairs ignored, an unfair firing? We are "
                "workers and tenants who stand up for each other, and together we win.",
        "steps": "You tell us what happened. We meet and plan with you. We act together "
                 "until the boss or landlord does right by you.",
        "phone": "Call or text our hotline",
        "form": "Or write to us",
        "form_alone": "Write to us",
        "scan": "Scan to get in touch",
        "free": "Free and confidential. We are not a service: we fight together.",
        "tab": "Get in touch",
        "qr": "QR code: {url}",
        "tabs": "Tear-off tabs",
    },
    "es": {
        "headline": "¿Su patrón o su casero abusa de usted?",
        "call": "¡Comuníquese con nosotros!",
        "body": "¿Salarios sin pagar, un depósito retenido, reparaciones que nunca llegan, un "
                "despido injusto? Somos trabajadores e inquilinos que nos apoyamos, y juntos "
                "ganamos.",
        "steps": "Usted nos cuenta lo que pasó. Nos reunimos y planeamos con usted. Actuamos "
                 "juntos hasta que el patrón o el casero cumpla.",
        "phone": "Llame o mande un mensaje a nuestra línea",
        "form": "O escríbanos",
        "form_alone": "Escríbanos",
        "scan": "Escanee para comunicarse",
        "free": "Gratis y confidencial. No somos un servicio: luchamos juntos.",
        "tab": "Comuníquese",
        "qr": "Código QR: {url}",
        "tabs": "Tiras para arrancar",
    },
}


@dataclass(frozen=True)
class PosterOptions:
    kind: PosterKind
    paper: Literal["A4", "Letter"]
    language: str  # a key of LANGUAGE_SETS
    tabs: bool

    @property
    def languages(self) -> tuple[Language, ...]:
        return LANGUAGE_SETS[self.language]

    @property
    def file_name(self) -> str:
        return f"{self.kind}-{self.language}-{self.paper}.pdf".lower()


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as a black-and-white PNG with its quiet zone."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=QR_SCALE, border=4)
    return out.getvalue()


def poster_html(network: Network, form_url: str, options: PosterOptions, *,
                stylesheet_hrefs: tuple[str, ...] = (), toolbar: Mapping[str, str] | None = None
                ) -> str:
    """The poster or flyer as a complete HTML document: the PDF's source, and the preview
    when given the browser URLs of ``letter.css`` and ``poster.css`` and the toolbar's links."""
    qr = base64.b64encode(qr_png(form_url)).decode("ascii")
    return render_template(
        "network/poster.html", o=options, words=WORDS, tab_count=TAB_COUNT,
        network_name=network.name, phone=network.hotline_phone, email=network.contact_email,
        form_url=form_url, short_url=form_url.split("://", 1)[-1],
        qr_src=f"data:image/png;base64,{qr}",
        stylesheet_hrefs=stylesheet_hrefs or (asset_url("poster.css"),), toolbar=toolbar)


def poster_pdf(network: Network, form_url: str, options: PosterOptions) -> bytes:
    """The poster or flyer as PDF (one sheet). Raises the renderer's ``LetterRenderError``s."""
    from casework.letters.rendering import render_pdf_from_html

    return render_pdf_from_html(poster_html(network, form_url, options))
