"""`outbox` (the emails: list, show, retry, cancel, send), `smtp` (the mail server's password
and a test) and `templates` (the emails' texts)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop import clock
from clinic_desktop.cli.args import LazyChoices, count, record_id
from clinic_desktop.cli.common import Parents, actions, open_clinic, table
from clinic_desktop.cli.console import json_text, read_password
from clinic_desktop.errors import ClinicError, ExitCode, ValidationError

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext
    from clinic_desktop.notify.delivery import DeliveryReport
    from clinic_desktop.secrets import MailAccount


def send_due(app: AppContext, *, queued: bool = False) -> int:
    """Send what is due the one way every caller sends (scheduler.send_due: the sender
    lease, the run recorded); prints the outcome, returns the exit code it deserves.
    `queued`: the daily check has just queued the emails (said if they cannot go)."""
    from clinic_desktop.scheduler import send_due as send

    try:
        event, report = send(app, contain_errors=False)
    except ClinicError as exc:
        if not queued:
            raise
        print(f"error: the emails are queued but not sent: {exc}", file=sys.stderr)
        return exc.exit_code  # 2 when sending is not set up
    if report is None:  # another PC is the sender, or the database did not answer
        print(event.summary)
        return ExitCode.OK if event.ok else ExitCode.SOME_FAILED
    return print_delivery(report)


def print_delivery(report: DeliveryReport) -> int:
    """Summarise a DeliveryReport; returns the exit code it deserves."""
    if report.window_closed:
        print(f"Emails wait: the send window is closed {report.window_closed}.")
        return ExitCode.OK
    parts = [f"{report.sent} email(s) sent"]
    if report.retrying:
        parts.append(f"{report.retrying} will be retried")
    if report.failed:
        parts.append(f"{report.failed} failed (see `clinic-desktop outbox list --status "
                     "failed`)")
    print(", ".join(parts) + ".")
    if report.error:
        print(f"error: {report.error}", file=sys.stderr)
        print("The emails stay queued and go out " + (
            "once this is fixed." if report.setup_error else "on the next run."),
            file=sys.stderr)
    if report.setup_error:
        return ExitCode.USAGE  # a configuration error, as the README's exit codes say
    return ExitCode.OK if report.ok else ExitCode.SOME_FAILED


# --- outbox ----------------------------------------------------------------------------------


def cmd_outbox(args: argparse.Namespace) -> int:
    from clinic_desktop.domain import email_actions, staff_changes

    app = open_clinic(args)
    action = args.outbox_command
    if action == "list":
        with app.sessions() as session:
            rows = email_actions.outbox_rows(session, args.status, args.limit)
        if args.json:
            print(json_text([r.json_fields() for r in rows]))
            return ExitCode.OK
        print(table(["id", "kind", "patient", "recipient", "status", "tries", "subject / error"],
                    [[r.id, r.kind, r.patient_code or "-", r.recipient or "-", r.status,
                      r.attempts, r.last_error or r.subject] for r in rows]))
        print(f"\n{len(rows)} email(s).")
        return ExitCode.OK
    if action == "show":
        with app.sessions() as session:
            print(email_actions.describe(session, args.id))
        return ExitCode.OK
    if action == "send":
        return send_due(app)
    if action == "retry":
        message = staff_changes.retry_email(app.sessions, args.id)
    else:
        message = staff_changes.cancel_email(app.sessions, args.id)
    print(message)
    return ExitCode.OK


# --- smtp ------------------------------------------------------------------------------------


def store_mail_password(app: AppContext, account: MailAccount, from_stdin: bool) -> int:
    """`smtp set-password` and `imap set-password`: the password of the account named in
    the account's setting, into the keyring (secrets.SMTP or secrets.IMAP)."""
    from clinic_desktop import audit, secrets, settings
    from clinic_desktop.db.engine import write_session

    with app.sessions() as session:
        username = settings.get(session, account.setting)
    password = read_password(f"Password for the mail account {username}: ",
                             from_stdin=from_stdin, confirm=True)
    secrets.set_mail_password(account, username, password)
    with write_session(app.sessions) as session:
        audit.record(session, f"{account.setting.partition('.')[0]}_password_set",
                     detail=f"account {username}")
    print(f"Password for {username} stored in the system keyring "
          f"({type(secrets.backend()).__name__}).")
    warning = secrets.backend_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return ExitCode.OK


