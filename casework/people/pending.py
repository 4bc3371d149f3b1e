"""Uploaded spreadsheets waiting between the preview and the confirmation.

The file stays on the server, named by a random token that only the uploader's session
holds (never a URL), readable by the app's user only, and is removed after the import, on
cancel, or a couple of hours later by the next upload's sweep.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casework.private_files import create_private_file, make_private_dir

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
EXPIRES_AFTER_SECONDS = 2 * 60 * 60


def fingerprint(data: bytes) -> str:
    """Which file the user reviewed (the confirmation must be for the same bytes)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PendingImports:
    root: Path

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PendingImports:
        # Next to the documents' folders, outside what the document store checks and backs up.
        return cls(Path(config["CASEWORK_UPLOAD_DIR"]) / "people-imports")

    def path_of(self, token: str) -> Path:
        """The file of a token; refuses anything else, so no path is built from input."""
        if not TOKEN.fullmatch(token):
            raise ValueError("not an import token")
        return self.root / f"{token}.csv"

    def save(self, data: bytes) -> str:
        """Keep an upload; returns its token."""
        make_private_dir(self.root)
        self.sweep()
        token = secrets.token_urlsafe(24)
        path = self.path_of(token)
        partial = path.with_suffix(".partial")
        with create_private_file(partial) as handle:
            handle.write(data)
        os.replace(partial, path)
        return token

    def load(self, token: str | None) -> bytes | None:
        """The upload of a token, or None when there is none or it expired."""
        if not token or not TOKEN.fullmatch(token):
            return None
        path = self.path_of(token)
        try:
            if time.time() - path.stat().st_mtime > EXPIRES_AFTER_SECONDS:
                path.unlink(missing_ok=True)
                return None
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def claim(self, token: str | None) -> bytes | None:
        """The upload, taken for one confirmation only: of two at once (a double click, two
        tabs) one gets it and the other None, so a file is never imported twice. The caller
        discards it once imported, or releases it."""
        data = self.load(token)
        if data is None or token is None:
            return None
        try:
            os.rename(self.path_of(token), self._claimed_path(token))
        except FileNotFoundError:
            return None
        return data

    def release(self, token: str) -> None:
        """Put back a claimed upload that was not imported (the user is shown the preview)."""
        with contextlib.suppress(FileNotFoundError):
            os.rename(self._claimed_path(token), self.path_of(token))

    def discard(self, token: str | None) -> None:
        if token and TOKEN.fullmatch(token):
            self.path_of(token).unlink(missing_ok=True)
            self._claimed_path(token).unlink(missing_ok=True)

    def _claimed_path(self, token: str) -> Path:
        return self.path_of(token).with_suffix(".claimed")

    def sweep(self) -> int:
        """Remove uploads nobody confirmed in time; returns how many."""
        removed = 0
        if not self.root.is_dir():
            return removed
        limit = time.time() - EXPIRES_AFTER_SECONDS
        for path in self.root.iterdir():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
