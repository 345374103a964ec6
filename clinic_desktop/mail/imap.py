"""The clinic's mailbox over IMAP (Python's imaplib): verified TLS, login, read, flag, move.

imaplib ships with Python, speaks every server a clinic meets (Microsoft 365, Gmail,
Dovecot, hosting providers) and needs nothing frozen into the Windows build; the little it
lacks (a refreshed capability list after login, quoting and UTF-7 folder names, UIDPLUS
answers) is done here.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from clinic_desktop import secrets, settings
from clinic_desktop.errors import ClinicError, ConfigError, ExitCode
from clinic_desktop.notify.servers import ServerPlace, connection_problem, tls_context
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

PROCESSED_KEYWORD = "$ClinicDesktop"  # set with \Seen on every message that was handled


_NOT_SET_UP = sentence(QT_TRANSLATE_NOOP(
    "core", "Reading the clinic's mailbox is not set up yet: set {settings} (clinic-desktop "
    "settings set KEY VALUE; docs/email-replies.md)."))
_SAME_FOLDER = sentence(QT_TRANSLATE_NOOP(
    "core", "imap.processed_folder is the folder that is read ({folder}): read mail must be "
    "moved elsewhere. Choose another folder."))
_NO_STARTTLS = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} does not offer STARTTLS. Use imap.security = tls with "
    "port 993."))
_NO_ANSWER = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} did not answer within {n_seconds} seconds. Check "
    "imap.host, imap.port and the firewall."))
_ENDED = sentence(QT_TRANSLATE_NOOP("core", "The mail server {where} ended the connection: "
                                            "{words}."))
_LOGIN_REFUSED = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} rejected the login for {user}: {words}. Check the "
    "password (clinic-desktop imap set-password). Gmail needs IMAP switched on and an app "
    "password (Google account → Security → App passwords); Microsoft 365 accepts only OAuth2 "
    "for IMAP, which Clinic Desktop does not offer yet (docs/email-replies.md)."))
_CANNOT_TALK = sentence(QT_TRANSLATE_NOOP(
    "core", "Could not talk to the mail server {where}: {problem}."))
_REFUSED = sentence(QT_TRANSLATE_NOOP("core", "The mail server {where} refused {what}: "
                                              "{words}."))
_CONNECTION_FAILED = sentence(QT_TRANSLATE_NOOP(
    "core", "The connection to the mail server {where} failed: {problem}."))
_NO_FOLDER = sentence(QT_TRANSLATE_NOOP(
    "core", "The folder {folder} (imap.folder) cannot be opened in the mailbox of {user} on "
    "{host}: {words}."))
_NO_UIDVALIDITY = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} gave no UIDVALIDITY for {folder}, so read mail could not "
    "be told from new."))
_CHECKED = sentence(QT_TRANSLATE_NOOP(
    "core", "Connected to {where}, logged in as {user}; the folder {folder} holds {n} "
    "message(s) to read."))


class MailboxError(ClinicError):
    """The mailbox could not be read now (server gone, timed out); the next poll tries again."""


class MailboxSetupError(MailboxError):
    """Reading cannot work until a setting, the password or a certificate is fixed."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str
    username: str
    folder: str
    processed_folder: str
    ca_file: str
    timeout: int

    def place(self) -> ServerPlace:
        return ServerPlace("imap", self.host, self.describe(), 143, 993)

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({'STARTTLS' if self.security == 'starttls' else 'TLS'})"

    @property
    def mailbox(self) -> str:
        """The folder read, as the mail_message rows name it."""
        return f"{self.username}@{self.host}/{self.folder}"


def is_configured(session: Session) -> bool:
    return bool(settings.get(session, "imap.host"))


def load_imap_settings(session: Session) -> ImapSettings:
    """The imap.* settings, checked so that reading fails early with the fix named."""
    get = lambda key: settings.get(session, key)  # noqa: E731
    missing = [key for key in ("imap.host", "imap.username") if not get(key)]
    if missing:
        raise ConfigError(_NOT_SET_UP(settings=" and ".join(missing)))
    if get("imap.folder") == get("imap.processed_folder"):
        raise ConfigError(_SAME_FOLDER(folder=get("imap.folder")))
    return ImapSettings(host=get("imap.host"), port=get("imap.port"),
                        security=get("imap.security"), username=get("imap.username"),
                        folder=get("imap.folder"), processed_folder=get("imap.processed_folder"),
                        ca_file=get("smtp.ca_file"), timeout=get("smtp.timeout"))


def password_for(config: ImapSettings) -> str:
    return secrets.get_mail_password(secrets.IMAP, config.username)


def folder_name(name: str) -> str:
    """A folder name as IMAP wants it: non-English letters in modified UTF-7 (RFC 3501
    5.1.3), the whole quoted."""
    out, pending = [], ""

    def flush() -> None:
        nonlocal pending
        if pending:
            packed = base64.b64encode(pending.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + packed.replace("/", ",") + "-")
            pending = ""

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending += char
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else exc
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(str(text).split())