def cmd_smtp(args: argparse.Namespace) -> int:
    from clinic_desktop import secrets, settings

    app = open_clinic(args)
    if args.smtp_command == "set-password":
        return store_mail_password(app, secrets.SMTP, args.stdin)
    with app.sessions() as session:
        username = settings.get(session, "smtp.username")
    if args.smtp_command == "delete-password":
        removed = secrets.delete_smtp_password(username)
        print("Password removed." if removed else "No password was stored.")
        return ExitCode.OK
    from clinic_desktop.notify.delivery import send_test_email

    print(send_test_email(app.sessions, args.to))
    return ExitCode.OK


# --- templates -------------------------------------------------------------------------------


def cmd_templates(args: argparse.Namespace) -> int:
    from clinic_desktop.domain import staff_changes
    from clinic_desktop.notify import render

    app = open_clinic(args)
    if getattr(args, "lang", "") is None:
        args.lang = render.DEFAULT_LANGUAGE

    action = args.templates_command
    if action == "list":
        with app.sessions() as session:
            versions = render.template_versions(session)
        print(table(["kind", "language", "version"],
                    [[v.kind, v.language, f"edited by {v.edited_by} on {v.edited_at:%Y-%m-%d}"
                      if v.edited_at else "default"] for v in versions]))
        return ExitCode.OK
    if action == "show":
        sources = _current_sources(app, args.kind, args.lang)
        for part in render.PARTS:
            print(f"----- {part} -----")
            print(sources[part].rstrip("\n"))
        return ExitCode.OK
    if action == "edit":
        sources = _current_sources(app, args.kind, args.lang)
        changes = {"subject": args.subject, "text": _read(args.text_file),
                   "html": _read(args.html_file)}
        if args.subject_file:
            changes["subject"] = _read(args.subject_file)
        if not any(v is not None for v in changes.values()):
            raise ValidationError("Nothing to change: give --subject, --subject-file, "
                                  "--text-file or --html-file.")
        sources.update({k: v for k, v in changes.items() if v is not None})
        staff_changes.save_email_template(app.sessions, args.kind, args.lang, sources)
        print(f"Saved the {args.kind} email ({args.lang}).")
        return ExitCode.OK
    if action == "reset":
        removed = staff_changes.reset_email_template(app.sessions, args.kind, args.lang)
        print("Back to the default template." if removed else "It was the default already.")
        return ExitCode.OK
    if action == "export":
        folder = Path(args.folder)
        count = 0
        for kind in render.KINDS:
            for lang in render.available_languages():
                sources = _current_sources(app, kind, lang)
                (folder / lang).mkdir(parents=True, exist_ok=True)
                for part in render.PARTS:
                    path = folder / render.template_name(kind, lang, part)
                    path.write_text(sources[part], encoding="utf-8")
                    count += 1
        print(f"Wrote {count} template files to {folder}.")
        return ExitCode.OK
    if action == "import":
        return _import_templates(app, Path(args.folder))
    return _preview(args, app)


def _read(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"Cannot read {path}: {exc}.") from None


def _current_sources(app: AppContext, kind: str, language: str) -> dict[str, str]:
    from clinic_desktop.notify import render

    if language not in render.available_languages():
        raise ValidationError(f"There are no templates in language {language!r}. Languages: "
                              f"{', '.join(render.available_languages())}.")
    with app.sessions() as session:
        return render.template_source(session, kind, language)


def _import_templates(app: AppContext, folder: Path) -> int:
    """Every kind/language in the folder that differs from what is in force; all or nothing."""
    from clinic_desktop import audit
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.notify import render

    if not folder.is_dir():
        raise ValidationError(f"{folder} is not a folder.")
    changed = 0
    with write_session(app.sessions) as session:
        for kind in render.KINDS:
            for lang in render.available_languages():
                paths = {part: folder / render.template_name(kind, lang, part)
                         for part in render.PARTS}
                if not any(p.exists() for p in paths.values()):
                    continue
                sources = _current_sources(app, kind, lang)
                for part, path in paths.items():
                    if path.exists():
                        sources[part] = _read(str(path)) or ""
                if sources == _current_sources(app, kind, lang):
                    continue
                try:
                    render.save_template(session, kind, lang, sources, audit.actor_name())
                except ValidationError as exc:
                    raise ValidationError(f"{kind} ({lang}): {exc} Nothing was imported.") \
                        from None
                changed += 1
    print(f"Imported {changed} changed template(s).")
    return ExitCode.OK


