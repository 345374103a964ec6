"""What every command module shares: the parser, the options every command takes, opening the
clinic, and printing a table.

The command modules import the core inside their command functions, not at the top: building
the parser happens on every start (`--version` and a typing error included) and must load no
database layer (tests/unit/test_startup_imports.py); each command loads what it uses.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from clinic_desktop.cli.args import date_arg
from clinic_desktop.errors import ExitCode

if TYPE_CHECKING:
    from clinic_desktop.app import AppContext


class Parser(argparse.ArgumentParser):
    """A usage error exits with ExitCode.USAGE and a sentence, as argparse does by default."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


@dataclass(frozen=True)
class Parents:
    """Options shared by subcommands: `common` (every command), `today` (those that act on a
    day)."""

    common: argparse.ArgumentParser
    today: argparse.ArgumentParser


def parents() -> Parents:
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
    today.add_argument("--today", type=date_arg, metavar="YYYY-MM-DD",
                       help="act as if today were this date (default: today in the clinic's "
                            "time zone)")
    return Parents(common, today)


def actions(parser: argparse.ArgumentParser,
            dest: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A command group's actions (`patients add`, `patients list`, ...): one must be given."""
    return parser.add_subparsers(dest=dest, metavar="ACTION", required=True,
                                 parser_class=Parser)


def open_clinic(args: argparse.Namespace) -> AppContext:
    """The clinic's database and data folder, upgraded to the newest schema (backup first)."""
    from clinic_desktop.app import open_app

    return open_app(args.data_dir, args.db, verbose=args.verbose)


def acting_today(args: argparse.Namespace, app: AppContext, *, writes: bool = True) -> date:
    """--today, or today in the clinic's time zone (a dry run writes nothing either way)."""
    from clinic_desktop.clock import acting_day

    return acting_day(getattr(args, "today", None), app.clinic_today(),
                      writes=writes and not getattr(args, "dry_run", False))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]],
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


def iso(value: date | None) -> str:
    return value.isoformat() if value else "-"


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
