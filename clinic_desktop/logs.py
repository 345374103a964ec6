"""Logging to a rotating file in the data dir and to stderr."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_FILE_NAME = "clinic-desktop.log"
_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"


class _NoTraceback(logging.Formatter):
    """For the terminal: the sentence only. The traceback goes to the log file."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


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
            file_handler = logging.handlers.RotatingFileHandler(
                log_dir / LOG_FILE_NAME, maxBytes=2_000_000, backupCount=5, encoding="utf-8",
                delay=True)
        except OSError as exc:
            root.warning("Cannot write the log file in %s: %s", log_dir, exc)
        else:
            file_handler.setFormatter(logging.Formatter(_FORMAT))
            file_handler._clinic_desktop = True  # type: ignore[attr-defined]
            root.addHandler(file_handler)
    # Library chatter (SQL statements, scheduler ticks) stays out of the clinic's log.
    for noisy in ("sqlalchemy", "alembic", "PIL", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
