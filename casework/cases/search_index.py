"""The indexes behind the case list's text search, and the SQL that reads them.

The list searches for a substring anywhere in a case's ``search_text`` or its person's
name. A plain ``LIKE '%term%'`` reads every row (about 200 ms at 100,000 cases), so each
database gets a trigram index that answers "which rows contain this substring":

- PostgreSQL: ``pg_trgm`` GIN indexes, which ``LIKE``/``ILIKE`` use as they are.
- SQLite: FTS5 tables with the ``trigram`` tokenizer that mirror the searched column
  (external content: they store only the index), kept in step by triggers and queried
  with ``MATCH`` and a quoted phrase, which is a case-insensitive substring search.
  A trigram index cannot answer terms shorter than three characters: those use ``LIKE``.

The DDL is attached to the tables' ``after_create`` events, so ``db.create_all()`` (tests,
benchmarks) builds the same structures as the migration that adds them to deployments.
Alembic must not see these objects as drift: ``include_name`` filters them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import (
    DDL,
    ColumnElement,
    Select,
    and_,
    any_,
    event,
    false,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from casework.extensions import Model
from casework.models import Case, Person

TRIGRAM = 3  # the shortest term a trigram index can look up
FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


@dataclass(frozen=True)
class SearchedColumn:
    """A searched text column and the index that serves substring searches on it."""

    model: type[Model]
    column: str
    fts_table: str  # SQLite
    trigram_index: str  # PostgreSQL

    def sqlite_ddl(self) -> list[str]:
        """The FTS5 mirror of the column and the triggers that keep it in step."""
        table, column, fts = self.table_name, self.column, self.fts_table
        # Names from this module only, never user input. An external-content table is
        # told what to forget with the old values: exactly what it indexed.
        remove_old = (f"INSERT INTO {fts}({fts}, rowid, {column}) "  # noqa: S608
                      f"VALUES ('delete', old.id, old.{column});")
        add_new = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"  # noqa: S608
        return [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
            "content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add_new} END",
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove_old} END",
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} "
            f"BEGIN {remove_old} {add_new} END",
        ]

    def postgresql_ddl(self) -> list[str]:
        """The extension (trusted since PostgreSQL 13) and the GIN trigram index."""
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX {self.trigram_index} ON {self.table_name} "
            f"USING gin ({self.column} gin_trgm_ops)",
        ]

    @property
    def table_name(self) -> str:
        return str(self.model.__tablename__)

    def fts(self) -> sa.TableClause:
        return sa.table(self.fts_table, sa.column("rowid", sa.Integer))


CASE_TEXT = SearchedColumn(Case, "search_text", "case_record_fts",
                           "ix_case_record_search_text_trgm")
PERSON_NAME = SearchedColumn(Person, "name", "person_fts", "ix_person_name_trgm")
SEARCHED_COLUMNS = (CASE_TEXT, PERSON_NAME)


def _register_ddl() -> None:
    """Build the search structures whenever ``create_all`` creates the searched tables."""
    for searched in SEARCHED_COLUMNS:
        for statement in searched.sqlite_ddl():
            event.listen(searched.model.__table__, "after_create",
                         DDL(statement).execute_if(dialect="sqlite"))
        # Dropping a table drops its triggers but not the FTS5 table that mirrors it.
        event.listen(searched.model.__table__, "after_drop",
                     DDL(f"DROP TABLE IF EXISTS {searched.fts_table}")
                     .execute_if(dialect="sqlite"))
        for statement in searched.postgresql_ddl():
            event.listen(searched.model.__table__, "after_create",
                         DDL(statement).execute_if(dialect="postgresql"))


_register_ddl()


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: leave the search tables and indexes out of comparisons."""
    if type_ == "table" and name:
        return not any(name == searched.fts_table
                       or name in {searched.fts_table + s for s in FTS5_SHADOW_SUFFIXES}
                       for searched in SEARCHED_COLUMNS)
    if type_ == "index":
        return name not in {searched.trigram_index for searched in SEARCHED_COLUMNS}
    return True


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(term: str) -> str:
    """The term as one FTS5 string, so every character in it (``* - " OR NEAR(``) is literal."""
    return '"' + term.replace('"', '""') + '"'


