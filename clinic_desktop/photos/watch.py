"""Watch folders (local or network shares) for new photos and import each one exactly once."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from clinic_desktop import audit, settings
from clinic_desktop import clock as clinic_clock
from clinic_desktop.db.backup import database_place
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, WatchedFile
from clinic_desktop.errors import DiskFullError, disk_full, write_failure
from clinic_desktop.photos.importer import REFUSED, ImportOutcome, PhotoImporter, expand_paths
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

log = logging.getLogger(__name__)
IMPORTED_DIR = "imported"
FAILED_DIR = "failed"
# A watched_file row that is evidence, not a result: this size and time were first seen at
# its handled_at. It becomes the file's outcome once the file is taken.
WAITING = "waiting"

_UNREACHABLE = sentence(QT_TRANSLATE_NOOP("core", "The watched folder {folder} cannot be "
                                          "reached."))
_FOLDER_REFUSED = sentence(QT_TRANSLATE_NOOP("core", "{path} in a watched folder: {problem}"))
_NOT_TAKEN = sentence(QT_TRANSLATE_NOOP(
    "core", "the photos in the watched folders were not taken; they stay where they are"))
_NEXT_LOOK = sentence(QT_TRANSLATE_NOOP("core", "the watcher takes them at its next look"))


@dataclass
class PollReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    waiting: int = 0  # files still changing (being copied)
    problems: list[str] = field(default_factory=list)  # folders that cannot be read
    stopped: bool = False  # the app quit before every ready file was taken


_Key = tuple[str, int, int]  # (path, size, mtime_ns): one version of one file


class FolderWatcher:
    """Polls folders; takes a file once its size and time have been still for a while and it
    opens, imports it, then moves it to imported/ (or keeps it) — or to failed/ with a .txt.

    Polling works on every kind of folder, including network shares where change events do
    not arrive. What the watcher knows lives in the database (`watched_file`), not in this
    process: a file still being copied has a "waiting" row with the size and time last seen
    and when they were first seen, and a handled file a row with its outcome. So
    `scheduler --once` (a new process each run) takes a file on the first run after it has
    been still long enough, and a restart never imports a file twice.

    `clock` is the wall clock in seconds since the epoch: its readings are kept in the
    database and compared by the next process, so it must not be a per-process clock.
    """

    def __init__(self, sessions: sessionmaker[Session],
                 importer: Callable[[], PhotoImporter],
                 clock: Callable[[], float] | None = None):
        self.sessions = sessions
        self.make_importer = importer
        self.clock = clock or (lambda: clinic_clock.now_utc().timestamp())
        # Only a cache of finished rows, so kept files are not looked up on every poll.
        self._handled: set[_Key] = set()
        self.last_waiting = 0  # files still changing at the last poll

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _settings(self) -> tuple[list[Path], str, int]:
        with self.sessions() as session:
            return ([Path(f) for f in settings.get(session, "photos.watch_folders")],
                    settings.get(session, "photos.after_import"),
                    settings.get(session, "photos.stable_seconds"))

    def poll(self, should_stop: Callable[[], bool] | None = None) -> PollReport:
        """Look at every file once; take those that have been still long enough.

        `should_stop` is asked between two files: the files not taken yet keep their
        evidence and are taken by the next poll, in this process or the next. A full disk
        stops the poll (DiskFullError); the files stay where they are for the next one.
        """
        try:
            return self._poll(should_stop)
        except SQLAlchemyError as exc:
            if not write_failure(exc):
                raise
            raise disk_full(exc, database_place(str(self.sessions.kw["bind"].url)),
                            _NOT_TAKEN(), _NEXT_LOOK()) from exc

    def _poll(self, should_stop: Callable[[], bool] | None) -> PollReport:
        stopping = should_stop or (lambda: False)
        folders, after_import, stable_seconds = self._settings()
        report = PollReport()
        now = self._now()
        reachable: list[Path] = []
        files: list[tuple[Path, Path, os.stat_result]] = []
        refused: list[tuple[Path, ImportOutcome]] = []
        for folder in folders:
            if not folder.is_dir():
                report.problems.append(_UNREACHABLE(folder=folder))
                continue
            reachable.append(folder)
            for path in self._files(folder):
                if stopping():
                    report.stopped = True
                    return report
                if isinstance(path, ImportOutcome):
                    refused.append((folder, path))
                    continue
                try:
                    stat = path.stat()
                except OSError:
                    continue
                files.append((folder, path, stat))
        present = {_key(path, stat) for _, path, stat in files}
        self._handled &= present
        first_seen = self._remember(present - self._handled, folders, reachable, now)
        ready: list[tuple[Path, Path, os.stat_result]] = []
        for folder, path, stat in files:
            key = _key(path, stat)
            if key in self._handled:
                continue
            since = first_seen.get(key, now)
            if (now - since).total_seconds() < stable_seconds or not _opens(path):
                report.waiting += 1
                continue
            ready.append((folder, path, stat))
        self.last_waiting = report.waiting
        for folder, outcome in refused:
            self._refuse_unreadable(folder, outcome, report, after_import)
        if not ready:
            return report
        importer = self.make_importer()
        for folder, path, stat in ready:
            if stopping():
                report.stopped = True
                break
            if self._already_handled(path, stat):
                self._handled.add(_key(path, stat))
                continue
            outcome = importer.import_file(path)
            if self._finish(folder, path, stat, outcome, after_import, self._now()):
                report.outcomes.append(outcome)
            self._handled.add(_key(path, stat))
        return report

    def _files(self, folder: Path) -> Iterator[Path | ImportOutcome]:
        """The folder's files, and refusals for what is no ordinary file (a pipe, a device,
        a link to one) or a subfolder that cannot be read — never opened."""
        for item in expand_paths([folder]):
            path = item if isinstance(item, Path) else item.path
            if IMPORTED_DIR not in path.relative_to(folder).parts:
                yield item

    def _remember(self, files: set[_Key], folders: list[Path], reachable: list[Path],
                  now: datetime) -> dict[_Key, datetime]:
        """When each of these file versions was first seen, per the database; a version seen
        for the first time is written down as seen `now`. Versions handled before go to the
        cache instead. Waiting rows that no longer match a file are deleted: the file changed
        (its new version starts waiting afresh), vanished, or its folder is no longer watched.
        Rows in a folder that cannot be reached are kept, as that is no sign of a change."""
        paths = sorted({path for path, _, _ in files})
        first_seen: dict[_Key, datetime] = {}
        stale: list[int] = []
        with self.sessions() as session:
            for start in range(0, len(paths), 500):
                for path, size, mtime_ns in session.execute(
                        select(WatchedFile.path, WatchedFile.size, WatchedFile.mtime_ns).where(
                            WatchedFile.path.in_(paths[start:start + 500]),
                            WatchedFile.outcome != WAITING)):
                    if (path, size, mtime_ns) in files:
                        self._handled.add((path, size, mtime_ns))
            for row_id, path, size, mtime_ns, seen in session.execute(
                    select(WatchedFile.id, WatchedFile.path, WatchedFile.size,
                           WatchedFile.mtime_ns, WatchedFile.handled_at)
                    .where(WatchedFile.outcome == WAITING)):
                key = (path, size, mtime_ns)
                if key in files and key not in self._handled:
                    first_seen[key] = seen
                elif _inside(path, reachable) or not _inside(path, folders):
                    stale.append(row_id)
        new = [{"path": path, "size": size, "mtime_ns": mtime_ns, "outcome": WAITING,
                "handled_at": now}
               for path, size, mtime_ns in sorted(files - self._handled - first_seen.keys())]
        if new or stale:
            with write_session(self.sessions) as session:
                if stale:
                    session.execute(delete(WatchedFile).where(
                        WatchedFile.id.in_(stale), WatchedFile.outcome == WAITING))
                if new:
                    dialect = session.get_bind().dialect.name
                    insert = pg_insert if dialect == "postgresql" else sqlite_insert
                    # Another PC that saw the same version a moment ago already wrote it down.
                    session.execute(insert(WatchedFile).on_conflict_do_nothing(
                        index_elements=["path", "size", "mtime_ns"]), new)
        return first_seen

    def _already_handled(self, path: Path, stat: os.stat_result) -> bool:
        with self.sessions() as session:
            return session.scalar(select(WatchedFile.id).where(
                WatchedFile.path == str(path), WatchedFile.size == stat.st_size,
                WatchedFile.mtime_ns == stat.st_mtime_ns,
                WatchedFile.outcome != WAITING)) is not None

    def _finish(self, folder: Path, path: Path, stat: os.stat_result, outcome: ImportOutcome,
                after_import: str, now: datetime) -> bool:
        """Record the outcome and move the file; False (nothing done) when another PC
        handled the same file at the same moment: its outcome counts, and it moves the file."""
        if not self._record_outcome(path, stat, outcome.status, now):
            return False
        try:
            if outcome.status == REFUSED:
                moved = _move(path, folder / FAILED_DIR, path.relative_to(folder))
                # The inbox first: staff see it there even when the disk has no room left
                # for the note beside the file.
                self._record_refusal(moved, outcome)
                moved.with_name(moved.name + ".txt").write_text(
                    f"{path.name} was not imported: {outcome.message}\n", encoding="utf-8")
            elif after_import == "move":
                _move(path, folder / IMPORTED_DIR, path.relative_to(folder))
        except OSError as exc:
            log.warning("Could not move %s after import: %s", path, exc)
        return True

    def _refuse_unreadable(self, folder: Path, outcome: ImportOutcome, report: PollReport,
                           after_import: str) -> None:
        """A pipe or device goes to failed/ with its reason, like a damaged photo (moving
        it within the folder renames it, never opens it); a subfolder that cannot be read
        is a problem shown to staff."""
        try:
            if outcome.path.is_dir():
                report.problems.append(_FOLDER_REFUSED(path=outcome.path,
                                                       problem=outcome.message))
                return
            stat = outcome.path.lstat()
        except OSError:
            return  # gone meanwhile
        if self._already_handled(outcome.path, stat):
            return
        if self._finish(folder, outcome.path, stat, outcome, after_import, self._now()):
            report.outcomes.append(outcome)

    def _record_outcome(self, path: Path, stat: os.stat_result, status: str,
                        now: datetime) -> bool:
        """The file's waiting row becomes its outcome. False when another PC recorded an
        outcome first (the row lock, or SQLite's write lock, makes the second one wait)."""
        try:
            with write_session(self.sessions) as session:
                row = session.scalar(select(WatchedFile).where(
                    WatchedFile.path == str(path), WatchedFile.size == stat.st_size,
                    WatchedFile.mtime_ns == stat.st_mtime_ns).with_for_update())
                if row is not None and row.outcome != WAITING:
                    return False
                if row is None:  # its evidence was cleaned up meanwhile
                    row = WatchedFile(path=str(path), size=stat.st_size,
                                      mtime_ns=stat.st_mtime_ns)
                    session.add(row)
                row.outcome, row.handled_at = status, now
        except IntegrityError:  # another PC inserted the outcome at the same moment
            return False
        return True

    def _record_refusal(self, moved: Path, outcome: ImportOutcome) -> None:
        with write_session(self.sessions) as session:
            item = InboxItem(status=REFUSED, reason=outcome.message, source_path=str(moved),
                             original_name=moved.name)
            session.add(item)
            session.flush()
            audit.record(session, "photo_refused", entity="photo_inbox", entity_id=item.id,
                         detail=f"{moved.name}: {outcome.message}")

    def watch_events(self, on_change: Callable[[], None]) -> object | None:
        """Where the file system reports changes (local disks), call `on_change` at once, so
        a photo is taken seconds after it lands instead of at the next poll. Shares often
        send no events; polling keeps working for them either way. Returns the observer."""
        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: object) -> None:
                on_change()

        folders, _, _ = self._settings()
        observer = Observer()
        watching = 0
        for folder in folders:
            if folder.is_dir():
                try:
                    observer.schedule(_Handler(), str(folder), recursive=True)
                    watching += 1
                except OSError as exc:
                    log.info("No change events for %s (%s); polling it", folder, exc)
        if not watching:
            return None
        observer.daemon = True
        observer.start()
        return observer

    def run(self, stop: threading.Event, on_report: Callable[[PollReport], None]) -> None:
        """Poll until `stop` is set: every photos.poll_seconds, sooner after a change event,
        and every second while a file is still being copied."""
        wake = threading.Event()
        observer = self.watch_events(wake.set)
        try:
            while not stop.is_set():
                waiting = 0
                # Cleared before the poll, so a file that arrives while it runs wakes the next.
                wake.clear()
                try:
                    report = self.poll(stop.is_set)
                    waiting = report.waiting
                    on_report(report)
                except DiskFullError as exc:  # the files stay where they are for the next poll
                    on_report(PollReport(problems=[str(exc)]))
                except Exception:  # a bad moment on a network share must not end the watcher
                    log.exception("Polling the watched folders failed")
                with self.sessions() as session:
                    interval = settings.get(session, "photos.poll_seconds")
                deadline = time.monotonic() + (1 if waiting else interval)
                while not stop.is_set() and not wake.is_set() and time.monotonic() < deadline:
                    stop.wait(0.2)
        finally:
            if observer is not None:
                observer.stop()  # type: ignore[attr-defined]
                observer.join(timeout=5)  # type: ignore[attr-defined]


def _key(path: Path, stat: os.stat_result) -> _Key:
    return str(path), stat.st_size, stat.st_mtime_ns


def _inside(path: str, folders: list[Path]) -> bool:
    return any(Path(path).is_relative_to(folder) for folder in folders)


def _opens(path: Path) -> bool:
    """A file another program still writes may refuse to open (Windows) — wait for it."""
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        return False
    return True


def _move(path: Path, target_root: Path, relative: Path) -> Path:
    target = target_root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate, number = target, 1
    while candidate.exists():
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        number += 1
    shutil.move(str(path), str(candidate))
    return candidate
