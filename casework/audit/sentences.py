"""The audit log in words: "Rosa Díaz viewed Maria López's contact details on SEA-2026-0012".

Entries store codes (``person.view_contact``, ``case.update`` with field names); the log page
is for coordinators, who may see names, so a sentence names the people it is about. Every
part is escaped; the case reference becomes a link to the case. Sentences are written in the
reader's language: an entry stays as stored, its words are chosen when it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from casework.cases.timeline import FIELD_NAMES
from casework.models import AuditEntry, Role

# What a changed object is called: (one of them, the one changed, several of them).
THINGS: dict[str, tuple[LazyString, LazyString, LazyString]] = {
    "action": (_l("an action"), _l("an action"), _l("actions")),
    "action_role": (_l("a role at an action"), _l("a role at an action"), _l("action roles")),
    "call_list_entry": (_l("a call on a call list"), _l("a call on a call list"), _l("calls")),
    "appeal": (_l("an appeal to or from another network"), _l("an appeal"), _l("appeals")),
    "calendar_feed": (_l("a calendar feed"), _l("a calendar feed"), _l("calendar feeds")),
    "case": (_l("a case"), _l("the case"), _l("cases")),
    "decision": (_l("a meeting decision"), _l("a meeting decision"), _l("meeting decisions")),
    "delivery": (_l("the delivery record"), _l("the delivery record"), _l("delivery records")),
    "demand": (_l("a demand"), _l("a demand"), _l("demands")),
    "document": (_l("a document"), _l("a document"), _l("documents")),
    "event": (_l("a timeline entry"), _l("a timeline entry"), _l("timeline entries")),
    "invitation": (_l("an invitation"), _l("an invitation"), _l("invitations")),
    "letter": (_l("a letter"), _l("a letter"), _l("letters")),
    "letter_version": (_l("a letter version"), _l("a letter version"), _l("letter versions")),
    "network": (_l("the network"), _l("the network's settings"), _l("networks")),
    "outcome": (_l("the outcome"), _l("the outcome"), _l("outcomes")),
    "person": (_l("a person"), _l("a person's record"), _l("people")),
    "saved_search": (_l("a saved search"), _l("a saved search"), _l("saved searches")),
    "target": (_l("a target"), _l("a target"), _l("targets")),
    "target_contact": (_l("a contact from the target"), _l("a contact from the target"),
                       _l("contacts from targets")),
    "target_fact": (_l("a fact about a target"), _l("a fact about a target"), _l("target facts")),
    "target_proposal": (_l("a proposal about a target"), _l("a proposal about a target"),
                        _l("target proposals")),
    "task": (_l("a task"), _l("a task"), _l("tasks")),
    "team_join_request": (_l("a request to join a case team"),
                          _l("a request to join a case team"), _l("requests to join")),
    "user": (_l("a user"), _l("a user's account"), _l("users")),
    "victory": (_l("a victory's story"), _l("a victory's story"), _l("victories' stories")),
}
# Field names that read better otherwise; bookkeeping fields are left out of sentences.
FIELD_WORDS = {
    "password_hash": _l("password"), "totp_secret": _l("two-factor secret"),
    "is_disabled": _l("disabled"), "is_done": _l("done"), "due_on": _l("due date"),
    "person_id": _l("person"), "assignee_id": _l("assignee"), "target_id": _l("target"),
    "sessions_valid_after": _l("sessions"), "wants_email_reminders": _l("email reminders"),
    "ui_language": _l("language"), "state": _l("state"), "team": _l("team"),
    "name": _l("name"), "email": _l("email"), "role": _l("role"), "summary": _l("summary"),
    "urgency": _l("urgency"), "amount_claimed": _l("amount claimed"), "notes": _l("notes"),
    "phone": _l("phone"), "title": _l("title"),
    # the network's settings
    "hotline_phone": _l("hotline phone"), "contact_email": _l("public email"),
    "timezone": _l("time zone"), "page_size": _l("paper size"),
    "default_deadline_days": _l("default deadline"), "signature_line": _l("signature line"),
    "intake_email": _l("intake notification address"),
    "appeals_delegate_id": _l("appeals delegate"),
    "public_form_open": _l("public form's status"),
}
BOOKKEEPING = {"version", "updated_at", "created_at", "last_seen_at"}
# The details entries store are the app's own English words: shown in the reader's language.
DETAIL_WORDS = {
    "own feed": _l("own feed"), "network feed": _l("network feed"),
    "a temporary password shown once": _l("a temporary password shown once"),
    "rows not listed": _l("rows not listed"), "case page": _l("case page"),
    "people page": _l("people page"), "person edit form": _l("person edit form"),
    "merge confirmation": _l("merge confirmation"),
}
DETAIL_PATTERNS = (
    (re.compile(r"full: names, phones and emails of (?P<count>\d+) cases"),
     _l("full: names, phones and emails of %(count)s cases")),
    (re.compile(r"redacted: (?P<count>\d+) cases, people pseudonymised"),
     _l("redacted: %(count)s cases, people pseudonymised")),
    (re.compile(r"unsubscribe link of the email for action (?P<count>\d+)"),
     _l("unsubscribe link of the email for action %(count)s")),
)


@dataclass(frozen=True)
class Names:
    """Names the page may show: the acting users, and the people and users acted upon."""

    people: dict[str, str]
    users: dict[str, str]


def say(sentence: str, **values: object) -> Markup:
    """A translated sentence (the app's own catalog text, trusted as markup) with its
    ``%(name)s`` places filled in, each value escaped."""
    return Markup(sentence) % values  # noqa: S704 - the sentence is ours, the values escaped


def detail_words(detail: str) -> str:
    """An entry's detail in the reader's language when it is one the app words (else as
    stored: older wordings, a purge's counts)."""
    if detail in DETAIL_WORDS:
        return str(DETAIL_WORDS[detail])
    for pattern, words in DETAIL_PATTERNS:
        if match := pattern.fullmatch(detail):
            return str(words) % match.groupdict()
    return detail


def field_words(detail: str) -> str:
    """``amount_claimed, urgency`` -> ``amount claimed and urgency``."""
    words = [str(FIELD_WORDS.get(name) or FIELD_NAMES.get(name)
                 or name.removeprefix("is_").removesuffix("_id").replace("_", " "))
             for name in (part.strip() for part in detail.split(",")) if name
             and name not in BOOKKEEPING]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return _("%(list)s and %(last)s", list=", ".join(words[:-1]), last=words[-1])


def role_words(value: str) -> str:
    """A role's name in lower case (the stored value when it is no longer a role)."""
    return str(Role(value).label).lower() if value in {role.value for role in Role} else value


def describe(entry: AuditEntry, who_name: str | None, case_link: Markup | None,
             names: Names) -> Markup:
    """The entry as one sentence."""
    who = escape(who_name or (_("The system") if entry.origin in ("cli", "system")
                              else _("Someone not logged in") if entry.user_id is None
                              else _("User %(id)s", id=entry.user_id)))
    object_type, _dot, operation = entry.action.partition(".")
    special = SPECIAL.get(entry.action)
    if special is not None:
        return special(entry, who, case_link, names)
    kind = object_type.replace("_", " ")
    one, the, several = (str(word) for word in THINGS.get(
        entry.object_type or object_type,
        (_l("a %(kind)s", kind=kind), _l("a %(kind)s", kind=kind),
         _l("%(kind)s records", kind=kind))))
    on = say(_(" on %(case)s"), case=case_link) if case_link else Markup("")
    person = names.people.get(entry.object_id) if entry.object_type == "person" else None
    user = names.users.get(entry.object_id) if entry.object_type == "user" else None
    the_thing: str | Markup = the
    if object_type == "case" and case_link:
        one = the_thing = case_link
        on = Markup("")
    elif person:
        the_thing = say(_("%(name)s's record"), name=person)
    elif user:
        the_thing = say(_("%(name)s's account"), name=user)
    if operation == "insert":
        if object_type == "case" and case_link:
            return say(_("%(who)s logged the inquiry %(case)s"), who=who, case=case_link)
        if person:
            return say(_("%(who)s added %(name)s to the people%(on)s"), who=who, name=person,
                       on=on)
        if user:
            return say(_("%(who)s made an account for %(name)s"), who=who, name=user)
        return say(_("%(who)s added %(one)s%(on)s"), who=who, one=one, on=on)
    if operation == "update":
        fields = field_words(entry.detail)
        if fields:
            return say(_("%(who)s changed the %(fields)s of %(the)s%(on)s"), who=who,
                       fields=fields, the=the_thing, on=on)
        return say(_("%(who)s changed %(the)s%(on)s"), who=who, the=the_thing, on=on)
    if operation == "delete":
        return say(_("%(who)s removed %(the)s%(on)s"), who=who, the=the_thing, on=on)
    if operation == "bulk_update":
        return say(_("%(who)s changed several %(several)s at once"), who=who, several=several)
    if operation == "bulk_delete":
        return say(_("%(who)s removed several %(several)s at once"), who=who, several=several)
    what = entry.action.replace(".", ": ").replace("_", " ")
    return say(_("%(who)s — %(what)s%(on)s"), who=who, what=what, on=on)


def person_read(what: LazyString
                ) -> Callable[[AuditEntry, Markup, Markup | None, Names], Markup]:
    """A sentence for a person's details shown: "Rosa viewed Maria's contact details on …"."""

    def sentence(entry: AuditEntry, who: Markup, case_link: Markup | None,
                 names: Names) -> Markup:
        person = names.people.get(entry.object_id,
                                  _("person %(id)s", id=entry.object_id))
        where = say(_(" on %(case)s"), case=case_link) if case_link else \
            Markup(" ({where})").format(where=detail_words(entry.detail)) if entry.detail \
            else Markup("")
        return say(_("%(who)s viewed %(person)s's %(what)s%(where)s"), who=who, person=person,
                   what=str(what), where=where)

    return sentence


def role_change(entry: AuditEntry, who: Markup, _case: Markup | None, names: Names) -> Markup:
    old, _dot, new = entry.detail.partition(">")
    return say(_("%(who)s changed %(user)s's role from %(old)s to %(new)s"), who=who,
               user=names.users.get(entry.object_id, _("user %(id)s", id=entry.object_id)),
               old=role_words(old), new=role_words(new))


def password_reset(entry: AuditEntry, who: Markup, _case: Markup | None,
                   names: Names) -> Markup:
    return say(_("%(who)s reset %(user)s's password (%(how)s)"), who=who,
               user=names.users.get(entry.object_id, _("user %(id)s", id=entry.object_id)),
               how=detail_words(entry.detail) if entry.detail else _("a new one-time password"))


def settings_change(entry: AuditEntry, who: Markup, _case: Markup | None,
                    _names: Names) -> Markup:
    """"Rosa changed the network's settings: the time zone and paper size"."""
    fields = field_words(entry.detail)
    if not fields:
        return say(_("%(who)s changed the network's settings"), who=who)
    return say(_("%(who)s changed the network's settings: the %(fields)s"), who=who,
               fields=fields)


def plain(words: LazyString) -> Callable[[AuditEntry, Markup, Markup | None, Names], Markup]:
    """A sentence with the entry's detail (a count, a kind of export) in brackets: ``words``
    is the whole sentence, with ``%(who)s``, ``%(on)s`` and ``%(detail)s`` places."""

    def sentence(entry: AuditEntry, who: Markup, case_link: Markup | None,
                 _names: Names) -> Markup:
        on = say(_(" on %(case)s"), case=case_link) if case_link else Markup("")
        detail = Markup(" ({detail})").format(detail=detail_words(entry.detail)) \
            if entry.detail else ""
        return say(str(words), who=who, on=on, detail=detail)

    return sentence


SPECIAL: dict[str, Callable[[AuditEntry, Markup, Markup | None, Names], Markup]] = {
    "person.view_contact": person_read(_l("contact details")),
    "person.view_name": person_read(_l("name on a call list")),
    "network.update": settings_change,
    "user.change_role": role_change,
    "user.reset_password": password_reset,
    "export.csv": plain(_l("%(who)s exported the cases as a spreadsheet%(on)s%(detail)s")),
    "purge.run": plain(_l("%(who)s removed the personal details of ended cases%(on)s%(detail)s")),
    "document.download": plain(_l("%(who)s downloaded a document%(on)s%(detail)s")),
    "calendar_feed.create": plain(_l("%(who)s made a calendar feed link%(on)s%(detail)s")),
    "calendar_feed.rotate": plain(_l("%(who)s replaced a calendar feed link%(on)s%(detail)s")),
    "calendar_feed.revoke": plain(_l("%(who)s turned off a calendar feed link%(on)s%(detail)s")),
    "victory.publish": plain(_l("%(who)s published the victory on the public page"
                                "%(on)s%(detail)s")),
    "victory.unpublish": plain(_l("%(who)s took the victory off the public page"
                                  "%(on)s%(detail)s")),
}
