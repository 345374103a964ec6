"""Which step a photo belongs to: the one that was active when it was *taken*.

Orthodontic photos come in sets (front, left, right, upper, lower) taken at one visit, and
often reach the clinic days later. So a photo is filed by when it was taken, in the clinic's
time zone, not by when it was imported:
- the photos taken the same day as the photo that completed a step belong to that step (one
  visit completes a step at most once, whatever order its photos arrive in);
- otherwise the step that was running that day: from its start date until the day the next
  step started (that day belongs to the new step); the last started step (the active one,
  or the last of a finished plan) runs on;
- a photo taken before the plan's first step started belongs to no step.
Days, not times: a step's start is a date, and `--today` tries a plan on made-up days.
Whether the photo completes the step is the caller's business (a photo taken before the
step's due date is a progress photo of it and completes nothing).

The rule is a pure function over plain values, so the importer and the migration that
re-filed older photos (0007) use the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, cast, literal, literal_column, select
from sqlalchemy.orm import Session

from clinic_desktop import audit
from clinic_desktop.db.models import Notification, Patient, Photo, TreatmentStep
from clinic_desktop.domain.photo_views import VIEWS
from clinic_desktop.domain.progression import accept_photo
from clinic_desktop.errors import NotFoundError, RuleError, ValidationError
from clinic_desktop.notify import outbox
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence


@dataclass(frozen=True)
class StepSpan:
    """A started step as the rule needs it: the days it ran, in the clinic's zone."""

    step_id: int
    order: int
    start_date: date
    end_date: date | None  # the day the step after it started; None for the last one
    completed_by_photo_on: date | None  # the day the photo that completed it was taken


def step_when_taken(spans: Sequence[StepSpan], taken_on: date) -> int | None:
    """The id of the step a photo taken on `taken_on` belongs to (see the module's rule)."""
    for span in spans:
        if span.completed_by_photo_on == taken_on:
            return span.step_id
    for span in spans:
        if span.start_date <= taken_on and (span.end_date is None or taken_on < span.end_date):
            return span.step_id
    return None


def spans_of(steps: Sequence[tuple[int, int, date]], completing: dict[int, date]
             ) -> list[StepSpan]:
    """Spans from the started steps as (id, order, start date), and the day each step's
    completing photo was taken. Each step runs until the next one started; the last one
    (active, or the end of the plan) has no end."""
    ordered = sorted(steps, key=lambda s: s[1])
    return [StepSpan(step_id, order, start, ordered[i + 1][2] if i + 1 < len(ordered) else None,
                     completing.get(step_id))
            for i, (step_id, order, start) in enumerate(ordered)]


def step_spans(session: Session, patient_id: int, zone: ZoneInfo) -> list[StepSpan]:
    """The patient's started steps (active, completed, or skipped after starting)."""
    completing = {
        step_id: taken_at.astimezone(zone).date() for step_id, taken_at in session.execute(
            select(Photo.step_id, Photo.taken_at).where(
                Photo.patient_id == patient_id, Photo.completed_step.is_(True)))
        if step_id is not None and taken_at is not None}
    started = session.execute(select(TreatmentStep.id, TreatmentStep.order,
                                     TreatmentStep.start_date).where(
        TreatmentStep.patient_id == patient_id, TreatmentStep.start_date.is_not(None),
        TreatmentStep.is_active.is_(True) | TreatmentStep.is_completed.is_(True))).all()
    return spans_of([(r.id, r.order, r.start_date) for r in started], completing)


# --- photos held by the quality gate (photos/quality.py) --------------------------------------


def issue_codes(column: str) -> list[str]:
    """A photo's `quality_issue` as a list of issues (photos/quality.py); [] = none."""
    return [code for code in column.split(",") if code]


def held_condition() -> ColumnElement[bool]:
    """A flagged photo nobody has accepted, under its patient's active step: the step waits
    for staff to accept it or for a better photo. Written as the partial index
    ix_photo_quality_held is, so the database can use it."""
    return and_(Photo.quality_issue != literal_column("''"),
                Photo.quality_accepted_at.is_(None), TreatmentStep.is_active.is_(True))


@dataclass(frozen=True)
class HeldPhoto:
    photo_id: int
    patient_id: int
    patient_code: str
    patient_name: str
    step_order: int
    step_name: str
    issues: list[str]
    measures: str  # Photo.quality_measures (photos/quality.py describes them)
    original_name: str
    taken_at: datetime | None
    retake_status: str  # the request for a better photo (outbox status); "" = none asked


