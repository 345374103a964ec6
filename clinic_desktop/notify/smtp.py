"""The mail server for sending: the smtp.* settings, one logged-in SMTP connection, and a
sentence staff can act on for everything that can go wrong on the way."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

from sqlalchemy.orm import Session

from clinic_desktop import secrets, settings
from clinic_desktop.errors import ClinicError, ConfigError, ExitCode
from clinic_desktop.notify.message import Sender, load_logo
from clinic_desktop.notify.servers import ServerPlace, connection_problem, tls_context
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence


class DeliveryError(ClinicError):
    """The mail server could not be reached or refused us; the message says what to fix."""


class SmtpSetupError(DeliveryError):
    """Sending cannot work until a setting, the password or the server's certificate is
    fixed (server not found, connection refused, TLS, login): a configuration error."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    username: str
    from_address: str
    from_name: str
    reply_to: str
    ca_file: str
    timeout: int
    rate_per_minute: int
    max_attempts: int
    list_unsubscribe: str
    logo_path: str

    def describe(self) -> str:
        server = f"{self.host}:{self.port}"
        if self.security == "none":
            return _UNENCRYPTED(server=server)
        return f"{server} ({'STARTTLS' if self.security == 'starttls' else 'TLS'})"


_UNENCRYPTED = sentence(QT_TRANSLATE_NOOP("core", "{server} (no encryption)"))


_NOT_SET_UP = sentence(QT_TRANSLATE_NOOP(
    "core", "Sending email is not set up yet: set {setting} (clinic-desktop settings set KEY "
    "VALUE, or Settings → Email)."))
_NOT_SET_UP_AT_ALL = sentence(QT_TRANSLATE_NOOP(
    "core", "Sending email is not set up yet: set {setting} and {setting_other} (clinic-desktop "
    "settings set KEY VALUE, or Settings → Email)."))


def load_smtp_settings(session: Session, *, checked: bool = True) -> SmtpSettings:
    """The smtp.* settings, checked so that sending fails early with the fix named;
    `checked=False` takes them as they are (a preview, before sending is set up)."""
    def get(key: str) -> Any:
        return settings.get(session, key)

    host, sender, security = get("smtp.host"), get("smtp.from"), get("smtp.security")
    if checked:
        _check(host, sender, security)
    return SmtpSettings(
        host=host, port=get("smtp.port"), security=security, username=get("smtp.username"),
        from_address=sender, from_name=get("clinic.name"), reply_to=get("smtp.reply_to"),
        ca_file=get("smtp.ca_file"), timeout=get("smtp.timeout"),
        rate_per_minute=get("smtp.rate_per_minute"), max_attempts=get("smtp.max_attempts"),
        list_unsubscribe=get("notify.list_unsubscribe"), logo_path=get("clinic.logo"))


def _check(host: str, sender: str, security: str) -> None:
    if not host and not sender:
        raise ConfigError(_NOT_SET_UP_AT_ALL(setting="smtp.host", setting_other="smtp.from"))
    if not host or not sender:
        raise ConfigError(_NOT_SET_UP(setting="smtp.from" if host else "smtp.host"))
    problem = settings.smtp_security_problem(host, security)
    if problem:  # refused when set; a database from before that check may still hold it
        raise ConfigError(problem)


def make_sender(config: SmtpSettings) -> Sender:
    logo, subtype = load_logo(config.logo_path)
    return Sender(address=config.from_address, display_name=config.from_name,
                  reply_to=config.reply_to, list_unsubscribe=config.list_unsubscribe,
                  logo=logo, logo_subtype=subtype)


def _tls_context(config: SmtpSettings) -> ssl.SSLContext:
    return tls_context(config.ca_file)


def server_words(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
        else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


# Microsoft 365 answers "535 5.7.139 Authentication unsuccessful, basic authentication is
# disabled" or "..., SmtpClientAuthentication is disabled for the Tenant/Mailbox" when the
# password may well be right: the tenant (or mailbox) has password logins over SMTP off.
_SMTP_AUTH_DISABLED = ("basic authentication is disabled", "smtpclientauthentication is disabled")


_LOGIN_REFUSED_M365 = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} rejected the login for {user}: {words}. The password is "
    "not the problem: Microsoft 365 has SMTP AUTH (basic authentication for sending mail) "
    "switched off for this organisation or mailbox. A Microsoft 365 administrator must switch "
    "on Authenticated SMTP: for the organisation (Exchange admin centre → Settings → Mail flow "
    "→ clear 'Turn off SMTP AUTH protocol for your organization') and for this mailbox "
    "(Microsoft 365 admin centre → Users → the mailbox → Mail → Manage email apps → "
    "Authenticated SMTP). Security defaults block it as well; then only OAuth2 works "
    "(docs/email.md)."))
