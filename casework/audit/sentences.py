"""The audit log in words: "Rosa Díaz viewed Maria López's contact details on SEA-2026-0012".

Entries store codes (``person.view_contact``, ``case.update`` with field names); the log page
is for coordinators, who may see names, so a sentence names the people it is about. Every
part is escaped; the case reference becomes a link to the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from casework.models import AuditEntry, Role

# What a changed object is called: (one of them, the one changed, several of them).
THINGS: dict[str, tuple[str, str, str]] = {
    "action": ("an action", "an action", "actions"),
    "action_role": ("a role at an action", "a role at an action", "action roles"),
    "call_list_entry": ("a call on a call list", "a call on a call list", "calls"),
    "calendar_feed": ("a calendar feed", "a calendar feed", "calendar feeds"),
    "case": ("a case", "the case", "cases"),
    "decision": ("a meeting decision", "a meeting decision", "meeting decisions"),
    "delivery": ("the delivery record", "the delivery record", "delivery records"),
    "demand": ("a demand", "a demand", "demands"),
    "document": ("a document", "a document", "documents"),
    "event": ("a timeline entry", "a timeline entry", "timeline entries"),
    "invitation": ("an invitation", "an invitation", "invitations"),
    "letter": ("a letter", "a letter", "letters"),
    "letter_version": ("a letter version", "a letter version", "letter versions"),
    "network": ("the network", "the network's settings", "networks"),
    "outcome": ("the outcome", "the outcome", "outcomes"),
    "person": ("a person", "a person's record", "people"),
    "saved_search": ("a saved search", "a saved search", "saved searches"),
    "target": ("a target", "a target", "targets"),
    "target_contact": ("a contact from the target", "a contact from the target",
                       "contacts from targets"),
    "target_fact": ("a fact about a target", "a fact about a target", "target facts"),
    "target_proposal": ("a proposal about a target", "a proposal about a target",
                        "target proposals"),
    "task": ("a task", "a task", "tasks"),
    "team_join_request": ("a request to join a case team", "a request to join a case team",
                          "requests to join"),
    "user": ("a user", "a user's account", "users"),
    "victory": ("a victory's story", "a victory's story", "victories' stories"),
}
# Field names that read better otherwise; bookkeeping fields are left out of sentences.
FIELD_WORDS = {"password_hash": "password", "totp_secret": "two-factor secret",
               "is_disabled": "disabled", "is_done": "done", "due_on": "due date",
               "person_id": "person", "assignee_id": "assignee", "target_id": "target",
               "sessions_valid_after": "sessions", "wants_email_reminders": "email reminders",
               "state": "state", "team": "team",
               # the network's settings
               "hotline_phone": "hotline phone", "contact_email": "public email",
               "timezone": "time zone", "page_size": "paper size",
               "default_deadline_days": "default deadline", "signature_line": "signature line",
               "intake_email": "intake notification address",
               "appeals_delegate_id": "appeals delegate",
               "public_form_open": "public form's status"}
BOOKKEEPING = {"version", "updated_at", "created_at", "last_seen_at"}
ROLE_WORDS = {role.value: role.label.lower() for role in Role}


@dataclass(frozen=True)
class Names:
    """Names the page may show: the acting users, and the people and users acted upon."""

    people: dict[str, str]
    users: dict[str, str]


def field_words(detail: str) -> str:
    """``amount_claimed, urgency`` -> ``amount claimed and urgency``."""
    words = [FIELD_WORDS.get(name, name.removeprefix("is_").removesuffix("_id").replace("_", " "))
             for name in (part.strip() for part in detail.split(",")) if name
             and name not in BOOKKEEPING]
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def describe(entry: AuditEntry, who_name: str | None, case_link: Markup | None,
             names: Names) -> Markup:
    """The entry as one sentence."""
    who = escape(who_name or ("The system" if entry.origin in ("cli", "system")
                              else "Someone not logged in" if entry.user_id is None
                              else f"User {entry.user_id}"))
    object_type, _, operation = entry.action.partition(".")
    special = SPECIAL.get(entry.action)
    if special is not None:
        return special(entry, who, case_link, names)
    one, the, several = THINGS.get(entry.object_type or object_type,
                                   (f"a {object_type.replace('_', ' ')}",) * 2
                                   + (f"{object_type.replace('_', ' ')} records",))
    on = Markup(" on {case}").format(case=case_link) if case_link else Markup("")
    person = names.people.get(entry.object_id) if entry.object_type == "person" else None
    user = names.users.get(entry.object_id) if entry.object_type == "user" else None
    if object_type == "case" and case_link:
        one = the = Markup("{case}").format(case=case_link)
        on = Markup("")
    elif person:
        the = Markup("{name}'s record").format(name=person)
    elif user:
        the = Markup("{name}'s account").format(name=user)
    if operation == "insert":
        if object_type == "case" and case_link:
            return Markup("{who} logged the inquiry {case}").format(who=who, case=case_link)
        if person:
            return Markup("{who} added {name} to the people{on}").format(
                who=who, name=person, on=on)
        if user:
            return Markup("{who} made an account for {name}").format(who=who, name=user)
        return Markup("{who} added {one}{on}").format(who=who, one=one, on=on)
    if operation == "update":
        fields = field_words(entry.detail)
        if fields:
            return Markup("{who} changed the {fields} of {the}{on}").format(
                who=who, fields=fields, the=the, on=on)
        return Markup("{who} changed {the}{on}").format(who=who, the=the, on=on)
    if operation == "delete":
        return Markup("{who} removed {the}{on}").format(who=who, the=the, on=on)
    if operation in ("bulk_update", "bulk_delete"):
        verb = "changed" if operation == "bulk_update" else "removed"
        return Markup("{who} {verb} several {several} at once").format(
            who=who, verb=verb, several=several)
    what = entry.action.replace(".", ": ").replace("_", " ")
    return Markup("{who} — {what}{on}").format(who=who, what=what, on=on)


def person_read(what: str) -> Callable[[AuditEntry, Markup, Markup | None, Names], Markup]:
    """A sentence for a person's details shown: "Rosa viewed Maria's contact details on …"."""

    def sentence(entry: AuditEntry, who: Markup, case_link: Markup | None,
                 names: Names) -> Markup:
        person = names.people.get(entry.object_id, f"person {entry.object_id}")
        where = Markup(" on {case}").format(case=case_link) if case_link else \
            Markup(" ({where})").format(where=entry.detail) if entry.detail else Markup("")
        return Markup("{who} viewed {person}'s {what}{where}").format(
            who=who, person=person, what=what, where=where)

    return sentence


