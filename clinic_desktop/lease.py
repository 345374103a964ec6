"""One sender among many PCs: a lease row in the database, renewed by a heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, clock
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Lease

SENDER = "sender"
LEASE_SECONDS = 120  # a holder silent this long is presumed gone; another PC takes over


@dataclass(frozen=True)
class LeaseState:
    holder: str
    expires_at: datetime
    acquired_at: datetime

    def is_stale(self, now: datetime) -> bool:
        return self.expires_at < now


def acquire(sessions: sessionmaker[Session], holder: str, *, name: str = SENDER,
            seconds: int = LEASE_SECONDS, now: datetime | None = None) -> bool:
    """Take or renew the lease; True when `holder` has it afterwards."""
    now = now or clock.now_utc()
    for attempt in range(2):
        try:
            return _acquire_once(sessions, holder, name, seconds, now)
        except IntegrityError:
            # Another thread or PC created the lease row at the same moment: look again.
            if attempt:
                return False
        except OperationalError:
            return False  # the database is busy or gone: not ours now; the next beat retries
    return False


def _acquire_once(sessions: sessionmaker[Session], holder: str, name: str, seconds: int,
                  now: datetime) -> bool:
    with write_session(sessions) as session:
        row = session.scalar(select(Lease).where(Lease.name == name).with_for_update())
        if row is None:
            session.add(Lease(name=name, holder=holder, acquired_at=now,
                              expires_at=now + timedelta(seconds=seconds)))
            audit.record(session, "lease_taken", entity="lease", detail=f"{name}: {holder}")
            return True
        if row.holder != holder and row.expires_at >= now:
            return False
        if row.holder != holder:
            audit.record(session, "lease_taken", entity="lease",
                         detail=f"{name}: {holder} took over from {row.holder} (silent "
                                f"since {row.expires_at:%Y-%m-%d %H:%M} UTC)")
            if name == SENDER:
                # Here, not at the top: the health line reads the lease without the renderer.
                from clinic_desktop.notify.outbox import free_claims_of

                free_claims_of(session, row.holder, now)
            row.holder, row.acquired_at = holder, now
        row.expires_at = now + timedelta(seconds=seconds)
        return True


def release(sessions: sessionmaker[Session], holder: str, *, name: str = SENDER) -> None:
    with write_session(sessions) as session:
        row = session.scalar(select(Lease).where(Lease.name == name).with_for_update())
        if row is not None and row.holder == holder:
            session.delete(row)


def current(session: Session, name: str = SENDER) -> LeaseState | None:
    row = session.get(Lease, name)
    if row is None:
        return None
    return LeaseState(row.holder, row.expires_at, row.acquired_at)