def _preview(args: argparse.Namespace, app: AppContext) -> int:
    """The exact email the patient would get now, as it would go over the wire."""
    from clinic_desktop.domain import email_actions
    from clinic_desktop.domain.patients import get_patient

    with app.sessions() as session:
        patient = get_patient(session, args.patient)
        message = email_actions.preview(session, args.kind, patient, args.lang, clock.now_utc())
    if not args.text_only:
        sys.stdout.write(message.as_string())
        return ExitCode.OK
    text = message.get_body(("plain",))
    if text is None:  # every template has a text part; a message without one says so
        raise ValidationError(f"The {args.kind} email has no plain-text part.")
    sys.stdout.write(text.get_content())
    return ExitCode.OK


# --- parsers ---------------------------------------------------------------------------------


def _statuses() -> tuple[str, ...]:
    from clinic_desktop.notify import outbox

    return outbox.STATUSES


def _kinds() -> tuple[str, ...]:
    from clinic_desktop.notify import render

    return render.KINDS


def add_set_password(actions: Any, common: argparse.ArgumentParser, help_text: str) -> None:
    """`smtp set-password` and `imap set-password` (store_mail_password runs them)."""
    actions.add_parser("set-password", parents=[common], help=help_text).add_argument(
        "--stdin", action="store_true",
        help="read the password from standard input (for scripts)")


def add_parsers(sub: Any, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser("outbox", parents=[common], help="emails: list, show, retry, cancel, send")
    osub = actions(p, "outbox_command")
    lst = osub.add_parser("list", parents=[common], help="newest emails first")
    lst.add_argument("--status", choices=LazyChoices(_statuses), metavar="STATUS",
                     help="only these: %(choices)s")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.add_argument("--limit", type=count, default=200, help="at most this many (default 200)")
    for name, text in (("show", "one email as sent, with every attempt"),
                       ("retry", "send a failed or held email again"),
                       ("cancel", "do not send this email")):
        osub.add_parser(name, parents=[common], help=text).add_argument("id", type=record_id)
    osub.add_parser("send", parents=[common], help="send what is due now")
    p.set_defaults(func=cmd_outbox)

    p = sub.add_parser("smtp", parents=[common], help="mail server password and test")
    ssub = actions(p, "smtp_command")
    add_set_password(ssub, common, "store the mail password in the system keyring")
    ssub.add_parser("delete-password", parents=[common], help="remove the stored password")
    t = ssub.add_parser("test", parents=[common], help="connect, log in, optionally send")
    t.add_argument("--to", metavar="ADDRESS", help="also send the test email here")
    p.set_defaults(func=cmd_smtp)

    p = sub.add_parser("templates", parents=[common], help="email templates")
    tsub = actions(p, "templates_command")
    tsub.add_parser("list", parents=[common], help="every kind and language")

    def kind_parser(name: str, text: str) -> argparse.ArgumentParser:
        kp = tsub.add_parser(name, parents=[common], help=text)
        kp.add_argument("kind", choices=LazyChoices(_kinds), metavar="KIND",
                        help="%(choices)s")
        kp.add_argument("--lang", metavar="LANG", help="the language (default: English, en)")
        return kp

    kind_parser("show", "print a template's subject, text and HTML")
    e = kind_parser("edit", "change a template (checked before it is saved)")
    e.add_argument("--subject")
    e.add_argument("--subject-file", metavar="FILE")
    e.add_argument("--text-file", metavar="FILE")
    e.add_argument("--html-file", metavar="FILE")
    kind_parser("reset", "go back to the default template")
    tsub.add_parser("export", parents=[common], help="write every template to a folder") \
        .add_argument("folder")
    tsub.add_parser("import", parents=[common], help="read edited templates from a folder") \
        .add_argument("folder")
    pv = kind_parser("preview", "print the exact email a patient would get now")
    pv.add_argument("--patient", required=True, metavar="CODE")
    pv.add_argument("--text-only", action="store_true", help="only the plain-text part")
    p.set_defaults(func=cmd_templates)

