"""The `clinic-desktop` command line: every core service, no Qt unless the window is asked for.

One module per group of commands (clinic, database, patients, plans, emails, photos, audit,
mail, forecast, desktop), each adding its commands to the parser and running them through
the core's functions; `common.py` has what they share, `args.py` the argument types,
`console.py` the console's input and output. Exit codes: errors.ExitCode, the one table.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from clinic_desktop.cli import (
    audit,
    clinic,
    database,
    desktop,
    emails,
    forecast,
    mail,
    patients,
    photos,
    plans,
)
from clinic_desktop.cli.args import ShowVersion
from clinic_desktop.cli.common import Parser, parents
from clinic_desktop.cli.console import prepare_console
from clinic_desktop.errors import (
    ClinicError,
    DiskFullError,
    ExitCode,
    disk_full,
    write_failure,
)

log = logging.getLogger(__name__)

# In the order `clinic-desktop --help` lists their commands.
GROUPS = (clinic, database, patients, plans, emails, photos, audit, mail, forecast, desktop)


def build_parser() -> argparse.ArgumentParser:
    shared = parents()
    parser = Parser(prog="clinic-desktop", parents=[shared.common],
                    description="Clinic Desktop: treatment step plans, photos and patient "
                                "emails. Without a command it opens the app window.")
    parser.add_argument("--version", action=ShowVersion)
    parser.set_defaults(func=desktop.cmd_gui)  # no command: the window
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.add_parsers(sub, shared)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prepare_console()  # before anything is printed, usage and errors included
    args = build_parser().parse_args(argv)
    for name, default in (("data_dir", None), ("db", None), ("verbose", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    try:
        return int(args.func(args))
    except ClinicError as exc:
        if isinstance(exc, DiskFullError):
            log.info("Not saved: %s", exc, exc_info=True)  # the file only, if it has room
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return ExitCode.SOME_FAILED
    except BrokenPipeError:
        # Output piped into `head` or a closed window: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        return _unexpected(args, exc)


def _unexpected(args: argparse.Namespace, exc: Exception) -> int:
    """An error no command turned into a sentence: a full disk, a busy or damaged database
    get theirs here; anything else is logged with its traceback and named in one line."""
    from sqlalchemy.exc import DatabaseError as SqlDatabaseError

    from clinic_desktop.db.engine import busy_problem

    if write_failure(exc):
        full = _disk_full_problem(args, exc)
        log.info("Not saved: %s", full, exc_info=True)  # the file only, if it has room
        print(f"error: {full}", file=sys.stderr)
        return full.exit_code
    busy = busy_problem(exc)
    if busy is not None:
        log.warning("Database busy in %s", args.command, exc_info=True)
        print(f"error: {busy}", file=sys.stderr)
        return ExitCode.SOME_FAILED
    if isinstance(exc, SqlDatabaseError):
        problem = _database_problem(args, exc)
        if problem is not None:
            log.warning("Database error in %s", args.command, exc_info=True)
            print(f"error: {problem}", file=sys.stderr)
            return problem.exit_code
    log.exception("Unexpected error in %s", args.command)
    print(f"error: something unexpected went wrong ({type(exc).__name__}: {exc}). The "
          "details are in the log file in the data folder's logs/.", file=sys.stderr)
    return ExitCode.SOME_FAILED


def _disk_full_problem(args: argparse.Namespace, exc: Exception) -> DiskFullError:
    """A write that found no room, met outside the places that name what they were saving:
    the database's transaction was undone, or a file was left unwritten."""
    if isinstance(exc, OSError):
        return disk_full(exc, exc.filename, "what the command was writing was not saved",
                         "run it again")
    from clinic_desktop.config import resolve_paths
    from clinic_desktop.db.backup import database_place
    from clinic_desktop.db.engine import normalise_url

    return disk_full(exc, database_place(normalise_url(resolve_paths(args.data_dir,
                                                                     args.db).db_url)),
                     "the last change was not saved (the database is as it was before it)",
                     "run the command again")


def _database_problem(args: argparse.Namespace, exc: Exception) -> ClinicError | None:
    """A SQLite file found damaged while a command ran (opening it looked fine): its damage,
    the newest backup and the restore command. None when the file is whole."""
    from clinic_desktop.config import resolve_paths
    from clinic_desktop.db.backup import damaged_error, deep_damage
    from clinic_desktop.db.engine import normalise_url, sqlite_path

    paths = resolve_paths(args.data_dir, args.db)
    db_file = sqlite_path(normalise_url(paths.db_url))
    if db_file is None or not db_file.exists():
        return None
    words = str(getattr(exc, "orig", exc))
    what = deep_damage(db_file) or (words if any(
        sign in words for sign in ("malformed", "not a database")) else None)
    return damaged_error(db_file, paths.backup_dir, what) if what else None
