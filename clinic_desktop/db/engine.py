"""Engine and session factory: SQLite tuned for a desktop app, or PostgreSQL for a shared clinic."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from clinic_desktop.config import is_network_path
from clinic_desktop.db.models import AuditEvent, Base
from clinic_desktop.errors import ConfigError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL ends a session left idle inside a transaction this long (see make_engine).
IDLE_IN_TRANSACTION_MS = 30_000
T = TypeVar("T")


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here, the driver we ship."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"The database URL {url!r} is not valid: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(url, **kwargs)
    if parsed.get_backend_name() != "postgresql":
        raise ConfigError(
            f"Database {parsed.get_backend_name()!r} is not supported: use SQLite (the default) "
            "or PostgreSQL (postgresql+psycopg://user@host/dbname)."
        )
    if parsed.password is None and parsed.username:
        # The password never sits in a URL on disk: it comes from the system keyring
        # (clinic-desktop db set-password), else libpq's own .pgpass / pg_service. The
        # keyring loads here, when a server needs it: SQLite clinics start without it.
        from clinic_desktop.secrets import get_database_password

        password = get_database_password(parsed.username, parsed.host or "localhost",
                                         parsed.database or "")
        if password:
            parsed = parsed.set(password=password)
    # A PC that freezes inside a transaction (put to sleep, a hung process) would hold its
    # row locks until TCP noticed, hours later, and every other PC's writes would wait behind
    # it. The server ends such a session after this long idle in a transaction (ours never
    # pause there: no mail is sent, no dialog waits inside one), well before the sender
    # lease (lease.LEASE_SECONDS) lets another PC take over.
    given = parsed.query.get("options", "")
    options = " ".join(filter(None, [
        given if isinstance(given, str) else " ".join(given),
        f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"]))
    parsed = parsed.update_query_dict({"options": options})
    try:
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except NoSuchModuleError as exc:
        raise ConfigError("PostgreSQL support is not installed: "
                          "pip install 'clinic-desktop[postgres]'.") from exc
    except ModuleNotFoundError as exc:
        raise ConfigError("PostgreSQL support is not installed: "
                          "pip install 'clinic-desktop[postgres]'.") from exc


def _make_sqlite_engine(url: str, **kwargs: Any) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        if is_network_path(path.parent if not path.exists() else path):
            raise ConfigError(
                f"The database {path} is on a network drive. SQLite corrupts there when several "
                "PCs use it. Keep the database on this PC, or let all PCs share a PostgreSQL "
                "server (see docs/multi-pc.md) with --db postgresql+psycopg://…"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so SAVEPOINT and BEGIN IMMEDIATE work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer that claims rows asks for the write lock up front, so two processes
        # cannot both read a row as free and then both take it.
        immediate = connection.get_execution_options().get("sqlite_begin_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work that writes: commits on success, rolls back on error.

    On SQLite the transaction takes the write lock at once (BEGIN IMMEDIATE): a transaction
    that reads first and upgrades to writing later fails at once with "database is locked"
    when another process wrote in between, instead of waiting for its turn. When another
    program holds that lock for the whole busy timeout, OperationalError "database is
    locked" is raised (`busy_problem` gives the sentence for it).
    """
    with factory() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection(execution_options={"sqlite_begin_immediate": True})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_BUSY = sentence(QT_TRANSLATE_NOOP(
    "core", "The database is busy: another Clinic Desktop program has been writing to it for "
    "{n_seconds} seconds. Nothing was changed; try again in a moment."))
_NO_ANSWER = sentence(QT_TRANSLATE_NOOP(
    "core", "The database did not answer ({problem}). Check that the database server or "
    "shared folder can be reached, then try again."))


def _sqlite_locked(exc: OperationalError) -> bool:
    return isinstance(exc.orig, sqlite3.OperationalError) and (
        "locked" in str(exc.orig) or "busy" in str(exc.orig))


