"""A demo clinic: two doctors, two plan templates and patients at every stage of treatment."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Doctor, Notification, Patient, TreatmentStep, due_date_for
from clinic_desktop.domain.plans import StepSpec, create_template
from clinic_desktop.errors import RuleError
from clinic_desktop.notify import outbox

FIRST_NAMES = ["Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
               "Kemal", "Lena", "Mateo", "Nora", "Oskar", "Priya", "Quentin", "Rosa", "Sven",
               "Tariq", "Uma", "Viktor", "Wen", "Yara", "Zoë"]
LAST_NAMES = ["Schmidt", "Müller", "Novak", "García", "Okafor", "Lindqvist", "Rossi", "Dubois",
              "Kowalski", "Yılmaz", "Nguyen", "O'Brien", "Haddad", "Jensen", "Tanaka"]
ALIGNER_INSTRUCTIONS = ("Wear your aligners 22 hours a day. Take them out only to eat, drink "
                        "anything but water, and brush.")
RETAINER_INSTRUCTIONS = "Wear your retainer every night."


def aligner_plan(steps: int = 24) -> list[StepSpec]:
    return [StepSpec(f"Aligner {n}", 14, ALIGNER_INSTRUCTIONS) for n in range(1, steps + 1)]


def retainer_plan() -> list[StepSpec]:
    return [StepSpec(f"Retainer check {n}", 30, RETAINER_INSTRUCTIONS) for n in range(1, 7)]


@dataclass(frozen=True)
class Stage:
    """Where a demo patient is: active step number and how many days ago it started."""

    label: str
    active_order: int | None  # None: plan finished
    started_days_ago: int
    email: bool = True
    consent: bool = True
    notified: bool = False
    paused_days: int = 0


# One of each per ten patients, so every list in the app has something in it.
STAGES = [
    Stage("in the middle of a step", 5, 6),
    Stage("due today", 3, 14),
    Stage("late, not yet told", 8, 18),
    Stage("late, told, waiting for a photo", 11, 24, notified=True),
    Stage("plan finished", None, 0),
    Stage("due, no email address", 2, 16, email=False, consent=False),
    Stage("due today, no email consent", 6, 14, consent=False),
    Stage("starts next week", 1, -7),
    Stage("just started", 1, 2),
    Stage("paused for ten days", 4, 9, paused_days=10),
]


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    steps: int
    doctors: int
    templates: int


DEMO_NAME = "Demo Smile Clinic"


def holds_demo(session: Session) -> int:
    """How many patients the demo clinic already has here; 0 when this is not the demo."""
    if settings.get(session, "clinic.name") != DEMO_NAME:
        return 0
    return session.scalar(select(func.count()).select_from(Patient)) or 0


def build_demo(session: Session, today: date, patients: int = 30, *, seed: int = 7,
               aligner_steps: int = 24, with_retainers: bool = True) -> DemoSummary:
    """Fill an empty database. Rows are written in bulk so that `--patients 100000` is quick."""
    existing = session.scalar(select(func.count()).select_from(Patient))
    if existing:
        raise RuleError(f"This database already has {existing} patients; the demo clinic is "
                        "only made in an empty data folder (use --data-dir).")
    rng = random.Random(seed)
    settings.set_value(session, "clinic.name", DEMO_NAME)
    settings.set_value(session, "clinic.phone", "+44 20 7946 0000")
    settings.set_value(session, "clinic.email", "reception@example.org")
    doctors = [Doctor(name="Dr. Anna Weber", email="anna.weber@example.org"),
               Doctor(name="Dr. Ben Okafor", email="ben.okafor@example.org")]
    session.add_all(doctors)
    aligners = create_template(session, "Clear aligners", aligner_plan(aligner_steps),
                               "Aligner series, one set every 14 days")
    retainers = create_template(session, "Retainer follow-up", retainer_plan(),
                                "Monthly retainer checks after aligner treatment")
    session.flush()

    patient_rows = []
    for i in range(patients):
        stage = STAGES[i % len(STAGES)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        code = f"P{i + 1:05d}"
        patient_rows.append({
            "code": code, "first_name": first, "last_name": last,
            "email": f"{code.lower()}@example.org" if stage.email else None,
            "phone": f"+44 7700 9{i % 100000:05d}", "email_consent": stage.consent,
            "language": "en", "doctor_id": doctors[i % 2].id,
            "created_at": datetime.now(UTC),
        })
    ids = []
    for chunk in _chunks(patient_rows, 5000):
        ids.extend(session.scalars(insert(Patient).returning(Patient.id,
                                                             sort_by_parameter_order=True),
                                   chunk))

    step_rows: list[dict[str, object]] = []
    notified: list[tuple[int, int]] = []  # (patient row index, step order)
    steps_written = 0
    for i, patient_id in enumerate(ids):
        stage = STAGES[i % len(STAGES)]
        template = retainers if with_retainers and i % 7 == 6 else aligners
        step_rows.extend(_plan_rows(patient_id, template.name, template.steps, stage, today))
        if stage.notified:
            notified.append((patient_id, stage.active_order or 0))
        if len(step_rows) >= 50_000:
            session.execute(insert(TreatmentStep), step_rows)
            steps_written += len(step_rows)
            step_rows = []
    if step_rows:
        session.execute(insert(TreatmentStep), step_rows)
        steps_written += len(step_rows)
    _record_sent_emails(session, notified)
    audit.record(session, "demo_created", detail=f"{patients} patients")
    return DemoSummary(patients, steps_written, len(doctors), 2)


def _plan_rows(patient_id: int, plan_name: str, template_steps: list, stage: Stage,
               today: date) -> list[dict[str, object]]:
    count = len(template_steps)
    active = None if stage.active_order is None else min(stage.active_order, count)
    active_start = today - timedelta(days=stage.started_days_ago)
    rows = []
    for t in template_steps:
        row: dict[str, object] = {
            "patient_id": patient_id, "order": t.order, "name": t.name,
            "instructions": t.instructions, "duration_days": t.duration_days,
            "plan_name": plan_name, "start_date": None, "due_date": None, "paused_until": None,
            "paused_days": 0, "is_active": False, "is_completed": False, "is_skipped": False,
            "completed_at": None, "notification_sent": False,
        }
        if active is None or t.order < active:
            # Completed earlier steps, back to back before the active one.
            steps_back = (active or count + 1) - t.order
            start = active_start - timedelta(days=t.duration_days * steps_back)
            finished_on = start + timedelta(days=t.duration_days)
            row.update(start_date=start, is_completed=True, notification_sent=True,
                       completed_at=datetime.combine(finished_on, time(10), UTC))
        elif t.order == active:
            row.update(start_date=active_start, is_active=True,
                       notification_sent=stage.notified)
            if stage.paused_days:
                row.update(paused_days=stage.paused_days,
                           paused_until=today + timedelta(days=stage.paused_days))
        row["due_date"] = due_date_for(row["start_date"], t.duration_days,  # type: ignore[arg-type]
                                       row["paused_days"])  # type: ignore[arg-type]
        rows.append(row)
    return rows


def _record_sent_emails(session: Session, notified: list[tuple[int, int]]) -> None:
    """Patients marked as told get the matching 'sent' outbox row, as a real clinic would have."""
    for chunk in _chunks(notified, 2000):
        pairs = {(p, o) for p, o in chunk}
        rows = session.execute(
            select(TreatmentStep.id, TreatmentStep.patient_id, TreatmentStep.order,
                   TreatmentStep.name, TreatmentStep.due_date, Patient.email)
            .join(Patient, Patient.id == TreatmentStep.patient_id)
            .where(TreatmentStep.patient_id.in_([p for p, _ in chunk]))
        ).all()
        values = [
            {"kind": outbox.KIND_STEP_FINISHED,
             "dedupe_key": outbox.dedupe_key(outbox.KIND_STEP_FINISHED, step_id),
             "patient_id": patient_id, "step_id": step_id, "recipient": email or "",
             "subject": outbox.subject_for(outbox.KIND_STEP_FINISHED, name),
             "status": outbox.STATUS_SENT, "attempts": 1, "last_error": "",
             "message_id": f"<demo-{step_id}@clinic-desktop.invalid>",
             "created_at": datetime.combine(due, time(9), UTC),
             "sent_at": datetime.combine(due, time(9, 1), UTC)}
            for step_id, patient_id, order, name, due, email in rows
            if (patient_id, order) in pairs
        ]
        if values:
            session.execute(insert(Notification), values)


def _chunks(items: list, size: int):  # type: ignore[no-untyped-def]
    for start in range(0, len(items), size):
        yield items[start:start + size]


def set_up_clinic(sessions: sessionmaker[Session], values: Mapping[str, str],
                  demo_today: date | None) -> None:
    """The setup wizard's Finish: the clinic's settings, all checked together, and with
    `demo_today` the demo clinic as of that day under the clinic's own name; nothing at all
    when a value is refused (settings.SettingsRefused names them)."""
    with write_session(sessions) as session:
        settings.set_values(session, values)
        if demo_today is not None:
            build_demo(session, demo_today)
            settings.set_value(session, "clinic.name", values["clinic.name"])