def where_text_matches(query: Select[Any], conditions: list[ColumnElement[bool]], term: str,
                       may_see_person: ColumnElement[bool], dialect: str) -> Select[Any]:
    """``query`` (a ``select(Case)``) narrowed by ``conditions`` (the list's other filters)
    and to cases whose search text contains ``term`` (lower-cased), or whose person's name
    does where ``may_see_person`` holds; case-insensitively, every character literally.

    Each shape was chosen by timing at 100,000 cases, for rare terms (a few matches: an
    index must find them) and common ones (thousands: the newest 50 must come cheaply).
    """
    if "\x00" in term:
        # No stored text holds a NUL (forms refuse control codes), and both databases
        # reject one in a query string (PostgreSQL) or end the FTS5 query there (SQLite).
        return query.where(*conditions, false())
    if len(term) >= TRIGRAM and dialect == "sqlite":
        return _from_fts_tables(query, conditions, term, may_see_person)
    query = query.where(*conditions)
    if len(term) >= TRIGRAM and dialect == "postgresql":
        return _from_trigram_indexes(query, term, may_see_person)
    return _scan_newest_first(query, term, may_see_person)


def _scan_newest_first(query: Select[Any], term: str, may_see_person: ColumnElement[bool]
                       ) -> Select[Any]:
    """No index helps: read the cases newest first and stop at a page of matches. Common
    short terms fill a page after a few hundred rows; rare ones read every case. A join,
    not EXISTS, which PostgreSQL would turn into a full read of ``person`` up front."""
    pattern = f"%{escape_like(term)}%"
    person = aliased(Person)
    return query.join(person, person.id == Case.person_id).where(or_(
        Case.search_text.like(pattern, escape="\\"),
        and_(may_see_person, person.name.ilike(pattern, escape="\\")),
    ))


def _from_fts_tables(query: Select[Any], conditions: list[ColumnElement[bool]], term: str,
                     may_see_person: ColumnElement[bool]) -> Select[Any]:
    """SQLite: the ids both FTS5 tables match, then those cases by primary key.

    SQLite keeps the ids of ``IN (...)`` sorted; read backwards by rowid they give the
    cases newest first with no sort, and reading stops at the page. Left to itself the
    planner would rather look the ids up through the network index and sort every match
    (200 ms for a word in 20,000 cases): ``likely()`` tells it the other filters keep most
    rows, so the match is what narrows. UNION ALL: IN ignores duplicates anyway.
    """
    phrase = fts_phrase(term)
    by_case_text = select(CASE_TEXT.fts().c.rowid).where(_fts_match(CASE_TEXT, phrase))
    people = select(PERSON_NAME.fts().c.rowid).where(_fts_match(PERSON_NAME, phrase))
    by_person_name = select(Case.id).where(Case.person_id.in_(people), may_see_person)
    return query.where(*(func.likely(condition) for condition in conditions),
                       Case.id.in_(union_all(by_case_text, by_person_name)))


def _fts_match(searched: SearchedColumn, phrase: str) -> ColumnElement[bool]:
    # The table's name on the left of MATCH searches all its columns (here: the one).
    return sa.literal_column(searched.fts_table).match(phrase)


def _from_trigram_indexes(query: Select[Any], term: str, may_see_person: ColumnElement[bool]
                          ) -> Select[Any]:
    """PostgreSQL: both trigram indexes, in a shape whose plan the statistics pick.

    ``person_id = ANY(ARRAY(SELECT ...))`` runs once, before the scan, and gives a value
    that an index can look up, so the planner can OR both indexes together for a rare term,
    or read the newest cases and stop at a page for a common one. (``IN (union)`` always
    collects every match first: 170 ms for a word in half the cases.)
    """
    pattern = f"%{escape_like(term)}%"
    people = select(Person.id).where(Person.name.ilike(pattern, escape="\\"))
    person_matches = Case.person_id == any_(func.array(people.scalar_subquery()))
    return query.where(or_(
        Case.search_text.like(pattern, escape="\\"),
        and_(may_see_person, person_matches),
    ))


def compact_search_indexes(connection: sa.Connection) -> None:
    """SQLite: merge each FTS5 index into one segment. A changed or deleted row only adds a
    "forget this" entry until segments merge; merging drops the old entries (for a purge, the
    trigrams of a member's name) instead of leaving them in the file."""
    if connection.dialect.name != "sqlite":
        return
    for searched in SEARCHED_COLUMNS:
        fts = searched.fts_table  # a name from this module, never user input
        connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")  # noqa: S608
