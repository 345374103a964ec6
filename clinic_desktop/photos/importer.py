"""Import photos: one service for the command line, the window app and the folder watcher."""

from __future__ import annotations

import logging
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, clock, settings
from clinic_desktop.db.backup import database_place
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, Patient, Photo, TreatmentStep
from clinic_desktop.domain.photo_sets import step_spans, step_when_taken
from clinic_desktop.domain.photo_views import view_from_name
from clinic_desktop.domain.progression import active_step, complete_after_photo, step_by_order
from clinic_desktop.errors import (
    ClinicError,
    DiskFullError,
    NotFoundError,
    RuleError,
    disk_full,
    write_failure,
)
from clinic_desktop.photos import quality
from clinic_desktop.photos.image import (
    NOT_AN_ORDINARY_FILE,
    DecodedPhoto,
    PhotoRefused,
    file_modified_at,
    read_photo,
)
from clinic_desktop.photos.library import PhotoLibrary
from clinic_desktop.photos.results import DUPLICATE as DUPLICATE
from clinic_desktop.photos.results import IMPORTED as IMPORTED
from clinic_desktop.photos.results import REFUSED as REFUSED
from clinic_desktop.photos.results import UNMATCHED as UNMATCHED
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

log = logging.getLogger(__name__)

# Why a photo found no patient, or was not imported (the outcome's message, the inbox's reason).
_SEVERAL_PATIENTS = sentence(QT_TRANSLATE_NOOP(
    "core", "the name matches several patients: {codes}"))
_NO_CODE = sentence(QT_TRANSLATE_NOOP(
    "core", "no patient code in the file or folder name (e.g. P00123_front.jpg)"))
_NO_SUCH_PATIENT = sentence(QT_TRANSLATE_NOOP("core", "no patient with code {codes}"))
_ALREADY_WAITING = sentence(QT_TRANSLATE_NOOP(
    "core", "already waiting in the photo inbox as item {n}"))
_ALREADY_IMPORTED = sentence(QT_TRANSLATE_NOOP("core", "already imported"))
_IMPORTED_ON = sentence(QT_TRANSLATE_NOOP("core", "already imported on {day} for {code}"))
_IMPORTED_ON_STEP = sentence(QT_TRANSLATE_NOOP(
    "core", "already imported on {day} for {code}, step {n}"))
_NOT_IMPORTED = sentence(QT_TRANSLATE_NOOP("core", "the photo {name} was not imported"))
_IMPORT_AGAIN = sentence(QT_TRANSLATE_NOOP("core", "import it again"))
_UNEXPECTED = sentence(QT_TRANSLATE_NOOP(
    "core", "not imported because of an unexpected error ({problem}); the details are in the "
    "log file in the data folder's logs/."))
_NO_PLAN = sentence(QT_TRANSLATE_NOOP(
    "core", "{code} has no steps yet (no plan), so there is no step {n}; import the photo "
    "without a step."))
_NO_SUCH_STEP = sentence(QT_TRANSLATE_NOOP(
    "core", "{code} has no step {n}; their steps are {n_first} to {n_last}."))
_NOT_STARTED = sentence(QT_TRANSLATE_NOOP(
    "core", "Step {n} '{name}' of {code} has not started yet ({now}); a photo can go under "
    "the active step or an earlier one."))
_ACTIVE_IS = sentence(QT_TRANSLATE_NOOP("core", "the active step is {n} '{name}'"))
_NONE_ACTIVE = sentence(QT_TRANSLATE_NOOP("core", "no step is active"))

# Files a folder import passes over quietly: not photos, and our own bookkeeping.
_SKIP_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_SKIP_SUFFIXES = {".txt", ".tmp", ".part", ".crdownload", ".partial"}


@dataclass
class ImportOutcome:
    path: Path
    status: str
    message: str
    patient_code: str | None = None
    step_order: int | None = None
    photo_id: int | None = None
    inbox_id: int | None = None
    progressed: str = ""
    held: list[str] = field(default_factory=list)  # the quality gate's issues (quality.py)

    def line(self) -> str:
        return f"{self.status:<9} {self.path}: {self.message}"