def held_photos(session: Session, *, patient_id: int | None = None,
                limit: int = 500) -> list[HeldPhoto]:
    """Photos held for quality, oldest first."""
    name = (Patient.first_name + " " + Patient.last_name).label("name")
    retake = select(Notification.status).where(
        Notification.dedupe_key == literal(outbox.RETAKE_KEY_PREFIX) + cast(Photo.id, String)
    ).scalar_subquery()
    query = (select(Photo, Patient.code, name, TreatmentStep.order, TreatmentStep.name, retake)
             .join(TreatmentStep, TreatmentStep.id == Photo.step_id)
             .join(Patient, Patient.id == Photo.patient_id)
             .where(held_condition()).order_by(Photo.imported_at, Photo.id).limit(limit))
    if patient_id is not None:
        query = query.where(Photo.patient_id == patient_id)
    return [HeldPhoto(photo.id, photo.patient_id, code, full, order, step_name,
                      issue_codes(photo.quality_issue), photo.quality_measures,
                      photo.original_name, photo.taken_at, status or "")
            for photo, code, full, order, step_name, status in session.execute(query)]


_NO_PHOTO = sentence(QT_TRANSLATE_NOOP("core", "There is no photo {n}."))
_PASSED = sentence(QT_TRANSLATE_NOOP(
    "core", "Photo {n} passed the quality check; there is nothing to ask the patient to "
    "retake."))
_WAS_ACCEPTED = sentence(QT_TRANSLATE_NOOP(
    "core", "Photo {n} was accepted by {who}; there is nothing to ask the patient to "
    "retake."))
_NO_STEP = sentence(QT_TRANSLATE_NOOP(
    "core", "Photo {n} of {code} belongs to no step of the plan, so there is no step to ask "
    "a new photo for."))


def ask_for_retake(session: Session, photo_id: int, zone: ZoneInfo) -> outbox.Queued:
    """Queue the "please retake your photo" email about a photo the gate held, with its
    reasons; once per photo (`created` is False when it was asked for already)."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFoundError(_NO_PHOTO(n=photo_id))
    if not photo.quality_issue:
        raise RuleError(_PASSED(n=photo_id))
    if photo.quality_accepted_at is not None:
        raise RuleError(_WAS_ACCEPTED(n=photo_id, who=photo.quality_accepted_by))
    step = session.get(TreatmentStep, photo.step_id) if photo.step_id else None
    patient = session.get(Patient, photo.patient_id)
    assert patient is not None
    if step is None:
        raise RuleError(_NO_STEP(n=photo_id, code=patient.code))
    taken_on = photo.taken_at.astimezone(zone).date() if photo.taken_at else None
    queued = outbox.queue_photo_retake(session, patient, step, photo.id,
                                       issue_codes(photo.quality_issue), taken_on)
    if queued.created:
        audit.record(session, "photo_retake_requested", patient_id=patient.id,
                     entity="photo", entity_id=photo.id,
                     detail=f"{photo.original_name}: {photo.quality_issue}")
    return queued


@dataclass(frozen=True)
class StepLabel:
    order: int
    name: str


@dataclass(frozen=True)
class Accepted:
    """What accepting a held photo did: the step it completed and the one that started
    (None: the plan is finished); both None when its step goes on as it was."""

    completed: StepLabel | None
    started: StepLabel | None


def accept_held(session: Session, photo_id: int, today: date, zone: ZoneInfo) -> Accepted:
    """Staff accept the held photo with this number as it is (progression.accept_photo's
    rule): its step goes on as the import would have taken it."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFoundError(_NO_PHOTO(n=photo_id))
    progression = accept_photo(session, photo, today, zone)
    if progression is None:
        return Accepted(None, None)
    # Both steps were just changed in this session: get() finds them without a query.
    done = session.get(TreatmentStep, progression.completed_step_id)
    following = session.get(TreatmentStep, progression.next_step_id) \
        if progression.next_step_id is not None else None
    assert done is not None
    return Accepted(StepLabel(done.order, done.name),
                    StepLabel(following.order, following.name) if following else None)


_NOT_A_VIEW = sentence(QT_TRANSLATE_NOOP(
    "core", "“{view}” is not a view of the teeth: front, left, right, upper or lower (or none)."))


def set_photo_view(session: Session, photo_id: int, view: str) -> bool:
    """Staff say which view a photo shows (one of photo_views.VIEWS, "" = not known), when
    its file name did not say or said it wrong. Audited with the view before and after;
    False when it showed that view already (nothing changes)."""
    if view and view not in VIEWS:
        raise ValidationError(_NOT_A_VIEW(view=view))
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFoundError(_NO_PHOTO(n=photo_id))
    if photo.view == view:
        return False
    audit.record(session, "photo_view_set", patient_id=photo.patient_id, entity="photo",
                 entity_id=photo.id, before={"view": photo.view}, after={"view": view},
                 detail=f"{photo.original_name}: {photo.view or '-'} → {view or '-'}")
    photo.view = view
    return True
