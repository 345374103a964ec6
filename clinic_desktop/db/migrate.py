"""Bring a database to the current schema, after a backup, one PC at a time."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError

from clinic_desktop.db.backup import backup_sqlite, database_place
from clinic_desktop.db.engine import sqlite_path
from clinic_desktop.db.search import ensure_search_index, is_search_object
from clinic_desktop.errors import DatabaseError, DiskFullError, disk_full, write_failure

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
# The newest revision in migrations/versions/ (a test checks it against alembic's head): a
# database already there is opened without loading alembic, a tenth of a second saved on
# every command and every start of the app.
HEAD_REVISION = "0011"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed number: PostgreSQL advisory lock taken while one PC migrates.
_MIGRATION_LOCK_KEY = 7_310_001


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Leave the search index's own tables and index out of autogenerate's comparison."""
    return not (type_ in ("table", "index") and is_search_object(name))


def alembic_config(connection: Connection | None = None) -> Config:
    # Alembic loads only when a schema changes or is looked up: a database already at
    # HEAD_REVISION opens without it (a tenth of a second on every start).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return HEAD_REVISION


def is_known_revision(revision: str | None) -> bool:
    """Whether a database at this schema revision can be opened (and upgraded) here."""
    from alembic.script import ScriptDirectory

    if revision is None:
        return False
    return revision in {script.revision for script in
                        ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision alembic stored in the database; None for a new database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def upgrade(engine: Engine, backup_dir: Path, revision: str = "head") -> Path | None:
    """Upgrade to `revision`; returns the backup taken first, if any was needed."""
    upgrading = False
    try:
        with _migration_lock(engine):
            current = current_revision(engine)
            if current == head_revision() and revision == "head":
                # Cheap when all is there; makes the trigram index once an administrator has
                # allowed the pg_trgm extension (docs/multi-pc.md).
                with engine.begin() as connection:
                    ensure_search_index(connection)
                return None
            backup = None
            with engine.connect() as connection:
                tables = set(inspect(connection).get_table_names())
            if current is None and tables - {"alembic_version"}:
                raise DatabaseError(
                    "This database has tables but no Clinic Desktop schema version; it was not "
                    "made by Clinic Desktop. Point --db at an empty or a Clinic Desktop database."
                )
            db_file = sqlite_path(str(engine.url))
            if current is not None and db_file is not None:
                try:
                    backup = backup_sqlite(db_file, backup_dir,
                                           reason=f"before-upgrade-{current}")
                except DiskFullError as exc:
                    raise disk_full(exc, backup_dir, "the backup that comes before the "
                                    "database upgrade was not written, so the upgrade did not "
                                    "run", "start Clinic Desktop again") from exc
            upgrading = True
            from alembic import command

            with _schema_change(engine) as connection:
                command.upgrade(alembic_config(connection), revision)
                if any(c["name"] == "search_text"
                       for c in inspect(connection).get_columns("patient")):
                    # A later migration that rebuilt the patient table dropped its triggers.
                    ensure_search_index(connection)
            log.info("Database upgraded from %s to %s", current, revision)
            return backup
    except OperationalError as exc:
        if write_failure(exc):
            # The whole upgrade is one transaction: it was undone, the schema is the old one.
            what = ("the database upgrade did not run (it was undone; the data is as it was)"
                    if upgrading else "the database could not be opened (SQLite needs room "
                    "for its working files beside it)")
            raise disk_full(exc, database_place(str(engine.url)), what,
                            "start Clinic Desktop again") from exc
        raise DatabaseError(f"The database could not be upgraded: {exc.orig}") from exc


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with _schema_change(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


@contextmanager
def _schema_change(engine: Engine) -> Iterator[Connection]:
    """One transaction for a schema change. On SQLite, with foreign keys off while it runs:
    alembic changes a table there by copying it to a new one and dropping the old, and a
    DROP TABLE with foreign keys on first deletes its rows, so every photo of every patient
    went with a rebuilt patient table (ON DELETE CASCADE) and every inbox row lost its photo
    with a rebuilt photo table (SET NULL). The keys are checked before the commit instead."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        # Outside any transaction (SQLite ignores the pragma inside one).
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                already = set(connection.exec_driver_sql("PRAGMA foreign_key_check").all())
                yield connection
                broken = [row for row in connection.exec_driver_sql("PRAGMA foreign_key_check")
                          if row not in already]  # a hand-edited database may have some
                if broken:
                    raise DatabaseError(
                        f"The database upgrade would leave {len(broken)} row(s) pointing at "
                        f"rows that do not exist (first: table {broken[0][0]}, row "
                        f"{broken[0][1]}); it was undone and the data is as it was.")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, PCs starting together migrate one after the other."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                               {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
