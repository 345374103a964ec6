"""Photos already imported are filed under the step that was running when they were taken.

Until now a photo went under the step active on the day it was *imported*: a visit's set of
photos was split (the first completed the step, the rest went under the next one) and photos
taken weeks earlier appeared under a step that started later. This upgrade moves each photo
to the step the rule in domain/photo_sets.py gives for the day it was taken. It leaves alone:
photos that completed a step (they are where they belong), photos staff filed under a step
they chose (the audit trail says "chosen by staff"), photos without a taken time. Which step
is active, completed or due does not change, nor does any email. Each move is audited.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

import json
import socket
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

from clinic_desktop.domain.photo_sets import spans_of, step_when_taken

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as this revision knows them (not the models, which follow later revisions).
photo = sa.table("photo", sa.column("id"), sa.column("patient_id"), sa.column("step_id"),
                 sa.column("taken_at", sa.DateTime()), sa.column("completed_step"))
step = sa.table("treatment_step", sa.column("id"), sa.column("patient_id"), sa.column("order"),
                sa.column("start_date", sa.Date()), sa.column("is_active"),
                sa.column("is_completed"))
inbox = sa.table("photo_inbox", sa.column("id"), sa.column("photo_id"))
audit = sa.table("audit_event", sa.column("at", sa.DateTime()), sa.column("actor"),
                 sa.column("host"), sa.column("action"), sa.column("patient_id"),
                 sa.column("entity"), sa.column("entity_id"), sa.column("before"),
                 sa.column("after"), sa.column("detail"))
setting = sa.table("setting", sa.column("key"), sa.column("value"))


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _zone(connection: sa.Connection) -> ZoneInfo:
    name = connection.scalar(sa.select(setting.c.value).where(
        setting.c.key == "clinic.timezone"))
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _chosen_by_staff(connection: sa.Connection) -> set[int]:
    """Photo ids staff filed under a step of their choice (import, drop or inbox assign)."""
    chosen = sa.select(audit.c.entity, audit.c.entity_id).where(
        audit.c.action.in_(["photo_imported", "inbox_assigned"]),
        audit.c.detail.like("%chosen by staff%"))
    ids: set[int] = set()
    inbox_items: list[int] = []
    for entity, entity_id in connection.execute(chosen):
        if entity_id is None:
            continue
        if entity == "photo":
            ids.add(entity_id)
        else:
            inbox_items.append(entity_id)
    if inbox_items:
        ids.update(pid for (pid,) in connection.execute(
            sa.select(inbox.c.photo_id).where(inbox.c.id.in_(inbox_items)))
            if pid is not None)
    return ids


def upgrade() -> None:
    connection = op.get_bind()
    zone = _zone(connection)
    chosen = _chosen_by_staff(connection)
    started: dict[int, list[tuple[int, int, object]]] = defaultdict(list)
    for row in connection.execute(sa.select(step.c.id, step.c.patient_id, step.c.order,
                                            step.c.start_date)
                                  .where(step.c.start_date.is_not(None),
                                         sa.or_(step.c.is_active, step.c.is_completed))):
        started[row.patient_id].append((row.id, row.order, row.start_date))
    photos: dict[int, list[Any]] = defaultdict(list)  # rows of the photo table
    for row in connection.execute(sa.select(photo).where(photo.c.taken_at.is_not(None))):
        photos[row.patient_id].append(row)
    now = datetime.now(UTC).replace(tzinfo=None)
    host = socket.gethostname() or "unknown-pc"
    moves = []
    for patient_id, rows in photos.items():
        completing = {r.step_id: _aware(r.taken_at).astimezone(zone).date()
                      for r in rows if r.completed_step and r.step_id is not None}
        spans = spans_of(started.get(patient_id, []), completing)  # type: ignore[arg-type]
        for r in rows:
            if r.completed_step or r.id in chosen:
                continue
            target = step_when_taken(spans, _aware(r.taken_at).astimezone(zone).date())
            if target != r.step_id:
                moves.append((patient_id, r.id, r.step_id, target))
    for patient_id, photo_id, before, after in moves:
        connection.execute(sa.update(photo).where(photo.c.id == photo_id)
                           .values(step_id=after))
        connection.execute(sa.insert(audit).values(
            at=now, actor="database upgrade", host=host, action="photo_refiled",
            patient_id=patient_id, entity="photo", entity_id=photo_id,
            before=json.dumps({"step_id": before}), after=json.dumps({"step_id": after}),
            detail="filed under the step that was running on the day it was taken"))


def downgrade() -> None:
    # The moves are in the audit trail; the old filing (by import day) is not restored.
    pass
