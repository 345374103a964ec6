"""Timestamped SQLite backups with SQLite's online backup API, verified and rotated."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from clinic_desktop.errors import DatabaseError

log = logging.getLogger(__name__)
KEEP_BACKUPS = 10
BACKUP_PREFIX = "clinic-"
BACKUP_SUFFIX = ".sqlite3"


def backup_sqlite(db_path: Path, backup_dir: Path, reason: str = "manual",
                  keep: int = KEEP_BACKUPS) -> Path:
    """Copy a live database consistently, check the copy, keep the newest `keep` copies."""
    if not db_path.exists():
        raise DatabaseError(f"There is no database at {db_path} to back up.")
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the backup folder {backup_dir}: {exc}") from exc
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
        target.unlink(missing_ok=True)
        raise DatabaseError(f"The backup of {db_path} failed: {exc}. Nothing was changed.") from exc
    if problem:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"The backup of {db_path} is damaged ({problem}). Nothing was changed; "
                            "run `clinic-desktop db check`.")
    rotate(backup_dir, keep)
    log.info("Backup written to %s", target)
    return target


def integrity_problem(db_path: Path) -> str | None:
    """None when SQLite's integrity check passes, else its first complaint."""
    connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
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
