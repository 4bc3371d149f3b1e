"""WeasyPrint can load the bundled assets and nothing else, and a refusal stops the render."""

from __future__ import annotations

import base64

import pytest
import weasyprint
from weasyprint.urls import FatalURLFetchingError

from casework.letters.fetcher import (
    ASSET_BASE_URL,
    MAX_DATA_URL_BYTES,
    AssetFetcher,
    AssetRefused,
    asset_url,
)
from casework.letters.rendering import (
    LetterRenderError,
    UnsafeResourceError,
    render_pdf_from_html,
)
from tests.letters import font_names, page_texts

# A 1x1 transparent PNG.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()
PASSWD_SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>" \
    "<image href='file:///etc/passwd' width='10' height='10'/></svg>"  # fmt: skip

FORBIDDEN = {
    "file image": '<img src="file:///etc/passwd">',
    "attachment link": '<link rel="attachment" href="file:///etc/passwd">',
    "attachment anchor": '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
    "attachment of a bundled file": '<link rel="attachment" href="letter.css">',
    "http stylesheet": '<link rel="stylesheet" href="http://example.com/x.css">',
    "https image": '<img src="https://example.com/x.png">',
    "ftp image": '<img src="ftp://example.com/x.png">',
    "unknown scheme": '<img src="gopher://example.com/x.png">',
    "large data url": f'<img src="data:image/png;base64,{"A" * MAX_DATA_URL_BYTES}">',
    "relative traversal": '<img src="../../etc/passwd">',
    "encoded traversal": '<img src="%2e%2e/%2e%2e/etc/passwd">',
    "encoded traversal in asset url": '<img src="casework-asset:///fonts/%2e%2e/%2e%2e/x.png">',
    "absolute path": '<img src="/etc/passwd">',
    "asset url with a host": '<link rel="stylesheet" href="casework-asset://evil/letter.css">',
    "asset that is not served": '<link rel="stylesheet" href="fontconfig.conf">',
    "missing asset": '<img src="casework-asset:///missing.png">',
    "base element": '<base href="file:///etc/"><img src="passwd">',
    "css import": "<style>@import url(file:///etc/passwd);</style>",
    "css background": "<style>p{background:url(http://example.com/x.png)}</style>",
    "css font": "<style>@font-face{font-family:x;src:url(file:///etc/passwd)}"
    "p{font-family:x}</style>",
    "embed": '<embed src="file:///etc/passwd" type="image/png">',
    "object": '<object data="file:///etc/passwd" type="image/png"></object>',
    # WeasyPrint swallows errors raised while drawing SVG: the renderer must still fail.
    "inline svg image": f"{PASSWD_SVG}",
    "svg in a data url": f'<img src="data:image/svg+xml,{PASSWD_SVG.replace("#", "%23")}">',
}


@pytest.mark.parametrize("snippet", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_forbidden_resource_fails_the_render(snippet: str) -> None:
    with pytest.raises(UnsafeResourceError):
        render_pdf_from_html(f"<!DOCTYPE html><html><body>{snippet}<p>Hello</p></body></html>")


def test_refusal_propagates_out_of_weasyprint_itself() -> None:
    """Not logged as a warning: the fetcher's error stops WeasyPrint's own write_pdf()."""
    document = weasyprint.HTML(
        string='<img src="file:///etc/passwd">', base_url=ASSET_BASE_URL, url_fetcher=AssetFetcher()
    )
    with pytest.raises(AssetRefused):
        document.write_pdf()
    assert issubclass(AssetRefused, FatalURLFetchingError)


def test_bundled_assets_and_small_data_urls_are_served() -> None:
    pdf = render_pdf_from_html(
        '<html lang="en"><link rel="stylesheet" href="letter.css">'  # PDF/UA: a language
        f'<img src="data:image/png;base64,{PIXEL}" alt="A dot"><p>Bundled</p>'  # and alt texts
    )
    assert "Bundled" in page_texts(pdf)[0]
    assert font_names(pdf) == {"IBM-Plex-Sans"}


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        (asset_url("letter.css"), "text/css"),
        (asset_url("fonts/IBMPlexSans-Bold.woff2"), "font/woff2"),
        ("casework-asset:letter.css", "text/css"),
        (f"data:image/png;base64,{PIXEL}", "image/png"),
    ],
)
def test_fetcher_serves_assets_with_their_type(url: str, content_type: str) -> None:
    fetcher = AssetFetcher()
    response = fetcher.fetch(url)
    assert response.content_type == content_type
    assert response.read()
    assert fetcher.fetched == [url] and fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/",
        "casework-asset:///../../etc/passwd",
        "casework-asset:///fonts/../letter.css",
        "casework-asset:///.hidden.css",
        "casework-asset:///letter.css?x=1",
        "letter.css",
    ],
)
def test_fetcher_refuses_and_remembers(url: str) -> None:
    fetcher = AssetFetcher()
    with pytest.raises(AssetRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.fetched == []


def test_unsafe_resource_error_is_an_ordinary_exception() -> None:
    """Views catch Exception; WeasyPrint's fatal error is a BaseException and would escape."""
    assert issubclass(UnsafeResourceError, LetterRenderError)
    assert issubclass(LetterRenderError, Exception)
