"""The only way a letter can load anything: bundled assets, through a private URL scheme.

WeasyPrint's default fetcher reads ``file://`` and ``http(s)://`` URLs and embeds files named by
``<link rel="attachment">`` into the PDF. Letters are made from text users typed, so the renderer
gives WeasyPrint an :class:`AssetFetcher` instead. It serves files under ``assets/`` addressed as
``casework-asset:///letter.css`` (relative URLs resolve against :data:`ASSET_BASE_URL`, so
``fonts/x.woff2`` in the stylesheet works both here and in a browser preview), small ``data:``
URLs, and nothing else. Anything else raises :class:`AssetRefused`, a subclass of WeasyPrint's
``FatalURLFetchingError``, which stops the render instead of being logged as a warning.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import urllib.parse
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Final
from urllib import request

with warnings.catch_warnings():
    # Without libharfbuzz-subset WeasyPrint warns at import; rendering logs its own, clearer
    # warning instead, and the test suite turns stray warnings into errors.
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

ASSETS_DIR: Final = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME: Final = "casework-asset"
ASSET_BASE_URL: Final = f"{ASSET_SCHEME}:///"
# A data: URL is harmless (it cannot name a file) but can bloat a letter; letters need none.
MAX_DATA_URL_BYTES: Final = 64 * 1024

# The kinds of file a letter may load, and the MIME type WeasyPrint needs to decode them.
ASSET_TYPES: Final[Mapping[str, str]] = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

# Path segments of plain names only: no '..', no hidden files, no percent-encoding, no
# backslashes, so that no spelling of a path can leave the assets folder.
_ASSET_PATH: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")

# urljoin resolves relative URLs only for schemes it knows; registering ours lets the bundled
# stylesheet say url(fonts/...) like any web stylesheet. It changes nothing for other schemes.
for _registry in (urllib.parse.uses_relative, urllib.parse.uses_netloc):
    if ASSET_SCHEME not in _registry:
        _registry.append(ASSET_SCHEME)


class AssetRefused(FatalURLFetchingError):
    """A letter asked for something that is not a bundled asset; the render must stop."""

    def __init__(self, url: str, reason: str) -> None:
        shown = url if len(url) <= 120 else f"{url[:117]}..."
        super().__init__(f"refused to fetch {shown!r}: {reason}")
        self.url = url
        self.reason = reason


def asset_url(name: str) -> str:
    """The URL under which WeasyPrint loads the bundled asset ``name`` (e.g. 'letter.css')."""
    return f"{ASSET_BASE_URL}{name}"


@functools.cache
def _read_asset(relative: str) -> bytes:
    """The bytes of a bundled asset; cached because the assets never change while running."""
    return (ASSETS_DIR / relative).read_bytes()


def resolve_asset(url: str) -> tuple[str, bytes]:
    """The (MIME type, bytes) of the bundled asset a ``casework-asset:`` URL names.

    Raises :class:`AssetRefused` for anything that is not exactly a file under ``assets/``.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != ASSET_SCHEME:
        raise AssetRefused(url, "not a bundled asset URL")
    if parts.netloc or parts.query or parts.fragment:
        raise AssetRefused(url, "asset URLs have no host, query or fragment")
    # "casework-asset:///x" and "casework-asset:x" both name x; "////x" does not.
    relative = parts.path[1:] if parts.path.startswith("/") else parts.path
    if not _ASSET_PATH.fullmatch(relative):
        raise AssetRefused(url, "not a plain relative asset path")
    suffix = Path(relative).suffix.lower()
    if suffix not in ASSET_TYPES:
        raise AssetRefused(url, f"only {', '.join(ASSET_TYPES)} files are served")
    path = (ASSETS_DIR / relative).resolve()
    # resolve() follows symlinks, so a link pointing out of the folder is caught here too.
    if not path.is_relative_to(ASSETS_DIR) or not path.is_file():
        raise AssetRefused(url, "no such bundled asset")
    return ASSET_TYPES[suffix], _read_asset(relative)


def decode_data_url(url: str) -> tuple[str, bytes]:
    """The (MIME type, bytes) of a small ``data:`` URL; raises :class:`AssetRefused` otherwise."""
    if len(url) > MAX_DATA_URL_BYTES:
        raise AssetRefused(url, f"data: URL over {MAX_DATA_URL_BYTES} bytes")
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise AssetRefused(url, "malformed data: URL")
    params = header.split(";")
    mime_type = params[0].strip().lower() or "text/plain"
    body = urllib.parse.unquote_to_bytes(payload)
    if params[-1].strip().lower() == "base64":
        try:
            body = base64.b64decode(body, validate=False)
        except binascii.Error as error:
            raise AssetRefused(url, "malformed base64 in data: URL") from error
    return mime_type, body


class AssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves bundled assets and small data: URLs, nothing else.

    Create one per render: it records what it served (``fetched``) and what it refused
    (``refused``), so the renderer can fail even where WeasyPrint swallows an error (it logs
    and ignores exceptions raised while drawing an SVG image, for example).
    """

    def __init__(self) -> None:
        # Deliberately skip URLFetcher.__init__: it installs urllib's file, HTTP and FTP
        # handlers, and this fetcher must have no way to use them even by accident.
        request.OpenerDirector.__init__(self)
        # Read by weasyprint.urls.fetch: turns any unexpected exception into a fatal one.
        self._fail_on_errors = True
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Serve ``url`` if it is a bundled asset or a small data: URL, else raise AssetRefused."""
        try:
            if url.lower().startswith("data:"):
                mime_type, body = decode_data_url(url)
            else:
                mime_type, body = resolve_asset(url)
        except AssetRefused:
            self.refused.append(url)
            raise
        self.fetched.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    def open(
        self, url: str | request.Request, data: object = None, timeout: float | None = None
    ) -> URLFetcherResponse:
        """Route urllib-style calls through :meth:`fetch` too."""
        return self.fetch(url.full_url if isinstance(url, request.Request) else url)

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)
