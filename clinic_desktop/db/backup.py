"""Timestamped SQLite backups with SQLite's online backup API, verified and rotated."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from clinic_desktop.db.engine import sqlite_path
from clinic_desktop.errors import DatabaseError, disk_full, write_failure
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

log = logging.getLogger(__name__)
KEEP_BACKUPS = 10
BACKUP_PREFIX = "clinic-"
BACKUP_SUFFIX = ".sqlite3"

_NO_DATABASE = sentence(QT_TRANSLATE_NOOP("core", "There is no database at {path} to back up."))
_NOT_WRITTEN = sentence(QT_TRANSLATE_NOOP("core", "the backup of {path} was not written"))
_BACK_UP_AGAIN = sentence(QT_TRANSLATE_NOOP("core", "back up again"))
_NO_FOLDER = sentence(QT_TRANSLATE_NOOP("core", "Cannot create the backup folder {folder}: "
                                        "{problem}"))
_FAILED = sentence(QT_TRANSLATE_NOOP("core", "The backup of {path} failed: {problem}. Nothing "
                                     "was changed."))
_DAMAGED = sentence(QT_TRANSLATE_NOOP(
    "core", "The backup of {path} is damaged ({problem}). Nothing was changed; run "
    "`clinic-desktop db check`."))


def backup_sqlite(db_path: Path, backup_dir: Path, reason: str = "manual",
                  keep: int = KEEP_BACKUPS) -> Path:
    """Copy a live database consistently, check the copy, keep the newest `keep` copies."""
    if not db_path.exists():
        raise DatabaseError(_NO_DATABASE(path=db_path))
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if write_failure(exc):
            raise disk_full(exc, backup_dir, _NOT_WRITTEN(path=db_path),
                            _BACK_UP_AGAIN()) from exc
        raise DatabaseError(_NO_FOLDER(folder=backup_dir, problem=exc)) from exc
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{BACKUP_PREFIX}{stamp}-{reason}{BACKUP_SUFFIX}"
    try:
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)
        try:
            dest = sqlite3.connect(target)
            try:
                source.backup(dest)
                # One self-contained file: a copy of a WAL database is WAL too, and opening
                # it read-only would leave -shm and -wal files beside it for good.
                dest.execute("PRAGMA journal_mode=DELETE")
            finally:
                dest.close()
        finally:
            source.close()
        problem = integrity_problem(target)
    except sqlite3.Error as exc:
        _remove_with_journal(target)
        if write_failure(exc):
            raise disk_full(exc, backup_dir, _NOT_WRITTEN(path=db_path),
                            _BACK_UP_AGAIN()) from exc
        raise DatabaseError(_FAILED(path=db_path, problem=exc)) from exc
    if problem:
        _remove_with_journal(target)
        raise DatabaseError(_DAMAGED(path=db_path, problem=problem))
    rotate(backup_dir, keep)
    log.info("Backup written to %s", target)
    return target


def _remove_with_journal(target: Path) -> None:
    """A backup that failed leaves nothing behind: not the half copy, nor the journal SQLite
    kept beside it while writing."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)


def integrity_problem(db_path: Path) -> str | None:
    """None when SQLite's integrity check passes, else its first complaint."""
    connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:  # too damaged for the check to finish
        return str(exc)
    finally:
        connection.close()
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else str(first)


def list_backups(backup_dir: Path) -> list[Path]:
    if not backup_dir.is_dir():
        return []
    return sorted(backup_dir.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))


def rotate(backup_dir: Path, keep: int) -> None:
    for old in list_backups(backup_dir)[:-keep]:
        try:
            old.unlink()
        except OSError as exc:  # a locked old backup must not stop the upgrade
            log.warning("Could not remove old backup %s: %s", old, exc)


# --- a damaged or vanished database ------------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"


