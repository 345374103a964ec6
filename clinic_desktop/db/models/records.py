"""Photos, the notification outbox, the audit trail, settings and the sender lease."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from clinic_desktop.db.models.base import Base, utcnow

# A photo the quality gate flagged that nobody has accepted yet (photos/quality.py).
_HELD = text("quality_issue <> '' AND quality_accepted_at IS NULL")


class Photo(Base):
    """A patient's photo, kept byte-identical in the library under its SHA-256.

    `quality_issue` is what the quality gate found when it was imported ("" = nothing:
    reason codes such as "blurred,dark"), `quality_measures` the measured values (JSON). A
    flagged photo does not complete its step until staff accept it (`quality_accepted_*`).
    `view` is which view of the teeth it shows (domain/photo_views.py: front, left, right, upper,
    lower; "" = not known), read from the file name on import or set by staff.
    """

    __tablename__ = "photo"
    __table_args__ = (UniqueConstraint("patient_id", "sha256"),
                      # Small: only flagged photos nobody has accepted (Today, `photos held`).
                      Index("ix_photo_quality_held", "step_id",
                            sqlite_where=_HELD, postgresql_where=_HELD))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_step.id", ondelete="SET NULL"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime | None]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_path: Mapped[str] = mapped_column(Text, default="")
    library_path: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(String(400), default="")
    image_format: Mapped[str] = mapped_column(String(20), default="")
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    file_size: Mapped[int] = mapped_column(default=0)
    completed_step: Mapped[bool] = mapped_column(default=False)
    # The patient emailed it: the message it came in (clinic_desktop/mail/).
    mail_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_message.id", ondelete="SET NULL"), index=True)
    quality_issue: Mapped[str] = mapped_column(String(200), default="")
    quality_measures: Mapped[str] = mapped_column(Text, default="")
    quality_accepted_at: Mapped[datetime | None]
    quality_accepted_by: Mapped[str] = mapped_column(String(200), default="")
    view: Mapped[str] = mapped_column(String(10), default="")


class InboxItem(Base):
    """A photo that could not be matched to a patient (kept in the library), or a file the
    folder watcher refused (moved to failed/): staff see the reason and act."""

    __tablename__ = "photo_inbox"
    __table_args__ = (Index("ix_photo_inbox_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # unmatched, refused, assigned, dismissed
    reason: Mapped[str] = mapped_column(Text, default="")
    source_path: Mapped[str] = mapped_column(Text, default="")
    library_path: Mapped[str] = mapped_column(Text, default="")
    original_name: Mapped[str] = mapped_column(String(400), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    taken_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id", ondelete="SET NULL"))


class JobRun(Base):
    """The last run of a scheduled job, whichever PC ran it: shown everywhere."""

    __tablename__ = "job_run"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    host: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    clinic_day: Mapped[date | None] = mapped_column(Date)  # the day a daily job covered
    ok: Mapped[bool] = mapped_column(default=True)
    summary: Mapped[str] = mapped_column(Text, default="")


class WatchedFile(Base):
    """A file the folder watcher has handled, so a restart never imports it twice; or, with
    outcome "waiting", one it has seen but not taken yet: handled_at is then when this size
    and time were first seen, so a new process (`scheduler --once`) knows how long it has
    been still."""

    __tablename__ = "watched_file"
    __table_args__ = (UniqueConstraint("path", "size", "mtime_ns"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(20))
    handled_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """One email in the outbox, rendered when queued so every retry sends the same message.

    The UNIQUE dedupe key is what makes it go out at most once.
    """

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_status_created", "status", "created_at"),
        # What a sender claims: queued rows whose next attempt is due.
        Index("ix_notification_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patient.id", ondelete="SET NULL"), index=True)
    step_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_step.id", ondelete="SET NULL"), index=True)
    doctor_id: Mapped[int | None] = mapped_column(
        ForeignKey("doctor.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(320), default="")
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    subject: Mapped[str] = mapped_column(String(400), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime | None]
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class DeliveryAttempt(Base):
    """Every try to hand a notification to the mail server, with the server's answer."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    host: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))  # sent, retry, failed, interrupted
    smtp_code: Mapped[int | None]
    detail: Mapped[str] = mapped_column(Text, default="")


class EmailTemplate(Base):
    """A staff-edited copy of a default email template (checked before it is saved)."""

    __tablename__ = "email_template"
    __table_args__ = (UniqueConstraint("kind", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class AuditEvent(Base):
    """Append-only: who did what, when, from which PC, with the before and after values.

    Each event is a link of a hash chain (clinic_desktop/audit.py): `seq` is its place,
    `hash` the SHA-256 of the link before it and of its own content, given when the
    transaction that wrote it commits.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patient.id", ondelete="SET NULL"), index=True)
    entity: Mapped[str] = mapped_column(String(60), default="")
    entity_id: Mapped[int | None]
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class AuditChainHead(Base):
    """The audit chain's last link (one row): its place and hash. Locked by a committing
    transaction only while it links its own events (clinic_desktop/audit.py)."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Lease(Base):
    """Which process may do a job that only one PC should do (e.g. sending mail)."""

    __tablename__ = "lease"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
