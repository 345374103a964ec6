"""A real IMAP server for the tests: Debian's Dovecot, started by the tests as an unprivileged
user with a configuration of its own (TLS on a port for imaps and STARTTLS on another, its
certificate from the tests' CA), one mailbox user per test. POSIX only (users, setpriv).
.ci/run installs dovecot-imapd; without it these tests skip here and fail in CI."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "imap-secret-12"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = yes
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    """Dovecot on localhost: `tls_port` speaks TLS from the start, `starttls_port` plain
    IMAP that must be upgraded (the server refuses a login before)."""

    root: Path
    tls_port: int
    starttls_port: int
    ca_file: Path
    process: subprocess.Popen[bytes] | None = None
    host: str = "localhost"

    def add_user(self) -> tuple[str, str]:
        """A new, empty mailbox: (user name, password). Every user has the one password
        (a static passdb: a user file re-read on each change raced with fast tests)."""
        return f"clinic-{uuid.uuid4().hex[:10]}@example.org", PASSWORD

    def client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        imap = imaplib.IMAP4_SSL(self.host, self.tls_port, ssl_context=context, timeout=10)
        imap.login(user, password)
        return imap

    def deliver(self, user: str, password: str, message: bytes, folder: str = "INBOX") -> None:
        """Put a message in a folder, as the mail server does when mail arrives."""
        imap = self.client(user, password)
        try:
            typ, data = imap.append(folder, None, None, message)
            assert typ == "OK", data
        finally:
            imap.logout()

    def folder(self, user: str, password: str, folder: str) -> list[tuple[bytes, bytes]]:
        """(flags, message) of every message in `folder` ([] when it does not exist)."""
        imap = self.client(user, password)
        try:
            typ, _data = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            _typ, found = imap.uid("SEARCH", None, "ALL")
            result = []
            for uid in b" ".join(found).split():
                _typ, fetched = imap.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                head, body = fetched[0]
                result.append((head, body))
            return result
        finally:
            imap.logout()

    def stop(self) -> None:
        if self.process is None:
            return
        subprocess.run([DOVECOT, "-c", str(self.root / "dovecot.conf"), "stop"],
                       check=False, capture_output=True)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None


def start_imap_server(tls_ca: trustme.CA, ca_file: Path) -> ImapServer:
    if not os.path.exists(DOVECOT):
        reason = "Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    # Dovecot refuses to serve mail as root: as root (CI) it runs as nobody, otherwise as
    # whoever runs the tests. Its folder is outside pytest's private temporary folder,
    # which that user could not enter.
    as_root = os.geteuid() == 0
    account = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(account.pw_gid).gr_name
    root = Path(tempfile.mkdtemp(prefix="clinic-imap-"))
    for name in ("run", "state", "mail"):
        (root / name).mkdir()
    certificate = tls_ca.issue_cert("localhost", "127.0.0.1")
    certificate.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
    certificate.private_key_pem.write_to_path(str(root / "key.pem"))
    server = ImapServer(root, _free_port(), _free_port(), ca_file)
    (root / "dovecot.conf").write_text(_CONFIG.format(
        root=root, password=PASSWORD, user=account.pw_name, group=group, tls_port=server.tls_port,
        starttls_port=server.starttls_port), encoding="utf-8")
    root.chmod(0o755)
    command = [DOVECOT, "-F", "-c", str(root / "dovecot.conf")]
    if as_root:
        for path in [root, *root.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
        command = ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                   "--clear-groups", *command]
    server.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", server.tls_port), timeout=1):
                break
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                log = (root / "dovecot.log").read_text(errors="replace") \
                    if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"Dovecot did not start: {log}") from None
            time.sleep(0.05)
    return server


@pytest.fixture(scope="session")
def imap_server(tls_ca: trustme.CA, ca_file: Path) -> Iterator[ImapServer]:
    server = start_imap_server(tls_ca, ca_file)
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@dataclass(frozen=True)
class MailboxUser:
    server: ImapServer
    user: str
    password: str

    def deliver(self, message: Any, folder: str = "INBOX") -> None:
        data = message if isinstance(message, bytes) else message.as_bytes()
        self.server.deliver(self.user, self.password, data, folder)

    def folder(self, folder: str) -> list[tuple[bytes, bytes]]:
        return self.server.folder(self.user, self.password, folder)


@pytest.fixture
def mailbox(imap_server: ImapServer) -> MailboxUser:
    """A new, empty mailbox on the test server."""
    return MailboxUser(imap_server, *imap_server.add_user())


def configure_imap(session: Any, box: MailboxUser, *, security: str = "tls") -> None:
    """Point the clinic's mailbox settings at the test server (trusting the tests' CA)."""
    from clinic_desktop import settings

    server = box.server
    port = server.tls_port if security == "tls" else server.starttls_port
    for key, value in {"imap.host": "localhost", "imap.port": str(port),
                       "imap.security": security, "imap.username": box.user,
                       "smtp.ca_file": str(server.ca_file), "smtp.timeout": "10"}.items():
        settings.set_value(session, key, value)
