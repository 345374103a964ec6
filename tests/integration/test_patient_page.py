"""What the window reads and writes through the domain: the patient page as typed rows, the
staff actions on it, the photo actions and the other changes staff make (each its own
transaction); on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import camera_jpeg
from sqlalchemy import func, select

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Doctor, Notification, Patient, Photo, PlanTemplate
from clinic_desktop.domain import patient_page, photo_actions, staff_changes
from clinic_desktop.domain.patients import PatientInput
from clinic_desktop.domain.photo_sets import StepLabel
from clinic_desktop.domain.plans import StepSpec
from clinic_desktop.errors import NotFoundError, RuleError, ValidationError
from clinic_desktop.photos.importer import PhotoImporter, library_for

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # a first step of 7 days is finished today


def enrol_one(app: Any, enrol: Any, durations: list[int], code: str = "P00123") -> None:
    with write_session(app.sessions) as session:
        enrol(session, code, durations, START)


def importer(app: Any) -> PhotoImporter:
    return PhotoImporter(app.sessions, library_for(app.sessions, app.paths.data_dir), TODAY)


def camera_file(folder: Path, name: str, version: str = "sharp") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(camera_jpeg(version))
    return path


def states(app: Any, code: str = "P00123") -> list[tuple[int, str, str]]:
    page = patient_page.load_patient_page(app.sessions, code, TODAY)
    return [(s.order, s.name, s.state) for s in page.steps]


def test_the_page_shows_the_steps_the_photo_that_completed_one_its_email_and_history(
        app: Any, enrol: Any, tmp_path: Path) -> None:
    enrol_one(app, enrol, [7, 14])
    outcome = importer(app).import_file(camera_file(tmp_path, "P00123_front.jpg"),
                                        taken=TODAY)
    assert outcome.progressed

    page = patient_page.load_patient_page(app.sessions, "p00123", TODAY)

    assert (page.code, page.name, page.today) == ("P00123", "Test P00123", TODAY)
    assert page.details == patient_page.PatientDetails("p00123@example.org", True, "", "en",
                                                       "", "")
    assert [(s.order, s.state, s.start, s.due) for s in page.steps] == [
        (1, "completed", START, TODAY), (2, "active", TODAY, TODAY + timedelta(days=14))]
    [photo] = page.photos
    assert (photo.name, photo.view, photo.taken_day, photo.completed, photo.held) == \
        ("P00123_front.jpg", "front", TODAY, True, ())
    assert photo.step == patient_page.StepHead(1, "Step 1", "completed", START, TODAY)
    assert [(e.kind, e.status, e.to) for e in page.emails] == [
        ("step_started", "queued", "p00123@example.org")]
    assert {"photo_imported", "step_completed", "step_activated"} <= \
        {line.what for line in page.history}
    with pytest.raises(FrozenInstanceError):
        page.steps[0].state = "active"  # type: ignore[misc]


def test_staff_change_the_plan_from_the_page_each_in_its_own_transaction(
        app: Any, enrol: Any) -> None:
    enrol_one(app, enrol, [7, 14, 14])
    sessions = app.sessions

    assert patient_page.complete_now(sessions, "P00123", TODAY) is False
    assert [s for _, _, s in states(app)] == ["completed", "active", "pending"]
    assert patient_page.undo(sessions, "P00123") == 1
    assert [s for _, _, s in states(app)] == ["due", "pending", "pending"]  # 7 days are up

    patient_page.add_step(sessions, "P00123", "Retainer", 30, "Every night", TODAY)
    page = patient_page.load_patient_page(sessions, "P00123", TODAY)
    retainer = page.steps[-1]
    assert (retainer.order, retainer.name, retainer.duration) == (4, "Retainer", 30)
    patient_page.move(sessions, "P00123", retainer.id, 1)
    assert [name for _, name, _ in states(app)] == ["Step 1", "Retainer", "Step 2", "Step 3"]

    patient_page.set_duration(sessions, "P00123", None, 21)  # None: the active step
    page = patient_page.load_patient_page(sessions, "P00123", TODAY)
    assert (page.steps[0].duration, page.steps[0].due) == (21, START + timedelta(days=21))
    patient_page.pause(sessions, "P00123", TODAY + timedelta(days=7), TODAY)
    assert states(app)[0][2] == "paused"
    patient_page.resume(sessions, "P00123", TODAY)
    assert states(app)[0][2] == "active"
    patient_page.skip(sessions, "P00123", page.steps[3].id, TODAY)
    assert states(app)[3][2] == "skipped"

    assert patient_page.complete_now(sessions, "P00123", TODAY) is False
    assert patient_page.remind_now(sessions, "P00123", TODAY)  # a sentence for the screen
    assert patient_page.plan_names(sessions) == ["plan P00123 1"]


def test_a_refused_action_changes_nothing_and_says_why(app: Any, enrol: Any) -> None:
    with write_session(app.sessions) as session:
        enrol(session, "P00123", [7], START)
    assert patient_page.complete_now(app.sessions, "P00123", TODAY) is True  # plan finished
    before = states(app)

    with pytest.raises(RuleError, match=r"^P00123 has no active step\.$"):
        patient_page.complete_now(app.sessions, "P00123", TODAY)
    with pytest.raises(RuleError, match=r"^Select a step first \(this patient has no active"):
        patient_page.pause(app.sessions, "P00123", TODAY + timedelta(days=3), TODAY)
    with pytest.raises(NotFoundError):
        patient_page.load_patient_page(app.sessions, "P09999", TODAY)
    assert states(app) == before


def test_a_held_photo_is_accepted_or_a_better_one_asked_for_from_the_window(
        app: Any, enrol: Any, tmp_path: Path, quality_gate: None) -> None:
    enrol_one(app, enrol, [7, 14])
    first = importer(app).import_file(camera_file(tmp_path, "P00123_1.jpg", "blurred"),
                                      taken=TODAY)
    second = importer(app).import_file(camera_file(tmp_path / "b", "P00123_2.jpg", "dark"),
                                       taken=TODAY)
    page = patient_page.load_patient_page(app.sessions, "P00123", TODAY)
    assert [(p.held, p.retake) for p in page.photos] == [(("blurred",), ""), (("dark",), "")]

    queued = photo_actions.ask_for_better_photo(app.sessions, second.photo_id)
    assert queued.created and photo_actions.ask_for_better_photo(
        app.sessions, second.photo_id).created is False  # once per photo
    accepted = photo_actions.accept_held_photo(app.sessions, first.photo_id, TODAY)
    assert (accepted.completed, accepted.started) == (StepLabel(1, "Step 1"),
                                                      StepLabel(2, "Step 2"))
    assert [s for _, _, s in states(app)] == ["completed", "active"]


def test_staff_say_which_view_a_photo_shows(app: Any, enrol: Any, tmp_path: Path) -> None:
    enrol_one(app, enrol, [30])
    photo = importer(app).import_file(camera_file(tmp_path, "IMG_2041.jpg"),
                                      patient_code="P00123", taken=TODAY)
    assert photo_actions.set_view(app.sessions, photo.photo_id, "left") is True
    assert photo_actions.set_view(app.sessions, photo.photo_id, "left") is False
    with pytest.raises(ValidationError):
        photo_actions.set_view(app.sessions, photo.photo_id, "sideways")
    with app.sessions() as session:
        assert session.scalar(select(Photo.view)) == "left"


def test_patients_doctors_plans_and_emails_are_saved_by_the_domain(
        app: Any, enrol: Any, tmp_path: Path) -> None:
    sessions = app.sessions
    staff_changes.add_doctor(sessions, "Dr. Anna Weber", "")
    data = PatientInput("P00200", "Zoë", "Brandt", "zoe@example.org", "", True, "de",
                        "Dr. Anna Weber")
    assert staff_changes.save_patient(sessions, None, data) == "P00200"
    with pytest.raises(ValidationError):
        staff_changes.save_patient(sessions, None, data)  # the code is taken
    changed = PatientInput("P00200", "Zoë", "Brandt-Meyer", "zoe@example.org", "", True, "de",
                           "")
    assert staff_changes.save_patient(sessions, "p00200", changed) == "P00200"
    csv = tmp_path / "patients.csv"
    csv.write_text("code,first_name,last_name,email\nP00201,Ben,Okafor,ben@example.org\n",
                   encoding="utf-8")
    assert staff_changes.import_patients(sessions, csv).imported == 1

    steps = [StepSpec("Aligner 1", 14), StepSpec("Aligner 2", 14)]
    made = staff_changes.save_plan_template(sessions, None, "Aligners", steps, "")
    assert staff_changes.save_plan_template(sessions, made, "Aligners (new)", steps[:1],
                                            "shorter") == made
    with sessions() as session:
        assert session.scalar(select(Patient.last_name).where(Patient.code == "P00200")) == \
            "Brandt-Meyer"
        assert session.scalar(select(func.count()).select_from(Patient)) == 2
        assert session.scalar(select(Doctor.name)) == "Dr. Anna Weber"
        assert session.scalar(select(PlanTemplate.name)) == "Aligners (new)"
    staff_changes.delete_plan_template(sessions, made)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PlanTemplate)) == 0

    enrol_one(app, enrol, [7, 14])
    assert patient_page.complete_now(sessions, "P00123", TODAY) is False
    with sessions() as session:
        email = session.scalar(select(Notification.id))
    assert staff_changes.cancel_email(sessions, email)
    with sessions() as session:
        assert session.scalar(select(Notification.status)) == "cancelled"
    assert staff_changes.retry_email(sessions, email)
    with sessions() as session:
        assert session.scalar(select(Notification.status)) == "queued"


def test_settings_and_email_templates_are_saved_whole_or_not_at_all(app: Any) -> None:
    staff_changes.save_settings(app.sessions, {"clinic.name": "Smile Clinic",
                                               "clinic.phone": "+44 20 7946 0002"})
    with pytest.raises(settings.SettingsRefused):
        staff_changes.save_settings(app.sessions, {"clinic.name": "Another name",
                                                   "smtp.port": "not a port"})
    with app.sessions() as session:
        assert settings.get(session, "clinic.name") == "Smile Clinic"

    from clinic_desktop.notify import render

    with app.sessions() as session:
        sources = render.template_source(session, "step_started", "en")
    edited = dict(sources, subject="Your next step: {{ step.name }}")
    staff_changes.save_email_template(app.sessions, "step_started", "en", edited)
    with app.sessions() as session:
        assert render.template_source(session, "step_started", "en")["subject"] == \
            "Your next step: {{ step.name }}"
    staff_changes.reset_email_template(app.sessions, "step_started", "en")
    with app.sessions() as session:
        assert render.template_source(session, "step_started", "en") == sources