class Mailbox:
    """One logged-in connection to the clinic's mailbox; every failure a sentence."""

    def __init__(self, config: ImapSettings, password: str):
        self.config = config
        self._password = password
        self._imap: imaplib.IMAP4 | None = None
        self._capabilities: set[str] = set()
        self._keywords = False

    def open(self) -> None:
        c = self.config
        where = c.describe()
        try:
            context = tls_context(c.ca_file)
            if c.security == "tls":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(c.host, c.port, ssl_context=context,
                                                        timeout=c.timeout)
            else:
                imap = imaplib.IMAP4(c.host, c.port, timeout=c.timeout)
                self._imap = imap
                if "STARTTLS" not in imap.capabilities:
                    raise MailboxSetupError(_NO_STARTTLS(where=where))
                imap.starttls(ssl_context=context)
            self._imap = imap
            if self._password.isascii() and c.username.isascii():
                imap.login(c.username, self._password)
            else:  # LOGIN is ASCII only; AUTHENTICATE PLAIN carries UTF-8
                imap.authenticate("PLAIN", lambda _challenge: (
                    f"\0{c.username}\0{self._password}").encode())
            self._capabilities = self._ask_capabilities()
        except MailboxError:
            self.close()
            raise
        except (ssl.SSLError, socket.gaierror, ConnectionRefusedError) as exc:
            self.close()
            raise MailboxSetupError(str(connection_problem(exc, c.place()))) from None
        except TimeoutError:
            self.close()
            raise MailboxError(_NO_ANSWER(where=where, n_seconds=c.timeout)) from None
        except imaplib.IMAP4.abort as exc:
            self.close()
            raise MailboxError(_ENDED(where=where, words=_words(exc))) from None
        except imaplib.IMAP4.error as exc:
            self.close()
            raise MailboxSetupError(_LOGIN_REFUSED(where=where, user=repr(c.username),
                                                   words=_words(exc))) from None
        except OSError as exc:
            self.close()
            raise MailboxError(_CANNOT_TALK(where=where, problem=exc)) from None

    def _ask_capabilities(self) -> set[str]:
        """imaplib keeps the list from before login; servers add MOVE, UIDPLUS after it."""
        assert self._imap is not None
        _typ, data = self._imap.capability()
        words = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace")
        return set(words.upper().split())

    def _call(self, what: str, *args: str) -> list[bytes]:
        """An IMAP command by UID; a NO or BAD answer, or a dropped line, is a MailboxError."""
        assert self._imap is not None
        where = self.config.describe()
        try:
            typ, data = self._imap.uid(what, *args) if what in ("SEARCH", "FETCH", "STORE",
                                                                 "MOVE", "COPY", "EXPUNGE") \
                else getattr(self._imap, what.lower())(*args)
        except imaplib.IMAP4.abort as exc:
            raise MailboxError(_ENDED(where=where, words=_words(exc))) from None
        except imaplib.IMAP4.error as exc:
            raise MailboxError(_REFUSED(where=where, what=what, words=_words(exc))) from None
        except (TimeoutError, OSError) as exc:
            raise MailboxError(_CONNECTION_FAILED(where=where,
                                                  problem=exc or type(exc).__name__)) from None
        if typ != "OK":
            raise MailboxError(_REFUSED(where=where, what=what, words=_words(Exception(*data))))
        return data

    def select(self) -> int:
        """Open imap.folder for reading and writing; its UIDVALIDITY."""
        assert self._imap is not None
        folder = self.config.folder
        try:
            typ, data = self._imap.select(folder_name(folder))
        except imaplib.IMAP4.error as exc:
            typ, data = "NO", [str(exc).encode()]
        if typ != "OK":
            raise MailboxSetupError(_NO_FOLDER(folder=repr(folder), user=self.config.username,
                                               host=self.config.host,
                                               words=_words(Exception(*data))))
        _typ, validity = self._imap.response("UIDVALIDITY")
        flags = self._imap.response("PERMANENTFLAGS")[1]
        self._keywords = any(b"\\*" in f for f in flags if isinstance(f, bytes))
        if not validity or not validity[-1]:
            raise MailboxError(_NO_UIDVALIDITY(where=self.config.describe(), folder=repr(folder)))
        return int(validity[-1])

    def uids(self) -> list[int]:
        """The messages in the folder, oldest first (those marked deleted left out)."""
        data = self._call("SEARCH", "UNDELETED")
        return sorted(int(n) for n in b" ".join(d for d in data if d).split())

    def fetch(self, uid: int) -> bytes | None:
        """The whole message, unchanged (PEEK: not marked read); None when it has gone."""
        data = self._call("FETCH", str(uid), "(BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return None

    def finish(self, uid: int) -> None:
        """Flag a handled message and move it to imap.processed_folder (created when
        missing). Never deleted: without MOVE it is copied there and only then taken out."""
        flags = "(\\Seen " + PROCESSED_KEYWORD + ")" if self._keywords else "(\\Seen)"
        self._call("STORE", str(uid), "+FLAGS.SILENT", flags)
        target = folder_name(self.config.processed_folder)
        self._ensure_folder(target)
        if "MOVE" in self._capabilities:
            self._call("MOVE", str(uid), target)
            return
        self._call("COPY", str(uid), target)
        self._call("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
        if "UIDPLUS" in self._capabilities:
            self._call("EXPUNGE", str(uid))

    def _ensure_folder(self, target: str) -> None:
        assert self._imap is not None
        typ, data = self._imap.list('""', target)
        if typ == "OK" and any(data):
            return
        with contextlib.suppress(MailboxError):  # made meanwhile by another PC
            self._call("CREATE", target)
        self._call("SUBSCRIBE", target)

    def close(self) -> None:
        if self._imap is None:
            return
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self._imap.logout()
        self._imap = None


@contextlib.contextmanager
def open_mailbox(config: ImapSettings, password: str) -> Iterator[Mailbox]:
    mailbox = Mailbox(config, password)
    mailbox.open()
    try:
        yield mailbox
    finally:
        mailbox.close()


def check_mailbox(config: ImapSettings, password: str) -> str:
    """Connect, log in and open imap.folder: what `imap test` and Settings report."""
    with open_mailbox(config, password) as mailbox:
        mailbox.select()
        count = len(mailbox.uids())
    return _CHECKED(where=config.describe(), user=config.username, folder=repr(config.folder),
                    n=count)
