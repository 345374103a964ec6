"""What both mail connections share (SMTP to send, IMAP to read): a verified TLS context and
the same sentences when a server cannot be found, refuses us or fails the encryption."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass

from clinic_desktop.errors import ConfigError


def tls_context(ca_file: str) -> ssl.SSLContext:
    """The system's trusted certificates, plus the clinic's own CA when smtp.ca_file names
    one (an in-house server signs its SMTP and IMAP service alike)."""
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"The CA file {ca_file} (smtp.ca_file) cannot be used: "
                              f"{exc}.") from exc
    return context


@dataclass(frozen=True)
class ServerPlace:
    """A mail server as the sentences name it: `prefix` is its settings' ("smtp", "imap")."""

    prefix: str
    host: str
    port: int
    security: str
    starttls_port: int
    tls_port: int

    def describe(self) -> str:
        mode = {"starttls": "STARTTLS", "tls": "TLS", "none": "no encryption"}[self.security]
        return f"{self.host}:{self.port} ({mode})"


def connection_problem(exc: BaseException, place: ServerPlace) -> str | None:
    """The sentence for a server not found, a refused connection or a failed TLS handshake
    (each needs a setting or a certificate fixed); None for any other failure."""
    where, p = place.describe(), place.prefix
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"The certificate of the mail server {where} is not trusted: "
                f"{exc.verify_message}. If the clinic uses its own certificate authority, "
                "set smtp.ca_file to its certificate.")
    if isinstance(exc, ssl.SSLError):
        return (f"The encrypted connection to {where} failed ({exc.reason or exc}). Port "
                f"{place.starttls_port} usually needs {p}.security = starttls, port "
                f"{place.tls_port} needs tls.")
    if isinstance(exc, socket.gaierror):
        return (f"The mail server {place.host!r} was not found. Check {p}.host and this PC's "
                "internet connection.")
    if isinstance(exc, ConnectionRefusedError):
        return (f"The mail server {where} refused the connection. Check {p}.host and {p}.port "
                f"({place.starttls_port} for STARTTLS, {place.tls_port} for TLS).")
    return None