def role_change(entry: AuditEntry, who: Markup, _case: Markup | None, names: Names) -> Markup:
    old, _, new = entry.detail.partition(">")
    return Markup("{who} changed {user}'s role from {old} to {new}").format(
        who=who, user=names.users.get(entry.object_id, f"user {entry.object_id}"),
        old=ROLE_WORDS.get(old, old), new=ROLE_WORDS.get(new, new))


def password_reset(entry: AuditEntry, who: Markup, _case: Markup | None,
                   names: Names) -> Markup:
    return Markup("{who} reset {user}'s password ({how})").format(
        who=who, user=names.users.get(entry.object_id, f"user {entry.object_id}"),
        how=entry.detail or "a new one-time password")


def settings_change(entry: AuditEntry, who: Markup, _case: Markup | None,
                    _names: Names) -> Markup:
    """"Rosa changed the network's settings: the time zone and paper size"."""
    fields = field_words(entry.detail)
    if not fields:
        return Markup("{who} changed the network's settings").format(who=who)
    return Markup("{who} changed the network's settings: the {fields}").format(
        who=who, fields=fields)


def plain(words: str) -> Callable[[AuditEntry, Markup, Markup | None, Names], Markup]:
    """A sentence with the entry's detail (a count, a kind of export) in brackets."""

    def sentence(entry: AuditEntry, who: Markup, case_link: Markup | None,
                 _names: Names) -> Markup:
        on = Markup(" on {case}").format(case=case_link) if case_link else Markup("")
        detail = Markup(" ({detail})").format(detail=entry.detail) if entry.detail else ""
        return Markup("{who} {words}{on}{detail}").format(who=who, words=words, on=on,
                                                          detail=detail)

    return sentence


SPECIAL: dict[str, Callable[[AuditEntry, Markup, Markup | None, Names], Markup]] = {
    "person.view_contact": person_read("contact details"),
    "person.view_name": person_read("name on a call list"),
    "network.update": settings_change,
    "user.change_role": role_change,
    "user.reset_password": password_reset,
    "export.csv": plain("exported the cases as a spreadsheet"),
    "purge.run": plain("removed the personal details of ended cases"),
    "document.download": plain("downloaded a document"),
    "calendar_feed.create": plain("made a calendar feed link"),
    "calendar_feed.rotate": plain("replaced a calendar feed link"),
    "calendar_feed.revoke": plain("turned off a calendar feed link"),
    "victory.publish": plain("published the victory on the public page"),
    "victory.unpublish": plain("took the victory off the public page"),
}