def busy_problem(exc: BaseException) -> str | None:
    """The sentence for SQLite's "database is locked" (another program held the write lock
    for the whole busy timeout), or None for any other error."""
    if not (isinstance(exc, OperationalError) and _sqlite_locked(exc)):
        return None
    return _BUSY(n_seconds=SQLITE_BUSY_TIMEOUT_MS // 1000)


def unanswered_problem(exc: OperationalError) -> str:
    """The sentence for a database that did not answer a read or write (a server down, a
    shared folder gone), or SQLite's busy sentence when another program held the lock."""
    busy = busy_problem(exc)
    if busy is not None:
        return busy
    words = str(exc.orig).strip().splitlines()
    return _NO_ANSWER(problem=words[0] if words else type(exc.orig).__name__)


def is_transient(exc: BaseException) -> bool:
    """True for a write that failed only for now: SQLite's write lock was held too long, or
    the PostgreSQL server went away, restarted, or chose this transaction to end a deadlock
    (SQLAlchemy has rolled the transaction back), or ended a transaction this PC left idle
    too long (it was frozen or asleep: see make_engine)."""
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == "25P03":
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        return _sqlite_locked(exc)
    # PostgreSQL: no answer at all (no SQLSTATE), a lost connection (08…), a serialisation
    # failure or deadlock (40001, 40P01), a server shutting down or starting (57P01-57P03).
    # Not a full disk (53100): that needs someone to free space.
    state = getattr(exc.orig, "sqlstate", None)
    return state is None or state.startswith(("08", "40001", "40P01", "57P0"))


def _busy_reason(exc: OperationalError) -> str:
    if not _sqlite_locked(exc):
        words = str(exc.orig).strip().splitlines()
        return f"the database server did not answer: {words[0] if words else exc.orig!r}"
    return "another program is writing to it"


def until_written(write: Callable[[], T], what: str, *, patience: float | None = None) -> T:
    """Run `write` (one short transaction of its own) again and again while it fails only
    for now (`is_transient`), logging a sentence each time; other errors are raised at once.

    `patience` None: until it succeeds — for what must never be lost, such as an email the
    mail server has accepted. Otherwise the last error is raised after that many seconds.
    """
    began = time.monotonic()
    pause = 0.2
    while True:
        try:
            return write()
        except OperationalError as exc:
            if not is_transient(exc):
                raise
            waited = time.monotonic() - began
            if patience is not None and waited >= patience:
                raise
            log.warning("The database is busy (%s): %s waits, %.0f s so far; trying again.",
                        _busy_reason(exc), what, waited)
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


@contextmanager
def rehearsal(factory: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    """Sessions whose every commit is undone at the end: a dry run runs the real code.

    They share one connection inside one transaction that is rolled back; each unit of work
    is a savepoint, so a step that fails rolls back alone, as in a real run. It runs on a
    copy of the database: on SQLite a transaction that writes holds the file's only write
    lock until it ends (a dry run over thousands of steps took longer than the busy timeout,
    so every sender meanwhile failed to write down what it sent); on PostgreSQL it held the
    rows it touched, so a week's forecast made another PC's photo import or daily check wait
    for up to a minute. The copy is SQLite (in memory, or a temporary file when large); the
    rules run there as they do on a clinic's SQLite database.
    """
    engine = factory.kw["bind"]
    with contextlib.ExitStack() as stack:
        if engine.dialect.name == "sqlite":
            engine = stack.enter_context(_scratch_copy(engine))
        else:
            engine = stack.enter_context(_scratch_copy_of_server(engine))
        connection = stack.enter_context(engine.connect())
        transaction = connection.begin()
        try:
            yield sessionmaker(bind=connection, expire_on_commit=False,
                               join_transaction_mode="create_savepoint")
        finally:
            transaction.rollback()


# A larger database is copied to a temporary file instead of into memory: a clinic group's
# SQLite file can be hundreds of megabytes, too much to hold in a clinic PC's memory for a
# preview.
LARGEST_IN_MEMORY = 256 * 1024 * 1024


@contextmanager
def _scratch_database(size: int) -> Iterator[tuple[sqlite3.Connection, Engine]]:
    """An empty SQLite database for a rehearsal, behind an engine that works like ours: in
    memory, or in a temporary file when the copy will be larger than LARGEST_IN_MEMORY."""
    with contextlib.ExitStack() as stack:
        target = ":memory:"
        if size > LARGEST_IN_MEMORY:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="clinic-preview-"))
            target = str(Path(folder) / "preview.sqlite3")
        copy = sqlite3.connect(target, check_same_thread=False)
        stack.callback(copy.close)  # before the folder goes: Windows deletes no open file
        copy.isolation_level = None  # BEGIN is ours, as on the file (see _make_sqlite_engine)
        scratch = create_engine("sqlite://", creator=lambda: copy, poolclass=StaticPool)
        stack.callback(scratch.dispose)
        _release_rolled_back_savepoints(scratch)
        event.listen(scratch, "begin",
                     lambda connection: connection.exec_driver_sql("BEGIN"))
        yield copy, scratch


@contextmanager
def _scratch_copy(engine: Engine) -> Iterator[Engine]:
    """The SQLite database as it is now, copied with the online backup API (a read: in WAL
    mode writers go on meanwhile)."""
    path = sqlite_path(str(engine.url))
    size = Path(path).stat().st_size if path is not None and Path(path).exists() else 0
    with _scratch_database(size) as (copy, scratch):
        with engine.connect() as source:
            source.connection.driver_connection.backup(copy)  # type: ignore[union-attr]
        copy.execute("PRAGMA foreign_keys=ON")
        yield scratch


# Rows copied per statement from a server database into a rehearsal's copy.
_COPY_CHUNK = 5_000


@contextmanager
def _scratch_copy_of_server(engine: Engine) -> Iterator[Engine]:
    """A server database's rows as they are now (one REPEATABLE READ snapshot: a read, other
    PCs go on writing) in a SQLite copy made from our models. The audit trail's events are
    left out (its table is there, empty): nothing a rehearsal runs reads them, and a clinic
    group's can be millions."""
    copied = [t for t in Base.metadata.sorted_tables if t is not AuditEvent.__table__]
    with engine.connect() as source:
        size = source.exec_driver_sql("SELECT pg_database_size(current_database())"
                                      ).scalar_one()
    with _scratch_database(size) as (copy, scratch):
        with scratch.begin() as connection:
            Base.metadata.create_all(connection)
        with engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                                 stream_results=True) as source, \
                scratch.begin() as connection:
            for table in copied:
                rows = source.execute(table.select()).mappings()
                while chunk := rows.fetchmany(_COPY_CHUNK):
                    connection.execute(table.insert(), [dict(row) for row in chunk])
        copy.execute("PRAGMA foreign_keys=ON")
        yield scratch


def _release_rolled_back_savepoints(engine: Engine) -> None:
    """A rehearsal's unit of work that ends without a commit (every read) rolls back to its
    savepoint, and SQLite's ROLLBACK TO keeps the savepoint open. Thousands of them stayed
    open in a week's forecast, and every page written afterwards was checked against each
    (6,000 patients: 11 ms per email queued instead of 1). Released after the rollback, as
    nothing returns to a savepoint once rolled back to."""
    rollback_to = engine.dialect.do_rollback_to_savepoint

    def rollback_and_release(connection: Any, name: str) -> None:
        rollback_to(connection, name)
        engine.dialect.do_release_savepoint(connection, name)

    engine.dialect.do_rollback_to_savepoint = rollback_and_release  # type: ignore[method-assign]
