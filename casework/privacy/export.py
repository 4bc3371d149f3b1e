"""The case export: one CSV row per case, full or pseudonymised, safe to open in a spreadsheet.

A pseudonym links fights of one person only where the exporter may connect them, as the
person's page does: a coordinator all of them, an organizer the fights of their case teams.
Any other fight gets a pseudonym of its own, so that an organizer's export never says that
two fights outside their teams, or one inside and one outside, are of the same person.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from casework.clock import zone_of
from casework.extensions import db
from casework.models import Case, Network, User
from casework.privacy.pseudonyms import fight_pseudonym, pseudonym

BATCH_SIZE = 500
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Column names, in the exporter's language (the English ones are stable, for scripts).
FACT_COLUMNS = [
    _l("reference"), _l("state"), _l("issue_type"), _l("logged_on"), _l("state_changed_on"),
    _l("deadline_on"), _l("amount_claimed"), _l("outcome"), _l("outcome_decided_on"),
    _l("amount_recovered"), _l("target"),
]
FULL_PERSON_COLUMNS = [_l("person_name"), _l("person_phone"), _l("person_email")]
REDACTED_PERSON_COLUMNS = [_l("person_pseudonym")]


def header(full: bool) -> list[str]:
    """The column names: the facts, then the person (identified or pseudonymous)."""
    return [str(name) for name in
            FACT_COLUMNS + (FULL_PERSON_COLUMNS if full else REDACTED_PERSON_COLUMNS)]


def count_cases(network_id: int) -> int:
    """How many cases an export of the network holds."""
    return db.session.scalar(
        select(func.count()).select_from(Case).where(Case.network_id == network_id)) or 0


def export_rows(network: Network, exporter: User, full: bool, secret_key: str
                ) -> Iterator[list[str]]:
    """The header, then every case of the network, read in batches (keyset on id)."""
    yield header(full)
    zone = zone_of(network)
    loads = [joinedload(Case.target), joinedload(Case.person), selectinload(Case.outcomes)]
    if not full:
        loads.append(selectinload(Case.team))  # who may connect each fight to its person
    last_id = 0
    while True:
        cases = db.session.scalars(
            select(Case)
            .where(Case.network_id == network.id, Case.id > last_id)
            .options(*loads)
            .order_by(Case.id)
            .limit(BATCH_SIZE)
        ).all()
        if not cases:
            return
        for case in cases:
            yield case_row(case, exporter, full, secret_key, zone)
        # The session holds loaded rows weakly: a finished batch is freed once dropped here.
        last_id = cases[-1].id


def case_row(case: Case, exporter: User, full: bool, secret_key: str, zone: ZoneInfo
             ) -> list[str]:
    """One case as CSV cells."""
    outcome = case.outcome
    facts = [
        case.reference, case.state.value, case.issue_type.value,
        local_day(case.created_at, zone), local_day(case.state_changed_at, zone),
        iso(case.deadline_on), amount(case.amount_claimed),
        outcome.kind.value if outcome else "", iso(outcome.decided_on) if outcome else "",
        amount(outcome.amount_recovered) if outcome else "", case.target.name,
    ]
    person = case.person
    if person.stands_for_network:  # a joined fight: no member of this network in it
        return facts + (["", "", ""] if full else [""])
    if full:
        return facts + [person.name, person.phone, person.email]
    return facts + [person_pseudonym(case, exporter, secret_key)]


def person_pseudonym(case: Case, exporter: User, secret_key: str) -> str:
    """The person's pseudonym, shared with their other fights only if the exporter may
    connect this fight to them (see the person's page); else this fight's own."""
    if case.can_view_full_record(exporter):
        return pseudonym(case.person_id, secret_key)
    return fight_pseudonym(case.id, secret_key)


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as CSV text, one line at a time (for streaming), formulas neutralised.

    Starts with a byte order mark so spreadsheet programs read the UTF-8 names correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow([neutralise_formula(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def neutralise_formula(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def local_day(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat() if moment else ""


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def amount(value: Decimal | None) -> str:
    return f"{value:.2f}" if value is not None else ""
