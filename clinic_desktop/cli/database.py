"""`db`: upgrade, back up, restore and check the clinic's database; its PostgreSQL password."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from clinic_desktop.cli.common import Parents, actions, open_clinic
from clinic_desktop.errors import ExitCode


def add_parsers(sub: Any, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser("db", parents=[common], help="upgrade, back up or check the database")
    dsub = actions(p, "db_command")
    dsub.add_parser("upgrade", parents=[common], help="apply migrations (backup first)") \
        .set_defaults(func=cmd_upgrade)
    dsub.add_parser("backup", parents=[common], help="write a verified backup now") \
        .set_defaults(func=cmd_backup)
    dr = dsub.add_parser("restore", parents=[common],
                         help="put a backup in place of the database (checked first; the "
                              "current file is kept beside it)")
    dr.add_argument("backup", metavar="BACKUP", help="a backup file, e.g. from the backups/ "
                    "folder in the data folder")
    dr.set_defaults(func=cmd_restore)
    dc = dsub.add_parser("check", parents=[common],
                         help="check integrity, the treatment rules and the photo files")
    dc.add_argument("--deep", action="store_true",
                    help="also read every photo and compare it with its fingerprint (slow)")
    dc.set_defaults(func=cmd_check)
    dsub.add_parser("rebuild-search", parents=[common],
                    help="recompute what the patient search looks in, and its index") \
        .set_defaults(func=cmd_rebuild_search)
    dp = dsub.add_parser("set-password", parents=[common],
                         help="keep the PostgreSQL password in the system keyring")
    dp.add_argument("--stdin", action="store_true", help="read it from standard input")
    dp.set_defaults(func=cmd_set_password)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from clinic_desktop.db import migrate

    app = open_clinic(args)  # opening upgrades, a backup first
    if app.backup_taken:
        print(f"Backup taken first: {app.backup_taken}")
    print(f"Database is at schema {migrate.current_revision(app.engine)} (the newest).")
    return ExitCode.OK


def cmd_backup(args: argparse.Namespace) -> int:
    from clinic_desktop.db.backup import backup_sqlite, list_backups
    from clinic_desktop.db.engine import sqlite_path

    app = open_clinic(args)
    db_file = sqlite_path(str(app.engine.url))
    if db_file is None:
        print("This clinic uses PostgreSQL: back it up with the server's tools "
              "(pg_dump); see docs/multi-pc.md.", file=sys.stderr)
        return ExitCode.USAGE
    target = backup_sqlite(db_file, app.paths.backup_dir, reason="manual")
    print(f"Backup written: {target}")
    print(f"Backups kept in {app.paths.backup_dir}: {len(list_backups(app.paths.backup_dir))}")
    return ExitCode.OK


def cmd_rebuild_search(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.search import rebuild_search

    fixed = rebuild_search(open_clinic(args).sessions)
    print(f"Patient search rebuilt ({fixed} patient(s) corrected).")
    return ExitCode.OK


def cmd_check(args: argparse.Namespace) -> int:
    from clinic_desktop.db import migrate
    from clinic_desktop.domain.checks import database_problems
    from clinic_desktop.photos.importer import library_for

    app = open_clinic(args)
    library = library_for(app.sessions, app.paths.data_dir)
    problems = database_problems(app.engine, app.sessions, library.root, library.resolve,
                                 deep=args.deep)
    if problems:
        print("Database check found problems:\n- " + "\n- ".join(problems))
        return ExitCode.SOME_FAILED
    print(f"Database OK ({app.engine.url.get_backend_name()}, schema "
          f"{migrate.current_revision(app.engine)}).")
    return ExitCode.OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the clinic's database: works when the database is damaged
    (nothing opens it first); the current file is kept beside it."""
    from clinic_desktop.config import resolve_paths
    from clinic_desktop.db import migrate
    from clinic_desktop.db.backup import restore_sqlite
    from clinic_desktop.db.engine import normalise_url, sqlite_path

    paths = resolve_paths(args.data_dir, args.db)
    db_file = sqlite_path(normalise_url(paths.db_url))
    if db_file is None:
        print("error: this clinic uses PostgreSQL: restore it with the server's tools "
              "(pg_restore); see docs/multi-pc.md.", file=sys.stderr)
        return ExitCode.USAGE
    kept = restore_sqlite(Path(args.backup), db_file,
                          schema_known=migrate.is_known_revision)
    print(f"Restored {db_file} from {args.backup}."
          + (f" The file it replaced is kept as {kept}." if kept else ""))
    print("What was done after that backup was taken (steps, photos, emails) is not in it. "
          "Emails still queued in the backup go out when the notifier next sends: look at "
          "the Outbox first and cancel those already sent.")
    return ExitCode.OK


def cmd_set_password(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from clinic_desktop.cli.console import read_password
    from clinic_desktop.config import resolve_paths
    from clinic_desktop.db.engine import normalise_url
    from clinic_desktop.secrets import set_database_password

    url = make_url(normalise_url(resolve_paths(args.data_dir, args.db).db_url))
    if url.get_backend_name() != "postgresql" or not url.username:
        print("error: set-password is for PostgreSQL: give --db postgresql+psycopg://USER@HOST/"
              "DBNAME (without the password).", file=sys.stderr)
        return ExitCode.USAGE
    password = read_password(f"Password for {url.username} on {url.host}: ",
                             from_stdin=args.stdin)
    set_database_password(url.username, url.host or "localhost", url.database or "", password)
    print(f"Password for {url.username}@{url.host}/{url.database} stored in the system keyring.")
    return ExitCode.OK
