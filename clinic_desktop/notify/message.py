"""Turn an outbox row into a standards-conforming email (text + HTML + inline logo)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from clinic_desktop.config import resources_dir
from clinic_desktop.errors import ConfigError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

LOGO_CID = "logo"
DEFAULT_LOGO = "logo.png"
# Folded header lines stay far below SMTP's 998 characters (a 5,000-character name made a
# server answer "500 Line too long" for good); names and subjects longer than this are cut.
MAX_NAME = 78
MAX_SUBJECT = 200
_ONE_LINE = 78  # RFC 5322's recommended line length, where Python starts folding
_SPECIALS = frozenset('()<>[]:;@\\,."')  # a name holding one of these is sent in quotes
# Cc: CR, LF, \x0b, \x0c, \x1c-\x1f, \x85 and the rest; Zl/Zp: \u2028, \u2029. Any of them
# can end a header line for some parser. Cs: a lone surrogate cannot be encoded at all.
_LINE_BREAKERS = frozenset({"Cc", "Zl", "Zp", "Cs"})
# "=?" and "= ?" alike: Python's folding can drop the space between encoded words it writes,
# so only a different question mark keeps "=?utf-8?q?...?=" from being decoded later.
_ENCODED_WORD_START = re.compile(r"=(\s*)\?")


@dataclass(frozen=True)
class Sender:
    """Who the clinic's emails come from; built from the smtp.* and clinic.* settings."""

    address: str
    display_name: str
    reply_to: str = ""
    list_unsubscribe: str = ""
    logo: bytes | None = None
    logo_subtype: str = "png"

    @property
    def domain(self) -> str:
        """For Message-IDs, which must be ASCII: müller.de as xn--mller-kva.de."""
        if not self.address.rpartition("@")[2]:
            return "clinic-desktop.invalid"
        return wire_address(self.address)[1]


def one_line(text: str, limit: int | None = None) -> str:
    """Header text made from data, safe whatever Python's email package does with it: every
    control or line-separator character becomes a space, "=?" becomes "=？" so no part is ever
    decoded as an RFC 2047 encoded word (a name "=?utf-8?q?a=0D=0ABcc:...?=" decoded to a line
    break and a Bcc header on Python < 3.11.10, CVE-2024-6923), and text longer than `limit`
    ends in "…"."""
    text = "".join(" " if unicodedata.category(char) in _LINE_BREAKERS else char
                   for char in text)
    text = re.sub(r"\s+", " ", text).strip()
    text = _ENCODED_WORD_START.sub("=\\1\N{FULLWIDTH QUESTION MARK}", text)
    if limit is not None and len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text


def _header_url(url: str) -> str:
    """A List-Unsubscribe link that cannot end its <...>, break its line or hold an encoded
    word; the escapes keep the link working where cleaning as text would break it."""
    url = "".join(char for char in url
                  if not char.isspace() and unicodedata.category(char) not in _LINE_BREAKERS)
    return url.replace("<", "%3C").replace(">", "%3E").replace("=?", "=%3F")


_NOT_AN_ADDRESS = sentence(QT_TRANSLATE_NOOP("core", "{address} is not an email address."))
_NOT_AN_ADDRESS_BECAUSE = sentence(QT_TRANSLATE_NOOP(
    "core", "{address} is not an email address ({problem})."))
_LOGO_UNREADABLE = sentence(QT_TRANSLATE_NOOP(
    "core", "The logo {path} cannot be read ({problem}). Choose another file or clear the "
    "{setting} setting."))
_LOGO_NOT_AN_IMAGE = sentence(QT_TRANSLATE_NOOP("core", "The logo {path} is not a PNG or JPEG "
                                                "image."))


