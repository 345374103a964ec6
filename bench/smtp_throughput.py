"""Benchmark outbox delivery over one STARTTLS+AUTH connection against one connection per email."""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import smtplib
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# `python bench/smtp_throughput.py` puts bench/ on sys.path, not the repo root, and the package
# is not necessarily installed in the venv: make the checkout importable either way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import clock, settings
from clinic_desktop.app import open_app
from clinic_desktop.config import sqlite_url
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Notification
from clinic_desktop.domain.due_scan import QUEUED, notify_finished_steps
from clinic_desktop.domain.patients import PatientInput, add_doctor, add_patient
from clinic_desktop.domain.plans import StepSpec, apply_plan, create_template
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import deliver_outbox
from clinic_desktop.notify.message import build_message
from clinic_desktop.notify.smtp import SmtpSettings, load_smtp_settings, make_sender

SMTP_USER = "clinic@example.org"
SMTP_PASSWORD = "correct horse battery staple"
# The highest rate settings accept: the limiter's pause (60 / rate seconds between emails) is at
# most 6 ms, less than sending one email takes here, so it does not dominate; the real default
# is 20 a minute, which would make 2,000 emails take 100 minutes.
RATE_PER_MINUTE = 10_000
STEP_DAYS = 14
TARGET_RATIO = 3.0


class _Handler:
    def __init__(self, recipients: list[str], lock: threading.Lock):
        self.recipients, self.lock = recipients, lock

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 2.0.0 Ok: queued"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int, key_and_chain: Path, commands: Connection) -> None:
    """Server process: aiosmtpd that, like Gmail and Microsoft 365, requires STARTTLS then AUTH.

    Answers "reset" and "stats" on the pipe; "stop" ends it.
    """
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # per-login deprecation notices
    recipients: list[str] = []
    logins: Counter[bool] = Counter()
    lock = threading.Lock()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(key_and_chain)

    def authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str,
                     data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == SMTP_USER and \
            data.password.decode() == SMTP_PASSWORD
        with lock:
            logins[ok] += 1
        return AuthResult(success=ok)

    controller = Controller(_Handler(recipients, lock), hostname="127.0.0.1", port=port,
                            server_hostname="localhost", ready_timeout=10,
                            tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_required=True,
                            auth_require_tls=True)
    controller.start()
    commands.send("ready")
    try:
        while (command := commands.recv()) != "stop":
            with lock:
                if command == "reset":
                    recipients.clear()
                    logins.clear()
                    commands.send("ok")
                else:
                    commands.send((Counter(recipients), logins[True], logins[False]))
    finally:
        controller.stop()


class SmtpServer:
    """The local mail server in its own process, so its TLS and parsing work runs on the other
    core instead of competing with the sender for this process's GIL (as a real server would)."""

    def __init__(self, ca: trustme.CA, folder: Path):
        key_and_chain = folder / "server.pem"
        ca.issue_cert("localhost", "127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
            str(key_and_chain))
        self.port = _free_port()
        self._pipe, child_end = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(self.port, key_and_chain, child_end), daemon=True)
        self._process.start()
        if not self._pipe.poll(30) or self._pipe.recv() != "ready":
            raise RuntimeError("the local SMTP server did not start")

    def reset(self) -> None:
        self._pipe.send("reset")
        self._pipe.recv()

    def stats(self) -> tuple[Counter[str], int, int]:
        """(messages per envelope recipient, good logins, refused logins) since the reset."""
        self._pipe.send("stats")
        result: tuple[Counter[str], int, int] = self._pipe.recv()
        return result

    def stop(self) -> None:
        self._pipe.send("stop")
        self._process.join(10)


def build_data(sessions: sessionmaker[Session], count: int) -> None:
    """`count` patients with email and consent, each on a plan whose first step is finished."""
    with sessions() as session:
        today = clock.today_in(settings.clinic_zone(session))
    with write_session(sessions) as session:
        doctor = add_doctor(session, "Dr. Anna Weber", "anna.weber@example.org")
        template = create_template(session, "Clear aligners",
                                   [StepSpec(f"Aligner {n}", STEP_DAYS, "Wear them 22 h a day.")
                                    for n in range(1, 4)], "Bench plan")
        start = today - timedelta(days=STEP_DAYS + 1)
        for i in range(count):
            code = f"P{i + 1:05d}"
            patient = add_patient(session, PatientInput(
                code=code, first_name="Anna", last_name=f"Müller {i}",
                email=f"{code.lower()}@example.org", email_consent=True, doctor=doctor.name))
            apply_plan(session, patient, template, start)


