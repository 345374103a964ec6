"""Mail read from the clinic's mailbox: each message handled once, whichever PC reads it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.db.models.base import Base, utcnow


class MailMessage(Base):
    """One message of the mailbox, known by the mailbox's UIDVALIDITY and its UID (together
    they never name another message). The row is the claim: the PC that inserted it handles
    the message; `status` "done" means its photos are imported (or it went to the photo
    inbox, or its bounce was recorded), so it is never handled again, only moved."""

    __tablename__ = "mail_message"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(400))  # account@host/folder
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))  # claimed, done
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    claimed_until: Mapped[datetime | None]
    moved: Mapped[bool] = mapped_column(default=False)  # flagged and in imap.processed_folder
    message_id: Mapped[str] = mapped_column(String(400), default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(400), default="")
    sent_at: Mapped[datetime | None]  # the message's Date
    handled_at: Mapped[datetime | None]
    # photos, unmatched, no_photos, bounce, delayed, duplicate
    outcome: Mapped[str] = mapped_column(String(20), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patient.id", ondelete="SET NULL"), index=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
