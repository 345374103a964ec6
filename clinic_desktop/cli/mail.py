"""`imap` (the clinic mailbox's password and a test) and `mail poll` (reading patients' replies
and bounces)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from clinic_desktop.cli.common import Parents, actions, open_clinic
from clinic_desktop.cli.emails import add_set_password
from clinic_desktop.errors import ExitCode


def cmd_imap(args: argparse.Namespace) -> int:
    from clinic_desktop import secrets
    from clinic_desktop.cli.emails import store_mail_password
    from clinic_desktop.mail.imap import check_mailbox, load_imap_settings, password_for

    app = open_clinic(args)
    if args.imap_command == "set-password":
        return store_mail_password(app, secrets.IMAP, args.stdin)
    with app.sessions() as session:
        config = load_imap_settings(session)
    print(check_mailbox(config, password_for(config)))
    return ExitCode.OK


def cmd_poll(args: argparse.Namespace) -> int:
    """Read the mailbox now (--once) or every few minutes until Ctrl+C."""
    from clinic_desktop.mail.poll import POLL_MINUTES, poll_once

    app = open_clinic(args)
    while True:
        report = poll_once(app)
        if report is None:
            print("error: reading the clinic's mailbox is not set up yet: set imap.host and "
                  "imap.username (docs/email-replies.md).", file=sys.stderr)
            return ExitCode.USAGE
        for handled in report.handled:
            print(f"{handled.outcome:<14} {handled.summary}")
        summary = report.summary()
        print(summary if summary.endswith(".") else summary + ".")
        if report.error:
            print(f"error: {report.error}", file=sys.stderr)
        if args.once:
            if report.setup_error:
                return ExitCode.USAGE
            return ExitCode.OK if report.ok else ExitCode.SOME_FAILED
        try:
            time.sleep(POLL_MINUTES * 60)
        except KeyboardInterrupt:
            return ExitCode.OK


def add_parsers(sub: Any, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser("imap", parents=[common], help="the clinic's mailbox: password and test")
    isub = actions(p, "imap_command")
    add_set_password(isub, common, "store the mailbox password in the system keyring")
    isub.add_parser("test", parents=[common], help="connect, log in and open the folder")
    p.set_defaults(func=cmd_imap)

    p = sub.add_parser("mail", parents=[common], help="read patients' replies and bounces")
    msub = actions(p, "mail_command")
    pp = msub.add_parser("poll", parents=[common],
                         help="read the mailbox: import emailed photos, record bounces "
                              "(every few minutes until Ctrl+C)")
    pp.add_argument("--once", action="store_true", help="read it once, then exit")
    pp.set_defaults(func=cmd_poll)

