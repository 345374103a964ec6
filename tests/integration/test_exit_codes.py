"""Exit codes as the README promises: 0 all done, 1 some items failed, 2 usage or configuration
error — for mail that is not set up, a server that cannot be reached or refuses the login, and a
run where some emails failed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import (
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpServer,
    _free_port,
    configure_smtp,
)
from sqlalchemy import select

from clinic_desktop import secrets, settings
from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Notification


@pytest.fixture
def cli(sqlite_app: Any, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(sqlite_app.paths.data_dir), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


@pytest.fixture
def two_due_emails(sqlite_app: Any, enrol: Any) -> Any:
    """Two patients whose first step is finished today; their emails are not queued yet."""
    today = sqlite_app.clinic_today()
    with write_session(sqlite_app.sessions) as session:
        for code in ("P1", "P2"):
            enrol(session, code, [7, 7], today - timedelta(days=7))
    return sqlite_app


def outbox(app: Any) -> list[tuple[str, int]]:
    with app.sessions() as session:
        return [(n.status, n.attempts) for n in session.scalars(
            select(Notification).order_by(Notification.id))]


def use(app: Any, server: SmtpServer, **values: str) -> None:
    with write_session(app.sessions) as session:
        configure_smtp(session, server, username=values.pop("username", ""))
        for key, value in values.items():
            settings.set_value(session, key, value)


def closed_port() -> SmtpServer:
    """Where nothing listens: the connection is refused."""
    return SmtpServer("127.0.0.1", _free_port(), "none", None)


def test_mail_not_set_up_is_a_configuration_error_for_every_command(
        two_due_emails: Any, cli: Any) -> None:
    code, out, err = cli("notify-finished-steps")
    assert code == 2 and "2 email(s) queued" in out
    assert "not set up yet" in err
    code, _, err = cli("outbox", "send")
    assert code == 2 and "not set up yet" in err
    code, _, err = cli("smtp", "test")
    assert code == 2 and "not set up yet" in err
    # The scheduled task's command too: Task Scheduler shows 2, "fix the configuration".
    code, out, _ = cli("scheduler", "--once")
    assert code == 2 and "not set up yet" in out
    assert outbox(two_due_emails) == [("queued", 0), ("queued", 0)]


def test_a_refused_connection_is_a_configuration_error(two_due_emails: Any, cli: Any) -> None:
    use(two_due_emails, closed_port())

    code, _, err = cli("smtp", "test")
    assert code == 2 and "refused the connection" in err and "smtp.port" in err
    code, out, err = cli("notify-finished-steps")
    assert code == 2, err
    assert "2 email(s) queued" in out and "refused the connection" in err
    assert "stay queued and go out once this is fixed" in err
    code, out, err = cli("outbox", "send")
    assert code == 2 and "0 email(s) sent" in out and "refused the connection" in err
    code, out, _ = cli("scheduler", "--once")
    assert code == 2 and "refused the connection" in out
    assert outbox(two_due_emails) == [("queued", 0), ("queued", 0)]


def test_a_mail_server_that_is_not_found_is_a_configuration_error(
        two_due_emails: Any, cli: Any) -> None:
    use(two_due_emails, closed_port(), **{"smtp.security": "starttls",
                                          "smtp.host": "mail.clinic.invalid"})
    code, _, err = cli("smtp", "test")
    assert code == 2 and "'mail.clinic.invalid' was not found" in err
    code, _, err = cli("notify-finished-steps", "--no-send")
    assert code == 0, err
    code, _, err = cli("outbox", "send")
    assert code == 2 and "was not found" in err


def test_an_untrusted_certificate_is_a_configuration_error(
        two_due_emails: Any, cli: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory("starttls")
    use(two_due_emails, server, **{"smtp.ca_file": ""})  # the test CA is not trusted
    code, _, err = cli("smtp", "test")
    assert code == 2 and "is not trusted" in err and "smtp.ca_file" in err
    code, _, err = cli("notify-finished-steps")
    assert code == 2 and "is not trusted" in err
    assert server.messages == []


def test_a_refused_login_is_a_configuration_error(
        two_due_emails: Any, cli: Any, smtp_server_factory: Any, file_keyring: Any) -> None:
    server = smtp_server_factory("starttls", auth=True)
    use(two_due_emails, server, username=SMTP_USER)
    secrets.set_smtp_password(SMTP_USER, "not the password")
    code, _, err = cli("smtp", "test")
    assert code == 2 and "rejected the login" in err
    code, _, err = cli("notify-finished-steps")
    assert code == 2 and "rejected the login" in err
    assert outbox(two_due_emails) == [("queued", 0), ("queued", 0)]

    secrets.set_smtp_password(SMTP_USER, SMTP_PASSWORD)
    code, out, err = cli("outbox", "send")
    assert code == 0 and "2 email(s) sent" in out, err


def test_a_run_where_some_emails_failed_exits_1(
        two_due_emails: Any, cli: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory()
    server.data_faults.append("550 5.1.1 no such user")
    use(two_due_emails, server)
    code, out, err = cli("notify-finished-steps")
    assert code == 1, err
    assert "1 email(s) sent" in out and "1 failed" in out
    assert sorted(outbox(two_due_emails)) == [("failed", 1), ("sent", 1)]


def test_usage_errors_still_exit_2(cli: Any, tmp_path: Path) -> None:
    code, _, err = cli("plan", "apply", "--patient", "P404", "--template", "x",
                       "--start", "2026-01-01")
    assert code == 2 and "no patient with code P404" in err
