"""The seed's rule `today >= start_date + duration_days` at its edges, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from clinic_desktop.clock import parse_date, today_in
from clinic_desktop.db.models import TreatmentStep, due_date_for
from clinic_desktop.domain.steps import StepState, days_late, is_finished, state
from clinic_desktop.errors import ValidationError


def active_step(start: date, days: int, paused_days: int = 0,
                paused_until: date | None = None) -> TreatmentStep:
    return TreatmentStep(order=1, name="Aligner 1", duration_days=days, start_date=start,
                         due_date=due_date_for(start, days, paused_days), is_active=True,
                         is_completed=False, paused_days=paused_days, paused_until=paused_until)


def test_step_is_finished_exactly_on_its_due_day_and_not_the_day_before() -> None:
    step = active_step(date(2026, 3, 1), 14)
    assert not is_finished(step, date(2026, 3, 14))
    assert is_finished(step, date(2026, 3, 15))
    assert state(step, date(2026, 3, 15)) is StepState.DUE
    assert days_late(step, date(2026, 3, 15)) == 0
    assert days_late(step, date(2026, 3, 18)) == 3


def test_one_day_step_is_finished_the_next_day() -> None:
    step = active_step(date(2026, 5, 4), 1)
    assert not is_finished(step, date(2026, 5, 4))
    assert is_finished(step, date(2026, 5, 5))


def test_leap_day_is_counted_as_a_day() -> None:
    assert due_date_for(date(2028, 2, 15), 14, 0) == date(2028, 2, 29)
    assert due_date_for(date(2028, 2, 29), 1, 0) == date(2028, 3, 1)
    assert due_date_for(date(2027, 2, 15), 14, 0) == date(2027, 3, 1)


def test_paused_step_is_not_finished_and_its_due_date_moves_by_the_paused_days() -> None:
    step = active_step(date(2026, 3, 1), 14, paused_days=10, paused_until=date(2026, 3, 20))
    assert step.due_date == date(2026, 3, 25)
    assert state(step, date(2026, 3, 16)) is StepState.PAUSED
    assert not is_finished(step, date(2026, 3, 19))
    assert not is_finished(step, date(2026, 3, 24))
    assert is_finished(step, date(2026, 3, 25))


def test_completed_or_waiting_steps_are_never_finished() -> None:
    done = active_step(date(2026, 1, 1), 14)
    done.is_active, done.is_completed = False, True
    waiting = TreatmentStep(order=2, name="Aligner 2", duration_days=14, is_active=False,
                            is_completed=False, is_skipped=False)
    assert not is_finished(done, date(2026, 6, 1))
    assert not is_finished(waiting, date(2026, 6, 1))
    assert state(done, date(2026, 6, 1)) is StepState.COMPLETED
    assert state(waiting, date(2026, 6, 1)) is StepState.PENDING


@pytest.mark.parametrize(("zone", "utc_moment", "clinic_day"), [
    # Europe/Berlin springs forward 2026-03-29 02:00 -> 03:00.
    ("Europe/Berlin", datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
    ("Europe/Berlin", datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),
    ("Europe/Berlin", datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
    ("Europe/Berlin", datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
    # ... and falls back 2026-10-25 03:00 -> 02:00.
    ("Europe/Berlin", datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24)),
    ("Europe/Berlin", datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),
    ("Europe/Berlin", datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),
    ("Europe/Berlin", datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
    ("America/New_York", datetime(2026, 11, 1, 3, 59, tzinfo=UTC), date(2026, 10, 31)),
    ("America/New_York", datetime(2026, 11, 1, 4, 0, tzinfo=UTC), date(2026, 11, 1)),
    ("Pacific/Auckland", datetime(2026, 3, 10, 12, 0, tzinfo=UTC), date(2026, 3, 11)),
])
def test_today_is_the_clinics_calendar_day_across_daylight_saving_changes(
        zone: str, utc_moment: datetime, clinic_day: date) -> None:
    assert today_in(ZoneInfo(zone), utc_moment) == clinic_day


def test_step_due_on_a_dst_day_is_finished_from_clinic_midnight() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    step = active_step(date(2026, 3, 15), 14)  # due 2026-03-29, the spring-forward day
    before_midnight = today_in(berlin, datetime(2026, 3, 28, 22, 30, tzinfo=UTC))
    after_midnight = today_in(berlin, datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert not is_finished(step, before_midnight)
    assert is_finished(step, after_midnight)


def test_bad_dates_are_refused_with_the_expected_format() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_date("29.02.2026")
    with pytest.raises(ValidationError, match="not a valid date"):
        parse_date("2026-02-29")
