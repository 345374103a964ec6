"""Photo commands: `import-photos`, `inbox` (photos that need a patient), `photos` (held for
quality; which view a photo shows) and `watch` (the watched folders)."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop.cli.args import date_arg, record_id, step_number
from clinic_desktop.cli.common import Parents, acting_today, actions, open_clinic, table
from clinic_desktop.cli.console import json_text
from clinic_desktop.domain.photo_views import VIEWS
from clinic_desktop.errors import ExitCode, NotFoundError, ValidationError

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext
    from clinic_desktop.photos.importer import PhotoImporter
    from clinic_desktop.photos.watch import PollReport


def _importer(app: AppContext, today: date) -> PhotoImporter:
    from clinic_desktop.photos.importer import PhotoImporter

    return PhotoImporter.for_app(app, today)


def cmd_import(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.patients import get_patient
    from clinic_desktop.photos.importer import IMPORTED, step_for_photo

    app = open_clinic(args)
    today = acting_today(args, app)
    if args.step is not None and not args.patient:
        raise ValidationError("--step needs --patient: a step number means something only "
                              "for one patient's plan.")
    if args.patient:
        with app.sessions() as session:
            # A typo in --patient or --step is a usage error.
            step_for_photo(session, get_patient(session, args.patient), args.step)
    importer = _importer(app, today)
    counts: Counter[str] = Counter()
    held = 0
    for outcome in importer.import_paths([Path(p) for p in args.paths], patient_code=args.patient,
                                         taken=args.taken, confirm_early=args.complete_step,
                                         step_order=args.step):
        print(outcome.line(), flush=True)
        counts[outcome.status] += 1
        held += bool(outcome.held)
    total = sum(counts.values())
    print(f"\n{total} file(s): " + ", ".join(f"{n} {status}" for status, n in
                                            sorted(counts.items())) + ".")
    if held:
        print(f"{held} of them held for quality: their steps wait until staff accept them "
              "(clinic-desktop photos held) or better photos arrive.")
    return ExitCode.OK if total and counts[IMPORTED] == total else ExitCode.SOME_FAILED


def cmd_inbox(args: argparse.Namespace) -> int:
    from clinic_desktop.photos import inbox

    app = open_clinic(args)
    if args.inbox_command == "list":
        with app.sessions() as session:
            rows = [{"id": i.id, "status": i.status, "file": i.original_name,
                     "reason": i.reason, "source_path": i.source_path,
                     "created_at": i.created_at.isoformat()} for i in inbox.open_items(session)]
        if args.json:
            print(json_text(rows))
        else:
            print(table(["id", "status", "file", "reason"],
                        [[r["id"], r["status"], r["file"], r["reason"]] for r in rows]))
            print(f"\n{len(rows)} item(s) waiting.")
        return ExitCode.OK
    if args.inbox_command == "dismiss":
        dismissed = inbox.dismiss_item(app.sessions, args.id)
        print(f"Inbox item {args.id} dismissed." if dismissed else
              f"Inbox item {args.id} was already dismissed; nothing changed.")
        return ExitCode.OK
    from clinic_desktop.domain.patients import get_patient

    with app.sessions() as session:
        get_patient(session, args.patient)  # a typo in --patient is a usage error
    outcome = inbox.assign(_importer(app, acting_today(args, app)), args.id, args.patient,
                           confirm_early=args.complete_step, step_order=args.step)
    print(outcome.line())
    return ExitCode.OK if outcome.status == "imported" else ExitCode.SOME_FAILED


def cmd_held(args: argparse.Namespace) -> int:
    """Photos held by the quality gate: list them, accept one, or ask for a better one."""
    from clinic_desktop import settings
    from clinic_desktop.domain.photo_sets import held_photos
    from clinic_desktop.photos.quality import describe

    app = open_clinic(args)
    if args.photos_command == "held":
        with app.sessions() as session:
            zone = settings.clinic_zone(session)
            rows = [{"photo": h.photo_id, "patient": h.patient_code, "name": h.patient_name,
                     "step": h.step_order, "step_name": h.step_name, "file": h.original_name,
                     "taken": h.taken_at.astimezone(zone).date().isoformat()
                     if h.taken_at else "", "issues": h.issues,
                     "reason": describe(",".join(h.issues), h.measures),
                     "retake_email": h.retake_status} for h in held_photos(session)]
        if args.json:
            print(json_text(rows))
        else:
            print(table(["photo", "patient", "step", "taken", "reason", "retake email"],
                        [[r["photo"], f"{r['patient']} {r['name']}",
                          f"{r['step']} {r['step_name']}", r["taken"], r["reason"],
                          r["retake_email"] or "-"] for r in rows]))
            print(f"\n{len(rows)} photo(s) held for quality. Accept one with `clinic-desktop "
                  "photos accept ID`, or ask the patient for a better one with "
                  "`clinic-desktop photos retake ID`.")
        return ExitCode.OK
    try:
        if args.photos_command == "retake":
            return _ask_for_retake(app, args.id)
        return _accept(app, args.id, acting_today(args, app))
    except NotFoundError as exc:  # a mistyped number: say where the numbers are
        raise NotFoundError(f"{str(exc).rstrip('.')}; `clinic-desktop photos held` lists the "
                            "photos held for quality.") from None


def _ask_for_retake(app: AppContext, photo_id: int) -> int:
    from clinic_desktop.domain import photo_actions

    queued = photo_actions.ask_for_better_photo(app.sessions, photo_id)
    if not queued.created:
        print(f"Photo {photo_id}: the patient was asked for a better photo already; "
              "nothing changed.")
        return ExitCode.OK
    if queued.reason:
        print(f"Photo {photo_id}: the email asking for a better photo is held back: "
              f"{queued.reason} (it waits in the outbox).")
        return ExitCode.SOME_FAILED
    print(f"Photo {photo_id}: the patient is asked for a better photo (the email is queued).")
    return ExitCode.OK


def _accept(app: AppContext, photo_id: int, today: date) -> int:
    from clinic_desktop.domain import photo_actions

    accepted = photo_actions.accept_held_photo(app.sessions, photo_id, today)
    done, following = accepted.completed, accepted.started
    if done is None:
        print(f"Photo {photo_id} accepted; nothing else changes (its step is not finished on "
              "the day it was taken, or no longer active).")
    else:
        print(f"Photo {photo_id} accepted: step {done.order} '{done.name}' completed; "
              + ("plan finished." if following is None else
                 f"step {following.order} '{following.name}' started."))
    return ExitCode.OK


def cmd_view(args: argparse.Namespace) -> int:
    """Set or change which view a photo shows; audited."""
    from clinic_desktop.domain.photo_actions import set_view

    changed = set_view(open_clinic(args).sessions, args.id,
                       "" if args.view == "none" else args.view)
    print(f"Photo {args.id}: view set to {args.view}." if changed else
          f"Photo {args.id} shows {args.view} already; nothing changed.")
    return ExitCode.OK


def cmd_watch(args: argparse.Namespace) -> int:
    from clinic_desktop import settings
    from clinic_desktop.photos.watch import FolderWatcher

    app = open_clinic(args)
    with app.sessions() as session:
        folders = settings.get(session, "photos.watch_folders")
        stable = settings.get(session, "photos.stable_seconds")
    if not folders:
        print("No folder is watched yet: clinic-desktop settings set photos.watch_folders "
              "'C:\\Photos\\Incoming'", file=sys.stderr)
        return ExitCode.USAGE
    # Each look takes the day anew: a watch left running overnight files by the new day.
    watcher = FolderWatcher(app.sessions, lambda: _importer(app, acting_today(args, app)))

    def show(report: PollReport) -> None:
        for outcome in report.outcomes:
            print(outcome.line(), flush=True)
        for problem in report.problems:
            print(f"warning: {problem}", file=sys.stderr, flush=True)

    if args.once:
        # Look, wait until files have been still long enough, then take them.
        first = watcher.poll()
        show(first)
        if first.waiting:
            time.sleep(stable + 0.5)
            second = watcher.poll()
            show(second)
            first.outcomes += second.outcomes
        return ExitCode.OK if all(o.status != "refused" for o in first.outcomes) else \
            ExitCode.SOME_FAILED
    print(f"Watching {', '.join(folders)} (Ctrl+C stops).", flush=True)
    stop = threading.Event()
    try:
        watcher.run(stop, show)
    except KeyboardInterrupt:
        stop.set()
    return ExitCode.OK


def add_parsers(sub: Any, parents: Parents) -> None:
    common, today = parents.common, parents.today
    p = sub.add_parser("import-photos", parents=[common, today],
                       help="import photo files or folders (recursive)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--patient", metavar="CODE",
                   help="all files are this patient's (default: the code in the file or "
                        "folder name)")
    p.add_argument("--taken", type=date_arg, metavar="YYYY-MM-DD",
                   help="when the photos were taken (default: from the camera, else the "
                        "file's time)")
    p.add_argument("--step", type=step_number, metavar="N",
                   help="with --patient: file the photos under step N of the patient's plan "
                        "(the active step, or an earlier one as a record that changes "
                        "nothing; default: the active step)")
    p.add_argument("--complete-step", action="store_true",
                   help="complete the active step even if its time is not up yet")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("inbox", parents=[common], help="photos that need a patient")
    isub = actions(p, "inbox_command")
    lst = isub.add_parser("list", parents=[common], help="unmatched and refused photos")
    lst.add_argument("--json", action="store_true")
    a = isub.add_parser("assign", parents=[common, today],
                        help="give a photo to a patient (and a step)")
    a.add_argument("id", type=record_id)
    a.add_argument("--patient", required=True, metavar="CODE")
    a.add_argument("--step", type=step_number, metavar="N",
                   help="file it under step N of the patient's plan: the active step (it may "
                        "complete, as for any photo) or an earlier one (kept as a record; "
                        "nothing else changes). Default: the active step")
    a.add_argument("--complete-step", action="store_true",
                   help="complete the active step even if its time is not up yet")
    isub.add_parser("dismiss", parents=[common], help="remove an item from the inbox") \
        .add_argument("id", type=record_id)
    p.set_defaults(func=cmd_inbox)

    p = sub.add_parser("photos", parents=[common],
                       help="photos held by the quality gate (blurred, too dark, ...) and "
                            "which view a photo shows")
    psub = actions(p, "photos_command")
    psub.add_parser("held", parents=[common],
                    help="photos held for quality: their step waits for staff") \
        .add_argument("--json", action="store_true")
    psub.add_parser("accept", parents=[common, today],
                    help="accept a held photo as it is: its step goes on as if it had passed "
                         "(a finished step completes and the next one starts)") \
        .add_argument("id", type=record_id, metavar="ID")
    psub.add_parser("retake", parents=[common],
                    help="email the patient asking for a better photo, with the reason "
                         "(once per photo)") \
        .add_argument("id", type=record_id, metavar="ID")
    v = psub.add_parser("view", parents=[common],
                        help="say which view a photo shows (front, left, right, upper or "
                             "lower jaw; none: not known), as the timeline and Compare "
                             "caption it")
    v.add_argument("id", type=record_id, metavar="ID")
    v.add_argument("view", choices=(*VIEWS, "none"), metavar="VIEW",
                   help="one of " + ", ".join((*VIEWS, "none")))
    v.set_defaults(func=cmd_view)
    p.set_defaults(func=cmd_held)

    p = sub.add_parser("watch", parents=[common], help="import photos from the watched "
                       "folders (photos.watch_folders) as they arrive")
    p.add_argument("--once", action="store_true", help="take what is there now, then stop")
    p.set_defaults(func=cmd_watch)