def library_for(sessions: sessionmaker[Session], data_dir: Path) -> PhotoLibrary:
    with sessions() as session:
        configured = settings.get(session, "photos.library_dir")
    return PhotoLibrary(Path(configured) if configured else data_dir / "photos")


class PhotoImporter:
    """Matches photos to patients and steps, keeps them, and advances finished steps."""

    def __init__(self, sessions: sessionmaker[Session], library: PhotoLibrary, today: date):
        self.sessions = sessions
        self.library = library
        self.today = today
        with sessions() as session:
            self.zone: ZoneInfo = settings.clinic_zone(session)
            self.max_megapixels: int = settings.get(session, "photos.max_megapixels")
            self.code_pattern = re.compile(settings.get(session, "photos.code_pattern"))
            self.quality_limits = quality.Thresholds.of_clinic(session)

    @classmethod
    def for_app(cls, app: Any, today: date) -> PhotoImporter:
        """The importer for an open clinic (AppContext): its library setting and data folder."""
        return cls(app.sessions, library_for(app.sessions, app.paths.data_dir), today)

    # --- matching -------------------------------------------------------------------------

    def codes_in(self, path: Path) -> list[list[str]]:
        """Candidate codes: first from the file name, then each folder upwards (3 levels)."""
        names = [path.stem, *[p.name for p in list(path.parents)[:3]]]
        return [[c.upper() for c in self.code_pattern.findall(name)] for name in names]

    def match_patient(self, session: Session, path: Path) -> tuple[Patient | None, str]:
        """The patient named by the path, or None and why not."""
        seen_any: list[str] = []
        for codes in self.codes_in(path):
            if not codes:
                continue
            seen_any += codes
            found = session.scalars(select(Patient).where(Patient.code.in_(set(codes)))).all()
            if len(found) == 1:
                return found[0], ""
            if len(found) > 1:
                return None, _SEVERAL_PATIENTS(codes=", ".join(sorted(p.code for p in found)))
        if not seen_any:
            return None, _NO_CODE()
        return None, _NO_SUCH_PATIENT(codes=", ".join(dict.fromkeys(seen_any)))

    # --- import ---------------------------------------------------------------------------

    def import_file(self, path: Path, *, patient_code: str | None = None,
                    taken: date | None = None, taken_at: datetime | None = None,
                    confirm_early: bool = False, step_order: int | None = None,
                    unmatched_reason: str = "") -> ImportOutcome:
        """Import one file. `step_order` (the step's number in the patient's plan) files the
        photo under that step instead of the one it was taken in; see `step_for_photo`.
        `taken_at` is when it was taken, when known better than the file says (the inbox).
        `unmatched_reason`: nobody is looked for (an email from an unknown sender); the photo
        waits in the inbox with this reason."""
        return self._store(path, self._decode(path), patient_code=patient_code, taken=taken,
                           taken_at=taken_at, confirm_early=confirm_early,
                           step_order=step_order, unmatched_reason=unmatched_reason)

    def _decode(self, path: Path) -> DecodedPhoto | ImportOutcome:
        """The slow part (decode, thumbnails): touches no database, so it may run in a thread."""
        try:
            return read_photo(path, max_megapixels=self.max_megapixels, zone=self.zone)
        except PhotoRefused as exc:
            return ImportOutcome(path, REFUSED, str(exc).removeprefix(f"{path.name}: "))
        except Exception as exc:
            # read_photo refuses every failure it knows of; this one file must still not
            # end a folder import or meet the folder watcher again at every poll.
            log.exception("Unexpected error reading %s", path)
            return _unexpected(path, exc)

    def _store(self, path: Path, photo: DecodedPhoto | ImportOutcome, *,
               patient_code: str | None = None, taken: date | None = None,
               taken_at: datetime | None = None, confirm_early: bool = False,
               step_order: int | None = None, unmatched_reason: str = "") -> ImportOutcome:
        if isinstance(photo, ImportOutcome):
            return photo  # refused while decoding
        if taken is not None:
            taken_at = datetime.combine(taken, time(12), self.zone).astimezone(UTC)
        taken_at = taken_at or photo.taken_at or file_modified_at(path)
        if taken_at is not None:
            taken_at = min(taken_at, clock.now_utc())  # a camera whose clock runs ahead
        try:
            return self._record(path, photo, taken_at, patient_code, confirm_early,
                                step_order, unmatched_reason)
        except DiskFullError:
            raise  # not this file's fault: the rest would meet the same full disk
        except ClinicError as exc:
            return ImportOutcome(path, REFUSED, str(exc), step_order=step_order)
        except SQLAlchemyError as exc:
            if write_failure(exc):
                bind = self.sessions.kw["bind"]
                raise disk_full(exc, database_place(str(bind.url)),
                                _NOT_IMPORTED(name=path.name), _IMPORT_AGAIN()) from exc
            raise  # the database, not this file: stop, and the watcher tries again later
        except Exception as exc:  # one file never stops the rest (folder, watcher, inbox)
            log.exception("Unexpected error importing %s", path)
            return _unexpected(path, exc)

    def _record(self, path: Path, photo: DecodedPhoto, taken_at: datetime | None,
                patient_code: str | None, confirm_early: bool,
                step_order: int | None, unmatched_reason: str = "") -> ImportOutcome:
        with self.sessions() as session:
            if patient_code:
                patient = session.scalar(select(Patient).where(
                    Patient.code == patient_code.strip().upper()))
                reason = "" if patient else _NO_SUCH_PATIENT(codes=patient_code.upper())
            elif unmatched_reason:
                patient, reason = None, unmatched_reason
            else:
                patient, reason = self.match_patient(session, path)
            if patient is not None:
                duplicate = _describe_duplicate(session, patient, photo.sha256, self.zone)
                if duplicate:
                    return ImportOutcome(path, DUPLICATE, duplicate, patient.code)
                if step_order is not None:
                    # A step that cannot take the photo refuses it before the library is written.
                    step_for_photo(session, patient, step_order)
                patient_id = patient.id
            else:
                waiting = session.scalar(select(InboxItem.id).where(
                    InboxItem.sha256 == photo.sha256, InboxItem.status == UNMATCHED))
                if waiting:
                    return ImportOutcome(path, DUPLICATE, _ALREADY_WAITING(n=waiting))
        try:
            stored = self.library.store(photo.sha256, photo.extension, photo.data,
                                        photo.thumbnails)
        except OSError as exc:  # only a full disk: the library names other failures itself
            raise disk_full(exc, self.library.root, _NOT_IMPORTED(name=path.name),
                            _IMPORT_AGAIN()) from exc
        relative = self.library.relative(stored)
        if patient is None:
            return self._to_inbox(path, photo, taken_at, relative, reason)
        try:
            with write_session(self.sessions) as session:
                return self._add_photo(session, path, photo, taken_at, relative, patient_id,
                                       confirm_early, step_order)
        except IntegrityError:
            # Another PC imported the same photo a moment ago.
            with self.sessions() as session:
                patient = session.get(Patient, patient_id)
                assert patient is not None
                return ImportOutcome(path, DUPLICATE, _describe_duplicate(
                    session, patient, photo.sha256, self.zone) or _ALREADY_IMPORTED(),
                    patient.code)

    def _add_photo(self, session: Session, path: Path, photo: DecodedPhoto,
                   taken_at: datetime | None, relative: str, patient_id: int,
                   confirm_early: bool, step_order: int | None) -> ImportOutcome:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        taken_on = min(taken_at.astimezone(self.zone).date(), self.today) if taken_at \
            else self.today
        if step_order is None:
            # The step that was active when it was taken (photo sets, late arrivals).
            step_id = step_when_taken(step_spans(session, patient.id, self.zone), taken_on)
            step = session.get(TreatmentStep, step_id) if step_id else None
        else:
            step = step_for_photo(session, patient, step_order)
        row = Photo(patient_id=patient.id, step_id=step.id if step else None,
                    sha256=photo.sha256, taken_at=taken_at, source_path=str(path),
                    library_path=relative, original_name=path.name,
                    view=view_from_name(path.name), image_format=photo.image_format,
                    width=photo.width, height=photo.height,
                    file_size=len(photo.data),
                    quality_issue=",".join(quality.judge(photo.quality, self.quality_limits)),
                    quality_measures=quality.stored(photo.quality, self.quality_limits))
        session.add(row)
        session.flush()
        outcome = ImportOutcome(path, IMPORTED, "", patient.code,
                                step.order if step else None, row.id)
        if step is None:
            outcome.message = (f"kept for {patient.code} (taken {taken_on.isoformat()}, when "
                               "no step of the plan was running)")
        elif step.is_completed:
            # A photo that belongs to an earlier step is a record of it: the plan stays put.
            ended = "skipped" if step.is_skipped else "completed"
            when = (f" on {step.completed_at.astimezone(self.zone).date().isoformat()}"
                    if step.completed_at else "")
            outcome.message = (f"record photo for {patient.code}, step {step.order} "
                               f"'{step.name}' ({ended}{when}); nothing else changes")
        elif row.quality_issue:
            # Kept and filed, but the step does not advance on it (photos/quality.py).
            outcome.held = quality.judge(photo.quality, self.quality_limits)
            outcome.message = (f"photo held for {patient.code}, step {step.order} "
                               f"'{step.name}': "
                               f"{quality.describe(row.quality_issue, row.quality_measures)}; "
                               "the step waits until staff accept it or a better photo "
                               "arrives")
        else:
            progression = complete_after_photo(session, step, self.today, taken_on=taken_on,
                                               confirm_early=confirm_early)
            if progression is None:
                outcome.message = (f"progress photo for {patient.code}, step {step.order} "
                                   f"'{step.name}' (taken {taken_on.isoformat()}, due "
                                   f"{step.due_date}); nothing else changes")
            else:
                row.completed_step = True
                following = session.get(TreatmentStep, progression.next_step_id) \
                    if progression.next_step_id else None
                outcome.progressed = ("plan finished" if following is None else
                                      f"step {following.order} '{following.name}' started")
                outcome.message = (f"{patient.code}: step {step.order} '{step.name}' "
                                   f"completed; {outcome.progressed}")
        chosen = f" (step {step_order} chosen by staff)" if step_order is not None else ""
        audit.record(session, "photo_imported", patient_id=patient.id, entity="photo",
                     entity_id=row.id, detail=f"{path.name}: {outcome.message}{chosen}")
        return outcome

    def _to_inbox(self, path: Path, photo: DecodedPhoto, taken_at: datetime | None,
                  relative: str, reason: str) -> ImportOutcome:
        with write_session(self.sessions) as session:
            item = InboxItem(status=UNMATCHED, reason=reason, source_path=str(path),
                             library_path=relative, original_name=path.name,
                             sha256=photo.sha256, taken_at=taken_at)
            session.add(item)
            session.flush()
            audit.record(session, "photo_unmatched", entity="photo_inbox", entity_id=item.id,
                         detail=f"{path.name}: {reason}")
            return ImportOutcome(path, UNMATCHED, f"{reason}; kept in the photo inbox as item "
                                 f"{item.id} (assign it with `clinic-desktop inbox assign "
                                 f"{item.id} --patient CODE`)", inbox_id=item.id)

    def import_paths(self, paths: Iterable[Path], *, workers: int | None = None,
                     **options: Any) -> Iterator[ImportOutcome]:
        """Files and folders, one outcome a file, in order.

        Decoding takes most of the time and Pillow does it without holding the GIL, so
        `workers` threads (default: one a core, at most 4) decode the next few files while
        each is stored, matched and recorded in turn here. Stopping early (closing the
        generator) waits only for the decodes already running.
        """
        workers = workers or min(4, os.cpu_count() or 1)
        pool = ThreadPoolExecutor(workers, thread_name_prefix="photo-decode")
        ahead: deque[tuple[Path | ImportOutcome, Future[DecodedPhoto | ImportOutcome] | None]]
        ahead = deque()
        try:
            for path in expand_paths(paths):
                decoding = None if isinstance(path, ImportOutcome) else \
                    pool.submit(self._decode, path)
                ahead.append((path, decoding))
                while len(ahead) > workers:  # at most this many decoded photos held at once
                    yield self._stored(*ahead.popleft(), options)
            while ahead:
                yield self._stored(*ahead.popleft(), options)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _stored(self, path: Path | ImportOutcome,
                decoding: Future[DecodedPhoto | ImportOutcome] | None,
                options: dict[str, Any]) -> ImportOutcome:
        if isinstance(path, ImportOutcome):
            return path
        assert decoding is not None
        return self._store(path, decoding.result(), **options)


