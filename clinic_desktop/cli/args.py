"""Argument types for the commands: a number typed out of range is refused by argparse with a
sentence (exit code 2), before it can reach the database as an overflow."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cache

import clinic_desktop
from clinic_desktop.clock import parse_date
from clinic_desktop.errors import ValidationError

# Record ids (an email, an inbox photo): the database's integer column is 32-bit on PostgreSQL.
LARGEST_ID = 2**31 - 1
# Step numbers, positions and counts: far above any clinic's, far below an overflow.
LARGEST_COUNT = 1_000_000


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _whole_number(text: str, largest: int, what: str, smallest: int = 1) -> int:
    value = _integer(text)
    if not smallest <= value <= largest:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what} ({smallest} to {largest:,})")
    return value


def date_arg(text: str) -> date:
    """A day typed as YYYY-MM-DD."""
    try:
        return parse_date(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def step_days(text: str) -> int:
    """A step's duration in days, within the limits the domain keeps (steps.MAX_STEP_DAYS)."""
    from clinic_desktop.domain.steps import check_step_days  # loads the models: when used

    try:
        return check_step_days(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def record_id(text: str) -> int:
    """The number staff see in a list (outbox list, inbox list)."""
    return _whole_number(text, LARGEST_ID, "an id")


def count(text: str) -> int:
    """A position or an amount."""
    return _whole_number(text, LARGEST_COUNT, "a sensible number")


def positive_int(text: str) -> int:
    """A demo's size, a step's order or position: 1 or more."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    if value > LARGEST_COUNT:
        raise argparse.ArgumentTypeError(f"{text!r} is too large (at most {LARGEST_COUNT:,})")
    return value


def step_number(text: str) -> int:
    """A step of a patient's plan: 0 gets through, so the plan can say which steps it has."""
    return _whole_number(text, LARGEST_COUNT, "a step number", smallest=0)


# A forecast looks at most a month ahead: further on, photos and staff change too much.
LONGEST_FORECAST_DAYS = 31


def forecast_days(text: str) -> int:
    """How many days a forecast covers, today first."""
    return _whole_number(text, LONGEST_FORECAST_DAYS, "a number of days")


class LazyChoices:
    """argparse `choices` read only when a value is checked or help is shown (give the
    argument a metavar, or argparse reads them at once): the lists of email kinds and
    statuses live in modules that import the database layer, which a command such as
    `--version` never needs."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = cache(load)

    def __contains__(self, value: object) -> bool:
        return value in self._load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())


class ShowVersion(argparse.Action):
    """--version, looking the version up only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 help: str = "show program's version number and exit") -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"clinic-desktop {clinic_desktop.__version__}")
        parser.exit()
