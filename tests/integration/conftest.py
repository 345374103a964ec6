"""A real SMTP server (aiosmtpd) on localhost: plain, STARTTLS or TLS, with AUTH and faults."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "clinic@example.org"
SMTP_PASSWORD = "correct horse battery staple"


@dataclass
class SmtpServer:
    """What the server received, and faults to play: DATA answers or dropped connections."""

    host: str
    port: int
    security: str
    ca_file: Path | None
    messages: list[EmailMessage] = field(default_factory=list)
    data_faults: list[str] = field(default_factory=list)  # "451 ...", "550 ...", "drop"
    logins: list[tuple[str, bool]] = field(default_factory=list)
    controller: Controller | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp_server: Any, session: Any, envelope: Any) -> str:
        with self.server.lock:
            fault = self.server.data_faults.pop(0) if self.server.data_faults else None
        if fault == "drop":
            smtp_server.transport.close()  # the line dies before the server says 250
            return "451 dropped"
        if fault:
            return fault
        message = email.message_from_bytes(envelope.original_content, _class=EmailMessage,
                                           policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append(message)
        return "250 2.0.0 Ok: queued"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "clinic-ca.pem"
    tls_ca.cert_pem.write_to_path(str(path))
    return path


def start_smtp_server(security: str = "none", *, auth: bool = False,
                      tls_ca: trustme.CA | None = None, ca_file: Path | None = None,
                      port: int | None = None) -> SmtpServer:
    """security: none | starttls | tls. With auth, AUTH PLAIN/LOGIN is required."""
    server = SmtpServer("127.0.0.1", port or _free_port(), security, ca_file)
    context = None
    if security != "none":
        assert tls_ca is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)

    def authenticate(_server: Any, _session: Any, _envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == SMTP_USER and \
            data.password.decode() == SMTP_PASSWORD
        server.logins.append((mechanism, ok))
        return AuthResult(success=ok)

    kwargs: dict[str, Any] = {}
    if auth:
        kwargs.update(authenticator=authenticate, auth_required=True,
                      auth_require_tls=security != "none")
    if security == "starttls":
        kwargs.update(tls_context=context, require_starttls=True)
    controller = Controller(_Handler(server), hostname="127.0.0.1", port=server.port,
                            ssl_context=context if security == "tls" else None,
                            server_hostname="localhost", ready_timeout=10, **kwargs)
    controller.start()
    server.controller = controller
    return server


@pytest.fixture
def smtp_server_factory(tls_ca: trustme.CA, ca_file: Path) -> Iterator[Any]:
    started: list[SmtpServer] = []

    def _start(security: str = "none", auth: bool = False, port: int | None = None
               ) -> SmtpServer:
        server = start_smtp_server(security, auth=auth, tls_ca=tls_ca, ca_file=ca_file,
                                   port=port)
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


def configure_smtp(session: Any, server: SmtpServer, *, username: str = "",
                   rate_per_minute: int = 6000) -> None:
    """Point the clinic's settings at a test server."""
    from clinic_desktop import settings

    values = {"smtp.host": "localhost" if server.security != "none" else "127.0.0.1",
              "smtp.port": str(server.port), "smtp.security": server.security,
              "smtp.username": username, "smtp.from": "reception@clinic.example.org",
              "smtp.reply_to": "reply@clinic.example.org", "clinic.name": "Test Clinic",
              "smtp.ca_file": str(server.ca_file) if server.ca_file else "",
              "smtp.rate_per_minute": str(rate_per_minute), "smtp.timeout": "10"}
    for key, value in values.items():
        settings.set_value(session, key, value)


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[Any]:
    """A real keyring backend (keyrings.alt's file store) in a temp folder."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
