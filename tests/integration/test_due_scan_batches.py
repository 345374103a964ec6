"""The daily check writes due steps a few dozen to a transaction, each in a savepoint: a
step that fails is reported and rolled back alone, its neighbours in the same transaction
still get their email, the failed one is tried again by the next check, and the audit chain
stays whole."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinic_desktop import audit
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import EmailTemplate, Notification, Patient, TreatmentStep
from clinic_desktop.domain import due_scan
from clinic_desktop.notify import render

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # step 1 lasts 7 days: finished today


def test_one_failing_step_costs_only_itself(app: Any, enrol: Any) -> None:
    codes = [f"P{n:03}" for n in range(1, due_scan.STEPS_PER_TRANSACTION + 11)]
    german = {"P007", "P052"}  # one in the first transaction, one in the second
    default = render.default_source(render.STEP_FINISHED, "de")
    with write_session(app.sessions) as session:
        for code in codes:
            enrol(session, code, [7, 7], START).language = "de" if code in german else "en"
        # A stored German template that renders far too long (an older version wrote it).
        session.add(EmailTemplate(kind=render.STEP_FINISHED, language="de", updated_by="old",
                                  subject=default["subject"], body_text="{{ 'a'*10**8 }}",
                                  body_html=default["html"]))

    report = due_scan.notify_finished_steps(app.sessions, TODAY)

    failed = {item.step.patient_code for item in report.items if item.email == due_scan.FAILED}
    queued = {item.step.patient_code for item in report.items if item.email == due_scan.QUEUED}
    assert failed == german and queued == set(codes) - german
    with app.sessions() as session:
        emailed = set(session.scalars(select(Patient.code).join(
            Notification, Notification.patient_id == Patient.id)))
        flagged = set(session.scalars(select(Patient.code).join(TreatmentStep).where(
            TreatmentStep.notification_sent.is_(True))))
        assert emailed == flagged == set(codes) - german  # nothing half-done for the two
    with app.sessions() as session:
        assert list(audit.verify(session, ZoneInfo("UTC"))) == []  # the chain is whole

    with write_session(app.sessions) as session:  # staff fix the template
        session.execute(EmailTemplate.__table__.delete())
    again = due_scan.notify_finished_steps(app.sessions, TODAY)
    assert {item.step.patient_code for item in again.items
            if item.email == due_scan.QUEUED} == german
