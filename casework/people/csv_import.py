"""Importing the network's spreadsheet of people: read and check a CSV, then import it.

Reading never writes: it gives every row as it would be imported, its errors by line
number, and the people it probably duplicates (same phone or email, in the network or
earlier in the file). Importing takes a decision per duplicate row (merge, skip, new) and
adds everything in the caller's transaction, or refuses the whole file: nothing is ever
half-imported.

Need-to-know holds here as on the person pages: a match is only one the importer could
edit by hand. Someone the importer may not see is left out of the matches, so their row
reads exactly as if no such person existed (new, no id, no hint), and a merge into them
is refused even if a forged form asks for it. The command line imports as whoever runs
the server (``importer=None``) and sees every match.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework.errors import CaseworkError
from casework.extensions import db
from casework.models import Person, User
from casework.people import rules
from casework.people.matching import PeopleIndex, index_network, keys_of
from casework.people.rules import Invalid, PersonDetails
from casework.people.services import (
    create_person,
    details_visible,
    fill_in,
    note_change_on_fights,
)
from casework.system_text import N_

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
SNIFF_BYTES = 16 * 1024
DELIMITERS = ",;\t"

# Header spellings, compared as lower-case letters and digits only ("E-mail" -> "email").
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "names", "fullname", "nameoralias", "alias", "person", "personname",
             "contact", "contactname", "firstandlastname"),
    "first_name": ("firstname", "first", "givenname", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "phone": ("phone", "phones", "phonenumber", "phoneno", "telephone", "tel", "mobile",
              "mobilenumber", "mobilephone", "cell", "cellphone", "cellnumber"),
    "email": ("email", "emails", "emailaddress", "mail"),
    "languages": ("language", "languages", "lang", "langs", "languagesspoken",
                  "spokenlanguages", "preferredlanguage"),
    "tier": ("tier", "type", "category", "membership", "membertype", "level"),
    "sms_consent": ("smsconsent", "sms", "smsok", "textok", "textsok", "oktotext", "cantext",
                    "consentsms", "textconsent", "smsoptin", "textmessages", "texting"),
    "email_consent": ("emailconsent", "emailok", "oktoemail", "canemail", "consentemail",
                      "emailoptin", "mailinglist", "newsletter"),
    "safe_contact_notes": ("notes", "note", "comments", "comment", "safecontact",
                           "safecontactnotes", "howtoreach", "contactnotes"),
}
FIELD_BY_HEADER = {spelling: name for name, spellings in HEADERS.items() for spelling in spellings}
LABELS = {"name": _l("Name"), "phone": _l("Phone"), "email": _l("Email"),
          "languages": _l("Languages"), "tier": _l("Tier"), "sms_consent": _l("SMS consent"),
          "email_consent": _l("Email consent"), "safe_contact_notes": _l("Notes"),
          "row": _l("Row")}
YES = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "ok", "si", "sí", "oui"}
NO = {"no", "n", "false", "f", "0", "", "-"}


class ImportRefused(CaseworkError):
    """The file as a whole cannot be imported (size, type, header); the message says why."""


def no_longer_possible(line: int) -> ImportRefused:
    """The one refusal for a choice that cannot be taken, whatever the reason (the person
    is gone, is not a match, or is someone the importer may not see), so that it tells
    nothing about who exists."""
    return ImportRefused(_("Line %(line)s: this choice is no longer possible; review the file "
                           "again.", line=line))


@dataclass
class ImportRow:
    """One row of the file: where it is, what it would become, what is wrong with it."""

    line: int  # the line of the file it starts on (the header is line 1)
    values: dict[str, str]
    details: PersonDetails | None = None
    errors: list[str] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)  # ids of people it probably is
    earlier: int | None = None  # the line of an earlier row that is probably the same person

    @property
    def is_duplicate(self) -> bool:
        return bool(self.existing) or self.earlier is not None


@dataclass
class ParsedFile:
    """The file as read: its columns and every row."""

    columns: dict[str, str]  # field -> the header as written
    ignored: list[str]
    rows: list[ImportRow]

    @property
    def rows_with_errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def duplicates(self) -> list[ImportRow]:
        return [row for row in self.rows if row.is_duplicate and not row.errors]


@dataclass
class ImportResult:
    created: int = 0
    merged: int = 0
    skipped: int = 0


def read_limited(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """The upload's bytes, refused when larger than ``limit``."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImportRefused(_("This file is larger than %(size)s MB. Split it into smaller files "
                              "and import each.", size=limit // (1024 * 1024)))
    if not data.strip():
        raise ImportRefused(_("This file is empty."))
    return data