class LatencyProxy:
    """A TCP relay on localhost that holds every chunk `delay` seconds each way, as a mail
    provider across the internet does (25 ms each way is a typical round trip of 50 ms). SMTP
    waits for each answer, so this costs each command one round trip, as in real life; TLS
    passes through untouched."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.delay = delay
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                time.sleep(self.delay)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.listener.close()


def configure_smtp(sessions: sessionmaker[Session], port: int, ca_file: Path) -> None:
    values = {"smtp.host": "localhost", "smtp.port": str(port), "smtp.security": "starttls",
              "smtp.username": SMTP_USER, "smtp.from": "reception@clinic.example.org",
              "smtp.reply_to": "reply@clinic.example.org", "clinic.name": "Bench Clinic",
              "smtp.ca_file": str(ca_file), "smtp.rate_per_minute": str(RATE_PER_MINUTE),
              "smtp.timeout": "30", "send_window.start": "", "send_window.end": ""}
    with write_session(sessions) as session:
        for key, value in values.items():
            settings.set_value(session, key, value)


def count_by_status(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return dict(session.execute(select(Notification.status, func.count())
                                    .group_by(Notification.status)).all())


def requeue_all(sessions: sessionmaker[Session]) -> None:
    """Put every sent email back in the queue so a repetition sends the same rows again."""
    with write_session(sessions) as session:
        session.execute(update(Notification).values(
            status=outbox.STATUS_QUEUED, attempts=0, sent_at=None, last_error="",
            claimed_by="", claimed_until=None, next_attempt_at=None))


def run_ours(sessions: sessionmaker[Session], server: SmtpServer, count: int) -> float:
    """The real path: deliver_outbox claims rows, builds each email, sends, records."""
    server.reset()
    started = time.perf_counter()
    report = deliver_outbox(sessions, password=lambda _config: SMTP_PASSWORD,
                            holder="bench")
    seconds = time.perf_counter() - started
    assert not report.error and not report.failed and not report.retrying, report.error
    assert report.sent == count, report.sent
    assert count_by_status(sessions) == {outbox.STATUS_SENT: count}
    return seconds


@dataclass(frozen=True)
class Row:
    recipient: str
    recipient_name: str
    subject: str
    text: str
    html: str
    message_id: str


def load_rows(sessions: sessionmaker[Session]) -> list[Row]:
    with sessions() as session:
        return [Row(*r) for r in session.execute(
            select(Notification.recipient, Notification.recipient_name, Notification.subject,
                   Notification.body_text, Notification.body_html, Notification.message_id)
            .order_by(Notification.id)).all()]


def run_naive(config: SmtpSettings, rows: list[Row], server: SmtpServer) -> float:
    """The naive way (a per-call send_mail): connect, STARTTLS, log in, send, quit, per email.

    Same messages (same build_message, same rendered rows). It keeps no delivery records and
    builds its TLS context once, both in its favour.
    """
    server.reset()
    sender = make_sender(config)
    context = ssl.create_default_context(cafile=config.ca_file)
    started = time.perf_counter()
    for row in rows:
        message = build_message(sender=sender, recipient=row.recipient,
                                recipient_name=row.recipient_name, subject=row.subject,
                                text=row.text, html=row.html, message_id=row.message_id,
                                date=clock.now_utc())
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            smtp.starttls(context=context)
            smtp.login(config.username, SMTP_PASSWORD)
            smtp.send_message(message)
    return time.perf_counter() - started


def run_transport_only(config: SmtpSettings, rows: list[Row], server: SmtpServer,
                       reuse: bool) -> tuple[float, float]:
    """Only the wire: the same emails built and flattened beforehand, sent over one connection
    (`reuse`) or one connection each: what connection reuse alone is worth here.
    Returns (send seconds, build seconds)."""
    server.reset()
    sender = make_sender(config)
    context = ssl.create_default_context(cafile=config.ca_file)
    started = time.perf_counter()
    payloads = [(row.recipient, build_message(
        sender=sender, recipient=row.recipient, recipient_name=row.recipient_name,
        subject=row.subject, text=row.text, html=row.html, message_id=row.message_id,
        date=clock.now_utc()).as_bytes()) for row in rows]
    build_s = time.perf_counter() - started

    def connect() -> smtplib.SMTP:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        smtp.starttls(context=context)
        smtp.login(config.username, SMTP_PASSWORD)
        return smtp

    started = time.perf_counter()
    smtp = connect() if reuse else None
    for recipient, payload in payloads:
        if smtp is None:
            with connect() as once:
                once.sendmail(config.from_address, [recipient], payload)
        else:
            smtp.sendmail(config.from_address, [recipient], payload)
    if smtp is not None:
        smtp.quit()
    return time.perf_counter() - started, build_s


def check_received(server: SmtpServer, expected: Counter[str], logins: int, what: str) -> int:
    """Exactly one message per expected recipient and the expected logins; returns the count."""
    got, ok_logins, bad_logins = server.stats()
    assert got == expected, (f"{what}: server received {sum(got.values())} messages, "
                             f"expected {sum(expected.values())} (one per recipient)")
    assert ok_logins == logins and not bad_logins, (what, ok_logins, bad_logins)
    return sum(got.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000,
                        help="patients, one finished step and one email each (default 2000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each way (best of; rows are re-queued between runs)")
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="send through a relay that holds each chunk this long each way "
                             "(25 is a provider across the internet; default 0: direct)")
    args = parser.parse_args(argv)
    count = args.count
    name = f"smtp_throughput_{args.latency_ms:g}ms" if args.latency_ms else "smtp_throughput"

    ca = trustme.CA()
    with tempfile.TemporaryDirectory(prefix="bench-smtp-") as tmp:
        data_dir = Path(tmp)
        ca_file = data_dir / "clinic-ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        server = SmtpServer(ca, data_dir)
        proxy = LatencyProxy(server.port, args.latency_ms / 1000) if args.latency_ms else None
        # An explicit URL, so CLINIC_DESKTOP_DB_URL can never point the benchmark at real data.
        app = open_app(data_dir, sqlite_url(data_dir / "clinic.db"), log_to_file=False)
        try:
            started = time.perf_counter()
            build_data(app.sessions, count)
            configure_smtp(app.sessions, proxy.port if proxy else server.port, ca_file)
            print(f"data: {count} patients with a finished step, built in "
                  f"{time.perf_counter() - started:.1f}s (not part of the result)")

            # Render + queue: the daily check renders each email into the outbox.
            started = time.perf_counter()
            scan = notify_finished_steps(app.sessions, app.clinic_today())
            queue_s = time.perf_counter() - started
            assert scan.count(QUEUED) == count and not scan.failed, \
                (scan.count(QUEUED), scan.failed)
            assert count_by_status(app.sessions) == {outbox.STATUS_QUEUED: count}
            print(f"render+queue (notify_finished_steps): {queue_s:.2f}s for {count} emails, "
                  f"{count / queue_s:.0f} emails/s (information, not the result)")

            with app.sessions() as session:
                config = load_smtp_settings(session)
            expected = Counter(row.recipient for row in load_rows(app.sessions))
            assert len(expected) == count

            ours_s = float("inf")
            for run in range(args.repeat):
                if run:
                    requeue_all(app.sessions)
                seconds = run_ours(app.sessions, server, count)
                got = check_received(server, expected, 1, "ours")
                print(f"ours run {run + 1}: {seconds:.2f}s, {count / seconds:.0f} msg/s "
                      f"(server received {got} messages, 1 login)")
                ours_s = min(ours_s, seconds)

            rows = load_rows(app.sessions)  # now with the Message-IDs the claims gave them
            naive_s = float("inf")
            for run in range(args.repeat):
                seconds = run_naive(config, rows, server)
                got = check_received(server, expected, count, "baseline")
                print(f"baseline run {run + 1}: {seconds:.2f}s, {count / seconds:.0f} msg/s "
                      f"(server received {got} messages, {count} logins)")
                naive_s = min(naive_s, seconds)

            # Information: the same comparison without building emails or keeping records.
            wire = {}
            for reuse in (True, False):
                seconds, build_s = run_transport_only(config, rows, server, reuse)
                check_received(server, expected, 1 if reuse else count, "transport only")
                wire[reuse] = count / seconds
            print(f"transport only (emails pre-built, no records): one connection "
                  f"{wire[True]:.0f} msg/s, one connection per email {wire[False]:.0f} msg/s, "
                  f"ratio {wire[True] / wire[False]:.1f} (information, not the result)")
            print(f"build_message + flatten alone: {build_s / count * 1000:.1f} ms per email "
                  "(information: CPU both ways pay)")
        finally:
            app.close()
            server.stop()
            if proxy is not None:
                proxy.stop()

    ours_rate, naive_rate = count / ours_s, count / naive_s
    ratio = ours_rate / naive_rate
    print(f"ours:     {ours_rate:.0f} msg/s (best of {args.repeat}, {ours_s:.2f}s)")
    print(f"baseline: {naive_rate:.0f} msg/s (best of {args.repeat}, {naive_s:.2f}s)")
    print(f"ratio: {ratio:.1f}x (ours / baseline; > 1 means one connection per batch wins)")
    if ratio < TARGET_RATIO:
        print(f"NOTE: ratio {ratio:.1f} is under the {TARGET_RATIO:.0f}x target")
    print(f"RESULT {name} ours={ours_rate:.1f}msg/s baseline={naive_rate:.1f}msg/s "
          f"ratio={ratio:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
