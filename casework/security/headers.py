"""Security headers on every response, and no caching of pages that hold personal data."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.wrappers import Response

# No inline script or style: templates link static files only (STYLE.md, "Pages").
# img-src allows data: because the bundled Pico CSS draws its icons as data: SVG.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: Flask-WTF checks the Referer of every POST made over HTTPS
    # (WTF_CSRF_SSL_STRICT), so browsers must keep sending it to this site.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

HSTS = "max-age=31536000; includeSubDomains"


def set_security_headers(response: Response) -> Response:
    """After each request: the security headers, HSTS over HTTPS, and cache rules."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        forbid_storing(response)
    return response


def forbid_storing(response: Response) -> None:
    """Keep pages and files out of browser and shared caches unless the view chose a policy.

    HTML pages are never stored: they show personal data to whoever is logged in. Other
    responses keep a policy their view set on purpose (``public`` letter fonts, the ``private``
    workflow diagram); anything else, such as a PDF or an export, is not stored either.
    """
    cache = response.cache_control
    chose_a_policy = cache.public or cache.private or cache.no_store
    if response.mimetype == "text/html" or not chose_a_policy:
        response.headers["Cache-Control"] = "no-store"
