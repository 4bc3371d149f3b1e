"""Capability URLs kept out of the logs: the secret in their path is masked in every log line.

A capability URL is one whose path holds the credential itself, such as a calendar feed's
``/calendar/<token>.ics`` (and the RSVP and unsubscribe links to come). Whoever reads an
access log must not be able to use them. The one rule: **a route argument named ``token``
(or ``secret``) is a credential.** The routes are found in the app's URL map, so a new
capability URL is masked as soon as it names its secret so.

In a log line, a request to such a route shows the route with the secret replaced by its
name (``GET /calendar/<token>.ics``) and without its query string. A mistyped capability
URL (one that no route answers but that starts like one, ``/calendar/<secret>.ical``) is
masked after the start it shares. Every other path is logged as it is.

Applied to werkzeug's request log (the development server) and to Flask's "Exception on
<path>" line by ``install_log_hygiene``, called from ``create_app``; gunicorn uses
``AccessLogger`` (``logger_class = "casework.logging_hygiene.AccessLogger"`` in its config).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from flask import Flask
from gunicorn import glogging
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, MapAdapter, Rule

SECRET_ARGUMENTS = frozenset({"token", "secret"})
# What gunicorn logs of a request when no app has told which URLs are capabilities.
UNKNOWN = "-"
REQUEST_ATOMS = ("r", "U", "q", "f", "{raw_uri}e", "{path_info}e", "{query_string}e",
                 "{request_uri}e", "{http_referer}e", "{referer}i")
# A path in a log line: at its start or after a space, quote or bracket, maybe after an origin.
PATH_IN_TEXT = re.compile(r"(?<![^\s\"'(\[])(?P<origin>https?://[^/\s\"'<>]+)?"
                          r"(?P<target>/[^\s\"'<>]*)")
ARGUMENT_IN_RULE = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def is_capability_rule(rule: Rule) -> bool:
    """True when the route's path holds a secret."""
    return bool(rule.arguments & SECRET_ARGUMENTS)


@dataclass(frozen=True)
class CapabilityUrls:
    """The app's capability routes, and how a request to one is logged."""

    capabilities: MapAdapter  # the capability routes only, for any method
    everything: MapAdapter  # all routes, to tell a mistyped capability URL from another page
    starts: tuple[re.Pattern[str], ...]  # how each capability route starts, up to its secret

    @classmethod
    def from_url_map(cls, url_map: Map) -> CapabilityUrls:
        rules = [rule for rule in url_map.iter_rules() if is_capability_rule(rule)]
        only = Map([Rule(rule.rule, endpoint=rule.endpoint) for rule in rules],
                   converters=dict(url_map.converters))
        return cls(only.bind("localhost"), url_map.bind("localhost"),
                   tuple(start_of(rule.rule) for rule in rules))

    @property
    def endpoints(self) -> set[str]:
        return {str(rule.endpoint) for rule in self.capabilities.map.iter_rules()}

    def masked_path(self, path: str) -> str | None:
        """The path with its secret replaced by the argument's name, or None when the path is
        not a capability URL (nor a mistyped one)."""
        for candidate in dict.fromkeys((path, unquote(path))):
            try:
                rule, values = self.capabilities.match(candidate, return_rule=True)
            except HTTPException:
                continue
            hidden = {name: f"__{name}__" for name in rule.arguments & SECRET_ARGUMENTS}
            built = rule.build({**values, **hidden}, append_unknown=False)
            masked = built[1] if built else rule.rule
            for name, placeholder in hidden.items():
                masked = masked.replace(placeholder, f"<{name}>")
            return masked
        return self.masked_near_miss(path)

    def masked_near_miss(self, path: str) -> str | None:
        """A path no route answers that starts like a capability URL: masked after that start."""
        start = next((found for pattern in self.starts if (found := pattern.match(path))), None)
        if start is None:
            return None
        try:
            self.everything.match(path, method="GET")
        except NotFound:
            return path[:start.end()] + "<hidden>"
        except HTTPException:
            return None  # another page (a POST-only one, or one behind a redirect)
        return None

    def loggable(self, target: str) -> str:
        """A request target (path and query) as it may be logged."""
        path, _, _query = target.partition("?")
        masked = self.masked_path(path)
        return target if masked is None else masked


def start_of(rule_text: str) -> re.Pattern[str]:
    """How a route starts, up to its first secret: ``/calendar/<token>.ics`` -> ``/calendar/``
    (other arguments before it match any one path segment)."""
    pattern, position = "", 0
    for argument in ARGUMENT_IN_RULE.finditer(rule_text):
        pattern += re.escape(rule_text[position:argument.start()])
        if argument.group(1) in SECRET_ARGUMENTS:
            break
        pattern += "[^/]+"
        position = argument.end()
    return re.compile(pattern)


_known: list[CapabilityUrls] = []  # of the app created last in this process


def know_capability_urls(url_map: Map) -> None:
    """Learn the capability routes of the app (for log lines written outside its context)."""
    _known[:] = [CapabilityUrls.from_url_map(url_map)]


def loggable_target(target: str) -> str:
    """``target`` (a request's path and query) as it may be logged."""
    return _known[0].loggable(target) if _known else target


def is_capability_path(path: str) -> bool:
    return bool(_known) and _known[0].masked_path(path) is not None


def mask_text(text: str) -> str:
    """Every path (or URL) in ``text`` as it may be logged."""
    if "/" not in text or not _known:
        return text
    return PATH_IN_TEXT.sub(
        lambda found: (found["origin"] or "") + loggable_target(found["target"]), text)


class CapabilityUrlFilter(logging.Filter):
    """Masks capability URLs in a record's message and arguments (the request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_text(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: mask_text(value) if isinstance(value, str) else value
                           for key, value in record.args.items()}
        return True


def install_log_hygiene(app: Flask) -> None:
    """Mask capability URLs in werkzeug's request log and the app's own log lines (once)."""
    know_capability_urls(app.url_map)
    for logger in (logging.getLogger("werkzeug"), app.logger):
        if not any(isinstance(found, CapabilityUrlFilter) for found in logger.filters):
            logger.addFilter(CapabilityUrlFilter())


class AccessLogger(glogging.Logger):
    """gunicorn's logger with capability URLs masked: in the access log (the request line,
    path, query, referer and any header or environ value a format names) and the error log.

    In gunicorn.conf.py: ``logger_class = "casework.logging_hygiene.AccessLogger"``.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not any(isinstance(found, CapabilityUrlFilter) for found in self.error_log.filters):
            self.error_log.addFilter(CapabilityUrlFilter())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        if not _known:  # no app in this process, which a worker loads before serving: no paths
            return {**atoms, **dict.fromkeys(REQUEST_ATOMS, UNKNOWN)}
        masked = {key: mask_text(value) if isinstance(value, str) else value
                  for key, value in atoms.items()}
        if is_capability_path(str(environ.get("PATH_INFO", ""))):
            masked["q"] = masked["{query_string}e"] = ""
        return masked
