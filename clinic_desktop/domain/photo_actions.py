"""What staff do with one photo in the window, each in its own transaction: accept a held
photo, ask the patient for a better one, say which view it shows."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.domain import photo_sets
from clinic_desktop.notify.outbox import Queued


def accept_held_photo(sessions: sessionmaker[Session], photo_id: int,
                      today: date) -> photo_sets.Accepted:
    """Accept a photo the quality gate held, as it is: its step goes on as the import would
    have taken it."""
    with write_session(sessions) as session:
        return photo_sets.accept_held(session, photo_id, today, settings.clinic_zone(session))


def ask_for_better_photo(sessions: sessionmaker[Session], photo_id: int) -> Queued:
    """Queue the "please retake your photo" email about a held photo (once per photo)."""
    with write_session(sessions) as session:
        return photo_sets.ask_for_retake(session, photo_id, settings.clinic_zone(session))


def set_view(sessions: sessionmaker[Session], photo_id: int, view: str) -> bool:
    """Staff say which view a photo shows ("" = not known); False when it showed it already."""
    with write_session(sessions) as session:
        return photo_sets.set_photo_view(session, photo_id, view)
