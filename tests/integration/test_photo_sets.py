"""The photos of one visit belong together: a photo is filed under the step that was running
on the day it was *taken* (EXIF, in the clinic's zone), one visit completes a step at most
once, and a photo taken before the due date completes nothing — with real JPEG files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clinic_desktop.db import migrate
from clinic_desktop.db.engine import make_engine, write_session
from clinic_desktop.db.models import AuditEvent, Notification, Photo, TreatmentStep
from clinic_desktop.notify import outbox
from clinic_desktop.photos.importer import IMPORTED, PhotoImporter, library_for

START = date(2026, 11, 1)  # steps of 7 days: step 1 due 8 Nov, step 2 due 7 days after it starts


def exif_day(day: date, hour: int = 10, minute: int = 0) -> str:
    return f"{day:%Y:%m:%d} {hour:02d}:{minute:02d}:00"


def importer_on(app: Any, today: date) -> PhotoImporter:
    return PhotoImporter(app.sessions, library_for(app.sessions, app.paths.data_dir), today)


def steps_of(app: Any, patient_id: int) -> list[TreatmentStep]:
    with app.sessions() as session:
        return list(session.scalars(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)))


def photo_steps(app: Any) -> dict[str, int | None]:
    """Original file name -> the order of the step it is filed under."""
    with app.sessions() as session:
        orders = dict(session.execute(select(TreatmentStep.id, TreatmentStep.order)).all())
        return {p.original_name: orders.get(p.step_id) if p.step_id else None
                for p in session.scalars(select(Photo))}


def enrol_patient(app: Any, enrol: Any) -> int:
    with write_session(app.sessions) as session:
        return int(enrol(session, "P00123", [7, 7, 7], START).id)


def test_a_visit_set_completes_the_due_step_once_and_stays_with_it(
        app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_patient(app, enrol)
    visit = START + timedelta(days=8)  # step 1 was due on the 8th
    files = [photo_files.jpeg(f"P00123_{view}.jpg", taken=exif_day(visit, 10, minute))
             for minute, view in enumerate(["front", "left", "right", "upper", "lower"])]

    outcomes = list(importer_on(app, visit).import_paths(files))

    assert [o.status for o in outcomes] == [IMPORTED] * 5
    assert sum(1 for o in outcomes if o.progressed) == 1  # one visit completes one step
    assert set(photo_steps(app).values()) == {1}
    first, second, _ = steps_of(app, patient_id)
    assert first.is_completed and second.is_active and second.start_date == visit
    with app.sessions() as session:
        started = session.scalars(select(Notification.dedupe_key).where(
            Notification.kind == outbox.KIND_STEP_STARTED)).all()
    assert started == [f"step-started:{second.id}"]


def test_photos_brought_in_late_are_filed_by_the_day_they_were_taken(
        app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_patient(app, enrol)
    # The visit on the 9th completes step 1; step 2 starts that day.
    visit = START + timedelta(days=8)
    importer_on(app, visit).import_file(photo_files.jpeg("P00123_visit.jpg",
                                                         taken=exif_day(visit)))
    # On the 12th the patient brings a phone full of photos from the 2nd to the 12th.
    today = START + timedelta(days=11)
    days = [START + timedelta(days=n) for n in (1, 4, 7, 8, 9, 11)]
    files = [photo_files.jpeg(f"P00123_{d:%d}.jpg", taken=exif_day(d, 18)) for d in days]
    outcomes = list(importer_on(app, today).import_paths(files))

    assert all(o.status == IMPORTED and not o.progressed for o in outcomes)
    filed = photo_steps(app)
    # Up to the 8th step 1 ran; the 9th is the visit that completed it; from the 10th step 2.
    assert [filed[f.name] for f in files] == [1, 1, 1, 1, 2, 2]
    assert steps_of(app, patient_id)[1].is_active  # nothing moved on


def test_a_photo_taken_before_the_due_date_completes_nothing_whenever_it_arrives(
        app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_patient(app, enrol)
    due = START + timedelta(days=7)
    late_import = due + timedelta(days=3)
    outcome = importer_on(app, late_import).import_file(
        photo_files.jpeg("P00123_old.jpg", taken=exif_day(due - timedelta(days=1))))
    assert outcome.status == IMPORTED and not outcome.progressed
    assert outcome.message.startswith("progress photo for P00123, step 1")
    assert steps_of(app, patient_id)[0].is_active
    # The photo taken on the due day, imported the same late day, completes it.
    outcome = importer_on(app, late_import).import_file(
        photo_files.jpeg("P00123_new.jpg", taken=exif_day(due)))
    assert outcome.progressed == "step 2 'Step 2' started"


def test_a_photo_taken_before_the_plan_started_belongs_to_no_step(
        app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_patient(app, enrol)
    outcome = importer_on(app, START + timedelta(days=2)).import_file(
        photo_files.jpeg("P00123_before.jpg", taken=exif_day(START - timedelta(days=5))))
    assert outcome.status == IMPORTED and outcome.step_order is None
    assert "when no step of the plan was running" in outcome.message


def test_the_upgrade_refiles_photos_filed_by_import_day_and_keeps_staff_choices(
        tmp_path: Path, enrol) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop import audit, settings
    from clinic_desktop.db.engine import make_session_factory
    from clinic_desktop.db.models import utcnow

    engine = make_engine(f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}")
    # Written with today's models (the audit chain's columns and head included), then taken
    # back to the schema before the refiling.
    migrate.upgrade(engine, tmp_path / "backups")
    sessions = make_session_factory(engine)
    visit = START + timedelta(days=8)
    with write_session(sessions) as session:
        settings.set_value(session, "clinic.timezone", "Europe/Berlin")
        patient = enrol(session, "P00123", [7, 7, 7], START)
        one, two, _ = patient.steps
        one.is_active, one.is_completed, one.completed_at = False, True, utcnow()
        session.flush()
        two.is_active, two.start_date = True, visit
        session.flush()

        def add(name: str, step: TreatmentStep, day: date, *, completed: bool = False
                ) -> Photo:
            row = Photo(patient_id=patient.id, step_id=step.id, sha256=name * 8,
                        taken_at=settings_zone_noon(day), original_name=name,
                        completed_step=completed)
            session.add(row)
            session.flush()
            return row

        def settings_zone_noon(day: date) -> Any:
            from datetime import UTC, datetime, time

            return datetime.combine(day, time(12), settings.clinic_zone(session)).astimezone(UTC)

        add("completing", one, visit, completed=True)
        add("same-visit", two, visit)  # the old rule put the rest of the set under step 2
        add("weeks-old", two, START + timedelta(days=3))  # taken while step 1 ran
        add("progress", two, visit + timedelta(days=2))  # rightly under step 2
        chosen = add("chosen", two, START + timedelta(days=2))
        audit.record(session, "photo_imported", patient_id=patient.id, entity="photo",
                     entity_id=chosen.id, detail="chosen.jpg: ... (step 2 chosen by staff)")
        ids = {o: s.id for o, s in ((1, one), (2, two))}
    migrate.downgrade(engine, "0006")

    migrate.upgrade(engine, tmp_path / "backups")

    with sessions() as session:
        filed = {p.original_name: p.step_id for p in session.scalars(select(Photo))}
        moved = session.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.action == "photo_refiled")).all()
    engine.dispose()
    assert filed == {"completing": ids[1], "same-visit": ids[1], "weeks-old": ids[1],
                     "progress": ids[2], "chosen": ids[2]}
    assert len(moved) == 2


@pytest.mark.parametrize("hour", [0, 23])
def test_the_taken_day_is_the_clinics_day_not_utc(
        app, enrol, photo_files, hour: int) -> None:  # type: ignore[no-untyped-def]
    """EXIF with an offset: 23:30 on the 8th in New York is the 9th in Berlin (the clinic)."""
    enrol_patient(app, enrol)
    due = START + timedelta(days=7)
    outcome = importer_on(app, due + timedelta(days=1)).import_file(photo_files.jpeg(
        f"P00123_{hour}.jpg", taken=exif_day(due - timedelta(days=1), hour, 30),
        offset="-05:00"))
    # 00:30 NY on the 7th = 06:30 Berlin on the 7th: before the due date; 23:30 NY on the
    # 7th = 05:30 Berlin on the 8th: the due day.
    assert bool(outcome.progressed) is (hour == 23)
