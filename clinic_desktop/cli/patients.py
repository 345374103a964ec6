"""`patients` (add, list, import, export) and `doctors` (add, list)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from clinic_desktop.cli.common import Parents, actions, open_clinic, table, yes_no
from clinic_desktop.errors import ExitCode, ValidationError, disk_full, write_failure


def add_parsers(sub: Any, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser("patients", parents=[common], help="add, list, import, export patients")
    psub = actions(p, "patients_command")
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
    a.set_defaults(func=cmd_add)
    lst = psub.add_parser("list", parents=[common], help="list patients")
    lst.add_argument("--search", metavar="TEXT", help="code, name, email or phone contains TEXT")
    lst.set_defaults(func=cmd_list)
    imp = psub.add_parser("import", parents=[common], help="import patients from a CSV file")
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--skip-bad-rows", action="store_true",
                     help="import the good rows even if some are bad")
    imp.set_defaults(func=cmd_import)
    exp = psub.add_parser("export", parents=[common], help="export all patients to CSV")
    exp.add_argument("file", metavar="FILE.csv")
    exp.set_defaults(func=cmd_export)

    p = sub.add_parser("doctors", parents=[common], help="add or list doctors")
    dsub = actions(p, "doctors_command")
    a = dsub.add_parser("add", parents=[common], help="add a doctor")
    a.add_argument("name")
    a.add_argument("--email")
    a.set_defaults(func=cmd_add_doctor)
    dsub.add_parser("list", parents=[common], help="list doctors") \
        .set_defaults(func=cmd_list_doctors)


def cmd_add(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import PatientInput, add_patient

    app = open_clinic(args)
    data = PatientInput(args.code, args.first_name, args.last_name, args.email or "",
                        args.phone or "", args.consent, args.language, args.doctor or "")
    with write_session(app.sessions) as session:
        patient = add_patient(session, data)
        print(f"Added patient {patient.code} {patient.full_name}.")
    return ExitCode.OK


def cmd_list(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.search import search_patients

    app = open_clinic(args)
    with app.sessions() as session:
        rows = [[p.code, p.name, p.email or "-", p.phone or "-", yes_no(p.consent),
                 p.language, p.doctor or "-"]
                for p in search_patients(session, args.search or "")]
    print(table(["code", "name", "email", "phone", "consent", "lang", "doctor"], rows))
    print(f"\n{len(rows)} patient(s).")
    return ExitCode.OK


def cmd_import(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import import_csv

    app = open_clinic(args)
    with write_session(app.sessions) as session:
        report = import_csv(session, Path(args.file), skip_bad_rows=args.skip_bad_rows)
    for line, problem in report.bad_rows:
        print(f"line {line}: {problem}", file=sys.stderr)
    if report.bad_rows and not args.skip_bad_rows:
        print(f"Nothing imported: {len(report.bad_rows)} bad row(s). Fix them, or import "
              "the good rows with --skip-bad-rows.", file=sys.stderr)
        return ExitCode.SOME_FAILED
    print(f"Imported {report.imported} patient(s)"
          + (f"; skipped {len(report.bad_rows)} bad row(s)." if report.bad_rows else "."))
    return ExitCode.SOME_FAILED if report.bad_rows else ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.patients import export_csv

    app = open_clinic(args)
    target = Path(args.file)
    with app.sessions() as session:
        try:
            count = export_csv(session, target)
        except ValidationError as exc:
            if not write_failure(exc):
                raise
            if target.is_file():  # half a list must not pass for the whole one later
                target.unlink()
            raise disk_full(exc, target.parent, f"the export {target.name} was not written",
                            "export again") from exc
    print(f"Exported {count} patient(s) to {args.file}.")
    return ExitCode.OK


def cmd_add_doctor(args: argparse.Namespace) -> int:
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import add_doctor

    app = open_clinic(args)
    with write_session(app.sessions) as session:
        doctor = add_doctor(session, args.name, args.email or "")
    print(f"Added doctor {doctor.name}.")
    return ExitCode.OK


def cmd_list_doctors(args: argparse.Namespace) -> int:
    from clinic_desktop.domain.patients import list_doctors

    app = open_clinic(args)
    with app.sessions() as session:
        rows = [[d.name, d.email or "-"] for d in list_doctors(session)]
    print(table(["doctor", "email"], rows))
    return ExitCode.OK
