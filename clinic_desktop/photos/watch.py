"""Watch folders (local or network shares) for new photos and import each one exactly once."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, WatchedFile
from clinic_desktop.photos.importer import REFUSED, ImportOutcome, PhotoImporter, expand_paths

log = logging.getLogger(__name__)
IMPORTED_DIR = "imported"
FAILED_DIR = "failed"


@dataclass(frozen=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float  # monotonic time when this size/mtime was first seen


@dataclass
class PollReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    waiting: int = 0  # files still changing (being copied)
    problems: list[str] = field(default_factory=list)  # folders that cannot be read


class FolderWatcher:
    """Polls folders; takes a file once its size and time have been still for a while and it
    opens, imports it, then moves it to imported/ (or keeps it) — or to failed/ with a .txt.

    Polling works on every kind of folder, including network shares where change events do
    not arrive. What was handled is remembered in the database, so a restart never imports a
    file twice.
    """

    def __init__(self, sessions: sessionmaker[Session],
                 importer: Callable[[], PhotoImporter],
                 clock: Callable[[], float] = time.monotonic):
        self.sessions = sessions
        self.make_importer = importer
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}
        self._handled: set[tuple[Path, int, int]] = set()  # kept files already imported
        self.last_waiting = 0  # files still changing at the last poll

    def _settings(self) -> tuple[list[Path], str, int]:
        with self.sessions() as session:
            return ([Path(f) for f in settings.get(session, "photos.watch_folders")],
                    settings.get(session, "photos.after_import"),
                    settings.get(session, "photos.stable_seconds"))

    def poll(self) -> PollReport:
        folders, after_import, stable_seconds = self._settings()
        report = PollReport()
        ready: list[tuple[Path, Path, os.stat_result]] = []
        now = self.clock()
        present: set[Path] = set()
        for folder in folders:
            if not folder.is_dir():
                report.problems.append(f"The watched folder {folder} cannot be reached.")
                continue
            for path in self._files(folder):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                present.add(path)
                key = (path, stat.st_size, stat.st_mtime_ns)
                if key in self._handled:
                    continue
                seen = self._seen.get(path)
                if seen is None and self._already_handled(path, stat):
                    self._handled.add(key)  # kept after import, or handled before a restart
                    continue
                if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size,
                                                                   stat.st_mtime_ns):
                    self._seen[path] = _Seen(stat.st_size, stat.st_mtime_ns, now)
                    report.waiting += 1
                    continue
                if now - seen.since < stable_seconds or not _opens(path):
                    report.waiting += 1
                    continue
                ready.append((folder, path, stat))
        self._seen = {p: s for p, s in self._seen.items() if p in present}
        self._handled = {k for k in self._handled if k[0] in present}
        self.last_waiting = report.waiting
        if not ready:
            return report
        importer = self.make_importer()
        for folder, path, stat in ready:
            if self._already_handled(path, stat):
                self._seen.pop(path, None)
                continue
            outcome = importer.import_file(path)
            self._finish(folder, path, stat, outcome, after_import)
            self._seen.pop(path, None)
            self._handled.add((path, stat.st_size, stat.st_mtime_ns))
            report.outcomes.append(outcome)
        return report

    def _files(self, folder: Path) -> Iterator[Path]:
        for item in expand_paths([folder]):
            if isinstance(item, Path) and IMPORTED_DIR not in item.relative_to(folder).parts:
                yield item

    def _already_handled(self, path: Path, stat: os.stat_result) -> bool:
        with self.sessions() as session:
            return session.scalar(select(WatchedFile.id).where(
                WatchedFile.path == str(path), WatchedFile.size == stat.st_size,
                WatchedFile.mtime_ns == stat.st_mtime_ns)) is not None

    def _finish(self, folder: Path, path: Path, stat: os.stat_result, outcome: ImportOutcome,
                after_import: str) -> None:
        try:
            with write_session(self.sessions) as session:
                session.add(WatchedFile(path=str(path), size=stat.st_size,
                                        mtime_ns=stat.st_mtime_ns, outcome=outcome.status))
        except IntegrityError:  # another PC handled it at the same moment
            return
        try:
            if outcome.status == REFUSED:
                moved = _move(path, folder / FAILED_DIR, path.relative_to(folder))
                moved.with_name(moved.name + ".txt").write_text(
                    f"{path.name} was not imported: {outcome.message}\n", encoding="utf-8")
                self._record_refusal(moved, outcome)
            elif after_import == "move":
                _move(path, folder / IMPORTED_DIR, path.relative_to(folder))
        except OSError as exc:
            log.warning("Could not move %s after import: %s", path, exc)

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
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:  # pragma: no cover - watchdog is a dependency
            return None

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
                try:
                    report = self.poll()
                    waiting = report.waiting
                    on_report(report)
                except Exception:  # a bad moment on a network share must not end the watcher
                    log.exception("Polling the watched folders failed")
                with self.sessions() as session:
                    interval = settings.get(session, "photos.poll_seconds")
                wake.clear()
                deadline = time.monotonic() + (1 if waiting else interval)
                while not stop.is_set() and not wake.is_set() and time.monotonic() < deadline:
                    stop.wait(0.2)
        finally:
            if observer is not None:
                observer.stop()  # type: ignore[attr-defined]


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
