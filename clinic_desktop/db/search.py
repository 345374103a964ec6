"""The patient search column, and the index that finds a word anywhere in it.

`patient.search_text` holds a patient's code, names, email and phone, each folded, joined by
newlines, which no typed word contains. A search word matches when its folded form is a
substring of that text.

The folding rule (`fold`), applied alike to the record and to the words typed: case-fold
(`str.casefold`: "ß" → "ss", "Σ" and "ς" → "σ", the Kelvin sign → "k"), decompose (NFKD, so
"ﬁ" → "fi"), drop the combining marks (accents: "ü" → "u", "ë" → "e", "İ" → "i"), and compose
again (NFC). So "jurgen", "Jürgen" and "JÜRGEN" all find Jürgen, "gross" finds Groß and "zoe"
finds Zoë. Letters that are not a base letter plus marks stay themselves: "ø", "ı", "ł", "æ".

A `%word%` search cannot use an ordinary index. On SQLite an FTS5 table with the trigram
tokenizer (`patient_search`, kept in step by triggers) answers it for words of three or more
characters; on PostgreSQL a pg_trgm GIN index does, where the server lets us create the
extension. Without either, the search reads the whole column, which stays correct, only slower.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import Connection, text

log = logging.getLogger(__name__)

SEPARATOR = "\n"
SEARCHED = ("code", "first_name", "last_name", "email", "phone")  # patient columns, in order
# The table as the search needs it, without the models (migrations use it too).
_PATIENT = sa.table("patient", sa.column("id"), sa.column("search_text"),
                    *(sa.column(name) for name in SEARCHED))
FTS_TABLE = "patient_search"
PG_INDEX = "ix_patient_search_trgm"
_TRIGGERS = {
    "patient_search_ai": f"""
        CREATE TRIGGER IF NOT EXISTS patient_search_ai AFTER INSERT ON patient BEGIN
          INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "patient_search_ad": f"""
        CREATE TRIGGER IF NOT EXISTS patient_search_ad AFTER DELETE ON patient BEGIN
          INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "patient_search_au": f"""
        CREATE TRIGGER IF NOT EXISTS patient_search_au AFTER UPDATE OF search_text ON patient
        BEGIN
          INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
          INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def fold(value: str) -> str:
    """The folding rule of the module docstring: case, accents and ß do not matter."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def search_text(values: Iterable[str | None]) -> str:
    return SEPARATOR.join(fold(value or "") for value in values)


TextRule = Callable[[Iterable[str | None]], str]
"""How a patient's searched fields become their search text (search_text; a migration going
down gives the rule of the version it goes back to)."""


def stale_search_text(connection: Connection, rule: TextRule = search_text
                      ) -> Iterator[tuple[int, str, str]]:
    """(id, code, the search text their record gives) for each patient whose stored search
    text differs from it: what `db check` reports and `fill_search_text` writes."""
    last = 0
    while chunk := connection.execute(
            sa.select(_PATIENT.c.id, _PATIENT.c.search_text,
                      *(_PATIENT.c[name] for name in SEARCHED))
            .where(_PATIENT.c.id > last).order_by(_PATIENT.c.id).limit(5000)).all():
        for row in chunk:
            wanted = rule(row[2:])
            if row[1] != wanted:
                yield row[0], row[2], wanted
        last = chunk[-1][0]


def fill_search_text(connection: Connection, rule: TextRule = search_text) -> int:
    """Recompute every patient's search text from their record (the upgrades that add the
    column or change the rule, and `db rebuild-search`); returns how many were wrong. The
    triggers keep the SQLite index in step; it is rebuilt once more at the end all the same."""
    update = (sa.update(_PATIENT).where(_PATIENT.c.id == sa.bindparam("row_id"))
              .values(search_text=sa.bindparam("text")))
    # Written a batch at a time as the scan goes: it reads by id, past what it has written.
    batch: list[dict[str, object]] = []
    fixed = 0
    for id_, _code, wanted in stale_search_text(connection, rule):
        batch.append({"row_id": id_, "text": wanted})
        if len(batch) == 5000:
            connection.execute(update, batch)
            fixed, batch = fixed + len(batch), []
    if batch:
        connection.execute(update, batch)
        fixed += len(batch)
    if connection.dialect.name == "sqlite" and has_fts(connection):
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return fixed


def search_words(typed: str) -> list[str]:
    """The words of a search, folded the way search_text is (split after folding, so a
    lone accent typed on its own, which folds to a space, is no word)."""
    return fold(typed).split()


def ensure_search_index(connection: Connection) -> None:
    """Create whatever index this database can have for the search column; safe to repeat.

    Alembic rebuilds a SQLite table to alter it, which drops its triggers: the app calls this
    whenever it opens the database (after any migration), and rebuilds the FTS table when a
    trigger was missing. When everything is there it only reads the catalogue.
    """
    if connection.dialect.name == "sqlite":
        _ensure_sqlite(connection)
    elif connection.dialect.name == "postgresql":
        _ensure_postgresql(connection)


def drop_search_index(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in _TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {PG_INDEX}")


def has_fts(connection: Connection) -> bool:
    return connection.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": FTS_TABLE}).first() is not None


def is_search_object(name: str | None) -> bool:
    """The FTS table, its shadow tables and the trigram index: not in the models on purpose."""
    return name is not None and (name in (PG_INDEX, FTS_TABLE)
                                 or name.startswith(f"{FTS_TABLE}_"))


def _ensure_sqlite(connection: Connection) -> None:
    present = {row[0] for row in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    if FTS_TABLE not in present:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql(
                    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, "
                    "content='patient', content_rowid='id', "
                    "tokenize='trigram case_sensitive 1')")
        except Exception as exc:
            log.warning("Patient search works without an index: this SQLite cannot make "
                        "an FTS5 trigram table (%s).", exc)
            return
    missing = [name for name in _TRIGGERS if name not in present]
    for name in missing:
        connection.exec_driver_sql(_TRIGGERS[name])
    if missing:
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _ensure_postgresql(connection: Connection) -> None:
    if connection.execute(text("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() "
                               "AND indexname = :name"), {"name": PG_INDEX}).first():
        return
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON patient "
                "USING gin (search_text gin_trgm_ops)")
    except Exception as exc:
        log.warning("Patient search works without a trigram index: PostgreSQL refused the "
                    "pg_trgm extension (%s). A database administrator can run CREATE "
                    "EXTENSION pg_trgm once.", exc)