def decode(data: bytes) -> str:
    """The text of a CSV saved as UTF-8 (with or without the BOM Excel writes)."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(_("This is a spreadsheet file (Excel, LibreOffice…), not a CSV. "
                              "In your spreadsheet choose “Save as” or “Download” › CSV "
                              "(UTF-8) and upload that file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(_("This is not a CSV saved as UTF-8 text. In your spreadsheet "
                              "choose “Save as” or “Download” › CSV (UTF-8).")) from error
    if "\x00" in text or data.startswith(b"%PDF"):
        raise ImportRefused(_("This is not a CSV file (it holds binary data). Upload the "
                              "spreadsheet saved as CSV (UTF-8)."))
    return text


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe and Latin America) or tab."""
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[:sample.rindex("\n") + 1]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or too little to tell: the header row decides
        header = sample.split("\n", 1)[0]
        return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def header_key(header: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", header).casefold() if ch.isalnum())


def map_columns(header: list[str]) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """Which column gives which field (the first of several wins) and the ignored columns."""
    by_index: dict[int, str] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = FIELD_BY_HEADER.get(header_key(title))
        if name is None or name in written:
            if title.strip():
                ignored.append(shorten(title))
            continue
        by_index[index], written[name] = name, shorten(title)
    if "name" not in written and not {"first_name", "last_name"} & written.keys():
        found = ", ".join(f"“{shorten(title)}”" for title in header[:8] if title.strip())
        raise ImportRefused(_("The first row must name the columns, one of them the name "
                              "(“Name”, “Full name” or “First name”/“Last name”). Found: "
                              "%(found)s.", found=found or _("nothing")))
    return by_index, written, ignored


def shorten(text: str, length: int = 40) -> str:
    kept = "".join(ch if ch.isprintable() else "?" for ch in text.strip())
    return kept if len(kept) <= length else kept[:length - 1] + "…"


def records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The file's records with the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRefused(_("Line %(line)s cannot be read as CSV (%(error)s). Check its "
                              "quotes, or save the file again as CSV (UTF-8).", line=start,
                              error=error)) from error


def parse_csv(data: bytes, network_id: int, *, importer: User | None) -> ParsedFile:
    """Read and check a whole file against the network's people the importer may edit
    (everyone for ``None``, the command line); writes nothing."""
    text = decode(data)
    rows_read = records(text, sniff_delimiter(text))
    first = next(rows_read, None)
    if first is None:
        raise ImportRefused(_("This file is empty."))
    by_index, columns, ignored = map_columns(first[1])
    rows: list[ImportRow] = []
    for line, cells in rows_read:
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets end with empty rows
        if len(rows) == MAX_ROWS:
            raise ImportRefused(_("This file has more than %(rows)s people. Split it into "
                                  "smaller files and import each.",
                                  rows=format_number(MAX_ROWS)))
        rows.append(check_row(line, cells, by_index, len(first[1])))
    find_duplicates(rows, index_network(network_id))
    if importer is not None:
        drop_unseen_matches(rows, importer)
    return ParsedFile(columns=columns, ignored=ignored, rows=rows)


def check_row(line: int, cells: list[str], by_index: Mapping[int, str], width: int
              ) -> ImportRow:
    """One row's values, checked one by one."""
    values = {name: cells[index] for index, name in by_index.items() if index < len(cells)}
    if "name" not in values or not values["name"].strip():
        first_last = (values.get("first_name", "").strip(), values.get("last_name", "").strip())
        values["name"] = " ".join(part for part in first_last if part)
    row = ImportRow(line=line, values=values)
    if any(cell.strip() for cell in cells[width:]):
        row.errors.append(_("Row: more cells than the header has columns (a comma or semicolon "
                            "in a cell that is not in quotes?)."))
    checked: dict[str, object] = {}
    for name, check in (("name", rules.check_name), ("phone", rules.check_phone),
                        ("email", rules.check_email), ("languages", rules.check_languages),
                        ("tier", rules.check_tier), ("sms_consent", consent),
                        ("email_consent", consent), ("safe_contact_notes", rules.check_notes)):
        try:
            checked[name] = check(values.get(name, ""))
        except Invalid as error:
            row.errors.append(f"{LABELS[name]}: {error}")
    if not row.errors:
        row.details = PersonDetails(**checked)  # type: ignore[arg-type]
    return row


