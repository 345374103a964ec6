"""What a message says, read without the database: who wrote, what it answers, its photos
and other attachments, and whether it is a bounce (a report that an email never arrived)."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

PHOTO_SUFFIXES = {".jpg": "jpeg", ".jpeg": "jpeg", ".jpe": "jpeg", ".png": "png",
                  ".heic": "heic", ".heif": "heif"}
_SUFFIX_OF_TYPE = {"jpeg": ".jpg", "jpg": ".jpg", "pjpeg": ".jpg", "png": ".png",
                   "heic": ".heic", "heif": ".heif", "heic-sequence": ".heic"}
_MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
# "550 5.1.1 <x@y>: Recipient address rejected", "Remote server returned '550 5.1.10 …'"
_STATUS_LINE = re.compile(r"\b([245])\d\d[ -]+([245]\.\d{1,3}\.\d{1,3})\b[^\n]*")
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon", "mailer_daemon")
_BOUNCE_SUBJECT = re.compile(
    r"undeliverable|undelivered|delivery status notification|delivery failure|"
    r"failure notice|returned mail|mail delivery (failed|subsystem)|could not be delivered|"
    r"unzustellbar|nicht zustellbar|non remis|non recapitabile", re.IGNORECASE)
_DELAYED_SUBJECT = re.compile(r"delay|delayed|verzögert|warning", re.IGNORECASE)
MAX_REASON = 300
# An inline picture this small that the HTML shows by its Content-ID is part of the email's
# design (a signature's logo, a social-media icon), not a photo of the patient.
SIGNATURE_IMAGE_BYTES = 30_000
# Names Windows keeps for devices: a file "CON.jpg" cannot be written there.
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                 *(f"LPT{n}" for n in range(1, 10))}


@dataclass(frozen=True)
class Attachment:
    filename: str  # as the sender named it (or made up from its type), never a path
    content_type: str
    data: bytes

    @property
    def is_photo(self) -> bool:
        suffix = "." + self.filename.rpartition(".")[2].lower() if "." in self.filename else ""
        return suffix in PHOTO_SUFFIXES or (self.content_type.startswith("image/") and
                                            self.content_type[6:] in _SUFFIX_OF_TYPE)


@dataclass(frozen=True)
class Bounce:
    """A delivery report: `permanent` (the address is bad) or only a delay."""

    permanent: bool
    reason: str
    recipient: str


@dataclass
class ReadMail:
    message_id: str
    sender: str  # the From address, lower-case
    subject: str
    sent_at: datetime | None
    answers: list[str]  # Message-IDs from In-Reply-To and References, nearest first
    attachments: list[Attachment] = field(default_factory=list)
    bounce: Bounce | None = None
    quoted_ids: list[str] = field(default_factory=list)  # Message-IDs a bounce returns
    auto_reply: bool = False  # an out-of-office answer (RFC 3834), not a patient writing

    @property
    def photos(self) -> list[Attachment]:
        return [a for a in self.attachments if a.is_photo]

    @property
    def other_files(self) -> list[Attachment]:
        return [a for a in self.attachments if not a.is_photo]


def read_mail(raw: bytes) -> ReadMail:
    message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    sender = _first_address(message, "From")
    answers = _ids(_header(message, "In-Reply-To")) + list(reversed(
        _ids(_header(message, "References"))))
    mail = ReadMail(message_id=_header(message, "Message-ID").strip(), sender=sender,
                    subject=" ".join(_header(message, "Subject").split()),
                    sent_at=_date(_header(message, "Date")), answers=list(dict.fromkeys(answers)))
    mail.bounce, mail.quoted_ids = _bounce(message, sender, mail.subject)
    if mail.bounce is None:
        auto = _header(message, "Auto-Submitted").strip().lower()
        mail.auto_reply = (auto not in ("", "no")) or bool(_header(message, "X-Autoreply")) \
            or _header(message, "Precedence").strip().lower() == "auto_reply"
        mail.attachments = list(_attachments(message))
    return mail


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header damaged past what the parser forgives: as if absent
        return ""
    return str(value) if value is not None else ""


def _first_address(message: Message, name: str) -> str:
    try:
        header = message.get(name)
        addresses: tuple[Address, ...] = getattr(header, "addresses", ())
        if addresses:
            return addresses[0].addr_spec.strip().lower()
    except Exception:
        pass
    found = getaddresses([_header(message, name)])
    return found[0][1].strip().lower() if found else ""


def _ids(text: str) -> list[str]:
    return _MESSAGE_ID.findall(text)


def _date(text: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        return None
    if value is None:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _attachments(message: Message) -> list[Attachment]:
    """Every file of the message, also those inside a forwarded message (walk() goes into
    message/rfc822 parts); the text of the message and of forwarded ones is not a file."""
    found = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        filename = part.get_filename() or ""
        disposition = (part.get_content_disposition() or "").lower()
        kind = part.get_content_type().lower()
        if not filename and disposition != "attachment" and not kind.startswith("image/"):
            continue  # the words of the email (text/plain, text/html)
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        if part.get("Content-ID") and disposition != "attachment" \
                and len(data) < SIGNATURE_IMAGE_BYTES:
            continue
        found.append(Attachment(_safe_name(filename, kind, len(found) + 1), kind, data))
    return found


def _safe_name(filename: str, kind: str, number: int) -> str:
    """The sender's file name without any folder part or character Windows refuses; one
    made up from the type when there is none."""
    name = re.split(r"[\\/]", filename)[-1]
    name = re.sub(r'[<>:"|?*\x00-\x1f]', "_", name).strip(" .")[:120]
    if name.partition(".")[0].upper() in _DEVICE_NAMES:
        name = f"_{name}"
    if not name:
        subtype = kind.partition("/")[2]
        name = f"attachment-{number}{_SUFFIX_OF_TYPE.get(subtype, '.bin')}"
    return name


def _bounce(message: Message, sender: str, subject: str) -> tuple[Bounce | None, list[str]]:
    """A delivery report: RFC 3464's multipart/report, or the human-readable kind (Microsoft,
    Gmail and older servers write prose and quote the email they could not deliver)."""
    if message.get_content_type() == "multipart/report" and \
            str(message.get_param("report-type", "")).lower() == "delivery-status":
        return _dsn(message)
    local = sender.partition("@")[0]
    if local in _BOUNCE_SENDERS or _BOUNCE_SUBJECT.search(subject):
        text = _all_text(message)
        line = _STATUS_LINE.search(text)
        if line is not None:
            return Bounce(line.group(1) == "5", _clip(line.group(0)), ""), _ids(text)
        return Bounce(not _DELAYED_SUBJECT.search(subject), _clip(subject or "undeliverable"),
                      ""), _ids(text)
    return None, []


def _dsn(message: Message) -> tuple[Bounce | None, list[str]]:
    permanent, reason, recipient = False, "", ""
    quoted: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                if not isinstance(block, Message):
                    continue
                action = str(block.get("Action", "")).strip().lower()
                status = str(block.get("Status", "")).strip()
                if not action and not status:
                    continue
                recipient = recipient or str(block.get("Final-Recipient", "")) \
                    .partition(";")[2].strip()
                if action == "failed" or status.startswith("5"):
                    permanent = True
                    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
                    reason = _clip(diagnostic.partition(";")[2].strip() or diagnostic
                                   or f"status {status}")
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            quoted += _ids(part.as_string())
        elif kind == "text/plain" and not reason:
            line = _STATUS_LINE.search(part.get_content() if isinstance(part, EmailMessage)
                                       else "")
            reason = _clip(line.group(0)) if line else ""
    if not reason:
        reason = "the receiving server reported a delay" if not permanent else "undeliverable"
    return Bounce(permanent, reason, recipient), quoted


def _all_text(message: Message) -> str:
    """The text of the message and of every message inside it, headers included (a
    human-readable bounce quotes the lost email's headers in its body or as an attachment)."""
    texts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                content = part.get_content() if isinstance(part, EmailMessage) else \
                    part.get_payload(decode=True).decode("utf-8", "replace")
            except (LookupError, ValueError, AttributeError):
                content = ""
            texts.append(str(content))
        elif part.get_content_type() == "message/rfc822":
            texts.append(part.as_string())
    return "\n".join(texts)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"
