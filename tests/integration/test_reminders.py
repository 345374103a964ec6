"""Photo reminders under everyday repetition: the daily check pressed again and again, on two
PCs at once, with mail that could not go out for days — one reminder at a time, in order,
each an interval after the previous one was sent, against a real SMTP server."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import configure_smtp
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.app import open_app
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Notification
from clinic_desktop.domain.daily_check import daily_check
from clinic_desktop.domain.email_actions import queue_reminder_now
from clinic_desktop.errors import RuleError
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox

START = date(2026, 3, 2)  # step 1 lasts 7 days: due 9 March


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC)


def setup_clinic(app: Any, enrol: Any, server: Any) -> None:
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
        settings.set_value(session, "notify.reminder_after_days", "3")
        settings.set_value(session, "notify.max_reminders", "3")
        enrol(session, "P1", [7, 14], START)


def emails(app: Any) -> list[tuple[str, str, date | None]]:
    """(dedupe key, status, clinic day it was sent) of every email, in the order queued."""
    with app.sessions() as session:
        zone = settings.clinic_zone(session)
        return [(n.dedupe_key, n.status, n.sent_at.astimezone(zone).date() if n.sent_at
                 else None)
                for n in session.scalars(select(Notification).order_by(Notification.id))]


def reminder_keys(app: Any) -> list[str]:
    return [key for key, _, _ in emails(app) if key.startswith("photo-reminder:")]


@pytest.mark.slow
def test_the_check_run_every_hour_on_two_pcs_for_a_month_sends_each_reminder_once_in_order(
        app, enrol, smtp_server_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    setup_clinic(app, enrol, server)
    other_pc = open_app(tmp_path / "other-pc", str(app.engine.url.render_as_string(
        hide_password=False)), log_to_file=False)
    try:
        for offset in range(30):
            day = START + timedelta(days=offset)
            if 9 <= offset <= 14:
                continue  # the clinic's PCs are off for a week: reminder 1 is overdue after
            for hour in range(0, 24):
                # Both PCs press "Run the daily check now" at the same moment…
                errors: list[BaseException] = []

                def check(context: Any, today: date = day,
                          errors: list[BaseException] = errors) -> None:
                    try:
                        daily_check(context.sessions, today)
                    except BaseException as exc:  # reported below, never lost in a thread
                        errors.append(exc)

                threads = [threading.Thread(target=check, args=(pc,)) for pc in (app, other_pc)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                assert not errors
                # …and the mail is sent a little later, every second hour.
                if hour % 2:
                    deliver_outbox(app.sessions, now=lambda d=day, h=hour: at(d, h))
        sent = emails(app)
    finally:
        other_pc.close()
    step_id = int(sent[0][0].split(":")[1])
    due = START + timedelta(days=7)
    back = START + timedelta(days=15)
    # The 'photo required' email on the due day; the overdue reminder 1 on the first day back,
    # then one every 3 days after the previous one was sent, three at most; nothing else,
    # nothing twice, never two on one day.
    assert sent == [
        (f"step-finished:{step_id}", outbox.STATUS_SENT, due),
        (f"photo-reminder:{step_id}:1", outbox.STATUS_SENT, back),
        (f"photo-reminder:{step_id}:2", outbox.STATUS_SENT, back + timedelta(days=3)),
        (f"photo-reminder:{step_id}:3", outbox.STATUS_SENT, back + timedelta(days=6)),
    ]
    assert len(server.messages) == 4
    assert [m["Subject"] for m in server.messages][1:] == \
        ["Reminder: your photo for 'Step 1'"] * 3


def test_a_reminder_that_cannot_go_out_blocks_the_next_until_it_is_sent(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    setup_clinic(app, enrol, server)
    due = START + timedelta(days=7)
    daily_check(app.sessions, due)
    deliver_outbox(app.sessions, now=lambda: at(due, 8))
    # Reminder 1 is queued three days later, but the mail server is down for a week.
    server.stop()
    for offset in range(3, 10):
        daily_check(app.sessions, due + timedelta(days=offset))
    assert len(reminder_keys(app)) == 1
    # Back on day 10: reminder 1 goes out now, reminder 2 only three days after that.
    back = smtp_server_factory("none")
    with write_session(app.sessions) as session:
        configure_smtp(session, back)
    day = due + timedelta(days=10)
    daily_check(app.sessions, day)
    deliver_outbox(app.sessions, now=lambda: at(day, 9))
    assert len(back.messages) == 1
    for offset in range(11, 13):
        daily_check(app.sessions, due + timedelta(days=offset))
        assert len(reminder_keys(app)) == 1
    daily_check(app.sessions, due + timedelta(days=13))
    assert len(reminder_keys(app)) == 2


def test_staff_asking_for_a_reminder_twice_a_day_gets_a_sentence_not_a_second_email(
        app, enrol, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.domain.patients import get_patient

    server = smtp_server_factory("none")
    setup_clinic(app, enrol, server)
    due = START + timedelta(days=7)
    daily_check(app.sessions, due)
    with write_session(app.sessions) as session:
        assert "is queued" in queue_reminder_now(session, get_patient(session, "P1"), due)
    with write_session(app.sessions) as session, \
            pytest.raises(RuleError, match="already waiting to be sent"):
        queue_reminder_now(session, get_patient(session, "P1"), due)
    deliver_outbox(app.sessions, now=lambda: at(due, 10))
    with write_session(app.sessions) as session, \
            pytest.raises(RuleError, match="already sent a photo reminder today"):
        queue_reminder_now(session, get_patient(session, "P1"), due)
    # Nor does the daily check add one the same day.
    daily_check(app.sessions, due)
    assert len(reminder_keys(app)) == 1
