"""The fresh second factor a full export needs, and where to go to confirm it.

The check itself belongs to two-factor login (``casework.security.mfa``). Until that module
is part of the app, no one has a fresh second factor, so only the redacted export is served.
"""

from __future__ import annotations

import importlib

from flask import url_for
from werkzeug.routing import BuildError

MFA_MODULE = "casework.security.mfa"
VERIFY_ENDPOINT = "auth.verify_second_factor"


def fresh_second_factor() -> bool:
    """True when the logged-in user confirmed their two-factor code recently."""
    try:
        mfa = importlib.import_module(MFA_MODULE)
    except ModuleNotFoundError as error:
        if error.name not in {"casework.security", MFA_MODULE}:
            raise  # a broken import inside the module is a bug, not "not installed yet"
        return False
    return bool(mfa.fresh_second_factor())


def verify_url(next_path: str) -> str | None:
    """Where to confirm the code and come back, or None while the app has no such page."""
    try:
        return url_for(VERIFY_ENDPOINT, next=next_path)
    except BuildError:
        return None
