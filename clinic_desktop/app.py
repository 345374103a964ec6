"""Open the clinic's data: folders, logging, database (upgraded after a backup) and sessions."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError as SqlDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import clock, settings
from clinic_desktop.config import AppPaths, ensure_data_dir, resolve_paths
from clinic_desktop.db import migrate
from clinic_desktop.db.backup import damage, damaged_error, deep_damage, list_backups
from clinic_desktop.db.engine import make_engine, make_session_factory, sqlite_path, write_session
from clinic_desktop.db.models import Setting
from clinic_desktop.errors import DatabaseError
from clinic_desktop.logs import configure_logging

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """What every command, the GUI and the scheduler share for one data dir and database."""

    paths: AppPaths
    engine: Engine
    sessions: sessionmaker[Session]
    backup_taken: Path | None = None

    def clinic_today(self) -> date:
        with self.sessions() as session:
            return clock.today_in(settings.clinic_zone(session))

    def close(self) -> None:
        self.engine.dispose()


def open_app(data_dir: str | os.PathLike[str] | None = None, db_url: str | None = None, *,
             verbose: bool = False, upgrade: bool = True,
             log_to_file: bool = True) -> AppContext:
    paths = resolve_paths(data_dir, db_url)
    ensure_data_dir(paths)
    configure_logging(paths.log_dir if log_to_file else None, verbose=verbose)
    db_file = sqlite_path(paths.db_url)
    if db_file is not None:
        # A damaged or emptied file is named, with the backup to restore: never quietly
        # a new, empty clinic, never a traceback.
        what = damage(db_file)
        if what is not None:
            if what.startswith("it is empty") and not list_backups(paths.backup_dir):
                what += (f"; if this is meant to be a new clinic, delete the empty file "
                         f"{db_file} and start again")
            raise damaged_error(db_file, paths.backup_dir, what)
    engine = make_engine(paths.db_url)
    backup = None
    try:
        if upgrade:
            backup = migrate.upgrade(engine, paths.backup_dir)
        elif migrate.needs_upgrade(engine):
            raise DatabaseError("The database needs an upgrade: run `clinic-desktop db upgrade`.")
    except (SqlDatabaseError, DatabaseError) as exc:
        engine.dispose()
        what = deep_damage(db_file) if db_file is not None else None
        if what is not None:
            assert db_file is not None
            raise damaged_error(db_file, paths.backup_dir, what) from exc
        if isinstance(exc, DatabaseError):
            raise
        raise DatabaseError(f"Cannot open the database: {exc.orig}. Check --db / "
                            "CLINIC_DESKTOP_DB_URL and that the server is running.") from exc
    except BaseException:
        engine.dispose()
        raise
    app = AppContext(paths, engine, make_session_factory(engine), backup)
    _pin_clinic_zone(app)
    return app


def _pin_clinic_zone(app: AppContext) -> None:
    """Store the first PC's zone, so every PC of a shared clinic agrees on 'today'."""

    with app.sessions() as session:
        if session.get(Setting, "clinic.timezone") is not None:
            return
    with write_session(app.sessions) as session:
        if session.get(Setting, "clinic.timezone") is None:
            settings.set_value(session, "clinic.timezone", settings.local_zone_name())
