"""Errors a user can meet, each carrying a sentence a receptionist can act on."""

import errno
from enum import IntEnum

from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence


class ExitCode(IntEnum):
    """The command line's exit codes, the one table of them (README "Exit codes"): scripts,
    Task Scheduler and other PCs rely on these numbers. Each error below carries its own."""

    OK = 0
    SOME_FAILED = 1  # some items failed, a rule refused the action, or it was stopped
    USAGE = 2  # a usage or configuration error: the fix is in the command or the settings


class ClinicError(Exception):
    """Base class: str(error) is the message shown to the user, as is."""

    exit_code = ExitCode.SOME_FAILED


class ConfigError(ClinicError):
    """A setting, path or database URL is wrong; the fix is in the configuration."""

    exit_code = ExitCode.USAGE


class ValidationError(ClinicError):
    """Input the user typed or imported is not acceptable."""

    exit_code = ExitCode.USAGE


class NotFoundError(ClinicError):
    """A patient, step, template or other record named by the user does not exist."""

    exit_code = ExitCode.USAGE


class RuleError(ClinicError):
    """The action would break a treatment rule (e.g. two active steps)."""

    exit_code = ExitCode.SOME_FAILED


class DatabaseError(ClinicError):
    """The database cannot be opened, upgraded, backed up or is damaged."""

    exit_code = ExitCode.USAGE


class DiskFullError(ClinicError):
    """A disk (the PC's, a share's or the database server's) had no room for a write; what
    could not be saved was left as it was before."""

    exit_code = ExitCode.SOME_FAILED


# ENOSPC: no space left; EDQUOT: the user's quota is used up; EFBIG: the file may not grow
# (a file system's size limit). Windows' ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL arrive
# as ENOSPC.
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG} | (
    {errno.EDQUOT} if hasattr(errno, "EDQUOT") else set())
_SQLITE_FULL = "SQLITE_FULL"  # "database or disk is full"
# "disk I/O error" while writing: what SQLite makes of EFBIG and failing disks, and of no room
# for the shared-memory file a WAL database needs beside it even to be read.
_SQLITE_WRITE_FAILED = {"SQLITE_IOERR_WRITE", "SQLITE_IOERR_SHMSIZE"}
_POSTGRES_DISK_FULL = "53100"  # "could not extend file ...: No space left on device"


def write_failure(exc: BaseException) -> str | None:
    """Whether `exc` is a write the disk refused: "full" when there was no space left,
    "failed" when SQLite only says the write failed, None for anything else. Looks through
    SQLAlchemy's wrapper (`orig`) and the exceptions this one was raised from."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return "full"
        name = getattr(current, "sqlite_errorname", None)
        if name == _SQLITE_FULL or getattr(current, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return "full"
        if name in _SQLITE_WRITE_FAILED:
            return "failed"
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (
            current.__cause__ or current.__context__)
    return None


_DISK_FULL = sentence(QT_TRANSLATE_NOOP(
    "core", "{problem}: {what}. Free some space and {again}; nothing was lost."))
_A_DISK_IS_FULL = sentence(QT_TRANSLATE_NOOP("core", "A disk is full"))
_THE_DISK_IS_FULL = sentence(QT_TRANSLATE_NOOP("core", "The disk holding {where} is full"))
_A_DISK_FAILED = sentence(QT_TRANSLATE_NOOP(
    "core", "Clinic Desktop could not write to a disk (is it full?)"))
_THE_DISK_FAILED = sentence(QT_TRANSLATE_NOOP(
    "core", "Clinic Desktop could not write to the disk holding {where} (is it full?)"))


def disk_full(exc: BaseException, where: object | None, what: str,
              again: str) -> DiskFullError:
    """The sentence for a write that `write_failure` recognised: where (a folder, a file or
    the database; None when the error does not say), what was not saved, and what to do
    after freeing space."""
    full = write_failure(exc) == "full"
    if where is None:
        problem = _A_DISK_IS_FULL() if full else _A_DISK_FAILED()
    else:
        problem = (_THE_DISK_IS_FULL if full else _THE_DISK_FAILED)(where=where)
    return DiskFullError(_DISK_FULL(problem=problem, what=what, again=again))
