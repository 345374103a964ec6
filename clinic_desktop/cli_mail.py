"""Mailbox commands of `clinic-desktop`: the IMAP password and test, reading patients' replies."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def cmd_imap(args: argparse.Namespace, app: Any) -> int:
    from clinic_desktop import secrets
    from clinic_desktop.cli_email import store_mail_password
    from clinic_desktop.mail.imap import check_mailbox, load_imap_settings, password_for

    if args.imap_command == "set-password":
        return store_mail_password(app, secrets.IMAP, args.stdin)
    with app.sessions() as session:
        config = load_imap_settings(session)
    print(check_mailbox(config, password_for(config)))
    return EXIT_OK


def cmd_poll(args: argparse.Namespace, app: Any) -> int:
    """Read the mailbox now (--once) or every few minutes until Ctrl+C."""
    from clinic_desktop.mail.poll import POLL_MINUTES, poll_once

    while True:
        report = poll_once(app)
        if report is None:
            print("error: reading the clinic's mailbox is not set up yet: set imap.host and "
                  "imap.username (docs/email-replies.md).", file=sys.stderr)
            return EXIT_USAGE
        for handled in report.handled:
            print(f"{handled.outcome:<14} {handled.summary}")
        summary = report.summary()
        print(summary if summary.endswith(".") else summary + ".")
        if report.error:
            print(f"error: {report.error}", file=sys.stderr)
        if args.once:
            if report.setup_error:
                return EXIT_USAGE
            return EXIT_OK if report.ok else EXIT_SOME_FAILED
        try:
            time.sleep(POLL_MINUTES * 60)
        except KeyboardInterrupt:
            return EXIT_OK


def add_parsers(sub: Any, common: argparse.ArgumentParser, parser_class: type) -> None:
    p = sub.add_parser("imap", parents=[common], help="the clinic's mailbox: password and test")
    isub = p.add_subparsers(dest="imap_command", metavar="ACTION", required=True,
                            parser_class=parser_class)
    sp = isub.add_parser("set-password", parents=[common],
                         help="store the mailbox password in the system keyring")
    sp.add_argument("--stdin", action="store_true",
                    help="read the password from standard input (for scripts)")
    isub.add_parser("test", parents=[common], help="connect, log in and open the folder")
    p.set_defaults(func=run)

    p = sub.add_parser("mail", parents=[common], help="read patients' replies and bounces")
    msub = p.add_subparsers(dest="mail_command", metavar="ACTION", required=True,
                            parser_class=parser_class)
    pp = msub.add_parser("poll", parents=[common],
                         help="read the mailbox: import emailed photos, record bounces "
                              "(every few minutes until Ctrl+C)")
    pp.add_argument("--once", action="store_true", help="read it once, then exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from clinic_desktop.app import open_app

    app = open_app(args.data_dir, args.db, verbose=args.verbose)
    if args.command == "imap":
        return cmd_imap(args, app)
    return cmd_poll(args, app)
