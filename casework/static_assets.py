"""Static files under content-hashed URLs, cached by browsers for a year.

Every ``url_for('static', filename=...)`` gains ``?v=<hash of the file>``. A request carrying
the file's current hash is answered with ``Cache-Control: public, max-age=31536000, immutable``:
the browser never asks again, and a changed file gets a new URL. A request without the hash,
or with an old one, keeps Flask's default (revalidate every time), so nothing stale sticks.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

ONE_YEAR = 365 * 24 * 3600


def install_static_versions(app: Flask) -> None:
    """Add the hash to static URLs and the long cache to responses that carry it."""
    app.url_defaults(add_version_to_static_urls)
    app.after_request(cache_versioned_static_files)


def add_version_to_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "v" in values:
        return
    filename = values.get("filename")
    version = version_of(str(current_app.static_folder), str(filename)) if filename else None
    if version:
        values["v"] = version


def cache_versioned_static_files(response: Response) -> Response:
    filename = (request.view_args or {}).get("filename")
    if request.endpoint != "static" or response.status_code != 200 or not filename:
        return response
    version = version_of(str(current_app.static_folder), str(filename))
    if version and request.args.get("v") == version:
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response


def version_of(static_folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None if there is no such file."""
    return file_version(static_folder, filename, modified_at(static_folder, filename))


def modified_at(static_folder: str, filename: str) -> float | None:
    path = resolved_path(static_folder, filename)
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime if stat.S_ISREG(status.st_mode) else None


@lru_cache(maxsize=256)
def resolved_path(static_folder: str, filename: str) -> Path | None:
    """The file's real path, None outside the folder. Resolving walks every folder of the
    path (~50 us, twice on every page); the file's time is still read on each call."""
    folder = Path(static_folder).resolve()
    path = (folder / filename).resolve()
    return path if path.is_relative_to(folder) else None


@lru_cache(maxsize=256)
def file_version(static_folder: str, filename: str, mtime: float | None) -> str | None:
    """Cached per modification time, so an edited file gets a new hash without a restart."""
    if mtime is None:
        return None
    digest = hashlib.sha256((Path(static_folder) / filename).read_bytes())
    return digest.hexdigest()[:12]
