"""Texts the app writes on its own and stores (timeline notes, standard tasks' titles), shown
in the language of whoever reads them.

They are often written outside a request (`flask casework tick`) or by someone in another
language than the reader's, so what is stored is the English msgid and its values, and the
text is translated when shown. The English text is kept too (``Event.note``): it is what
search, exports and old code read, and what an old row without a msgid shows as it is.

A value is shown as it is (a name, a case reference), or, given as a small dict, translated
when shown: ``{"msgid": ...}`` a marked English text, ``{"enum": "ActionKind", "value": ...}``
an enum's label, ``{"date": "2026-11-03"}`` a date, ``{"moment": ..., "zone": ...}`` a time
in a time zone, ``{"money": "120.00"}`` an amount, ``{"list": [...]}`` values in a row.
Text a user typed is never translated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates, numbers
from flask_babel import gettext

from casework.i18n import N_

__all__ = ["N_", "Value", "enum_value", "msgid_value", "date_value", "moment_value",
           "money_value", "system_note", "english", "shown", "event_note", "task_title",
           "task_value", "task_note", "standard_title", "stored_text",
           "MEMBER_APPROVAL_NOTE"]

Value = str | int | dict[str, Any]


# Texts the app stores in a field users otherwise type into; shown translated.
MEMBER_APPROVAL_NOTE = N_("Approved by the member in the portal")
STORED_TEXTS = frozenset({MEMBER_APPROVAL_NOTE})


def stored_text(text: str | None) -> str:
    """A field's text as the reader reads it: one the app stored in its own words
    (``STORED_TEXTS``) in their language, what a user typed as typed."""
    return gettext(text) if text in STORED_TEXTS else str(text or "")


def msgid_value(msgid: str, *, lower: bool = False) -> dict[str, Any]:
    """A value that is itself a marked English text (marked with ``N_``)."""
    return {"msgid": msgid, "lower": True} if lower else {"msgid": msgid}


def enum_value(member: Enum, *, lower: bool = False) -> dict[str, Any]:
    """A value shown as an enum's label (e.g. an action's kind): one of ``casework.models``'
    enums with a ``label``, found by name when shown."""
    import casework.models as models

    name = type(member).__name__
    if getattr(models, name, None) is not type(member) or not hasattr(member, "label"):
        raise ValueError(f"{name} is not a labelled enum of casework.models")
    value: dict[str, Any] = {"enum": name, "value": member.value}
    if lower:
        value["lower"] = True
    return value


def date_value(day: date | None) -> Value:
    return {"date": day.isoformat()} if day is not None else ""


def money_value(amount: Decimal) -> dict[str, Any]:
    return {"money": str(amount)}


def moment_value(moment: datetime | None, zone: str) -> Value:
    """A moment shown in a time zone (the network's), e.g. 'Sat 5 Dec 2026, 17:00'."""
    if moment is None:
        return msgid_value(N_("no date"))
    return {"moment": moment.astimezone(UTC).isoformat(), "zone": zone}


def system_note(msgid: str, **values: Value) -> dict[str, Any]:
    """The keyword arguments of an ``Event`` whose note the app writes: the English text,
    the msgid and its values (``Event(case=..., kind=..., **system_note(N_("..."), x=1))``)."""
    return {"note": english(msgid, values)[:10_000], "note_msgid": msgid,
            "note_values": values}


def _enum_label(name: str, value: str) -> str:
    import casework.models as models

    enum = getattr(models, name, None)
    if not (isinstance(enum, type) and issubclass(enum, Enum)):
        return value
    try:
        return str(enum(value).label)  # type: ignore[attr-defined]
    except (ValueError, AttributeError):
        return value


def _resolve(value: Value, translate: Callable[[str], str], locale: str) -> str | int:
    if not isinstance(value, dict):
        return value
    text: str
    if "msgid" in value:
        text = translate(str(value["msgid"]))
    elif "enum" in value:
        text = _enum_label(str(value["enum"]), str(value.get("value", "")))
    elif "date" in value:
        text = dates.format_date(date.fromisoformat(str(value["date"])), "EEE d MMM yyyy",
                                 locale=locale)
    elif "moment" in value:
        moment = datetime.fromisoformat(str(value["moment"]))
        try:
            zone = ZoneInfo(str(value.get("zone") or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        local = moment.astimezone(zone)
        text = dates.format_datetime(local, "EEE d MMM yyyy, HH:mm", tzinfo=local.tzinfo,
                                     locale=locale)
    elif "list" in value:
        text = ", ".join(str(_resolve(item, translate, locale)) for item in value["list"])
    elif "money" in value:
        text = numbers.format_currency(Decimal(str(value["money"])), "USD", locale=locale)
    else:
        text = ""
    return text.lower() if value.get("lower") else text


def _render(msgid: str, values: dict[str, Value], translate: Callable[[str], str],
            locale: str) -> str:
    resolved = {name: _resolve(value, translate, locale) for name, value in values.items()}
    text = translate(msgid)
    try:
        return text % resolved if resolved else text
    except (KeyError, ValueError, TypeError):  # a catalog entry that lost a placeholder
        return msgid % resolved if resolved else msgid


def english(msgid: str, values: dict[str, Value]) -> str:
    """The text in English (the msgid itself, enum labels as their English msgids)."""
    from flask import has_app_context
    from flask_babel import force_locale

    if has_app_context():
        with force_locale("en"):
            return _render(msgid, values, gettext, "en_US")
    return _render(msgid, values, lambda text: text, "en_US")


def shown(msgid: str, values: dict[str, Value] | None) -> str:
    """The text in the current UI language."""
    from casework.formatting import format_locale

    return _render(msgid, values or {}, gettext, format_locale())


def event_note(event: Any) -> str:
    """A timeline entry's note as the reader reads it: the app's own text in their
    language, what a user typed as typed."""
    if getattr(event, "note_msgid", None):
        return shown(event.note_msgid, event.note_values)
    return str(event.note or "")


def standard_title(title: str, rule_key: str | None) -> str | None:
    """The English msgid of a standard task's title; None for a typed one."""
    from casework.workflow.task_rules import RULES_BY_KEY

    rule = RULES_BY_KEY.get(rule_key or "")
    return rule.title if rule is not None and title == rule.title else None


def _standard_title(task: Any) -> str | None:
    return standard_title(task.title, task.rule_key)


def task_value(task: Any) -> Value:
    """A task's title as a value of a note: a standard task's translated when shown."""
    standard = _standard_title(task)
    return msgid_value(standard) if standard else str(task.title)


def task_note(task: Any) -> dict[str, Any]:
    """The ``Event`` keywords of a note that is a task's title."""
    standard = _standard_title(task)
    return system_note(standard) if standard else {"note": task.title}


def task_title(task: Any) -> str:
    """A task's title as the reader reads it: a standard task's in their language (unless
    someone gave it another title), a typed one as typed."""
    standard = _standard_title(task)
    return gettext(standard) if standard else str(task.title)
