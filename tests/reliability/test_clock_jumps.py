"""The PC's clock jumps between two sender runs (−2 h, +2 h, +3 days: a dead CMOS battery, a
time server correcting a wrong clock, a laptop back from a long sleep). Nothing is lost,
nothing is sent twice, and a backlog that falls due at once still goes out at
smtp.rate_per_minute. The clock is the `now` delivery and the lease take."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from servers import configure_smtp
from sqlalchemy import select, update

from clinic_desktop import lease, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import DeliveryAttempt, Notification
from clinic_desktop.domain import due_scan
from clinic_desktop.notify.delivery import deliver_outbox

T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
RATE = 600  # emails a minute: 0.1 s apart


def statuses(app: Any) -> Counter[str]:
    with app.sessions() as session:
        return Counter(session.scalars(select(Notification.status)))


def test_clock_jumps_between_sender_runs_lose_nothing_and_send_nothing_twice(
        app: Any, enrol: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory()
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        configure_smtp(session, server, rate_per_minute=RATE)
        settings.set_value(session, "smtp.max_attempts", "3")
        for n in range(1, 15):
            enrol(session, f"P{n}", [7, 7], today - timedelta(days=7))
    assert due_scan.notify_finished_steps(app.sessions, today).count(due_scan.QUEUED) == 14
    with app.sessions() as session:
        ids = list(session.scalars(select(Notification.id).order_by(Notification.id)))
    with write_session(app.sessions) as session:  # a sender died while sending the first one
        session.execute(update(Notification).where(Notification.id == ids[0]).values(
            status="sending", claimed_by="OTHER-PC:1", message_id="<n1.other@example.org>",
            claimed_until=T + timedelta(minutes=10)))
    server.data_faults += ["451 4.3.0 try later"] * 10  # ten become a backlog of retries

    assert lease.acquire(app.sessions, "THIS-PC:1", now=T)
    first = deliver_outbox(app.sessions, now=lambda: T, holder="THIS-PC:1")
    assert (first.sent, first.retrying) == (3, 10)

    # −2 h: retries and the dead sender's claim are not due yet. They wait; none is lost.
    back = T - timedelta(hours=2)
    assert not lease.acquire(app.sessions, "OTHER-PC:2", now=back)  # still this PC's turn
    assert lease.acquire(app.sessions, "THIS-PC:1", now=back)
    assert deliver_outbox(app.sessions, now=lambda: back, holder="THIS-PC:1").sent == 0
    assert statuses(app) == {"sent": 3, "queued": 10, "sending": 1}

    # +2 h: all of it is due at once, and goes out at the rate limit, each email once.
    ahead = T + timedelta(hours=2)
    sent_before = len(server.arrivals)
    assert lease.acquire(app.sessions, "THIS-PC:1", now=ahead)
    catch_up = deliver_outbox(app.sessions, now=lambda: ahead, holder="THIS-PC:1")
    assert (catch_up.sent, catch_up.retrying, catch_up.error) == (11, 0, "")
    gaps = [b - a for a, b in pairwise(server.arrivals[sent_before:])]
    # No burst: a burst is emails arriving together (gaps near 0). Arrival times carry the
    # machine's jitter, so one gap may be short by a little; five in a row may not.
    interval = 60 / RATE
    assert min(gaps) >= 0.5 * interval, gaps
    assert all(sum(gaps[i:i + 5]) >= 0.9 * 5 * interval for i in range(len(gaps) - 4)), gaps

    # +3 days: the lease of this PC looks long gone; another PC may take over. Nothing is
    # left to send, and nothing is sent again.
    later = T + timedelta(days=3)
    assert lease.acquire(app.sessions, "OTHER-PC:2", now=later)
    assert not lease.acquire(app.sessions, "THIS-PC:1", now=later)
    assert deliver_outbox(app.sessions, now=lambda: later, holder="OTHER-PC:2").sent == 0

    assert statuses(app) == {"sent": 14}
    with app.sessions() as session:
        message_ids = set(session.scalars(select(Notification.message_id)))
        outcomes = Counter(session.scalars(select(DeliveryAttempt.outcome)))
    assert Counter(m["Message-ID"] for m in server.messages) == dict.fromkeys(message_ids, 1)
    assert outcomes == {"sent": 14, "retry": 10, "interrupted": 1}
