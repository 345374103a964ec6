"""Setting up the clinic's mailbox: `imap set-password`, `imap test` and `mail poll` against
the real IMAP server, and the sentence each mistake gets (as for SMTP), with exit code 2."""

from __future__ import annotations

import io
from typing import Any

import pytest
from imap_server import MailboxUser, configure_imap, imap_server, mailbox  # noqa: F401

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def configured(app: Any, mailbox: MailboxUser, file_keyring: Any,  # noqa: F811
               run: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The mailbox settings as staff would type them, the password stored by the command."""
    with write_session(app.sessions) as session:
        configure_imap(session, mailbox)
    monkeypatch.setattr("sys.stdin", io.StringIO(mailbox.password + "\n"))
    code, out, err = run("imap", "set-password", "--stdin")
    assert code == 0, err
    assert f"Password for {mailbox.user} stored in the system keyring" in out
    return app


def change(app: Any, **values: str) -> None:
    with write_session(app.sessions) as session:
        for key, value in values.items():
            settings.set_value(session, key.replace("_", ".", 1), value)


def test_imap_test_connects_logs_in_and_opens_the_folder(configured: Any, run: Any,
                                                         mailbox: MailboxUser) -> None:  # noqa: F811
    assert run("imap", "test")[:2] == (0, f"Connected to localhost:{mailbox.server.tls_port} "
                                          f"(TLS), logged in as {mailbox.user}; the folder "
                                          "'INBOX' holds 0 message(s) to read.\n")
    change(configured, imap_port=str(mailbox.server.starttls_port), imap_security="starttls")
    code, out, _err = run("imap", "test")
    assert code == 0 and "(STARTTLS), logged in as" in out


def test_mail_poll_says_what_is_missing_before_the_mailbox_is_set_up(run: Any) -> None:
    code, _out, err = run("mail", "poll", "--once")
    assert code == 2
    assert "reading the clinic's mailbox is not set up yet: set imap.host and " \
           "imap.username" in err


def test_imap_test_without_a_stored_password_names_the_command(
        app: Any, mailbox: MailboxUser, file_keyring: Any, run: Any) -> None:  # noqa: F811
    with write_session(app.sessions) as session:
        configure_imap(session, mailbox)
    code, _out, err = run("imap", "test")
    assert code == 2
    assert f"No mail password is stored for '{mailbox.user}' on this PC. Store it with " \
           "`clinic-desktop imap set-password`" in err


MISTAKES = [
    ("wrong password", "rejected the login for"),
    ("tls on the starttls port", "Port 143 usually needs imap.security = starttls, port 993 "
                                 "needs tls."),
    ("certificate not trusted", "is not trusted: "),
    ("nothing listening", "refused the connection. Check imap.host and imap.port (143 for "
                          "STARTTLS, 993 for TLS)."),
    ("unknown host", "The mail server 'imap.invalid' was not found. Check imap.host"),
]


def test_each_mistake_gets_its_sentence_and_exit_code_2(configured: Any, run: Any,
                                                       mailbox: MailboxUser) -> None:  # noqa: F811
    import socket

    from clinic_desktop import secrets

    server = mailbox.server
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed_port = free.getsockname()[1]
    for mistake, said in MISTAKES:
        if mistake == "wrong password":
            secrets.set_mail_password(secrets.IMAP, mailbox.user, "not the password")
        elif mistake == "tls on the starttls port":
            change(configured, imap_port=str(server.starttls_port))
        elif mistake == "certificate not trusted":
            change(configured, imap_port=str(server.tls_port), smtp_ca_file="")
        elif mistake == "nothing listening":
            change(configured, imap_port=str(closed_port))
        else:
            change(configured, imap_host="imap.invalid")
        code, out, err = run("imap", "test")
        assert (code, said in err) == (2, True), (mistake, out, err)
        if mistake == "wrong password":  # reading says the same, and puts the password back
            code, out, err = run("mail", "poll", "--once")
            assert (code, said in err) == (2, True), (mistake, out, err)
            secrets.set_mail_password(secrets.IMAP, mailbox.user, mailbox.password)
