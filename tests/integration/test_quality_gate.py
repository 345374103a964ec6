"""The photo quality gate end to end, with camera-like 12 MP photos: a blurred or dark photo is
kept and filed but holds its step until staff accept it (then the step goes on exactly as the
import would have) or a better photo arrives; the "please retake" email reaches the patient
once; every way in (files, the command line, the inbox, the watched folder) is gated."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import camera_jpeg, configure_smtp
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, Notification, Photo, TreatmentStep
from clinic_desktop.domain.dashboard import today_overview
from clinic_desktop.domain.photo_sets import held_photos
from clinic_desktop.notify.delivery import deliver_outbox
from clinic_desktop.photos import inbox
from clinic_desktop.photos.importer import IMPORTED, UNMATCHED, PhotoImporter, library_for
from clinic_desktop.photos.watch import FolderWatcher

pytestmark = pytest.mark.usefixtures("quality_gate")

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # a first step of 7 days is finished today
ON_TODAY = ("--today", TODAY.isoformat())
RETAKE_SUBJECT = "Please retake your photo for 'Step 1'"


@pytest.fixture
def run(app: Any, db_url: str, capsys: pytest.CaptureFixture[str]) -> Any:
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(app.paths.data_dir), "--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


@pytest.fixture
def importer(app: Any) -> PhotoImporter:
    return PhotoImporter(app.sessions, library_for(app.sessions, app.paths.data_dir), TODAY)


def enrol_one(app: Any, enrol: Any, code: str = "P00123") -> int:
    with write_session(app.sessions) as session:
        return int(enrol(session, code, [7, 14], START).id)


def camera_file(folder: Path, name: str, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(camera_jpeg(version))
    return path


def steps(app: Any, patient_id: int) -> list[TreatmentStep]:
    with app.sessions() as session:
        return list(session.scalars(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)))


def one_photo(app: Any, photo_id: int) -> Photo:
    with app.sessions() as session:
        photo = session.get(Photo, photo_id)
        assert photo is not None
        return photo


def emails(app: Any) -> list[tuple[str, str]]:
    with app.sessions() as session:
        return [(n.kind, n.status) for n in session.scalars(
            select(Notification).order_by(Notification.id))]


def test_a_blurred_photo_is_held_until_staff_accept_it_then_the_step_goes_on(
        app, enrol, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol)
    blurred = camera_file(tmp_path / "in", "P00123_front.jpg", "blurred")

    code, out, _ = run("import-photos", str(blurred), *ON_TODAY)

    assert code == 0, out
    assert "photo held for P00123, step 1 'Step 1': blurred (sharpness" in out
    assert "1 of them held for quality" in out
    first, second = steps(app, patient_id)
    assert (first.is_active, first.is_completed, second.is_active) == (True, False, False)
    assert emails(app) == []  # no "new step started"
    with app.sessions() as session:
        [held] = held_photos(session)
        facts = today_overview(session, TODAY)
    assert (held.patient_code, held.step_order, held.issues) == ("P00123", 1, ["blurred"])
    assert [(h.patient_code, h.issues) for h in facts.held_photos] == [("P00123", ["blurred"])]
    code, out, _ = run("photos", "held")
    assert code == 0 and "P00123" in out and "blurred (sharpness" in out, out

    code, out, _ = run("photos", "accept", str(held.photo_id), *ON_TODAY)

    assert code == 0, out
    assert f"Photo {held.photo_id} accepted: step 1 'Step 1' completed; step 2 'Step 2' " \
           "started." in out
    first, second = steps(app, patient_id)
    assert (first.is_completed, second.is_active, second.start_date) == (True, True, TODAY)
    photo = one_photo(app, held.photo_id)
    assert (photo.completed_step, photo.quality_accepted_by, photo.quality_issue) == \
        (True, "test-user", "blurred")  # the finding stays on record
    assert emails(app) == [("step_started", "queued")]
    with app.sessions() as session:
        assert held_photos(session) == []
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "photo_accepted")).all()
    assert (event.actor, event.entity_id, event.host != "") == ("test-user", photo.id, True)

    code, _, err = run("photos", "accept", str(photo.id), *ON_TODAY)
    assert code == 1 and "was accepted already, by test-user" in err, err


def test_a_better_photo_after_a_held_one_advances_the_step_as_usual(
        app, enrol, importer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol)
    held = importer.import_file(camera_file(tmp_path, "P00123_1.jpg", "dark"))
    assert (held.status, held.progressed) == (IMPORTED, "")
    assert held.held == ["dark"]

    better = importer.import_file(camera_file(tmp_path, "P00123_2.jpg", "sharp"))

    assert (better.status, better.held, better.progressed) == \
        (IMPORTED, [], "step 2 'Step 2' started")
    first, _ = steps(app, patient_id)
    assert first.is_completed
    # The held photo stays with the step it was taken in, and waits for nobody now.
    assert one_photo(app, held.photo_id).step_id == first.id  # type: ignore[arg-type]
    with app.sessions() as session:
        assert held_photos(session) == []


def test_the_retake_email_reaches_the_patient_once_with_the_reason(
        app, enrol, importer, run, tmp_path, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
    enrol_one(app, enrol)
    held = importer.import_file(camera_file(tmp_path, "P00123_front.jpg", "overexposed"))

    first = run("photos", "retake", str(held.photo_id))
    second = run("photos", "retake", str(held.photo_id))
    report = deliver_outbox(app.sessions)

    assert first[0] == 0 and "asked for a better photo (the email is queued)" in first[1], \
        first
    assert second[0] == 0 and "asked for a better photo already" in second[1], second
    assert report.sent == 1 and server.subjects == [RETAKE_SUBJECT]
    message = server.messages[0]
    assert message["To"].addresses[0].addr_spec == "p00123@example.org"
    body = message.get_body(("plain",)).get_content()
    assert "washed out to pure white" in body and "blurred" not in body
    with app.sessions() as session:
        [row] = held_photos(session)
    assert row.retake_status == "sent"


def test_asking_a_patient_who_cannot_be_emailed_says_why_and_keeps_it_in_the_outbox(
        app, enrol, importer, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as session:
        enrol(session, "P00123", [7, 14], START, consent=False)
    held = importer.import_file(camera_file(tmp_path, "P00123_front.jpg", "blurred"))

    code, out, _ = run("photos", "retake", str(held.photo_id))

    assert code == 1, out
    assert "held back: the patient has not agreed to receive emails" in out
    assert emails(app) == [("photo_retake", "needs_attention")]


def test_accepting_the_photo_withdraws_a_retake_email_not_yet_sent(
        app, enrol, importer, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol)
    held = importer.import_file(camera_file(tmp_path, "P00123_front.jpg", "blurred"))
    assert run("photos", "retake", str(held.photo_id))[0] == 0

    code, out, _ = run("photos", "accept", str(held.photo_id), *ON_TODAY)

    assert code == 0, out
    assert emails(app) == [("photo_retake", "cancelled"), ("step_started", "queued")]


def test_the_inbox_and_the_watched_folder_hold_a_blurred_photo_too(
        sqlite_app, enrol, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = sqlite_app
    with write_session(app.sessions) as session:
        enrol(session, "P00123", [7, 14], START)
        enrol(session, "P00124", [7, 14], START)
        settings.set_value(session, "photos.watch_folders", str(tmp_path / "watched"))
        settings.set_value(session, "photos.stable_seconds", "1")
    importer = PhotoImporter(app.sessions, library_for(app.sessions, app.paths.data_dir),
                             TODAY)
    unmatched = importer.import_file(camera_file(tmp_path, "IMG_0001.jpg", "blurred"))
    assert unmatched.status == UNMATCHED

    assigned = inbox.assign(importer, unmatched.inbox_id, "P00123")  # type: ignore[arg-type]

    assert (assigned.status, assigned.progressed) == (IMPORTED, "")
    assert assigned.held == ["blurred"]

    camera_file(tmp_path / "watched", "P00124_front.jpg", "blurred")
    watcher = FolderWatcher(app.sessions, lambda: importer)
    seen = watcher.poll()
    time.sleep(1.2)  # longer than photos.stable_seconds
    taken = watcher.poll()

    assert seen.waiting and [o.held for o in taken.outcomes] == [["blurred"]]
    with app.sessions() as session:
        assert sorted(h.patient_code for h in held_photos(session)) == ["P00123", "P00124"]
