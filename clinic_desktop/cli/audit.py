"""`audit`: verify the hash chain, export a period for an inspector (CSV, or a PDF drawn by
Qt: the one command that loads it besides the window)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_desktop.cli.args import date_arg
from clinic_desktop.cli.common import Parents, actions, open_clinic
from clinic_desktop.errors import ExitCode, ValidationError

if TYPE_CHECKING:
    from clinic_desktop.audit import ExportRow

FORMATS = ("csv", "pdf")


def cmd_verify(args: argparse.Namespace) -> int:
    from clinic_desktop import audit, settings

    app = open_clinic(args)
    with app.sessions() as session:
        zone = settings.clinic_zone(session)
    with app.sessions() as session:  # verify reads from a snapshot of its own
        problems = list(audit.verify(session, zone))
        if problems:
            for problem in problems:
                print(problem[0].upper() + problem[1:] + ".")
            print(f"\nThe audit trail was tampered with: {len(problems)} problem(s) found.")
            return ExitCode.SOME_FAILED
        seq, head = audit.head(session)
    print(f"The audit trail is intact: {seq} event(s), chain head {head or '(empty)'}.")
    return ExitCode.OK


def cmd_export(args: argparse.Namespace) -> int:
    from clinic_desktop import audit, settings
    from clinic_desktop.domain.patients import get_patient

    app = open_clinic(args)
    if args.date_from > args.date_to:
        raise ValidationError(f"--from {args.date_from} comes after --to {args.date_to}.")
    path = Path(args.file)
    kind = args.format or ("pdf" if path.suffix.lower() == ".pdf" else "csv")
    with app.sessions() as session:
        audit.one_snapshot(session)  # the head printed is the head of the events exported
        patient_id = get_patient(session, args.patient).id if args.patient else None
        zone = settings.clinic_zone(session)
        seq, head = audit.head(session)
        rows = audit.export_rows(session, zone, args.date_from, args.date_to, patient_id)
        if kind == "csv":
            separator = settings.get(session, "export.csv_separator")
            written = audit.write_csv(rows, path, ";" if separator == "semicolon" else ",")
        else:
            title = (f"Audit trail {args.date_from} to {args.date_to}"
                     + (f", patient {args.patient}" if args.patient else ""))
            written = write_pdf(list(rows), path, title, f"Chain head: position {seq}, "
                                f"SHA-256 {head or '(empty)'}")
    print(f"{written} audit event(s) written to {path}.")
    return ExitCode.OK


def write_pdf(rows: list[ExportRow], path: Path, title: str, head_line: str) -> int:
    """A printable PDF of the events, with the title and the chain's head on every page.

    Qt draws it (the app's one PDF writer, as for the photo report), only when a PDF is asked
    for; without a screen Qt's offscreen platform does the work. Hashes are set in a
    fixed-pitch font: a proportional one joins "ff" or "fi" into one ligature glyph, and a
    hash copied from the PDF would no longer match.
    """
    from clinic_desktop.ui.qt import (
        QApplication,
        QFont,
        QPageSize,
        QPainter,
        QPdfWriter,
        QRect,
        Qt,
    )

    try:  # Qt says only that it failed: ask the file system why first
        path.open("wb").close()
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    if QApplication.instance() is None:
        # Offscreen on a Linux PC without a screen, unless QT_QPA_PLATFORM says otherwise.
        platform = [] if sys.platform in ("win32", "darwin") \
            or os.environ.get("QT_QPA_PLATFORM") else ["-platform", "offscreen"]
        _keep.append(QApplication(["clinic-desktop", *platform]))
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(150)
    writer.setTitle(title)
    painter = QPainter(writer)
    if not painter.isActive():
        raise ValidationError(f"Cannot write {path}: is it open in another program?")
    margin = 60
    width, bottom = writer.width() - 2 * margin, writer.height() - margin
    wrap = int(Qt.TextFlag.TextWordWrap) | int(Qt.TextFlag.TextWrapAnywhere)
    fonts = {"plain": painter.font(), "bold": QFont(painter.font()), "mono": QFont()}
    fonts["bold"].setBold(True)
    fonts["mono"].setFamilies(["Consolas", "Courier New", "DejaVu Sans Mono", "Liberation Mono"])
    fonts["mono"].setStyleHint(QFont.StyleHint.TypeWriter)

    def text(y: int, words: str, size: int, style: str, measure: bool = False) -> int:
        font = fonts[style]
        font.setPointSize(size)
        painter.setFont(font)
        box = painter.boundingRect(QRect(margin, y, width, 10_000), wrap, words)
        if not measure:
            painter.drawText(box, wrap, words)
        return box.height()

    def page_top() -> int:
        y = margin + text(margin, title, 13, "bold") + 6
        y += text(y, head_line, 8, "mono") + 10
        painter.drawLine(margin, y, margin + width, y)
        return y + 14

    y = page_top()
    for row in rows:
        lines = list(_event_lines(row))
        height = sum(text(0, *line, measure=True) for line in lines) + 16
        if y + height > bottom and y > margin + 200:
            writer.newPage()
            y = page_top()
        for line in lines:
            y += text(y, *line)
        y += 16
    if not rows:
        text(y, "No audit events in this period.", 10, "plain")
    painter.end()
    return len(rows)


_keep: list[Any] = []  # the QApplication a PDF needed lives as long as the process


def _event_lines(row: ExportRow) -> Iterable[tuple[str, int, str]]:
    place = f"#{row.seq}" if row.seq is not None else "not in the chain"
    yield (f"{row.at}  {row.action}  {row.patient}  ({place}, event {row.id})", 9, "bold")
    yield (f"by {row.actor} on {row.host}" + (f"; {row.entity}" if row.entity else ""), 8,
           "plain")
    for label, value in (("detail", row.detail), ("before", row.before), ("after", row.after)):
        if value:
            yield (f"{label}: {value}", 8, "plain")
    yield (f"hash {row.hash or '-'}", 7, "mono")


def add_parsers(sub: Any, parents: Parents) -> None:
    common = parents.common
    p = sub.add_parser("audit", parents=[common], help="check the audit trail, export it for "
                       "an inspector")
    asub = actions(p, "audit_command")
    asub.add_parser("verify", parents=[common], help="name every audit event changed, deleted "
                    "or inserted after it was written (exit 1 if any)") \
        .set_defaults(func=cmd_verify)
    exp = asub.add_parser("export", parents=[common], help="the audit events of a period as "
                          "CSV or PDF (the chain's head hash on every page)")
    exp.add_argument("file", metavar="FILE")
    exp.add_argument("--from", dest="date_from", required=True, type=date_arg,
                     metavar="YYYY-MM-DD", help="first day (clinic time)")
    exp.add_argument("--to", dest="date_to", required=True, type=date_arg,
                     metavar="YYYY-MM-DD", help="last day (clinic time)")
    exp.add_argument("--format", choices=FORMATS,
                     help="csv or pdf (default: from the file name, else csv)")
    exp.add_argument("--patient", metavar="CODE", help="only this patient's events")
    exp.set_defaults(func=cmd_export)

