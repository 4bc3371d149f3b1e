"""The network's poster and flyer: the PDF is read back (its words in each language, one sheet
of the chosen paper) and its QR code is decoded to the public form's address."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from casework.extensions import db
from casework.models import Network, Role
from casework.network.posters import TAB_COUNT, WORDS

FORM_URL = "http://localhost/n/sea/get-in-touch"
POINTS = {"A4": (595, 842), "Letter": (612, 792)}


@pytest.fixture
def coordinator(app: Flask, network_id: int, make_user: Callable[..., int],
                login_as: Callable[[int], FlaskClient]) -> FlaskClient:
    with app.app_context():
        network = db.session.get_one(Network, network_id)
        network.name, network.hotline_phone = "Seattle Solidarity Network", "206-555-0199"
        network.contact_email = "info@seasol.example"
        db.session.commit()
    return login_as(make_user(Role.COORDINATOR))


def read_pdf(data: bytes) -> tuple[list[Any], str]:
    pages = PdfReader(io.BytesIO(data)).pages
    return list(pages), " ".join(page.extract_text() for page in pages).replace("\n", " ")


def decoded_codes(page: Any) -> list[str]:
    """What every QR code among the page's images says."""
    return [code.text for image in page.images for code in zxingcpp.read_barcodes(image.image)]


@pytest.mark.parametrize(("kind", "language", "paper", "tabs"), [
    ("poster", "both", "A4", True),
    ("poster", "es", "Letter", False),
    ("flyer", "both", "Letter", False),
    ("flyer", "en", "A4", True),  # tabs are for posters: a flyer has none
])
def test_the_pdf_has_the_words_the_hotline_and_a_qr_code_to_the_form(
        coordinator: FlaskClient, kind: str, language: str, paper: str, tabs: bool) -> None:
    query = {"kind": kind, "language": language, "paper": paper,
             **({"tabs": "y"} if tabs else {})}
    response = coordinator.get("/network/posters/pdf", query_string=query)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="sea-{kind}-{language}-{paper.lower()}.pdf"' in \
        response.headers["Content-Disposition"]
    pages, text = read_pdf(response.data)
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == POINTS[paper]
    for lang in ("en", "es"):
        shown = language in (lang, "both")
        for key in ("call", "scan"):
            assert (WORDS[lang][key] in text) is shown, (lang, key)  # type: ignore[index]
    assert "Seattle Solidarity Network" in text and "206-555-0199" in text
    assert "localhost/n/sea/get-in-touch" in text
    assert decoded_codes(pages[0]) == [FORM_URL]  # a flyer's two copies share one image
    tab_urls = TAB_COUNT if kind == "poster" and tabs else 0
    copies = 2 if kind == "flyer" else 1
    assert text.count("localhost/n/sea/get-in-touch") == copies + tab_urls


def test_the_preview_is_the_same_document_with_a_toolbar(coordinator: FlaskClient) -> None:
    response = coordinator.get("/network/posters/preview",
                               query_string={"kind": "poster", "language": "es", "paper": "A4"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert WORDS["es"]["headline"] in page and WORDS["en"]["headline"] not in page
    assert "/letters/assets/letter.css" in page and "/letters/assets/poster.css" in page
    # a Spanish poster: its picture's text alternative in Spanish too
    assert 'src="data:image/png;base64,' in page and f'alt="Código QR: {FORM_URL}"' in page
    assert ('href="/network/posters/pdf?kind=poster&amp;paper=A4&amp;language=es"' in page)
    assert 'class="tabs"' not in page  # the tabs box was left unticked


def test_the_options_page_offers_the_networks_paper_and_warns_before_printing(
        app: Flask, coordinator: FlaskClient, network_id: int) -> None:
    page = coordinator.get("/network/posters").get_data(as_text=True)
    assert 'checked id="paper-1" name="paper" type="radio" value="Letter"' in page
    assert "The public form is closed" in page and "no hotline phone" not in page
    with app.app_context():
        network = db.session.get_one(Network, network_id)
        network.public_form_open, network.hotline_phone = True, ""
        db.session.commit()
    page = coordinator.get("/network/posters").get_data(as_text=True)
    assert "The public form is closed" not in page and "no hotline phone" in page
    _pages, text = read_pdf(coordinator.get("/network/posters/pdf").data)
    assert "Or write to us" not in text and "Write to us" in text


@pytest.mark.parametrize("query", [{"kind": "billboard"}, {"paper": "A3"},
                                   {"language": "fr"}, {"kind": ["x" * 5000, "poster"]}])
@pytest.mark.parametrize("where", ["preview", "pdf"])
def test_unknown_options_are_refused_next_to_their_field(
        coordinator: FlaskClient, query: dict[str, Any], where: str) -> None:
    response = coordinator.get(f"/network/posters/{where}", query_string=query)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Not a valid choice" in page and 'class="field-error"' in page


def test_the_networks_name_is_printed_as_typed_never_as_markup(
        app: Flask, coordinator: FlaskClient, network_id: int) -> None:
    with app.app_context():
        db.session.get_one(Network, network_id).name = '<img src="file:///etc/passwd">Red'
        db.session.commit()
    preview = coordinator.get("/network/posters/preview").get_data(as_text=True)
    assert "&lt;img src=" in preview and '<img src="file' not in preview
    _pages, text = read_pdf(coordinator.get("/network/posters/pdf").data)
    assert '<img src="file:///etc/passwd">Red' in text
