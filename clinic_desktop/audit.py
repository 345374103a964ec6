"""Append-only audit events: who did what, when, from which PC, before and after."""

from __future__ import annotations

import getpass
import json
import os
import socket
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from clinic_desktop.db.models import AuditEvent

ENV_ACTOR = "CLINIC_DESKTOP_USER"


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
    return event