def wire_address(address: str) -> tuple[str, str]:
    """(local part, domain) as they go to the mail server: a domain with non-English letters
    in its ASCII (IDNA) form, max@müller.de as max@xn--mller-kva.de, which every server
    accepts. The local part stays as written; only SMTPUTF8 servers take non-English letters
    there (see needs_smtputf8)."""
    username, _, domain = address.strip().rpartition("@")
    if not username or not domain:
        raise ConfigError(_NOT_AN_ADDRESS(address=repr(address)))
    if not domain.isascii():
        try:
            domain = validate_email(address.strip(), check_deliverability=False).ascii_domain
        except EmailNotValidError as exc:
            raise ConfigError(_NOT_AN_ADDRESS_BECAUSE(address=repr(address),
                                                      problem=exc)) from None
    return username, domain


def needs_smtputf8(address: str) -> bool:
    """Whether the address has non-English letters before the @ (jürgen@example.de)."""
    return not wire_address(address)[0].isascii()


def _address(address: str, name: str = "") -> Address:
    username, domain = wire_address(address)
    # Python folds a long quoted name full of backslashes without its quotes, and the address
    # is lost from the parsed To; a name needs neither character to be recognised.
    name = one_line(name, MAX_NAME).replace("\\", "/").replace('"', "'")
    if name.isascii() and not _SPECIALS.isdisjoint(name):
        # ...and it folds a long quoted name without its quotes, which loses the address too:
        # a plain-English name with a comma or "<" must fit on one header line.
        room = _ONE_LINE - len(f'Reply-To: "" <{username}@{domain}>')
        if len(name) > room:
            name = name[:max(room - 3, 0)].rstrip() + "..." if room > 3 else ""
    return Address(display_name=name, username=username, domain=domain)


def new_message_id(notification_id: int, domain: str) -> str:
    """Stable per notification: made once when it is queued and reused by every retry."""
    return make_msgid(idstring=f"n{notification_id}", domain=domain)


def build_message(*, sender: Sender, recipient: str, recipient_name: str, subject: str,
                  text: str, html: str, message_id: str, date: datetime) -> EmailMessage:
    """The email, its addresses as wire_address writes them. One with a non-English local part
    (recipient, sender or reply address) gets the SMTPUTF8 policy, so its headers carry the
    address in UTF-8 and SmtpConnection.send knows it needs a server that offers SMTPUTF8."""
    addresses = [recipient, sender.address] + ([sender.reply_to] if sender.reply_to else [])
    international = any(needs_smtputf8(address) for address in addresses)
    message = EmailMessage(policy=policy.SMTPUTF8 if international else policy.SMTP)
    message["Subject"] = one_line(subject, MAX_SUBJECT)
    message["From"] = _address(sender.address, sender.display_name)
    message["To"] = _address(recipient, recipient_name)
    if sender.reply_to:
        message["Reply-To"] = _address(sender.reply_to)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office loops
    message["X-Auto-Response-Suppress"] = "OOF, AutoReply"  # the same for Exchange
    if sender.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{_header_url(sender.list_unsubscribe)}>"
        if sender.list_unsubscribe.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
        if sender.logo and f"cid:{LOGO_CID}" in html:
            html_part = message.get_body(preferencelist=("html",))
            assert html_part is not None  # added just above
            html_part.add_related(sender.logo, maintype="image", subtype=sender.logo_subtype,
                                  cid=f"<{LOGO_CID}>", filename=f"logo.{sender.logo_subtype}")
    return message


def load_logo(path_setting: str) -> tuple[bytes | None, str]:
    """The clinic's logo from settings, else the bundled one; a missing file is reported."""
    path = Path(path_setting) if path_setting else resources_dir() / DEFAULT_LOGO
    try:
        data = path.read_bytes()
    except OSError as exc:
        if not path_setting:
            return None, "png"
        raise ConfigError(_LOGO_UNREADABLE(path=path, problem=exc.strerror or exc,
                                           setting="clinic.logo")) from exc
    subtype = "jpeg" if data[:3] == b"\xff\xd8\xff" else "png"
    if subtype == "png" and not data.startswith(b"\x89PNG"):
        raise ConfigError(_LOGO_NOT_AN_IMAGE(path=path))
    return data, subtype