def consent(text: str) -> bool:
    word = rules.printable(text.strip()).casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise Invalid(_("write yes or no (y/n, true/false, 1/0 or x also work)."))


def find_duplicates(rows: list[ImportRow], network: PeopleIndex) -> None:
    """Mark each row that shares a phone or email with a person or with an earlier row."""
    first_line_by_key: dict[str, int] = {}
    for row in rows:
        phone, email = row.values.get("phone", ""), row.values.get("email", "")
        row.existing = network.matches(phone, email)
        keys = keys_of(phone, email)
        row.earlier = next((first_line_by_key[key] for key in keys if key in first_line_by_key),
                           None)
        for key in keys:
            first_line_by_key.setdefault(key, row.line)


def editable_people(importer: User | None, people: list[Person]) -> set[int]:
    """The ids of those of ``people`` the importer could edit by hand (all for ``None``)."""
    if importer is None:
        return {person.id for person in people}
    visible = details_visible(importer, people)
    return {person.id for person in people if visible[person.id]}


def drop_unseen_matches(rows: list[ImportRow], importer: User) -> None:
    """Forget the matches the importer may not edit: such a row reads as new (or as the
    duplicate of an earlier row of the file), exactly as if that person did not exist."""
    ids = {person_id for row in rows for person_id in row.existing}
    if not ids:
        return
    matched = list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
    editable = editable_people(importer, matched)
    for row in rows:
        row.existing = [person_id for person_id in row.existing if person_id in editable]


def decision_values(row: ImportRow) -> list[str]:
    """What may be done with a row: merge into each match (the default first), skip, new."""
    if not row.is_duplicate:
        return ["new"]
    merges = [f"person-{person_id}" for person_id in row.existing]
    if row.earlier is not None:
        merges.append(f"line-{row.earlier}")
    return [*merges, "skip", "new"]


def import_rows(parsed: ParsedFile, network_id: int, decisions: Mapping[int, str],
                importer: User | None, *, duplicates: str = "merge") -> ImportResult:
    """Import every row as decided (by line; rows without a decision: new, or for a duplicate
    ``duplicates``: merge into its first match, skip or new); flushes, never commits.

    Merging into an earlier row of the file merges into the person that row became; if that
    row was skipped, this one is imported in its place. A merge into someone the importer
    could not edit by hand is refused (``None``, the command line, may edit everyone)."""
    if parsed.rows_with_errors:
        raise ImportRefused(_("Some rows have errors: nothing was imported."))
    result = ImportResult()
    became: dict[int, Person | None] = {}
    matched = list(db.session.scalars(
        select(Person).where(Person.network_id == network_id, Person.id.in_(
            {person_id for row in parsed.rows for person_id in row.existing}))))
    editable = editable_people(importer, matched)
    people = {person.id: person for person in matched if person.id in editable}
    for row in parsed.rows:
        if row.details is None:  # rows without errors have their details
            raise ImportRefused(_("Line %(line)s was not checked.", line=row.line))
        allowed = decision_values(row)
        choice = decisions.get(row.line) or (
            duplicates if row.is_duplicate and duplicates != "merge" else allowed[0])
        kind, _separator, number = choice.partition("-")
        if choice not in allowed or (kind == "person" and int(number) not in people):
            raise no_longer_possible(row.line)
        target = people.get(int(number)) if kind == "person" else \
            became.get(int(number)) if kind == "line" else None
        if choice == "skip":
            became[row.line] = None
            result.skipped += 1
        elif target is None:  # new, or in place of a skipped earlier row
            became[row.line] = create_person(network_id, row.details)
            result.created += 1
        else:
            became[row.line] = target
            merge_row(target, row.details, importer)
            result.merged += 1
    db.session.flush()
    return result


def merge_row(target: Person, details: PersonDetails, actor: User | None) -> None:
    """Complete an existing person from a row (the rule of ``fill_in``)."""
    changed = fill_in(target, name=details.name, phone=details.phone, email=details.email,
                      notes=details.safe_contact_notes, languages=details.languages,
                      sms_consent=details.sms_consent, email_consent=details.email_consent)
    note_change_on_fights(target, changed, actor, N_("Completed from a spreadsheet import"))
