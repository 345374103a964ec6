"""Finished steps, their emails and advancing the plan, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, Notification, TreatmentStep
from clinic_desktop.domain import due_scan, progression
from clinic_desktop.domain.checks import rule_violations
from clinic_desktop.errors import RuleError, ValidationError
from clinic_desktop.notify import outbox

START = date(2026, 3, 1)


def steps_of(session, patient_id):  # type: ignore[no-untyped-def]
    return list(session.scalars(select(TreatmentStep).where(
        TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)))


def notifications(session, kind=None):  # type: ignore[no-untyped-def]
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query))


def test_due_scan_finds_a_step_on_its_due_day_and_not_the_day_before(app, enrol) -> None:
    with write_session(app.sessions) as s:
        enrol(s, "P1", [14, 14], START)
    with app.sessions() as s:
        assert due_scan.find_due_steps(s, START + timedelta(days=13)) == []
        [due] = due_scan.find_due_steps(s, START + timedelta(days=14))
    assert (due.patient_code, due.order, due.next_step) == ("P1", 1, "2 'Step 2'")


def test_finished_step_queues_the_photo_email_once_with_the_seed_subject(app, enrol) -> None:
    with write_session(app.sessions) as s:
        enrol(s, "P1", [14, 14], START)
    today = START + timedelta(days=14)
    first = due_scan.notify_finished_steps(app.sessions, today)
    second = due_scan.notify_finished_steps(app.sessions, today + timedelta(days=1))
    assert first.count(due_scan.QUEUED) == 1
    assert second.count(due_scan.QUEUED) == 0 and second.count(due_scan.ALREADY_NOTIFIED) == 1
    with app.sessions() as s:
        [mail] = notifications(s)
        assert mail.subject == "📸 Treatment Step 'Step 1' Completed - Photo Required"
        assert (mail.status, mail.recipient) == ("queued", "p1@example.org")
        assert steps_of(s, mail.patient_id)[0].notification_sent
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "notification_queued")) == 1


def test_patient_without_email_or_consent_gets_a_needs_attention_entry(app, enrol) -> None:
    with write_session(app.sessions) as s:
        enrol(s, "NOMAIL", [3], START, email=None)
        enrol(s, "NOCONSENT", [3], START, consent=False)
    report = due_scan.notify_finished_steps(app.sessions, START + timedelta(days=3))
    assert report.count(due_scan.NEEDS_ATTENTION) == 2
    with app.sessions() as s:
        reasons = {n.patient_id: (n.status, n.last_error) for n in notifications(s)}
    assert sorted(reasons.values()) == [
        ("needs_attention", "Not sent: the patient has no email address."),
        ("needs_attention", "Not sent: the patient has not agreed to receive emails."),
    ]


def test_auto_progress_completes_the_step_and_starts_the_next_today(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14, 10], START)
    today = START + timedelta(days=20)
    report = due_scan.notify_finished_steps(app.sessions, today, auto_progress=True)
    assert report.progressed == 1
    with app.sessions() as s:
        first, second = steps_of(s, patient.id)
        assert first.is_completed and not first.is_active and first.completed_at
        assert second.is_active and second.start_date == today
        assert second.due_date == today + timedelta(days=10)
        kinds = [(n.kind, n.subject) for n in notifications(s)]
    assert kinds == [("step_finished", "📸 Treatment Step 'Step 1' Completed - Photo Required"),
                     ("step_started", "🎯 New Treatment Step Started: 'Step 2'")]


def test_last_step_completing_finishes_the_plan(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [1], START)
    report = due_scan.notify_finished_steps(app.sessions, START + timedelta(days=1),
                                            auto_progress=True)
    assert report.items[0].progress == "plan finished"
    with app.sessions() as s:
        assert progression.plan_is_finished(s, patient.id)
        assert s.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "plan_finished")) == "plan_finished"
        assert notifications(s, outbox.KIND_STEP_STARTED) == []


def test_photo_before_the_step_is_finished_changes_nothing(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14, 14], START)
    with write_session(app.sessions) as s:
        step = progression.active_step(s, patient.id)
        assert progression.complete_after_photo(s, step, START + timedelta(days=13)) is None
    with app.sessions() as s:
        assert [st.is_active for st in steps_of(s, patient.id)] == [True, False]


def test_photo_for_a_finished_step_advances_and_queues_new_step_email(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14, 14], START)
    with write_session(app.sessions) as s:
        step = progression.active_step(s, patient.id)
        result = progression.complete_after_photo(s, step, START + timedelta(days=15))
    assert result is not None and result.started_email and result.started_email.created
    with app.sessions() as s:
        assert [st.is_active for st in steps_of(s, patient.id)] == [False, True]
        [mail] = notifications(s, outbox.KIND_STEP_STARTED)
        assert mail.subject == "🎯 New Treatment Step Started: 'Step 2'"


def test_staff_can_confirm_an_early_completion_with_a_photo(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14, 14], START)
    with write_session(app.sessions) as s:
        step = progression.active_step(s, patient.id)
        assert progression.complete_after_photo(s, step, START + timedelta(days=2),
                                                confirm_early=True)
    with app.sessions() as s:
        assert steps_of(s, patient.id)[1].start_date == START + timedelta(days=2)


def test_pause_moves_the_due_date_and_resume_gives_unused_days_back(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14, 14], START)
    day5 = START + timedelta(days=5)
    with write_session(app.sessions) as s:
        step = progression.active_step(s, patient.id)
        progression.pause_step(s, step, day5 + timedelta(days=10), day5)
    with app.sessions() as s:
        step = progression.active_step(s, patient.id)
        assert step.due_date == START + timedelta(days=24)
        assert due_scan.find_due_steps(s, START + timedelta(days=14)) == []
    with write_session(app.sessions) as s:
        step = progression.active_step(s, patient.id)
        progression.resume_step(s, step, day5 + timedelta(days=4))  # resumed 6 days early
    with app.sessions() as s:
        step = progression.active_step(s, patient.id)
        assert step.paused_days == 4 and step.due_date == START + timedelta(days=18)
        assert len(due_scan.find_due_steps(s, START + timedelta(days=18))) == 1


def test_pause_in_the_past_is_refused_and_nothing_changes(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14], START)
    with pytest.raises(ValidationError, match="not after today"), \
            write_session(app.sessions) as s:
        progression.pause_step(s, progression.active_step(s, patient.id), START, START)
    with app.sessions() as s:
        assert progression.active_step(s, patient.id).paused_days == 0


def test_undo_restores_the_previous_step_and_withdraws_the_unsent_email(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [14, 14, 14], START)
    with write_session(app.sessions) as s:
        progression.complete_early(s, progression.active_step(s, patient.id), START)
    with write_session(app.sessions) as s:
        restored = progression.undo_last_progression(s, s.merge(patient))
        assert restored.order == 1
    with app.sessions() as s:
        first, second, _ = steps_of(s, patient.id)
        assert first.is_active and not first.is_completed and first.start_date == START
        assert not second.is_active and second.start_date is None
        assert notifications(s, outbox.KIND_STEP_STARTED) == []
        assert rule_violations(s) == []


def test_skip_and_move_keep_the_order_of_waiting_steps(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [5, 6, 7, 8], START)
    with write_session(app.sessions) as s:
        steps = steps_of(s, patient.id)
        progression.move_step(s, steps[3], 1)  # "Step 4" becomes next
    with app.sessions() as s:
        assert [st.name for st in steps_of(s, patient.id)] == ["Step 1", "Step 4", "Step 2",
                                                               "Step 3"]
    with write_session(app.sessions) as s:
        progression.skip_step(s, progression.active_step(s, patient.id), START)
    with app.sessions() as s:
        active = progression.active_step(s, patient.id)
        assert (active.name, active.start_date) == ("Step 4", START)
        assert steps_of(s, patient.id)[0].is_skipped


def test_started_steps_cannot_be_moved(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [5, 6], START)
    with pytest.raises(RuleError, match="only steps that have not started"), \
            write_session(app.sessions) as s:
        progression.move_step(s, progression.active_step(s, patient.id), 2)


def test_database_refuses_a_second_active_step(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [5, 6], START)
    with pytest.raises(IntegrityError), write_session(app.sessions) as s:
        second = steps_of(s, patient.id)[1]
        second.is_active, second.start_date = True, START
    with app.sessions() as s:
        assert [st.is_active for st in steps_of(s, patient.id)] == [True, False]


def test_database_refuses_zero_day_steps_and_duplicate_orders(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [5], START)
    with pytest.raises(IntegrityError), write_session(app.sessions) as s:
        s.add(TreatmentStep(patient_id=patient.id, order=2, name="x", duration_days=0))
    with pytest.raises(IntegrityError), write_session(app.sessions) as s:
        s.add(TreatmentStep(patient_id=patient.id, order=1, name="x", duration_days=3))


def test_applying_a_plan_while_one_runs_is_refused(app, enrol) -> None:
    with write_session(app.sessions) as s:
        enrol(s, "P1", [5], START)
    with pytest.raises(RuleError, match="still has 1 step"), write_session(app.sessions) as s:
        enrol(s, "P1X", [1], START)  # a fresh patient is fine...
        from clinic_desktop.domain.patients import get_patient
        from clinic_desktop.domain.plans import apply_plan, get_template

        apply_plan(s, get_patient(s, "P1"), get_template(s, "plan P1X 2"), START)


def test_every_change_is_audited_with_who_and_which_pc(app, enrol) -> None:
    with write_session(app.sessions) as s:
        patient = enrol(s, "P1", [5, 5], START)
    with write_session(app.sessions) as s:
        progression.complete_early(s, progression.active_step(s, patient.id), START)
    with app.sessions() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.patient_id == patient.id)
                                .order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["patient_added", "plan_applied", "step_completed",
                                          "step_activated"]
    assert {e.actor for e in events} == {"test-user"}
    assert all(e.host for e in events)
    completed = events[2]
    assert '"is_completed": false' in completed.before and '"is_completed": true' in \
        completed.after
