"""What an uploaded file really is, read from its bytes; the name and the browser's word count
for nothing.

The accepted types are an allow-list of five signatures plus strict UTF-8 text, so this is a
few byte comparisons rather than a general detection library: anything not on the list is
refused, and the signatures below exist only to tell the uploader what we think they sent.
"""

from __future__ import annotations

import codecs
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.errors import CaseworkError
from casework.models.document import DocumentType

HEAD_SIZE = 1024
ALLOWED_LIST = _l("a PDF, a PNG, JPEG, GIF or WebP image, or a plain text file")

_ACCEPTED: list[tuple[bytes, DocumentType]] = [
    (b"%PDF-", DocumentType.PDF),
    (b"\x89PNG\r\n\x1a\n", DocumentType.PNG),
    (b"\xff\xd8\xff", DocumentType.JPEG),
    (b"GIF87a", DocumentType.GIF),
    (b"GIF89a", DocumentType.GIF),
]

# Refused, but recognised so the message can say what the file looked like. Binary formats
# only count when the file is not valid text: a note may well begin with "MZ" or "ID3".
_RECOGNISED_BINARY: list[tuple[bytes, str]] = [
    (b"PK\x03\x04",
     _l("a ZIP archive (Word, Excel and OpenDocument files are ZIP archives too)")),
    (b"PK\x05\x06", _l("an empty ZIP archive")),
    (b"MZ", _l("a Windows program")),
    (b"\x7fELF", _l("a Linux program")),
    (b"\xfe\xed\xfa\xce", _l("a macOS program")),
    (b"\xfe\xed\xfa\xcf", _l("a macOS program")),
    (b"\xce\xfa\xed\xfe", _l("a macOS program")),
    (b"\xcf\xfa\xed\xfe", _l("a macOS program")),
    (b"\xca\xfe\xba\xbe", _l("a program (Java class or macOS binary)")),
    (b"\x1f\x8b", _l("a gzip archive")),
    (b"BZh", _l("a bzip2 archive")),
    (b"\xfd7zXZ\x00", _l("an xz archive")),
    (b"7z\xbc\xaf\x27\x1c", _l("a 7-Zip archive")),
    (b"Rar!\x1a\x07", _l("a RAR archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     _l("an old Microsoft Office file (save it as PDF)")),
    (b"II*\x00", _l("a TIFF image")),
    (b"MM\x00*", _l("a TIFF image")),
    (b"ID3", _l("an audio file")),
    (b"OggS", _l("an audio or video file")),
    (b"fLaC", _l("an audio file")),
    (b"\x00\x00\x01\x00", _l("an icon file")),
]
_RECOGNISED_TEXT: list[tuple[bytes, str]] = [
    (b"#!", _l("a script (a program)")),
    (b"{\\rtf", _l("an RTF document (save it as PDF)")),
    (b"%!PS", _l("a PostScript file")),
]

_MARKUP = [
    (re.compile(rb"<svg[\s>]|<!doctype\s+svg"), _l("an SVG image (SVG can carry scripts)")),
    (re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>]|<iframe[\s>]"
                rb"|<meta[\s>]|<object[\s>]|<embed[\s>]"),
     _l("a web page (HTML)")),
    (re.compile(rb"<\?xml[\s?]"), _l("an XML document")),
]

# Text may hold tabs, line breaks and form feeds; other control characters mean binary data.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DocumentRefused(CaseworkError):
    """The upload is not accepted; the message says why, for the field's error."""


class ContentSniffer:
    """Fed an upload chunk by chunk, decides its type from the bytes alone."""

    def __init__(self) -> None:
        self._head = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self._is_text = True

    def feed(self, chunk: bytes) -> None:
        """Look at the next chunk of the file."""
        if len(self._head) < HEAD_SIZE:
            self._head += chunk[: HEAD_SIZE - len(self._head)]
        if self._is_text:
            self._check_text(chunk, final=False)

    def verdict(self) -> DocumentType:
        """The type of the whole file, or DocumentRefused naming what it looked like."""
        if self._is_text:
            self._check_text(b"", final=True)
        head = bytes(self._head)
        for signature, kind in _ACCEPTED:
            if head.startswith(signature):
                return kind
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return DocumentType.WEBP
        looks_like = describe(head, is_text=self._is_text)
        if looks_like is None:
            return DocumentType.TEXT
        raise DocumentRefused(_("This file looks like %(kind)s. Upload %(allowed)s.",
                                kind=looks_like, allowed=ALLOWED_LIST))

    def _check_text(self, chunk: bytes, *, final: bool) -> None:
        try:
            text = self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            self._is_text = False
            return
        if _CONTROL.search(text):
            self._is_text = False


def describe(head: bytes, *, is_text: bool) -> str | None:
    """What a refused file looks like; None for harmless plain text."""
    for signature, description in _RECOGNISED_TEXT:
        if head.startswith(signature):
            return str(description)
    if not is_text:
        for signature, description in _RECOGNISED_BINARY:
            if head.startswith(signature):
                return str(description)
        if head[:4] == b"RIFF":
            return _("an audio or video file")
        if head[4:8] == b"ftyp":
            return _("a video or an HEIC photo (save photos as JPEG)")
    lowered = head.lower()
    for pattern, description in _MARKUP:
        if pattern.search(lowered):
            return str(description)
    if not is_text:
        return _("a file of a kind we do not recognise (not a PDF, image or UTF-8 text)")
    return None
