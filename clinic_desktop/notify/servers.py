"""What both mail connections share (SMTP to send, IMAP to read): a verified TLS context and
the same sentences when a server cannot be found, refuses us or fails the encryption."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

from clinic_desktop.errors import ConfigError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

_CA_FILE_UNUSABLE = sentence(QT_TRANSLATE_NOOP(
    "core", "The CA file {path} (smtp.ca_file) cannot be used: {problem}."))
_UNTRUSTED = sentence(QT_TRANSLATE_NOOP(
    "core", "The certificate of the mail server {where} is not trusted: {why}. If the clinic "
    "uses its own certificate authority, set smtp.ca_file to its certificate."))
_TLS_FAILED = sentence(QT_TRANSLATE_NOOP(
    "core", "The encrypted connection to {where} failed ({why}). Port {n_starttls} usually "
    "needs {setting} = starttls, port {n_tls} needs tls."))
_NOT_FOUND = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {host} was not found. Check {setting} and this PC's internet "
    "connection."))
_CONNECTION_REFUSED = sentence(QT_TRANSLATE_NOOP(
    "core", "The mail server {where} refused the connection. Check {host_setting} and "
    "{port_setting} ({n_starttls} for STARTTLS, {n_tls} for TLS)."))


def tls_context(ca_file: str) -> ssl.SSLContext:
    """The system's trusted certificates, plus the clinic's own CA when smtp.ca_file names
    one (an in-house server signs its SMTP and IMAP service alike)."""
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(_CA_FILE_UNUSABLE(path=ca_file, problem=exc)) from exc
    return context


@dataclass(frozen=True)
class ServerPlace:
    """A mail server as the sentences name it: `where` ("host:port (TLS)"), and the prefix
    of its settings ("smtp", "imap") with the usual ports of each kind of encryption."""

    prefix: str
    host: str
    where: str
    starttls_port: int
    tls_port: int


def connection_problem(exc: BaseException, place: ServerPlace) -> str | None:
    """The sentence for a server not found, a refused connection or a failed TLS handshake
    (each needs a setting or a certificate fixed); None for any other failure."""
    p = place.prefix
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _UNTRUSTED(where=place.where, why=exc.verify_message)
    if isinstance(exc, ssl.SSLError):
        return _TLS_FAILED(where=place.where, why=exc.reason or exc,
                           n_starttls=place.starttls_port, setting=f"{p}.security",
                           n_tls=place.tls_port)
    if isinstance(exc, socket.gaierror):
        return _NOT_FOUND(host=repr(place.host), setting=f"{p}.host")
    if isinstance(exc, ConnectionRefusedError):
        return _CONNECTION_REFUSED(where=place.where, host_setting=f"{p}.host",
                                   port_setting=f"{p}.port", n_starttls=place.starttls_port,
                                   n_tls=place.tls_port)
    return None