def damage(db_path: Path) -> str | None:
    """What is wrong with the database file, in words, or None when it looks whole.

    Cheap enough for every start: the file's size and header. SQLite names deeper damage
    itself when it is met ("database disk image is malformed"); `db check` runs the full
    integrity check.
    """
    try:
        size = db_path.stat().st_size
        with db_path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return None  # a new clinic
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if size == 0:
        return "it is empty (0 bytes): the clinic's data is no longer in it"
    if header != SQLITE_HEADER:
        return "it is not an SQLite database any more (its first bytes are overwritten)"
    return None


def deep_damage(db_path: Path) -> str | None:
    """SQLite's own quick check of every page, for when opening the file has failed: what
    is damaged, or None when the file is whole (the failure was something else)."""
    try:
        connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        if write_failure(exc):
            return None  # no room beside it for SQLite's working files: not damage
        return f"SQLite cannot read it ({exc})"
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else f"SQLite's check says: {first}"


def restore_hint(backup_dir: Path) -> str:
    """The newest backup and the command that restores it, or that there is none."""
    backups = list_backups(backup_dir)
    if not backups:
        return (f"There is no backup in {backup_dir}. If you keep backups elsewhere, restore "
                "one with `clinic-desktop db restore FILE`.")
    newest = backups[-1]
    taken = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    return (f"The newest backup is {newest} (taken {taken}); restore it with "
            f"`clinic-desktop db restore \"{newest}\"`.")


def database_place(url: str) -> str:
    """Where the clinic's data lives, in words: its SQLite file, or its database server."""
    db_file = sqlite_path(url)
    if db_file is not None:
        return str(db_file)
    return f"the database on the server {make_url(url).host or 'localhost'}"


def damaged_error(db_path: Path, backup_dir: Path, what: str) -> DatabaseError:
    return DatabaseError(f"The database {db_path} is damaged: {what}. Nothing was changed. "
                         f"{restore_hint(backup_dir)}")


def restore_sqlite(backup: Path, db_path: Path, *, schema_known: Callable[[str | None], bool]
                   ) -> Path | None:
    """Put a verified backup in place of the database; the current file is kept beside it.

    The backup must pass SQLite's integrity check and carry a schema revision this version
    knows (`schema_known`), else nothing is touched. Returns where the old file was kept.
    """
    if not backup.is_file():
        raise DatabaseError(f"There is no backup file {backup}.")
    what = damage(backup)
    if what is not None:
        raise DatabaseError(f"The backup {backup} cannot be used: {what}. Nothing was changed.")
    try:
        problem = integrity_problem(backup)
        revision = _schema_revision(backup)
    except sqlite3.Error as exc:
        raise DatabaseError(f"The backup {backup} cannot be used: {exc}. Nothing was "
                            "changed.") from exc
    if problem:
        raise DatabaseError(f"The backup {backup} is damaged ({problem}). Nothing was changed; "
                            "choose an older one.")
    if not schema_known(revision):
        raise DatabaseError(f"The backup {backup} is not a Clinic Desktop database this version "
                            f"knows (schema {revision or 'none'}). Nothing was changed.")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept: Path | None = None
    staged = db_path.with_name(f"{db_path.name}.restoring")
    try:
        shutil.copyfile(backup, staged)
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.stem}-replaced-{stamp}{db_path.suffix}")
            os.replace(db_path, kept)
        for extra in ("-wal", "-shm"):  # the old file's journal must not meet the backup
            sidecar = db_path.with_name(db_path.name + extra)
            if sidecar.exists() and kept is not None:
                os.replace(sidecar, kept.with_name(kept.name + extra))
            elif sidecar.exists():
                sidecar.unlink()
        os.replace(staged, db_path)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        if write_failure(exc) and kept is None:
            raise disk_full(exc, db_path.parent, f"the backup {backup} was not restored",
                            "restore it again") from exc
        raise DatabaseError(f"The backup could not be put in place: {exc.strerror or exc}. "
                            "Close Clinic Desktop on this PC and try again.") from exc
    log.info("Database %s restored from %s; the old file is kept as %s", db_path, backup, kept)
    return kept


def _schema_revision(path: Path) -> str | None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None