_LOGIN_REFUSED = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} rejected the login for {user}: {words}. Check the "
    "password (clinic-desktop smtp set-password). Gmail needs an app password (Google account "
    "→ Security → App passwords); Microsoft 365 needs SMTP AUTH enabled for this mailbox (or "
    "OAuth2)."))


def _login_refused(config: SmtpSettings, words: str) -> str:
    said = _LOGIN_REFUSED_M365 if any(marker in words.lower()
                                      for marker in _SMTP_AUTH_DISABLED) else _LOGIN_REFUSED
    return said(where=config.describe(), user=repr(config.username), words=words)


_NO_STARTTLS = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} does not offer STARTTLS. Use smtp.security = tls with "
    "port 465, or ask the provider for the STARTTLS port (usually 587)."))
_NO_LOGIN = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} does not offer login (AUTH). Check smtp.security: most "
    "servers allow login only after STARTTLS or TLS."))
_NO_ANSWER = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} did not answer within {n_seconds} seconds. Check "
    "smtp.host, smtp.port and the firewall."))
_REFUSED_US = sentence(QT_TRANSLATE_NOOP("core", "The mail server {where} refused us: {words}."))
_CANNOT_TALK = sentence(QT_TRANSLATE_NOOP(
    "core", "Could not talk to the mail server {where}: {problem}."))


class SmtpConnection:
    """One open, logged-in connection; every failure becomes a sentence staff can act on."""

    def __init__(self, config: SmtpSettings, password: str | None = None):
        self.config = config
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        c = self.config
        where = c.describe()
        try:
            if c.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout,
                                                      context=_tls_context(c))
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            self._smtp = smtp
            smtp.ehlo()
            if c.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SmtpSetupError(_NO_STARTTLS(where=where))
                smtp.starttls(context=_tls_context(c))
                smtp.ehlo()
            if c.username:
                smtp.login(c.username, self._password or "")
        except DeliveryError:
            self.close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise SmtpSetupError(_login_refused(c, server_words(exc))) from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise SmtpSetupError(_NO_LOGIN(where=where)) from None
        except (ssl.SSLError, socket.gaierror, ConnectionRefusedError) as exc:
            self.close()
            # The same sentences as reading the mailbox (notify/servers.py).
            raise SmtpSetupError(str(connection_problem(
                exc, ServerPlace("smtp", c.host, where, 587, 465)))) from None
        except TimeoutError:
            self.close()
            raise DeliveryError(_NO_ANSWER(where=where, n_seconds=c.timeout)) from None
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise DeliveryError(_REFUSED_US(where=where, words=server_words(exc))) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(_CANNOT_TALK(where=where, problem=exc)) from None

    def send(self, message: EmailMessage) -> None:
        """Raises smtplib.SMTPNotSupportedError, before saying anything to the server, when the
        email needs SMTPUTF8 (build_message chose that policy) and the server does not offer it."""
        if self._smtp is None:
            self.open()
        assert self._smtp is not None
        if isinstance(message.policy, EmailPolicy) and message.policy.utf8:
            # send_message asks for SMTPUTF8 only when the envelope needs it; a non-English
            # reply address needs it as well, so the options are given here for all three.
            envelope_from = message["From"].addresses[0].addr_spec
            envelope_to = [a.addr_spec for a in message["To"].addresses]
            refused = self._smtp.sendmail(envelope_from, envelope_to, message.as_bytes(),
                                          mail_options=("SMTPUTF8", "BODY=8BITMIME"))
        else:
            refused = self._smtp.send_message(message)
        if refused:  # only our one recipient can be refused
            code, text = next(iter(refused.values()))
            raise smtplib.SMTPRecipientsRefused({message["To"]: (code, text)})

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            with contextlib.suppress(OSError):
                self._smtp.close()
        self._smtp = None


@contextmanager
def smtp_connection(config: SmtpSettings, password: str | None) -> Iterator[SmtpConnection]:
    connection = SmtpConnection(config, password)
    connection.open()
    try:
        yield connection
    finally:
        connection.close()


def password_for(config: SmtpSettings) -> str | None:
    return secrets.get_smtp_password(config.username) if config.username else None
