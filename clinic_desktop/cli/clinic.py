"""The clinic as a whole: `demo`, `status`, `notify-finished-steps` (the daily check) and
`settings`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from clinic_desktop.cli.args import positive_int
from clinic_desktop.cli.common import (
    Parents,
    acting_today,
    actions,
    iso,
    open_clinic,
    table,
    yes_no,
)
from clinic_desktop.errors import ExitCode

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext
    from clinic_desktop.domain.due_scan import ScanReport


def add_parsers(sub: Any, parents: Parents) -> None:
    common, today = parents.common, parents.today
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
    ssub = actions(p, "settings_command")
    ssub.add_parser("show", parents=[common], help="every setting with its value")
    g = ssub.add_parser("get", parents=[common], help="one setting's value")
    g.add_argument("key")
    s = ssub.add_parser("set", parents=[common], help="change a setting")
    s.add_argument("key")
    s.add_argument("value")
    p.set_defaults(func=cmd_settings)


def cmd_demo(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.demo import build_demo, holds_demo

    app = open_clinic(args)
    today = acting_today(args, app, writes=False)
    with app.sessions() as session:
        existing = holds_demo(session)
    if existing:
        # Typing the README's first command again opens the same demo instead of failing.
        print(f"The demo clinic is already in {app.paths.data_dir} ({existing} patients); "
              "it is kept as it is.")
        return ExitCode.OK
    with write_session(app.sessions) as session:
        summary = build_demo(session, today, args.patients)
    print(f"Demo clinic created in {app.paths.data_dir}: {summary.patients} patients, "
          f"{summary.steps} treatment steps, {summary.doctors} doctors, "
          f"{summary.templates} plan templates.")
    print("Next: `clinic-desktop status` shows them; "
          "`clinic-desktop notify-finished-steps --dry-run` shows who is due.")
    return ExitCode.OK


def cmd_status(args: argparse.Namespace) -> int:
    from clinic_desktop.cli.console import write_json_list
    from clinic_desktop.domain.patients import get_patient, normalise_code
    from clinic_desktop.domain.status import column_widths, json_fields, patient_statuses

    app = open_clinic(args)
    today = acting_today(args, app, writes=False)
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
            return ExitCode.OK
        if args.patient or args.all_steps:
            for p in statuses:
                print(f"\n{p.code}  {p.name}  <{p.email or 'no email'}>"
                      f"{'  (plan finished)' if p.plan_finished else ''}")
                print(table(["#", "step", "start", "due", "state", "active", "completed",
                             "finished", "days late", "notified"],
                            [[s.order, s.name, iso(s.start_date), iso(s.due_date), s.state,
                              yes_no(s.is_active), yes_no(s.is_completed),
                              yes_no(s.is_finished), s.days_late or "",
                              yes_no(s.notification_sent)] for s in p.steps]))
            return ExitCode.OK
        widths = column_widths(session)
        header = ["code", "patient", "active step", "due", "state", "days late", "notified"]
        sizes = [max(len(h), w) for h, w in zip(header, [
            widths["code"], widths["name"], max(widths["step"], len("plan finished")), 10,
            widths["state"], len("days late"), len("yes")], strict=True)]
        patients = 0
        for p in statuses:
            if not patients:
                print(table(header, [], sizes))
            patients += 1
            a = p.active
            row: list[object]
            if a is None:
                row = [p.code, p.name, "plan finished" if p.plan_finished else "no plan",
                       "-", "-", "", ""]
            else:
                row = [p.code, p.name, f"{a.order}/{len(p.steps)} {a.name}", iso(a.due_date),
                       a.state, a.days_late or "", yes_no(a.notification_sent)]
            print(table(header, [row], sizes, header_lines=False))
    if not patients:
        print("No patients yet. Add some with `clinic-desktop patients add` or try "
              "`clinic-desktop demo`.")
        return ExitCode.OK
    print(f"\n{patients} patients. `--patient CODE` or `--all-steps` lists every step.")
    return ExitCode.OK


def _print_health(app: AppContext) -> None:
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


def cmd_notify(args: argparse.Namespace) -> int:
    from clinic_desktop.cli.emails import send_due
    from clinic_desktop.domain.daily_check import daily_check

    app = open_clinic(args)
    today = acting_today(args, app)
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
    return max(code, send_due(app, queued=True))


def _print_scan(args: argparse.Namespace, report: ScanReport) -> int:
    from clinic_desktop.domain import due_scan

    if not report.items:
        print("No finished steps are waiting.")
        return ExitCode.OK
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
    print(table(headers, rows))
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
    return ExitCode.SOME_FAILED if report.failed else ExitCode.OK


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

    app = open_clinic(args)
    if args.settings_command == "show":
        with app.sessions() as session:
            rows = settings.show_all(session)
        print(table(["key", "value", "", "allowed", "meaning"],
                    [[r.key, r.value, r.problem or ("(default)" if r.is_default else ""),
                      r.allowed, r.description] for r in rows]))
        return ExitCode.SOME_FAILED if any(r.problem for r in rows) else ExitCode.OK
    if args.settings_command == "get":
        with app.sessions() as session:
            print(settings.get_text(session, args.key))
        return ExitCode.OK
    with write_session(app.sessions) as session:
        settings.set_value(session, args.key, args.value)
        shown = settings.get_text(session, args.key)
    print(f"{args.key} = {shown}")
    return ExitCode.OK
