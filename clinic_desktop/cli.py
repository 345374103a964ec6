"""The `clinic-desktop` command line: every core service, no Qt unless the GUI is asked for."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from clinic_desktop.cli_args import ShowVersion, positive_int
from clinic_desktop.errors import (
    ClinicError,
    DiskFullError,
    ValidationError,
    disk_full,
    write_failure,
)

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


# --- small output helpers -----------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
           widths: Sequence[int] = (), *, header_lines: bool = True) -> str:
    """Aligned columns; `widths` (known beforehand) lets a long table be printed in pieces."""
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = widths or [max([len(h)] + [len(r[i]) for r in cells])
                        for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)] if header_lines else []
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells]
    return "\n".join(lines)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else "-"


def _date_arg(text: str) -> date:
    from clinic_desktop.clock import parse_date

    try:
        return parse_date(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _step_days(text: str) -> int:
    """A step's duration in days, within the limits the domain keeps (steps.MAX_STEP_DAYS)."""
    from clinic_desktop.domain.steps import check_step_days

    try:
        return check_step_days(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# --- commands -----------------------------------------------------------------------------


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from clinic_desktop.app import open_app

    return open_app(args.data_dir, args.db, verbose=args.verbose)


def _today(args: argparse.Namespace, app: Any, *, writes: bool = True) -> date:
    from clinic_desktop.clock import acting_day

    return acting_day(args.today, app.clinic_today(),
                      writes=writes and not getattr(args, "dry_run", False))


def cmd_demo(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.demo import build_demo, holds_demo

    app = _open(args)
    today = _today(args, app, writes=False)
    with app.sessions() as session:
        existing = holds_demo(session)
    if existing:
        # Typing the README's first command again opens the same demo instead of failing.
        print(f"The demo clinic is already in {app.paths.data_dir} ({existing} patients); "
              "it is kept as it is.")
        return EXIT_OK
    with write_session(app.sessions) as session:
        summary = build_demo(session, today, args.patients)
    print(f"Demo clinic created in {app.paths.data_dir}: {summary.patients} patients, "
          f"{summary.steps} treatment steps, {summary.doctors} doctors, "
          f"{summary.templates} plan templates.")
    print("Next: `clinic-desktop status` shows them; "
          "`clinic-desktop notify-finished-steps --dry-run` shows who is due.")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from clinic_desktop.cli_console import write_json_list
    from clinic_desktop.domain.patients import get_patient, normalise_code
    from clinic_desktop.domain.status import column_widths, json_fields, patient_statuses

    app = _open(args)
    today = _today(args, app, writes=False)
    code = normalise_code(args.patient) if args.patient else None
    # Printed while the rows stream in: memory stays flat whatever the clinic's size.
    with app.sessions() as session:
        if code is not None:
            get_patient(session, code)
        if not args.json:
            print(f"Today (clinic time zone): {today.isoformat()}")
            _print_health(app)
        statuses = patient_statuses(session, today, code)
        if args.json:
            write_json_list({"today": today.isoformat()}, "patients", map(json_fields, statuses))
            return EXIT_OK
        if args.patient or args.all_steps:
            for p in statuses:
                print(f"\n{p.code}  {p.name}  <{p.email or 'no email'}>"
                      f"{'  (plan finished)' if p.plan_finished else ''}")
                print(_table(["#", "step", "start", "due", "state", "active", "completed",
                              "finished", "days late", "notified"],
                             [[s.order, s.name, _iso(s.start_date), _iso(s.due_date), s.state,
                               _yn(s.is_active), _yn(s.is_completed), _yn(s.is_finished),
                               s.days_late or "", _yn(s.notification_sent)] for s in p.steps]))
            return EXIT_OK
        widths = column_widths(session)
        header = ["code", "patient", "active step", "due", "state", "days late", "notified"]
        sizes = [max(len(h), w) for h, w in zip(header, [
            widths["code"], widths["name"], max(widths["step"], len("plan finished")), 10,
            widths["state"], len("days late"), len("yes")], strict=True)]
        patients = 0
        for p in statuses:
            if not patients:
                print(_table(header, [], sizes))
            patients += 1
            a = p.active
            if a is None:
                row = [p.code, p.name, "plan finished" if p.plan_finished else "no plan",
                       "-", "-", "", ""]
            else:
                row = [p.code, p.name, f"{a.order}/{len(p.steps)} {a.name}", _iso(a.due_date),
                       a.state, a.days_late or "", _yn(a.notification_sent)]
            print(_table(header, [row], sizes, header_lines=False))
    if not patients:
        print("No patients yet. Add some with `clinic-desktop patients add` or try "
              "`clinic-desktop demo`.")
        return EXIT_OK
    print(f"\n{patients} patients. `--patient CODE` or `--all-steps` lists every step.")
    return EXIT_OK


def _print_health(app: Any) -> None:
    from clinic_desktop.health import health

    with app.sessions() as session:
        state = health(session)
    last = state.last_daily
    ran = (f"last daily check {last.finished_at:%Y-%m-%d %H:%M} UTC on {last.host}: "
           f"{last.summary.rstrip('.')}" if last and last.finished_at
           else "the daily check has not run yet")
    sender = f"sender: {state.sender}" + (" (silent)" if state.sender_stale else "") \
        if state.sender else "no sender running"
    print(f"Notifier: {sender}; {ran}. Outbox: {state.queued} queued, {state.failed} failed, "
          f"{state.needs_attention} need attention. Photo inbox: {state.inbox}.")
    for warning in state.warnings:
        print(f"warning: {warning}")


def _yn(flag: bool) -> str:
    return "yes" if flag else "no"


def cmd_notify(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.daily_check import daily_check

    app = _open(args)
    today = _today(args, app)
    check = daily_check(app.sessions, today, auto_progress=args.auto_progress,
                        dry_run=args.dry_run)
    report, follow_ups = check.scan, check.follow_ups
    title = "Dry run: nothing is queued, sent or changed." if args.dry_run else \
        "Finished steps:"
    print(f"{title} Today (clinic time zone) is {today.isoformat()}.")
    code = _print_scan(args, report)
    would = "would be " if args.dry_run else ""
    if follow_ups.reminders or follow_ups.digests:
        print(f"{follow_ups.reminders} photo reminder(s) and {follow_ups.digests} doctor "
              f"digest(s) {would}queued.")
    if args.dry_run or args.no_send:
        return code
    from clinic_desktop import cli_email

    return max(code, cli_email.send_due(app, queued=True))


def _print_scan(args: argparse.Namespace, report: Any) -> int:
    from clinic_desktop.domain import due_scan

    if not report.items:
        print("No finished steps are waiting.")
        return EXIT_OK
    headers = ["patient", "step", "due", "days late", "email", "recipient / reason"]
    if args.auto_progress:
        headers.append("progress")
    rows = []
    for item in report.items:
        s = item.step
        row = [s.patient_code, f"{s.order} {s.step_name}", s.due_date.isoformat(),
               s.days_late or "",
               "would queue email" if args.dry_run and item.email == due_scan.QUEUED
               else item.email,
               item.detail or s.recipient]
        if args.auto_progress:
            row.append(_would(item.progress) if args.dry_run else item.progress or "-")
        rows.append(row)
    print(_table(headers, rows))
    verb = "would be queued" if args.dry_run else "queued"
    summary = [f"{report.count(due_scan.QUEUED)} email(s) {verb}",
               f"{report.count(due_scan.NEEDS_ATTENTION)} need attention",
               f"{report.count(due_scan.ALREADY_NOTIFIED)} already notified"]
    if args.auto_progress:
        summary.append(f"{report.progressed} step(s) {'would be ' if args.dry_run else ''}"
                       "advanced")
    if report.failed:
        summary.append(f"{report.failed} failed (details in the log)")
    print("\n" + ", ".join(summary) + ".")
    if report.count(due_scan.NEEDS_ATTENTION):
        print("Patients who need attention cannot be emailed; fix their email address or "
              "consent, then retry from the outbox.")
    return EXIT_SOME_FAILED if report.failed else EXIT_OK


def _would(progress: str) -> str:
    """A dry run's progression in the conditional: "would start 4 'Aligner 4'"."""
    if not progress:
        return "-"
    if progress == "plan finished":
        return "would finish the plan"
    return "would " + progress.replace("started ", "start ", 1)


def cmd_settings(args: argparse.Namespace) -> int:
    from clinic_desktop import settings
    from clinic_desktop.db.engine import write_session

    app = _open(args)
    if args.settings_command == "show":
        with app.sessions() as session:
            rows = settings.show_all(session)
        print(_table(["key", "value", "", "allowed", "meaning"],
                     [[r.key, r.value, r.problem or ("(default)" if r.is_default else ""),
                       r.allowed, r.description] for r in rows]))
        return EXIT_SOME_FAILED if any(r.problem for r in rows) else EXIT_OK
    if args.settings_command == "get":
        with app.sessions() as session:
            print(settings.get_text(session, args.key))
        return EXIT_OK
    with write_session(app.sessions) as session:
        settings.set_value(session, args.key, args.value)
        shown = settings.get_text(session, args.key)
    print(f"{args.key} = {shown}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from clinic_desktop.app import open_app
    from clinic_desktop.db import migrate
    from clinic_desktop.db.backup import backup_sqlite, integrity_problem, list_backups
    from clinic_desktop.db.engine import sqlite_path, write_session

    if args.db_command == "set-password":
        return _db_set_password(args)
    if args.db_command == "restore":
        return _db_restore(args)
    if args.db_command == "upgrade":
        app = open_app(args.data_dir, args.db, verbose=args.verbose)
        revision = migrate.current_revision(app.engine)
        if app.backup_taken:
            print(f"Backup taken first: {app.backup_taken}")
        print(f"Database is at schema {revision} (the newest).")
        return EXIT_OK
    app = _open(args)
    db_file = sqlite_path(str(app.engine.url))
    if args.db_command == "backup":
        if db_file is None:
            print("This clinic uses PostgreSQL: back it up with the server's tools "
                  "(pg_dump); see docs/multi-pc.md.", file=sys.stderr)
            return EXIT_USAGE
        target = backup_sqlite(db_file, app.paths.backup_dir, reason="manual")
        print(f"Backup written: {target}")
        print(f"Backups kept in {app.paths.backup_dir}: {len(list_backups(app.paths.backup_dir))}")
        return EXIT_OK
    if args.db_command == "rebuild-search":
        from clinic_desktop.db.search import ensure_search_index, fill_search_text

        with write_session(app.sessions) as session:
            connection = session.connection()
            fixed = fill_search_text(connection)
            ensure_search_index(connection)
        print(f"Patient search rebuilt ({fixed} patient(s) corrected).")
        return EXIT_OK
    # check
    problems = []
    revision = migrate.current_revision(app.engine)
    if revision != migrate.head_revision():
        problems.append(f"schema is at {revision}, expected {migrate.head_revision()}")
    if db_file is not None:
        problem = integrity_problem(db_file)
        if problem:
            problems.append(f"SQLite integrity check: {problem}")
        with app.engine.connect() as connection:
            bad_keys = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if bad_keys:
            problems.append(f"{len(bad_keys)} row(s) point to records that do not exist")
    from sqlalchemy import select

    from clinic_desktop.db.models import Photo
    from clinic_desktop.domain.checks import (
        early_notifications,
        photo_file_problems,
        rule_violations,
    )
    from clinic_desktop.photos.importer import library_for

    library = library_for(app.sessions, app.paths.data_dir)
    with app.sessions() as session:
        problems += rule_violations(session) + early_notifications(session)
        if library.root.is_dir():
            problems += photo_file_problems(session, library.resolve, deep=args.deep)
        elif session.scalar(select(Photo.id).limit(1)) is not None:
            problems.append(f"the photo library {library.root} cannot be reached, so its "
                            "photo files were not checked (is the network share connected?)")
    if problems:
        print("Database check found problems:\n- " + "\n- ".join(problems))
        return EXIT_SOME_FAILED
    print(f"Database OK ({app.engine.url.get_backend_name()}, schema {revision}).")
    return EXIT_OK


def _db_restore(args: argparse.Namespace) -> int:
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
        return EXIT_USAGE
    kept = restore_sqlite(Path(args.backup), db_file,
                          schema_known=migrate.is_known_revision)
    print(f"Restored {db_file} from {args.backup}."
          + (f" The file it replaced is kept as {kept}." if kept else ""))
    print("What was done after that backup was taken (steps, photos, emails) is not in it. "
          "Emails still queued in the backup go out when the notifier next sends: look at "
          "the Outbox first and cancel those already sent.")
    return EXIT_OK


def _db_set_password(args: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from clinic_desktop.cli_console import read_password
    from clinic_desktop.config import resolve_paths
    from clinic_desktop.db.engine import normalise_url
    from clinic_desktop.secrets import set_database_password

    url = make_url(normalise_url(resolve_paths(args.data_dir, args.db).db_url))
    if url.get_backend_name() != "postgresql" or not url.username:
        print("error: set-password is for PostgreSQL: give --db postgresql+psycopg://USER@HOST/"
              "DBNAME (without the password).", file=sys.stderr)
        return EXIT_USAGE
    password = read_password(f"Password for {url.username} on {url.host}: ",
                             from_stdin=args.stdin)
    set_database_password(url.username, url.host or "localhost", url.database or "", password)
    print(f"Password for {url.username}@{url.host}/{url.database} stored in the system keyring.")
    return EXIT_OK


def cmd_patients(args: argparse.Namespace) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from clinic_desktop.db.engine import write_session
    from clinic_desktop.db.models import Patient
    from clinic_desktop.domain import patients

    app = _open(args)
    command = args.patients_command
    if command == "add":
        data = patients.PatientInput(args.code, args.first_name, args.last_name,
                                     args.email or "", args.phone or "", args.consent,
                                     args.language, args.doctor or "")
        with write_session(app.sessions) as session:
            patient = patients.add_patient(session, data)
            print(f"Added patient {patient.code} {patient.full_name}.")
        return EXIT_OK
    if command == "list":
        with app.sessions() as session:
            query = select(Patient).options(selectinload(Patient.doctor)).order_by(Patient.code)
            if args.search:
                from clinic_desktop.domain.search import patient_matches

                query = query.where(*patient_matches(session, args.search))
            rows = [[p.code, p.full_name, p.email or "-", p.phone or "-",
                     _yn(p.email_consent), p.language, p.doctor.name if p.doctor else "-"]
                    for p in session.scalars(query)]
        print(_table(["code", "name", "email", "phone", "consent", "lang", "doctor"], rows))
        print(f"\n{len(rows)} patient(s).")
        return EXIT_OK
    if command == "import":
        with write_session(app.sessions) as session:
            report = patients.import_csv(session, Path(args.file),
                                         skip_bad_rows=args.skip_bad_rows)
        for line, problem in report.bad_rows:
            print(f"line {line}: {problem}", file=sys.stderr)
        if report.bad_rows and not args.skip_bad_rows:
            print(f"Nothing imported: {len(report.bad_rows)} bad row(s). Fix them, or import "
                  "the good rows with --skip-bad-rows.", file=sys.stderr)
            return EXIT_SOME_FAILED
        print(f"Imported {report.imported} patient(s)"
              + (f"; skipped {len(report.bad_rows)} bad row(s)." if report.bad_rows else "."))
        return EXIT_SOME_FAILED if report.bad_rows else EXIT_OK
    target = Path(args.file)
    with app.sessions() as session:
        try:
            count = patients.export_csv(session, target)
        except ValidationError as exc:
            if not write_failure(exc):
                raise
            if target.is_file():  # half a list must not pass for the whole one later
                target.unlink()
            raise disk_full(exc, target.parent, f"the export {target.name} was not written",
                            "export again") from exc
    print(f"Exported {count} patient(s) to {args.file}.")
    return EXIT_OK


def cmd_doctors(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import add_doctor, list_doctors

    app = _open(args)
    if args.doctors_command == "add":
        with write_session(app.sessions) as session:
            doctor = add_doctor(session, args.name, args.email or "")
        print(f"Added doctor {doctor.name}.")
        return EXIT_OK
    with app.sessions() as session:
        rows = [[d.name, d.email or "-"] for d in list_doctors(session)]
    print(_table(["doctor", "email"], rows))
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain import plans
    from clinic_desktop.domain.patients import get_patient

    app = _open(args)
    if args.plan_command == "templates":
        with app.sessions() as session:
            templates = plans.list_templates(session)
            if not templates:
                print("No plan templates yet.")
            for t in templates:
                total = sum(s.duration_days for s in t.steps)
                print(f"{t.name}: {len(t.steps)} steps, {total} days. {t.description}".rstrip())
                if args.steps:
                    for s in t.steps:
                        print(f"   {s.order:>3}. {s.name} ({s.duration_days} days)")
        return EXIT_OK
    if args.plan_command == "delete-template":
        with write_session(app.sessions) as session:
            name = plans.delete_template(session, args.name)
        print(f"Plan template {name!r} deleted. Patients who already have its steps keep them.")
        return EXIT_OK
    with write_session(app.sessions) as session:
        patient = get_patient(session, args.patient)
        template = plans.get_template(session, args.template)
        steps = plans.apply_plan(session, patient, template, args.start)
    print(f"Plan {template.name!r} applied to {patient.code}: {len(steps)} steps; step 1 "
          f"'{steps[0].name}' starts {args.start.isoformat()} and is due "
          f"{steps[0].due_date.isoformat() if steps[0].due_date else '-'}.")
    return EXIT_OK


def cmd_step(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from clinic_desktop.db.engine import write_session
    from clinic_desktop.db.models import TreatmentStep
    from clinic_desktop.domain import progression
    from clinic_desktop.domain.patients import get_patient
    from clinic_desktop.errors import NotFoundError, RuleError

    app = _open(args)
    today = _today(args, app)
    with write_session(app.sessions) as session:
        patient = get_patient(session, args.patient)

        def pick_step() -> TreatmentStep:
            if getattr(args, "order", None) is None:
                step = progression.active_step(session, patient.id)
                if step is None:
                    raise RuleError(f"Patient {patient.code} has no active step; name one "
                                    "with --order N.")
                return step
            step = session.scalar(select(TreatmentStep).where(
                TreatmentStep.patient_id == patient.id, TreatmentStep.order == args.order))
            if step is None:
                raise NotFoundError(f"Patient {patient.code} has no step {args.order}.")
            return step

        action = args.step_command
        if action == "add":
            step = progression.add_step(session, patient, args.name, args.days,
                                        args.instructions or "", today)
            message = f"Added step {step.order} '{step.name}'" + (
                f", active from {today.isoformat()}." if step.is_active else ".")
        elif action == "undo":
            step = progression.undo_last_progression(session, patient)
            message = f"Undone: step {step.order} '{step.name}' is active again."
        else:
            step = pick_step()
            message = _step_action(session, action, step, args, today)
    print(message)
    return EXIT_OK


def _step_action(session: Any, action: str, step: Any, args: argparse.Namespace,
                 today: date) -> str:
    from clinic_desktop.domain import progression

    match action:
        case "complete":
            return _progress_message(progression.complete_early(session, step, today))
        case "skip":
            return _progress_message(progression.skip_step(session, step, today),
                                     f"Skipped step {step.order} '{step.name}'.")
        case "pause":
            progression.pause_step(session, step, args.until, today)
            return (f"Step {step.order} paused until {args.until.isoformat()}; now due "
                    f"{_iso(step.due_date)}.")
        case "resume":
            progression.resume_step(session, step, today)
            return f"Step {step.order} resumed; due {_iso(step.due_date)}."
        case "duration":
            progression.set_duration(session, step, args.days)
            return f"Step {step.order} now lasts {args.days} days; due {_iso(step.due_date)}."
        case "move":
            before = _waiting_position(session, step)
            if before == args.to:
                return (f"Step {step.order} '{step.name}' is already at position {before} "
                        "among the steps that have not started; nothing changed.")
            progression.move_step(session, step, args.to)
            after = _waiting_position(session, step)
            return (f"Step '{step.name}' moved from position {before} to {after} among the "
                    f"steps that have not started; it is now step {step.order}.")
    raise AssertionError(f"unknown step action {action!r}")  # argparse allows no other


def _waiting_position(session: Any, step: Any) -> int | None:
    """The step's 1-based place among the patient's steps that have not started (as
    `step move --to` counts), read from the database; None when it has started."""
    from clinic_desktop.domain.progression import pending_steps

    ids = [s.id for s in pending_steps(session, step.patient_id)]
    return ids.index(step.id) + 1 if step.id in ids else None


def _progress_message(result: Any, fallback: str = "") -> str:
    if result is None:
        return fallback
    if result.plan_finished:
        return "Step completed. That was the last step: the plan is finished."
    note = ""
    if result.started_email is not None and result.started_email.reason:
        note = f" The 'new step started' email needs attention: {result.started_email.reason}."
    elif result.started_email is not None:
        note = " The 'new step started' email is queued."
    return f"Step completed; the next step is active from today.{note}"


# --- parser -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="data folder (default: per-user app data; env "
                             "CLINIC_DESKTOP_DATA_DIR)")
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default: SQLite in the data folder; env "
                             "CLINIC_DESKTOP_DB_URL)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show informational messages")
    today = argparse.ArgumentParser(add_help=False)
    today.add_argument("--today", type=_date_arg, metavar="YYYY-MM-DD",
                       help="act as if today were this date (default: today in the clinic's "
                            "time zone)")

    parser = _Parser(prog="clinic-desktop", parents=[common],
                     description="Clinic Desktop: treatment step plans, photos and patient "
                                 "emails. Without a command it opens the app window.")
    parser.add_argument("--version", action=ShowVersion)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("demo", parents=[common, today], help="fill an empty data folder with a "
                       "demo clinic")
    p.add_argument("--patients", type=positive_int, default=30, metavar="N",
                   help="number of demo patients (default 30)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("status", parents=[common, today], help="list patients and their steps")
    p.add_argument("--patient", metavar="CODE", help="only this patient, every step")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--all-steps", action="store_true", help="every step of every patient")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("notify-finished-steps", parents=[common, today],
                       help="queue the 'photo required' email for every finished step")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would be queued and changed; change nothing")
    p.add_argument("--auto-progress", action="store_true",
                   help="also advance finished steps without waiting for a photo")
    p.add_argument("--no-send", action="store_true",
                   help="only queue the emails; do not send them now")
    p.set_defaults(func=cmd_notify)

    p = sub.add_parser("settings", parents=[common], help="show or change clinic settings")
    ssub = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True,
                            parser_class=_Parser)
    ssub.add_parser("show", parents=[common], help="every setting with its value")
    g = ssub.add_parser("get", parents=[common], help="one setting's value")
    g.add_argument("key")
    s = ssub.add_parser("set", parents=[common], help="change a setting")
    s.add_argument("key")
    s.add_argument("value")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("db", parents=[common], help="upgrade, back up or check the database")
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True,
                            parser_class=_Parser)
    dsub.add_parser("upgrade", parents=[common], help="apply migrations (backup first)")
    dsub.add_parser("backup", parents=[common], help="write a verified backup now")
    dr = dsub.add_parser("restore", parents=[common],
                         help="put a backup in place of the database (checked first; the "
                              "current file is kept beside it)")
    dr.add_argument("backup", metavar="BACKUP", help="a backup file, e.g. from the backups/ "
                    "folder in the data folder")
    dc = dsub.add_parser("check", parents=[common],
                         help="check integrity, the treatment rules and the photo files")
    dc.add_argument("--deep", action="store_true",
                    help="also read every photo and compare it with its fingerprint (slow)")
    dsub.add_parser("rebuild-search", parents=[common],
                    help="recompute what the patient search looks in, and its index")
    dp = dsub.add_parser("set-password", parents=[common],
                         help="keep the PostgreSQL password in the system keyring")
    dp.add_argument("--stdin", action="store_true", help="read it from standard input")
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("patients", parents=[common], help="add, list, import, export patients")
    psub = p.add_subparsers(dest="patients_command", metavar="ACTION", required=True,
                            parser_class=_Parser)
    a = psub.add_parser("add", parents=[common], help="add one patient")
    a.add_argument("--code", required=True, help="unique patient code, e.g. P00123")
    a.add_argument("--first-name", default="")
    a.add_argument("--last-name", default="")
    a.add_argument("--email")
    a.add_argument("--phone")
    a.add_argument("--consent", action="store_true", help="the patient agreed to emails")
    a.add_argument("--language", default="en",
                   help="language of the patient's emails: one with email templates, e.g. en, "
                        "de (default en)")
    a.add_argument("--doctor", help="doctor's name as in `doctors list`")
    lst = psub.add_parser("list", parents=[common], help="list patients")
    lst.add_argument("--search", metavar="TEXT", help="code, name, email or phone contains TEXT")
    imp = psub.add_parser("import", parents=[common], help="import patients from a CSV file")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--skip-bad-rows", action="store_true",
                     help="import the good rows even if some are bad")
    exp = psub.add_parser("export", parents=[common], help="export all patients to CSV")
    exp.add_argument("file", metavar="FILE.csv")
    p.set_defaults(func=cmd_patients)

    p = sub.add_parser("doctors", parents=[common], help="add or list doctors")
    dsub = p.add_subparsers(dest="doctors_command", metavar="ACTION", required=True,
                            parser_class=_Parser)
    a = dsub.add_parser("add", parents=[common], help="add a doctor")
    a.add_argument("name")
    a.add_argument("--email")
    dsub.add_parser("list", parents=[common], help="list doctors")
    p.set_defaults(func=cmd_doctors)

    p = sub.add_parser("plan", parents=[common], help="plan templates and applying them")
    plsub = p.add_subparsers(dest="plan_command", metavar="ACTION", required=True,
                             parser_class=_Parser)
    t = plsub.add_parser("templates", parents=[common], help="list plan templates")
    t.add_argument("--steps", action="store_true", help="list each template's steps")
    a = plsub.add_parser("apply", parents=[common], help="give a patient a plan")
    a.add_argument("--patient", required=True, metavar="CODE")
    a.add_argument("--template", required=True, metavar="NAME")
    a.add_argument("--start", required=True, type=_date_arg, metavar="YYYY-MM-DD")
    d = plsub.add_parser("delete-template", parents=[common], help="delete a plan template "
                         "(patients who had it keep their steps)")
    d.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("step", parents=[common], help="change a patient's steps by hand")
    stsub = p.add_subparsers(dest="step_command", metavar="ACTION", required=True,
                             parser_class=_Parser)

    def step_parser(name: str, help_text: str, order: bool = True) -> argparse.ArgumentParser:
        sp = stsub.add_parser(name, parents=[common, today], help=help_text)
        sp.add_argument("--patient", required=True, metavar="CODE")
        if order:
            sp.add_argument("--order", type=positive_int, metavar="N",
                            help="step number (default: the active step)")
        return sp

    step_parser("complete", "complete the active step now (early), start the next")
    step_parser("skip", "skip a step")
    step_parser("pause", "pause the active step").add_argument(
        "--until", required=True, type=_date_arg, metavar="YYYY-MM-DD")
    step_parser("resume", "end a pause today")
    step_parser("duration", "change a step's duration").add_argument(
        "--days", required=True, type=_step_days)
    step_parser("move", "move a step that has not started").add_argument(
        "--to", required=True, type=positive_int, metavar="POSITION",
        help="position among the steps that have not started (1 = next)")
    step_parser("undo", "undo the last progression", order=False)
    add = step_parser("add", "add a step at the end of the plan", order=False)
    add.add_argument("--name", required=True)
    add.add_argument("--days", required=True, type=_step_days)
    add.add_argument("--instructions")
    p.set_defaults(func=cmd_step)

    from clinic_desktop import cli_email

    cli_email.add_parsers(sub, common, _Parser)
    from clinic_desktop import cli_photos

    cli_photos.add_parsers(sub, common, today, _Parser, _date_arg)
    from clinic_desktop import cli_audit

    cli_audit.add_parsers(sub, common, _Parser, _date_arg)
    from clinic_desktop import cli_mail

    cli_mail.add_parsers(sub, common, _Parser)
    from clinic_desktop import cli_forecast

    cli_forecast.add_parsers(sub, common)

    p = sub.add_parser("autostart", parents=[common],
                       help="start the notifier when you log in to this PC (on, off, status)")
    p.add_argument("state", choices=["on", "off", "status"])
    p.set_defaults(func=cmd_autostart)

    p = sub.add_parser("tray", parents=[common],
                       help="start only the notifier in the notification area")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("scheduler", parents=[common],
                       help="run the daily check, sending and folder watching in the "
                            "foreground (for a service, Task Scheduler or cron)")
    p.add_argument("--once", action="store_true",
                   help="run every job that is due now once, then exit")
    p.set_defaults(func=cmd_scheduler)
    return parser


def cmd_scheduler(args: argparse.Namespace) -> int:
    import signal
    import time

    from clinic_desktop.scheduler import ClinicScheduler, JobEvent

    app = _open(args)

    def show(event: JobEvent) -> None:
        mark = "ok" if event.ok else "PROBLEM"
        print(f"[{event.job}] {mark}: {event.summary}", flush=True)

    scheduler = ClinicScheduler(app, on_event=show)
    # Service managers (and Task Scheduler ending a run) ask with SIGTERM, Ctrl+Break sends
    # SIGBREAK: the running job stops at its next safe point, so the process ends within
    # seconds and an unfinished daily check resumes at the next start.
    for name in ("SIGTERM", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: scheduler.stop_jobs())
    if args.once:
        events = scheduler.run_once()
        for event in events:
            show(event)
        if not events:
            print("Nothing was due.")
        if any(e.config_error for e in events):
            return EXIT_USAGE  # a configuration error, as the README says
        return EXIT_OK if all(e.ok for e in events) else EXIT_SOME_FAILED
    scheduler.start()
    print(f"Scheduler running as {scheduler.holder}; the daily check runs at "
          f"{scheduler.next_daily_run():%Y-%m-%d %H:%M %Z}. Ctrl+C stops.", flush=True)
    try:
        while not scheduler.stopping:
            # A plain sleep, not Event.wait: the signal handler then never meets a lock held
            # by this thread.
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown()
    print("Scheduler stopped; the sender lease is released.")
    return EXIT_OK


def cmd_autostart(args: argparse.Namespace) -> int:
    from clinic_desktop import autostart

    if args.state == "on":
        print(autostart.enable())
    elif args.state == "off":
        print(autostart.disable())
    else:
        print("on" if autostart.is_enabled() else "off")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    """The window app (no command), or only the notifier in the tray (`tray`)."""
    app = _open(args)  # migrations run before any QApplication exists
    from clinic_desktop.ui.app import run_gui

    return run_gui(app, tray_only=args.command == "tray")


def cmd_photos(args: argparse.Namespace) -> int:
    from clinic_desktop import cli_photos

    return cli_photos.run(args, _open(args), _table)


def cmd_email(args: argparse.Namespace) -> int:
    from clinic_desktop import cli_email

    return cli_email.run(args, _open(args), _table)


def main(argv: Sequence[str] | None = None) -> int:
    from clinic_desktop.cli_console import prepare_console

    prepare_console()  # before anything is printed, usage and errors included
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("data_dir", None), ("db", None), ("verbose", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if hasattr(args, "func_email"):
        args.func = cmd_email
    if hasattr(args, "func_photos"):
        args.func = cmd_photos
    if args.command is None:
        args.func = cmd_gui
    try:
        return int(args.func(args))
    except ClinicError as exc:
        if isinstance(exc, DiskFullError):
            log.info("Not saved: %s", exc, exc_info=True)  # the file only, if it has room
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return EXIT_SOME_FAILED
    except BrokenPipeError:
        # Output piped into `head` or a closed window: not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        from sqlalchemy.exc import DatabaseError as SqlDatabaseError

        if write_failure(exc):
            full = _disk_full_problem(args, exc)
            log.info("Not saved: %s", full, exc_info=True)  # the file only, if it has room
            print(f"error: {full}", file=sys.stderr)
            return full.exit_code
        from clinic_desktop.db.engine import busy_problem

        busy = busy_problem(exc)
        if busy is not None:
            log.warning("Database busy in %s", args.command, exc_info=True)
            print(f"error: {busy}", file=sys.stderr)
            return EXIT_SOME_FAILED
        if isinstance(exc, SqlDatabaseError):
            problem = _database_problem(args, exc)
            if problem is not None:
                log.warning("Database error in %s", args.command, exc_info=True)
                print(f"error: {problem}", file=sys.stderr)
                return problem.exit_code
        log.exception("Unexpected error in %s", args.command)
        print(f"error: something unexpected went wrong ({type(exc).__name__}: {exc}). The "
              "details are in the log file in the data folder's logs/.", file=sys.stderr)
        return EXIT_SOME_FAILED


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
