"""What the Today view shows: each list of patients needing something, as plain rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from clinic_desktop import settings
from clinic_desktop.db.models import InboxItem, Notification, Patient, TreatmentStep
from clinic_desktop.domain.steps import finished_condition
from clinic_desktop.notify import outbox


@dataclass(frozen=True)
class Row:
    patient_code: str
    patient_name: str
    detail: str
    ref_id: int | None = None  # notification or inbox item, where the row is about one


@dataclass
class Overview:
    today: date
    due_today: list[Row] = field(default_factory=list)
    awaiting_photo: list[Row] = field(default_factory=list)
    late: list[Row] = field(default_factory=list)
    emails_need_attention: list[Row] = field(default_factory=list)
    unmatched_photos: list[Row] = field(default_factory=list)
    plans_ending: list[Row] = field(default_factory=list)
    late_after_days: int = 3


def today_overview(session: Session, today: date, limit: int = 500) -> Overview:
    late_after = settings.get(session, "reports.late_after_days")
    result = Overview(today=today, late_after_days=late_after)
    name = (Patient.first_name + " " + Patient.last_name).label("name")
    for step, code, full in session.execute(
        select(TreatmentStep, Patient.code, name).join(Patient)
        .where(finished_condition(today)).order_by(TreatmentStep.due_date, Patient.code)
        .limit(limit * 3)
    ):
        days = (today - step.due_date).days
        row = Row(code, full, f"step {step.order} '{step.name}', due "
                  f"{step.due_date:%d %b}" + (f", {days} day(s) late" if days else ""))
        if step.due_date == today:
            result.due_today.append(row)
        elif days >= late_after:
            result.late.append(row)
        else:
            result.awaiting_photo.append(row)
    for note, code, full in session.execute(
        select(Notification, Patient.code, name).outerjoin(Patient, Patient.id ==
                                                           Notification.patient_id)
        .where(Notification.status.in_([outbox.STATUS_FAILED, outbox.STATUS_NEEDS_ATTENTION]))
        .order_by(Notification.created_at.desc()).limit(limit)
    ):
        result.emails_need_attention.append(Row(code or "-", full or note.recipient_name,
                                                f"{note.kind}: {note.last_error}", note.id))
    for item in session.scalars(select(InboxItem).where(InboxItem.status.in_(
            ["unmatched", "refused"])).order_by(InboxItem.id).limit(limit)):
        result.unmatched_photos.append(Row("-", item.original_name,
                                           f"{item.status}: {item.reason}", item.id))
    # Plans ending this week: the active step is the last one and ends within 7 days.
    later = aliased(TreatmentStep)
    has_later = select(later.id).where(later.patient_id == TreatmentStep.patient_id,
                                       later.order > TreatmentStep.order,
                                       later.is_completed.is_(False)).exists()
    for step, code, full in session.execute(
        select(TreatmentStep, Patient.code, name).join(Patient)
        .where(TreatmentStep.is_active.is_(True), ~has_later,
               TreatmentStep.due_date <= today + timedelta(days=7))
        .order_by(TreatmentStep.due_date).limit(limit)
    ):
        result.plans_ending.append(Row(code, full, f"last step '{step.name}' ends "
                                       f"{step.due_date:%d %b}"))
    return result


@dataclass(frozen=True)
class PatientRow:
    id: int
    code: str
    name: str
    email: str
    phone: str
    doctor: str
    step: str
    due: date | None


def search_patients(session: Session, text: str, offset: int, limit: int) -> list[PatientRow]:
    """One page of the patient list, filtered by code, name, email or phone as typed."""
    active = aliased(TreatmentStep)
    query = (select(Patient.id, Patient.code, Patient.first_name, Patient.last_name,
                    Patient.email, Patient.phone, active.order, active.name, active.due_date)
             .outerjoin(active, and_(active.patient_id == Patient.id,
                                     active.is_active.is_(True)))
             .where(*patient_matches(text, _dialect(session)))
             .order_by(Patient.code).offset(offset).limit(limit))
    doctor_names = {}
    rows = session.execute(query).all()
    if rows:
        from clinic_desktop.db.models import Doctor

        doctor_names = dict(session.execute(
            select(Patient.id, Doctor.name).join(Doctor, Doctor.id == Patient.doctor_id)
            .where(Patient.id.in_([r[0] for r in rows]))).all())
    return [PatientRow(r[0], r[1], f"{r[2]} {r[3]}".strip(), r[4] or "", r[5] or "",
                       doctor_names.get(r[0], ""),
                       f"{r[6]} {r[7]}" if r[6] is not None else "", r[8]) for r in rows]


def count_patients(session: Session, text: str) -> int:
    return session.scalar(select(func.count()).select_from(Patient)
                          .where(*patient_matches(text, _dialect(session)))) or 0


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def patient_matches(text: str, dialect: str = "") -> list[ColumnElement[bool]]:
    """Every word typed must appear in the code, a name, the email or the phone (any case).

    On SQLite, `ilike` is `lower(column) LIKE lower(word)` with our Python lower() (SQLite's
    own folds ASCII only): one call into Python per patient and column, ~0.8 s a keystroke
    for 100,000 patients. So on SQLite (pass dialect="sqlite") SQLite's own LIKE, which
    ignores ASCII case, checks the word first with everything else in it made a wildcard;
    lower() then runs only on the values that pass, and not at all for a plain ASCII word.
    Same matches either way.
    """
    columns = (Patient.code, Patient.first_name, Patient.last_name, Patient.email,
               Patient.phone)
    matches = []
    for word in text.split():
        pattern = f"%{word}%"
        if dialect != "sqlite":
            matches.append(or_(*(column.ilike(pattern) for column in columns)))
            continue
        rough = _sqlite_rough_pattern(word)
        if rough == f"%{word.lower()}%":
            matches.append(or_(*(column.like(rough) for column in columns)))
        else:
            matches.append(or_(*(and_(column.like(rough), column.ilike(pattern))
                                 for column in columns)))
    return matches


def _sqlite_rough_pattern(word: str) -> str:
    """A LIKE pattern that every value holding `word` in any case also matches under SQLite's
    own LIKE. Only plain ASCII is kept: SQLite matches it in either case, and no other
    character lowers to it except for i (U+0130 İ lowers to i + a combining dot) and k
    (U+212A, the Kelvin sign); those, `_` and all the rest become `%`."""
    kept = "".join(ch if ch.isascii() and ch not in "ik_" else "%" for ch in word.lower())
    rough = f"%{kept}%"
    while "%%" in rough:
        rough = rough.replace("%%", "%")
    return rough
