"""Append-only audit events: who did what, when, from which PC, before and after; each one a
link of a hash chain that `verify` checks."""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, event, select, update
from sqlalchemy import inspect as orm_state
from sqlalchemy.orm import Session

from clinic_desktop.csv_cells import formula_guarded
from clinic_desktop.db.models import AuditChainHead, AuditEvent, Patient
from clinic_desktop.errors import DatabaseError, ValidationError

ENV_ACTOR = "CLINIC_DESKTOP_USER"
# The one row of audit_chain_head (made by migration 0008).
HEAD_ID = 1
# session.info key: events recorded in this session's transaction, linked when it commits.
_UNLINKED = "audit.unlinked"


@cache
def host_name() -> str:
    return socket.gethostname() or "unknown-pc"


def actor_name() -> str:
    """The person at the keyboard: a staff name set for the session, else the OS user."""
    override = os.environ.get(ENV_ACTOR)
    if override:
        return override
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name on some service accounts
        return "unknown-user"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, sort_keys=True, ensure_ascii=False)


def record(session: Session, action: str, *, patient_id: int | None = None, entity: str = "",
           entity_id: int | None = None, before: Any = None, after: Any = None,
           detail: str = "", actor: str | None = None) -> AuditEvent:
    """Add an audit event to the caller's transaction (it commits or rolls back with it)."""
    event = AuditEvent(
        actor=actor or actor_name(), host=host_name(), action=action, patient_id=patient_id,
        entity=entity, entity_id=entity_id, before=_as_text(before), after=_as_text(after),
        detail=detail,
    )
    session.add(event)
    session.info.setdefault(_UNLINKED, []).append(event)
    return event


# --- the hash chain -----------------------------------------------------------------------


def _utc_text(at: datetime) -> str:
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.replace(tzinfo=None).isoformat(timespec="microseconds")


