"""The database checked as a whole (`db check`): its schema and SQLite's own integrity, the
treatment rules, emails sent early, and the photo files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, Integer, and_, cast, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from clinic_desktop import settings
from clinic_desktop.db import migrate
from clinic_desktop.db.backup import integrity_problem
from clinic_desktop.db.engine import sqlite_path
from clinic_desktop.db.models import Notification, Patient, Photo, TreatmentStep, due_date_for
from clinic_desktop.db.search import stale_search_text
from clinic_desktop.notify import outbox


def database_problems(engine: Engine, sessions: sessionmaker[Session], library_root: Path,
                      resolve: Callable[[str], Path], *, deep: bool = False) -> list[str]:
    """Sentences naming everything wrong with the clinic's database; empty when all is well.
    `library_root` and `resolve` are the photo library's (photos.importer.library_for)."""
    problems: list[str] = []
    revision = migrate.current_revision(engine)
    if revision != migrate.head_revision():
        problems.append(f"schema is at {revision}, expected {migrate.head_revision()}")
    db_file = sqlite_path(str(engine.url))
    if db_file is not None:
        problem = integrity_problem(db_file)
        if problem:
            problems.append(f"SQLite integrity check: {problem}")
        with engine.connect() as connection:
            bad_keys = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if bad_keys:
            problems.append(f"{len(bad_keys)} row(s) point to records that do not exist")
    with sessions() as session:
        problems += rule_violations(session) + early_notifications(session)
        if library_root.is_dir():
            problems += photo_file_problems(session, resolve, deep=deep)
        elif session.scalar(select(Photo.id).limit(1)) is not None:
            problems.append(f"the photo library {library_root} cannot be reached, so its "
                            "photo files were not checked (is the network share connected?)")
    return problems


def rule_violations(session: Session) -> list[str]:
    """Sentences describing every broken rule; an empty list means all is well."""
    problems: list[str] = []
    for code, count in session.execute(
        select(Patient.code, func.count()).join(TreatmentStep)
        .where(TreatmentStep.is_active.is_(True)).group_by(Patient.code)
        .having(func.count() > 1)
    ):
        problems.append(f"patient {code} has {count} active steps")
    later = aliased(TreatmentStep)
    for code, order in session.execute(
        select(Patient.code, TreatmentStep.order).join(Patient, Patient.id ==
                                                       TreatmentStep.patient_id)
        .join(later, and_(later.patient_id == TreatmentStep.patient_id,
                          later.order > TreatmentStep.order, later.is_completed.is_(True),
                          later.is_skipped.is_(False)))
        .where(TreatmentStep.is_completed.is_(False))
    ).unique():
        problems.append(f"patient {code}: step {order} is open but a later step is completed")
    for (code,) in session.execute(
        select(Patient.code).join(TreatmentStep).group_by(Patient.code).having(and_(
            func.sum(cast(TreatmentStep.is_active, Integer)) == 0,
            func.sum(1 - cast(TreatmentStep.is_completed, Integer)) > 0))
    ):
        problems.append(f"patient {code} has steps to do but none is active")
    # due_date is kept by ORM hooks; a bulk UPDATE elsewhere would leave it stale.
    for code, order, start, days, paused, due in session.execute(
        select(Patient.code, TreatmentStep.order, TreatmentStep.start_date,
               TreatmentStep.duration_days, TreatmentStep.paused_days, TreatmentStep.due_date)
        .join(Patient, Patient.id == TreatmentStep.patient_id)
        .where(TreatmentStep.is_active.is_(True))
    ):
        if due != due_date_for(start, days, paused):
            problems.append(f"patient {code}: step {order} has due date {due}, expected "
                            f"{due_date_for(start, days, paused)}")
    for (key,) in session.execute(
        select(Notification.dedupe_key).group_by(Notification.dedupe_key)
        .having(func.count() > 1)
    ):
        problems.append(f"notification {key} exists more than once")
    # search_text is kept by ORM hooks too: a patient changed around them cannot be found.
    for _id, code, _wanted in stale_search_text(session.connection()):
        problems.append(f"patient {code} is not searchable by what their record says "
                        "(run `clinic-desktop db rebuild-search`)")
    return problems


def early_notifications(session: Session) -> list[str]:
    """Step emails queued before their step was due (a trial `--today` once allowed that).

    Not one of the rule_violations: those hold on any day a test makes up; this compares
    with the real day each email was queued.
    """
    problems: list[str] = []
    zone = settings.clinic_zone(session)
    for key, code, created, due in session.execute(
        select(Notification.dedupe_key, Patient.code, Notification.created_at,
               TreatmentStep.due_date)
        .join(TreatmentStep, TreatmentStep.id == Notification.step_id)
        .join(Patient, Patient.id == TreatmentStep.patient_id)
        .where(Notification.kind.in_([outbox.KIND_STEP_FINISHED,
                                      outbox.KIND_PHOTO_REMINDER]),
               TreatmentStep.due_date.is_not(None))
        .execution_options(yield_per=2000)
    ):
        if due is not None and created.astimezone(zone).date() < due:
            problems.append(f"patient {code}: email {key} was queued on "
                            f"{created.astimezone(zone).date()}, before the step was due "
                            f"({due})")
    return problems


def photo_file_problems(session: Session, resolve: Callable[[str], Path], *,
                        deep: bool = False) -> list[str]:
    """Photos whose file is missing from the library (a share that vanished mid-import, a
    folder cleaned by hand); with `deep`, also files whose content no longer matches the
    SHA-256 recorded at import (a damaged disk). `resolve` turns a stored library path into
    a file path."""
    problems: list[str] = []
    rows = session.execute(
        select(Photo.id, Photo.library_path, Photo.sha256, Photo.original_name, Patient.code)
        .join(Patient, Patient.id == Photo.patient_id).order_by(Photo.id)
        .execution_options(yield_per=2000))
    for photo_id, relative, sha256, name, code in rows:
        path = resolve(relative) if relative else None
        if path is None or not path.is_file():
            problems.append(f"patient {code}: photo {photo_id} ({name}) has no file in the "
                            f"photo library ({path or 'no path recorded'})")
        elif deep and _sha256_of(path) != sha256:
            problems.append(f"patient {code}: photo {photo_id} ({name}) in the photo library "
                            f"has changed since it was imported ({path})")
    return problems


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
