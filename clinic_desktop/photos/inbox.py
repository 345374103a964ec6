"""The photo inbox: photos nobody could match, and files the watcher refused."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, Photo
from clinic_desktop.domain.patients import get_patient
from clinic_desktop.domain.photo_views import view_from_name
from clinic_desktop.errors import NotFoundError, RuleError
from clinic_desktop.photos.importer import (
    DUPLICATE,
    IMPORTED,
    REFUSED,
    UNMATCHED,
    ImportOutcome,
    PhotoImporter,
    step_for_photo,
)
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

ASSIGNED = "assigned"
DISMISSED = "dismissed"


@dataclass(frozen=True)
class OpenItem:
    """A photo waiting in the inbox for staff (the window's Photo inbox, `inbox list`)."""

    id: int
    status: str  # UNMATCHED or REFUSED
    original_name: str
    reason: str
    source_path: str
    sha256: str  # "" for a file that was refused before it was read
    taken_at: datetime | None
    created_at: datetime


def open_items(session: Session) -> list[OpenItem]:
    """The photos nobody could match and the files refused, oldest first."""
    return [OpenItem(i.id, i.status, i.original_name, i.reason or "", i.source_path or "",
                     i.sha256 or "", i.taken_at, i.created_at)
            for i in session.scalars(select(InboxItem).where(
                InboxItem.status.in_([UNMATCHED, REFUSED])).order_by(InboxItem.id))]


def assign(importer: PhotoImporter, item_id: int, patient_code: str, *,
           confirm_early: bool = False, step_order: int | None = None) -> ImportOutcome:
    """Give an unmatched photo to a patient: it is imported exactly as if it had arrived with
    the right name, for their active step (so a finished step advances) or for the step staff
    chose by its number (an earlier step keeps it as a record; nothing else changes)."""

    with importer.sessions() as session:
        # An unknown code or a step that cannot take the photo leaves it where it is.
        patient = get_patient(session, patient_code)
        step_for_photo(session, patient, step_order)
        item = session.get(InboxItem, item_id)
        if item is None:
            raise NotFoundError(_NO_ITEM(n=item_id))
        if item.status != UNMATCHED:
            raise RuleError(_NOT_UNMATCHED(n=item_id, status=item.status))
        source, name, taken = item.source_path, item.original_name, item.taken_at
        library_file = importer.library.resolve(item.library_path)
    # When it was taken comes from the file as it first arrived: the library copy's date
    # is only when it was stored.
    outcome = importer.import_file(library_file, patient_code=patient_code, taken_at=taken,
                                   confirm_early=confirm_early, step_order=step_order)
    # Staff know the photo by its original name, not by the library's content-hash file.
    outcome = replace(outcome, path=Path(name))
    if outcome.status not in (IMPORTED, DUPLICATE) or outcome.patient_code is None:
        return outcome
    with write_session(importer.sessions) as session:
        item = session.get(InboxItem, item_id)
        assert item is not None
        photo = session.get(Photo, outcome.photo_id) if outcome.photo_id else None
        if photo is not None:
            photo.source_path, photo.original_name = source, name
            if outcome.status == IMPORTED:  # the library file's name says no view
                photo.view = view_from_name(name)
            photo.taken_at = taken or photo.taken_at
        item.status, item.photo_id = ASSIGNED, outcome.photo_id
        chosen = f" (step {step_order} chosen by staff)" if step_order is not None else ""
        audit.record(session, "inbox_assigned", entity="photo_inbox", entity_id=item.id,
                     detail=f"{name} → {outcome.patient_code}: {outcome.message}{chosen}")
    return outcome


_NO_ITEM = sentence(QT_TRANSLATE_NOOP("core", "There is no photo inbox item {n}."))
_NOT_UNMATCHED = sentence(QT_TRANSLATE_NOOP(
    "core", "Inbox item {n} is {status}; only unmatched photos can be assigned."))
_ALREADY_ASSIGNED = sentence(QT_TRANSLATE_NOOP(
    "core", "Inbox item {n} ({name}) was assigned to a patient; it is in their photos now and "
    "cannot be dismissed."))


@dataclass(frozen=True)
class StepChoice:
    """One step as the assign dialog offers it."""

    order: int
    name: str
    state: str  # "active", "completed", "skipped" or "not started"

    @property
    def can_take_photo(self) -> bool:
        return self.state != "not started"

    def label(self) -> str:
        return f"Step {self.order} – {self.name} ({self.state})"


def step_choices(session: Session, patient_code: str) -> tuple[str, str, list[StepChoice]]:
    """The patient's code, "code and name", and steps, for choosing where a photo goes."""

    patient = get_patient(session, patient_code)
    choices = [StepChoice(s.order, s.name,
                          "active" if s.is_active else
                          ("skipped" if s.is_skipped else "completed") if s.is_completed else
                          "not started")
               for s in patient.steps]
    return patient.code, f"{patient.code} {patient.full_name}", choices


def dismiss(session: Session, item_id: int) -> bool:
    """Take an unmatched or refused photo out of the inbox; False when it was already out."""
    item = session.get(InboxItem, item_id)
    if item is None:
        raise NotFoundError(_NO_ITEM(n=item_id))
    if item.status == DISMISSED:
        return False
    if item.status == ASSIGNED:
        raise RuleError(_ALREADY_ASSIGNED(n=item_id, name=item.original_name))
    before = item.status
    item.status = DISMISSED
    audit.record(session, "inbox_dismissed", entity="photo_inbox", entity_id=item.id,
                 before={"status": before}, after={"status": DISMISSED},
                 detail=item.original_name)
    return True


def dismiss_item(sessions: sessionmaker[Session], item_id: int) -> bool:
    """`dismiss` in a transaction of its own (the window's Dismiss, `inbox dismiss`)."""
    with write_session(sessions) as session:
        return dismiss(session, item_id)