_CANNOT_LOOK = sentence(QT_TRANSLATE_NOOP("core", "cannot be looked at ({problem})"))
_NO_SUCH_PATH = sentence(QT_TRANSLATE_NOOP("core", "there is no such file or folder"))
_FOLDER_UNREADABLE = sentence(QT_TRANSLATE_NOOP(
    "core", "the folder cannot be read ({problem}); the photos in it were not imported"))


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | ImportOutcome]:
    """Files as given; folders recursively, in name order, skipping our own bookkeeping.

    In folders, what is not an ordinary file (a pipe, a device, a link to one) is refused
    here, so nothing — the folder watcher included — ever opens it: a pipe would wait for a
    writer for ever. A file given by name is checked when it is read (`read_photo`).
    """
    for path in paths:
        try:
            is_folder, exists = path.is_dir(), path.exists()
        except (OSError, ValueError) as exc:  # no permission to look, a NUL in the name
            yield ImportOutcome(path, REFUSED, _CANNOT_LOOK(problem=_reason(exc)))
            continue
        if is_folder:
            yield from _folder_files(path)
        elif exists:
            yield path
        else:
            yield ImportOutcome(path, REFUSED, _NO_SUCH_PATH())


def _folder_files(folder: Path) -> Iterator[Path | ImportOutcome]:
    """Like os.walk (top down, names sorted, links to folders not followed), but from the
    directory entries it also knows, without opening anything, which are ordinary files."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield ImportOutcome(folder, REFUSED, _FOLDER_UNREADABLE(problem=_reason(exc)))
        return
    subfolders = []
    for entry in entries:
        name = entry.name
        try:
            if entry.is_dir():
                if not entry.is_symlink() and name not in ("failed", "thumbs"):
                    subfolders.append(Path(entry.path))
                continue
            ordinary = entry.is_file()
        except OSError:
            ordinary = False
        if name.lower() in _SKIP_NAMES or name.startswith(".") or \
                os.path.splitext(name)[1].lower() in _SKIP_SUFFIXES:
            continue
        if ordinary:
            yield Path(entry.path)
        else:
            yield ImportOutcome(Path(entry.path), REFUSED, NOT_AN_ORDINARY_FILE)
    for subfolder in subfolders:
        yield from _folder_files(subfolder)


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def _unexpected(path: Path, exc: Exception) -> ImportOutcome:
    return ImportOutcome(path, REFUSED, _UNEXPECTED(problem=type(exc).__name__))


def step_for_photo(session: Session, patient: Patient,
                   step_order: int | None) -> TreatmentStep | None:
    """The step a photo is filed under: the active one, or the step staff chose by its number.

    The active step (chosen or not) may advance when the photo arrives; a completed or skipped
    step takes the photo as a record and nothing moves; a step that has not started cannot
    have a photo yet, so it is refused before anything is written.
    """
    active = active_step(session, patient.id)
    if step_order is None:
        return active
    step = step_by_order(session, patient.id, step_order)
    if step is None:
        orders = session.scalars(select(TreatmentStep.order).where(
            TreatmentStep.patient_id == patient.id).order_by(TreatmentStep.order)).all()
        if not orders:
            raise NotFoundError(_NO_PLAN(code=patient.code, n=step_order))
        raise NotFoundError(_NO_SUCH_STEP(code=patient.code, n=step_order, n_first=orders[0],
                                          n_last=orders[-1]))
    if step.is_active or step.is_completed:
        return step
    now = _ACTIVE_IS(n=active.order, name=active.name) if active is not None \
        else _NONE_ACTIVE()
    raise RuleError(_NOT_STARTED(n=step.order, name=step.name, code=patient.code, now=now))


def _describe_duplicate(session: Session, patient: Patient, sha256: str,
                        zone: ZoneInfo) -> str:
    existing = session.scalar(select(Photo).where(Photo.patient_id == patient.id,
                                                  Photo.sha256 == sha256))
    if existing is None:
        return ""
    step = session.get(TreatmentStep, existing.step_id) if existing.step_id else None
    day = existing.imported_at.astimezone(zone).date().isoformat()
    if step is None:
        return _IMPORTED_ON(day=day, code=patient.code)
    return _IMPORTED_ON_STEP(day=day, code=patient.code, n=step.order)

