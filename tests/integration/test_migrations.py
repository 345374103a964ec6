"""Schema changes: upgrade from empty, down and up again, and the backup taken first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from clinic_desktop.app import open_app
from clinic_desktop.db import migrate
from clinic_desktop.db.backup import backup_sqlite, list_backups
from clinic_desktop.db.engine import make_engine, write_session
from clinic_desktop.db.models import Base, Patient
from clinic_desktop.domain.patients import PatientInput, add_patient
from clinic_desktop.errors import DatabaseError


def test_upgrade_from_empty_creates_every_table_of_the_models(db_url: str,
                                                              tmp_path: Path) -> None:
    engine = make_engine(db_url)
    assert migrate.upgrade(engine, tmp_path / "backups") is None  # nothing to back up yet
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_upgrade_from_the_first_release_keeps_queued_emails(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{(tmp_path / 'old.sqlite3').as_posix()}")
    migrate.upgrade(engine, tmp_path / "backups", revision="0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO notification (kind, dedupe_key, recipient, subject, status, attempts, "
            "last_error, message_id, created_at) VALUES ('step_finished', 'step-finished:1', "
            "'a@example.org', 's', 'queued', 0, '', '', '2026-01-01 09:00:00')")
    backup = migrate.upgrade(engine, tmp_path / "backups")
    assert backup is not None and backup.exists()
    with engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT status, language, body_text, claimed_by FROM notification").one()
    engine.dispose()
    assert tuple(row) == ("queued", "en", "", "")


def test_downgrade_to_nothing_and_upgrade_again(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups")
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine, tmp_path / "backups")
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_models_and_migrations_describe_the_same_schema(db_url: str, tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups")
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": migrate.include_name})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], "models changed without a migration: run alembic revision --autogenerate"


def test_backup_restores_by_copying_it_over_the_database(tmp_path: Path) -> None:
    import shutil

    app = open_app(tmp_path / "data", log_to_file=False)
    db_file = Path(app.engine.url.database)
    with write_session(app.sessions) as s:
        add_patient(s, PatientInput("P00042", "Ada", "Lovelace"))
    backup = backup_sqlite(db_file, app.paths.backup_dir)
    # One file a clinic can copy away: no -wal or -shm beside it.
    assert [p.name for p in app.paths.backup_dir.iterdir()] == [backup.name]
    with write_session(app.sessions) as s:
        s.delete(s.scalar(select(Patient)))
    app.close()
    # The restore steps docs/architecture.md gives: close the app, copy the backup over.
    for leftover in (db_file.with_name(db_file.name + "-wal"),
                     db_file.with_name(db_file.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, db_file)
    restored = open_app(tmp_path / "data", log_to_file=False)
    with restored.sessions() as s:
        assert s.scalars(select(Patient.code)).all() == ["P00042"]
    restored.close()


def test_upgrade_backs_up_an_existing_database_before_migrating(tmp_path: Path) -> None:
    """A clinic's database from the first release, upgraded for real by the app's start: the
    copy taken first holds the data as it was, under the old revision's name."""
    data = tmp_path / "data"
    engine = make_engine(f"sqlite:///{(data / 'clinic.sqlite3').as_posix()}")
    migrate.upgrade(engine, tmp_path / "unused", revision="0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO patient (code, first_name, last_name, email_consent, language, "
            "created_at) VALUES ('P1', 'Ada', 'Lovelace', 0, 'en', '2026-01-01 09:00:00')")
    engine.dispose()

    app = open_app(data, log_to_file=False)  # upgrades to the newest schema
    assert migrate.current_revision(app.engine) == migrate.head_revision()
    with app.sessions() as session:
        assert session.scalars(select(Patient.code)).all() == ["P1"]
    [backup] = list_backups(app.paths.backup_dir)
    app.close()
    assert "before-upgrade-0001" in backup.name
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT code FROM patient").fetchall() == [("P1",)]
    assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    copy.close()


def test_failed_backup_stops_the_upgrade(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_app(tmp_path / "data", log_to_file=False)
    monkeypatch.setattr(migrate, "head_revision", lambda: "future")
    migrated: list[str] = []
    import alembic.command

    monkeypatch.setattr(alembic.command, "upgrade",
                        lambda config, revision: migrated.append(revision))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    with pytest.raises(DatabaseError, match="backup folder"):
        migrate.upgrade(app.engine, blocker)
    app.close()
    assert migrated == []


def test_backups_rotate_keeping_the_newest_ten(tmp_path: Path) -> None:
    app = open_app(tmp_path / "data", log_to_file=False)
    db_file = Path(app.engine.url.database)
    made = [backup_sqlite(db_file, app.paths.backup_dir) for _ in range(12)]
    app.close()
    assert list_backups(app.paths.backup_dir) == made[2:]


def test_a_foreign_database_is_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.close()
    with pytest.raises(DatabaseError, match="not made by Clinic Desktop"):
        open_app(tmp_path / "data", f"sqlite:///{db.as_posix()}", log_to_file=False)
    assert sqlite3.connect(db).execute(
        "SELECT name FROM sqlite_master WHERE type='table'").fetchall() == [("invoices",)]


def test_reopening_an_up_to_date_database_keeps_its_data(tmp_path: Path) -> None:
    app = open_app(tmp_path / "data", log_to_file=False)
    with write_session(app.sessions) as s:
        add_patient(s, PatientInput("P1", "Ada", "Lovelace"))
    app.close()
    again = open_app(tmp_path / "data", log_to_file=False)
    with again.sessions() as s:
        assert s.scalars(select(Patient.code)).all() == ["P1"]
    assert again.backup_taken is None
    again.close()


def test_the_head_revision_opened_without_alembic_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert head == migrate.HEAD_REVISION, "a new migration: set migrate.HEAD_REVISION to it"


def test_a_migration_that_rebuilds_tables_on_sqlite_keeps_every_row_they_point_at(
        tmp_path: Path) -> None:
    """SQLite changes a column by copying the table and dropping the old one; with foreign
    keys on, the drop first deleted the patient's photos (CASCADE) and unlinked the inbox
    (SET NULL). Down to before the photo-quality and email-reply columns and up again: all
    is still there."""
    from clinic_desktop.db.engine import make_session_factory
    from clinic_desktop.db.models import InboxItem, Photo

    engine = make_engine(f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}")
    migrate.upgrade(engine, tmp_path / "backups")
    with write_session(make_session_factory(engine)) as session:
        patient = add_patient(session, PatientInput("P00042", "Ada", "Lovelace"))
        photo = Photo(patient_id=patient.id, sha256="a" * 64, original_name="front.jpg")
        session.add(photo)
        session.flush()
        session.add(InboxItem(status="assigned", original_name="front.jpg", photo_id=photo.id))

    def rows() -> tuple[int, int, int]:
        with engine.connect() as connection:
            return (connection.exec_driver_sql("SELECT count(*) FROM patient").scalar_one(),
                    connection.exec_driver_sql("SELECT count(*) FROM photo").scalar_one(),
                    connection.exec_driver_sql(
                        "SELECT count(*) FROM photo_inbox WHERE photo_id IS NOT NULL"
                    ).scalar_one())

    migrate.downgrade(engine, "0008")
    assert rows() == (1, 1, 1)
    migrate.upgrade(engine, tmp_path / "backups")
    assert rows() == (1, 1, 1)
    with engine.connect() as connection:  # and the keys are enforced again afterwards
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    engine.dispose()