def link_hash(prev_hash: str, row: Any) -> str:
    """SHA-256 of the previous link's hash and this event's canonical form: every column but
    the hash itself, in a fixed order, as compact JSON (an ORM event or a database row)."""
    canonical = json.dumps(
        [row.seq, row.id, _utc_text(row.at), row.actor, row.host, row.action, row.patient_id,
         row.entity, row.entity_id, row.before, row.after, row.detail],
        ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


@event.listens_for(Session, "before_commit")
def _link_on_commit(session: Session) -> None:
    """Give this transaction's events the next places in the chain, at the last moment.

    Only this is serialised: the head row is locked (SELECT … FOR UPDATE on PostgreSQL;
    SQLite has one writer at a time anyway) after everything else is flushed, so two PCs
    wait for each other for a few updates, not for their whole transactions. A session that
    joined a transaction it does not own (a dry run's rehearsal, rolled back at its end)
    links nothing: holding the head there would stop every other PC until the dry run ends.
    """
    if session.in_nested_transaction():
        return  # a savepoint's events are linked when the whole transaction commits
    waiting = session.info.pop(_UNLINKED, None)
    if not waiting or isinstance(session.get_bind(), Connection):
        return
    session.flush()
    # Events of a savepoint that was rolled back are no longer in the session.
    events = [e for e in waiting if orm_state(e).persistent]
    if not events:
        return
    # Plain statements on the transaction's connection: the ORM's bulk update machinery
    # costs more than the statements themselves.
    head_row = AuditChainHead.__table__
    connection = session.connection()
    found = connection.execute(select(head_row.c.seq, head_row.c.hash)
                               .where(head_row.c.id == HEAD_ID).with_for_update()).one_or_none()
    if found is None:
        raise DatabaseError(_HEAD_MISSING)
    seq, prev = found
    for linked in events:
        seq += 1
        linked.seq, linked.prev_hash = seq, prev
        linked.hash = prev = link_hash(prev, linked)
    connection.execute(update(head_row).where(head_row.c.id == HEAD_ID)
                       .values(seq=seq, hash=prev))


_HEAD_MISSING = ("The audit trail's chain head was removed from the database by hand, so no "
                 "change can be recorded; nothing was saved. `clinic-desktop audit verify` "
                 "names what else was changed.")


def head(session: Session) -> tuple[int, str]:
    """The chain's last link: its place and hash."""
    found = session.execute(select(AuditChainHead.seq, AuditChainHead.hash)
                            .where(AuditChainHead.id == HEAD_ID)).one_or_none()
    if found is None:
        raise DatabaseError(_HEAD_MISSING)
    return found.seq, found.hash


def one_snapshot(session: Session) -> None:
    """Make every read of this session, which has not read yet, see the database as it was
    at its first read: the head and the events agree while other PCs write."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    # SQLite: a read transaction is a snapshot already.


def _named(row: Any, zone: ZoneInfo) -> str:
    at = row.at.replace(tzinfo=UTC) if row.at.tzinfo is None else row.at
    return (f"audit event {row.id} ({row.action}, {at.astimezone(zone):%Y-%m-%d %H:%M} by "
            f"{row.actor} on {row.host})")


def verify(session: Session, zone: ZoneInfo) -> Iterator[str]:
    """Walk the chain in order; yield a sentence for each event changed, deleted or inserted
    after it was written. Nothing yielded: the trail is as it was written.

    Give it a session that has not read yet: the head and the events are read from one
    snapshot (`one_snapshot`), so PCs that write meanwhile are not taken for tampering.
    """
    one_snapshot(session)
    try:
        head_seq, head_hash = head(session)
    except DatabaseError:
        yield "the chain's head (its last place and hash) was removed from the database"
        head_seq, head_hash = None, None
    before: Any = None
    rows = session.execute(select(AuditEvent).where(AuditEvent.seq.is_not(None))
                           .order_by(AuditEvent.seq).execution_options(yield_per=1000))
    for row in rows.scalars():
        session.expunge(row)
        if head_seq is not None and row.seq > head_seq:
            yield (f"{_named(row, zone)} was inserted by hand after the chain's last link "
                   f"(position {head_seq})")
            continue
        expected = 1 if before is None else before.seq + 1
        if row.seq > expected:
            after_what = "the first event" if before is None else _named(before, zone)
            yield (f"{row.seq - expected} audit event(s) between {after_what} and "
                   f"{_named(row, zone)} were deleted")
        elif before is not None and row.prev_hash != before.hash:
            yield (f"{_named(row, zone)} does not follow {_named(before, zone)}: one of them "
                   "was inserted out of order or rewritten")
        elif before is None and row.prev_hash != "":
            yield f"{_named(row, zone)} does not start the chain, but no event comes before it"
        if row.hash != link_hash(row.prev_hash, row):
            yield f"{_named(row, zone)} was changed after it was written"
        before = row
    last_seq = 0 if before is None else before.seq
    if head_seq is not None and head_seq > last_seq:
        yield (f"the last {head_seq - last_seq} audit event(s) were deleted (the chain "
               f"ends at position {last_seq} but was written up to {head_seq})")
    elif head_seq is not None and before is not None and before.hash != head_hash:
        yield (f"{_named(before, zone)} does not match the chain's head: it or the head was "
               "changed after it was written")
    unlinked = session.scalars(select(AuditEvent).where(AuditEvent.seq.is_(None))
                               .order_by(AuditEvent.id))
    for row in unlinked:
        yield f"{_named(row, zone)} was inserted by hand: it has no place in the chain"


# --- export for an inspector --------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    seq: int | None
    id: int
    at: str  # clinic time, minutes
    actor: str
    host: str
    action: str
    patient: str
    entity: str
    before: str
    after: str
    detail: str
    hash: str


EXPORT_COLUMNS = ["seq", "id", "time", "actor", "pc", "action", "patient", "record", "before",
                  "after", "detail", "hash"]


def export_rows(session: Session, zone: ZoneInfo, first: date, last: date,
                patient_id: int | None = None) -> Iterator[ExportRow]:
    """The events from the start of `first` to the end of `last` (clinic days), in chain
    order (events not in the chain last)."""
    start = datetime.combine(first, time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    query = (select(AuditEvent, Patient.code).outerjoin(Patient,
                                                         Patient.id == AuditEvent.patient_id)
             .where(AuditEvent.at >= start, AuditEvent.at < end)
             .order_by(AuditEvent.seq.is_(None), AuditEvent.seq, AuditEvent.id))
    if patient_id is not None:
        query = query.where(AuditEvent.patient_id == patient_id)
    for row, code in session.execute(query.execution_options(yield_per=1000)):
        yield ExportRow(row.seq, row.id, f"{row.at.astimezone(zone):%Y-%m-%d %H:%M}", row.actor,
                        row.host, row.action, code or "",
                        f"{row.entity} {row.entity_id}" if row.entity_id is not None
                        else row.entity, row.before, row.after, row.detail, row.hash)


def write_csv(rows: Iterator[ExportRow], path: Path, delimiter: str) -> int:
    """The rows as CSV (UTF-8 with a BOM, for Excel); a cell that a spreadsheet would run as a
    formula gets a leading quote, as in the patients export."""

    written = 0
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(EXPORT_COLUMNS)
            for row in rows:
                writer.writerow([formula_guarded("" if v is None else str(v))
                                 for v in row.__dict__.values()])
                written += 1
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    return written
