"""The app on this PC: the window (no command), `tray` (only the notifier), `scheduler` (the
notifier's jobs in the foreground, for a service or Task Scheduler) and `autostart`."""

from __future__ import annotations

import argparse
import signal
import time
from typing import TYPE_CHECKING, Any

from clinic_desktop import autostart
from clinic_desktop.cli.common import Parents, open_clinic
from clinic_desktop.errors import ExitCode

if TYPE_CHECKING:
    from clinic_desktop.scheduler import JobEvent


def add_parsers(sub: Any, parents: Parents) -> None:
    common = parents.common
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


def cmd_gui(args: argparse.Namespace) -> int:
    """The window app (no command), or only the notifier in the tray (`tray`)."""
    app = open_clinic(args)  # migrations run before any QApplication exists
    from clinic_desktop.ui.app import run_gui  # Qt is loaded only for the window

    return run_gui(app, tray_only=args.command == "tray")


def cmd_scheduler(args: argparse.Namespace) -> int:
    from clinic_desktop.scheduler import ClinicScheduler

    app = open_clinic(args)

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
            return ExitCode.USAGE  # a configuration error, as the README says
        return ExitCode.OK if all(e.ok for e in events) else ExitCode.SOME_FAILED
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
    return ExitCode.OK


def cmd_autostart(args: argparse.Namespace) -> int:
    if args.state == "on":
        print(autostart.enable())
    elif args.state == "off":
        print(autostart.disable())
    else:
        print("on" if autostart.is_enabled() else "off")
    return ExitCode.OK
