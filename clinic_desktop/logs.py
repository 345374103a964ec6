"""Logging to a rotating file in the data dir, shared by every process, and to stderr."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

LOG_FILE_NAME = "clinic-desktop.log"
LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"
_LOCK_WAIT_S = 2.0


class _NoTraceback(logging.Formatter):
    """For the terminal: the sentence only. The traceback goes to the log file."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


class _LockFile:
    """An advisory lock on <log>.lock that every Clinic Desktop process on the PC honours."""

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        self._open = True

    def acquire(self) -> bool:
        """Waits up to _LOCK_WAIT_S; False when another process keeps it (then the caller
        writes without rotating: a log line is never worth freezing the app)."""
        deadline = time.monotonic() + _LOCK_WAIT_S
        while True:
            try:
                self._lock()
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.01)

    if sys.platform == "win32":
        def _lock(self) -> None:
            import msvcrt

            os.lseek(self._fd, 0, os.SEEK_SET)
            msvcrt.locking(self._fd, msvcrt.LK_NBLCK, 1)

        def release(self) -> None:
            import msvcrt

            os.lseek(self._fd, 0, os.SEEK_SET)
            msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
    else:
        def _lock(self) -> None:
            import fcntl  # windows-ok: the else branch of sys.platform == "win32"

            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

        def release(self) -> None:
            import fcntl  # windows-ok: the else branch of sys.platform == "win32"

            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._open:
            self._open = False
            os.close(self._fd)


class SharedRotatingFileHandler(logging.Handler):
    """One log file that the window, the tray notifier and the commands write together.

    logging's RotatingFileHandler keeps its file open and renames it at rollover; Windows
    refuses to rename a file another process has open, so with the window and the notifier
    running the rollover failed on every line after the first 2 MB. Like concurrent-log-handler,
    this opens the file for each record and rotates under a lock file, so no process holds the
    log between lines and the one that finds it full renames it for all. A rename that still
    fails (an old version or a virus scanner holding the file) is tried again at the next line.
    """

    def __init__(self, path: Path, *, max_bytes: int = LOG_MAX_BYTES,
                 backups: int = LOG_BACKUPS) -> None:
        super().__init__()
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self._lock_file = _LockFile(path.with_name(path.name + ".lock"))
        self._warned = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode("utf-8", "backslashreplace")
            locked = self._lock_file.acquire()
            try:
                if locked:
                    self._rotate_if_full(len(line))
                with self.path.open("ab") as stream:
                    stream.write(line)
            finally:
                if locked:
                    self._lock_file.release()
        except Exception:
            self.handleError(record)

    def _rotate_if_full(self, adding: int) -> None:
        try:
            if self.path.stat().st_size + adding <= self.max_bytes:
                return
        except FileNotFoundError:
            return
        try:
            for number in range(self.backups - 1, 0, -1):
                older = self.path.with_name(f"{self.path.name}.{number}")
                if older.exists():
                    os.replace(older, self.path.with_name(f"{self.path.name}.{number + 1}"))
            os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
        except PermissionError:
            pass  # still open elsewhere: this line goes to the full file, the next one retries

    def handleError(self, record: logging.LogRecord) -> None:
        """A full disk or a read-only data folder: one sentence on stderr, no traceback."""
        if self._warned:
            return
        self._warned = True
        error = sys.exc_info()[1]
        if sys.stderr is not None:
            print(f"warning: cannot write the log file {self.path} ({error}); later lines "
                  "are not written either.", file=sys.stderr)

    def close(self) -> None:
        self.acquire()
        try:
            self._lock_file.close()
        finally:
            self.release()
        super().close()


def configure_logging(log_dir: Path | None, *, verbose: bool = False) -> None:
    """INFO and up go to the file (patient codes only, no names or addresses);
    stderr shows warnings, or INFO with --verbose."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_clinic_desktop", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.INFO if verbose else logging.WARNING)
    stderr.setFormatter(_NoTraceback("%(levelname)s: %(message)s"))
    stderr._clinic_desktop = True  # type: ignore[attr-defined]
    # Library warnings (Pillow's "Corrupt EXIF data" on a damaged photo that is refused
    # with its own sentence anyway) go to the log file, not in front of staff.
    logging.captureWarnings(True)
    if not verbose:
        stderr.addFilter(lambda record: record.name != "py.warnings")
    root.addHandler(stderr)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = SharedRotatingFileHandler(log_dir / LOG_FILE_NAME)
        except OSError as exc:
            root.warning("Cannot write the log file in %s: %s", log_dir, exc)
        else:
            file_handler.setFormatter(logging.Formatter(_FORMAT))
            file_handler._clinic_desktop = True  # type: ignore[attr-defined]
            root.addHandler(file_handler)
    # Library chatter (SQL statements, scheduler ticks) stays out of the clinic's log.
    for noisy in ("sqlalchemy", "alembic", "PIL", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
