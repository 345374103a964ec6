"""Several PCs on one database: four real `clinic-desktop scheduler` processes, thousands of
finished steps, a real SMTP server, a process killed with SIGKILL halfway. Every patient gets
their email once: none lost, none twice, and one sender at a time.

STEPS (env CLINIC_DESKTOP_MULTI_SENDER_STEPS, default 2000) sets the clinic's size; KILLS
(CLINIC_DESKTOP_MULTI_SENDER_KILLS, default 1) how many senders are killed one after the other
(with more than one, the killed-sender test sends STEPS emails instead of 160)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from servers import configure_smtp
from sqlalchemy import func, insert, select

from clinic_desktop import lease, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import (
    AuditEvent,
    DeliveryAttempt,
    JobRun,
    Notification,
    Patient,
    TreatmentStep,
)
from clinic_desktop.domain import due_scan
from clinic_desktop.notify import outbox
from clinic_desktop.notify.delivery import BATCH_SIZE
from clinic_desktop.scheduler import DAILY_CHECK

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.name == "nt", reason="SIGKILL does not exist on Windows")]

STEPS = int(os.environ.get("CLINIC_DESKTOP_MULTI_SENDER_STEPS", "2000"))
KILLS = int(os.environ.get("CLINIC_DESKTOP_MULTI_SENDER_KILLS", "1"))  # senders killed in turn
PROCESSES = 4
WAIT_SECONDS = 900  # generous: a loaded 2-core machine checks and sends ~15-25 steps a second

# The killed-sender test shortens the waits, injected into each process before the CLI starts:
# the real ones are a 120 s lease, a 30 s heartbeat, 600 s claims and a delivery job a minute.
LEASE_SECONDS, HEARTBEAT_SECONDS, CLAIM_SECONDS, DELIVERY_SECONDS = 12, 1, 20, 2
LAUNCHER = f"""
import sys
from clinic_desktop import lease, scheduler
from clinic_desktop.notify import delivery
lease.acquire.__kwdefaults__["seconds"] = {LEASE_SECONDS}
scheduler.HEARTBEAT_SECONDS = {HEARTBEAT_SECONDS}
delivery.CLAIM_SECONDS = {CLAIM_SECONDS}
start = scheduler.ClinicScheduler.start
def start_with_quick_delivery(self):
    start(self)
    self._scheduler.reschedule_job("delivery", trigger="interval", seconds={DELIVERY_SECONDS})
scheduler.ClinicScheduler.start = start_with_quick_delivery
from clinic_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def build_clinic(app: Any, steps: int, today: date) -> dict[int, str]:
    """`steps` patients whose first step fell due in the last four days, written in bulk as
    the demo does. Returns {step id: the patient's address}."""
    now = datetime.now(UTC)
    with write_session(app.sessions) as session:
        ids = list(session.scalars(
            insert(Patient).returning(Patient.id, sort_by_parameter_order=True),
            [{"code": f"P{i:05d}", "first_name": "Multi", "last_name": f"Sender {i}",
              "email": f"p{i:05d}@example.org", "phone": "", "email_consent": True,
              "language": "en", "doctor_id": None, "created_at": now}
             for i in range(1, steps + 1)]))
        rows = []
        for i, patient_id in enumerate(ids):
            start = today - timedelta(days=14 + i % 4)
            base = {"patient_id": patient_id, "instructions": "Wear them 22 hours a day.",
                    "duration_days": 14, "plan_name": "Clear aligners", "paused_until": None,
                    "paused_days": 0, "is_completed": False, "is_skipped": False,
                    "completed_at": None, "notification_sent": False}
            rows.append({**base, "order": 1, "name": "Aligner 1", "start_date": start,
                         "due_date": start + timedelta(days=14), "is_active": True})
            rows.append({**base, "order": 2, "name": "Aligner 2", "start_date": None,
                         "due_date": None, "is_active": False})
        session.execute(insert(TreatmentStep), rows)
        return dict(session.execute(
            select(TreatmentStep.id, Patient.email).join(Patient)
            .where(TreatmentStep.order == 1)).all())


@dataclass
class Pc:
    number: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    output: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def tail(self) -> str:
        return self.output.read_text(errors="replace")[-3000:]


@dataclass
class Fleet:
    """The scheduler processes, one data folder each (one per PC), one shared database."""

    root: Path
    db_url: str
    launcher: bool = False
    pcs: list[Pc] = field(default_factory=list)
    started: int = 0

    def start(self, number: int) -> Pc:
        data_dir = self.root / f"pc{number}"
        self.root.mkdir(parents=True, exist_ok=True)
        self.started += 1
        output = self.root / f"pc{number}-run{self.started}.out"
        python = [sys.executable, "-c", LAUNCHER] if self.launcher else \
            [sys.executable, "-m", "clinic_desktop"]
        with output.open("wb") as sink:
            process = subprocess.Popen(
                [*python, "--data-dir", str(data_dir), "--db", self.db_url, "scheduler"],
                stdout=sink, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        pc = Pc(number, data_dir, process, output)
        self.pcs.append(pc)
        return pc

    def alive(self) -> list[Pc]:
        return [pc for pc in self.pcs if pc.process.poll() is None]

    def by_holder(self, holder: str) -> Pc | None:
        pid = int(holder.rpartition(":")[2])
        return next((pc for pc in self.pcs if pc.pid == pid), None)

    def kill(self, pc: Pc) -> None:
        os.kill(pc.pid, signal.SIGKILL)
        pc.process.wait(30)
        assert pc.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        """SIGTERM, which the foreground scheduler handles: jobs finish, the lease is released."""
        running = self.alive()
        for pc in running:
            pc.process.send_signal(signal.SIGTERM)
        for pc in running:
            try:
                code = pc.process.wait(120)
            except subprocess.TimeoutExpired:
                pc.process.kill()
                pc.process.wait(30)
                raise AssertionError(f"pc{pc.number} did not stop on SIGTERM:\n"
                                     f"{pc.tail()}") from None
            assert code == 0, f"pc{pc.number} ended with {code}:\n{pc.tail()}"
            assert "Scheduler stopped; the sender lease is released." in pc.tail()

    def kill_all(self) -> None:
        for pc in self.alive():
            pc.process.kill()
            pc.process.wait(30)

    def report(self) -> str:
        return "\n".join(f"--- pc{pc.number} (pid {pc.pid}, exit {pc.process.poll()}):\n"
                         f"{pc.tail()}" for pc in self.pcs)


@pytest.fixture(autouse=True)
def _quiet_smtp_server(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mail.log")  # thousands of lines otherwise


@pytest.fixture
def fleet_factory(tmp_path: Path) -> Iterator[Any]:
    fleets: list[Fleet] = []

    def _make(db_url: str, *, launcher: bool = False) -> Fleet:
        fleet = Fleet(tmp_path / "pcs", db_url, launcher)
        fleets.append(fleet)
        return fleet

    yield _make
    for fleet in fleets:
        fleet.kill_all()


def status_counts(app: Any) -> Counter[str]:
    with app.sessions() as session:
        return Counter(dict(session.execute(
            select(Notification.status, func.count())
            .where(Notification.kind == outbox.KIND_STEP_FINISHED)
            .group_by(Notification.status)).all()))


def sender_holder(app: Any) -> str | None:
    with app.sessions() as session:
        state = lease.current(session)
    return state.holder if state else None


def prepare(app: Any, server: Any, steps: int, extra: dict[str, str] | None = None
            ) -> dict[int, str]:
    today = app.clinic_today()
    with write_session(app.sessions) as session:
        configure_smtp(session, server, rate_per_minute=10_000)  # the most allowed
        settings.set_value(session, "schedule.daily_time", "00:00")  # the catch-up runs at once
        for key, value in (extra or {}).items():
            settings.set_value(session, key, value)
    return build_clinic(app, steps, today)


def check_every_patient_told_once(app: Any, server: Any, addresses: dict[int, str], *,
                                  resends_allowed: int = 0, noted_twice: int = 0
                                  ) -> list[Any]:
    """Exactly one email per patient with a due step, its notification sent, nothing lost.
    `noted_twice`: resends whose first sender lived to write its attempt down as well.
    Returns the DeliveryAttempt rows."""
    expected = Counter(addresses.values())
    received = [(m["To"].addresses[0].addr_spec, m["Message-ID"]) for m in server.messages]
    by_id = {message_id: address for address, message_id in received}
    # Every patient, once: a resend (a sender killed between the server's 250 and writing it
    # down) keeps its Message-ID, so the patient's mail program shows one email.
    assert Counter(by_id.values()) == expected, "missing or doubled patients"
    duplicates = len(received) - len(by_id)
    assert duplicates <= resends_allowed, f"{duplicates} emails arrived twice"
    with app.sessions() as session:
        notes = session.execute(
            select(Notification.step_id, Notification.status, Notification.recipient,
                   Notification.message_id, Notification.attempts)
            .where(Notification.kind == outbox.KIND_STEP_FINISHED)).all()
        assert Counter(n.status for n in notes) == {outbox.STATUS_SENT: len(addresses)}
        assert {n.step_id: n.recipient for n in notes} == addresses  # one per step, none lost
        assert {n.message_id: n.recipient for n in notes} == by_id
        assert session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind != outbox.KIND_STEP_FINISHED)) == 0
        assert session.scalar(select(func.count()).select_from(TreatmentStep).where(
            TreatmentStep.order == 1, TreatmentStep.notification_sent.is_(False))) == 0
        attempts = session.execute(select(DeliveryAttempt.notification_id, DeliveryAttempt.host,
                                          DeliveryAttempt.at, DeliveryAttempt.outcome,
                                          DeliveryAttempt.detail)).all()
    sent = [a for a in attempts if a.outcome == "sent"]
    assert len(sent) == len(addresses) + noted_twice
    # A sender that lived on after another took its emails over says so on its attempt.
    assert sum("had taken it over" in a.detail for a in attempts) == noted_twice
    assert {a.outcome for a in attempts} <= {"sent", "interrupted"}
    return attempts


def check_one_sender_at_a_time(attempts: list[Any]) -> None:
    """The lease's promise: the spans in which each process sent do not overlap."""
    spans: dict[str, list[datetime]] = {}
    for attempt in attempts:
        if attempt.outcome == "sent":
            span = spans.setdefault(attempt.host, [attempt.at, attempt.at])
            span[0], span[1] = min(span[0], attempt.at), max(span[1], attempt.at)
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    for (first, (_, first_end)), (second, (second_start, _)) in pairwise(ordered):
        assert first_end < second_start, (
            f"{first} and {second} were sending at the same time "
            f"({second} started {second_start:%H:%M:%S}, {first} sent until "
            f"{first_end:%H:%M:%S}): {ordered}")


def wait_until_all_sent(app: Any, fleet: Fleet, total: int, *, kill: Any) -> None:
    """Poll the database until every email is sent; `kill(counts)` may act on the way."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        counts = status_counts(app)
        kill(counts)
        if counts[outbox.STATUS_SENT] == total:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not all sent after {WAIT_SECONDS} s: {dict(counts)}\n"
                                 f"{fleet.report()}")
        time.sleep(0.5)


def test_four_senders_on_one_database_send_each_email_once(
        app: Any, db_url: str, smtp_server_factory: Any, fleet_factory: Any) -> None:
    """The real timings (120 s lease, 600 s claims). A process that is not the sender is
    killed halfway and started again; the sender never notices."""
    began = time.monotonic()
    server = smtp_server_factory()
    addresses = prepare(app, server, STEPS)
    fleet: Fleet = fleet_factory(db_url)
    for number in range(1, PROCESSES + 1):
        fleet.start(number)
    killed: list[tuple[Pc, str, int]] = []

    def kill_a_bystander(counts: Counter[str]) -> None:
        if killed or counts[outbox.STATUS_SENT] < STEPS // 4:
            return
        holder = sender_holder(app)
        assert holder is not None
        sender = fleet.by_holder(holder)
        assert sender is not None, f"the sender {holder} is none of ours"
        victim = next(pc for pc in fleet.alive() if pc is not sender)
        fleet.kill(victim)
        fleet.start(victim.number)
        killed.append((victim, holder, counts[outbox.STATUS_SENT]))

    wait_until_all_sent(app, fleet, STEPS, kill=kill_a_bystander)
    fleet.stop()
    elapsed = time.monotonic() - began

    assert killed and killed[0][2] < STEPS, "the kill did not happen halfway"
    attempts = check_every_patient_told_once(app, server, addresses)
    assert sender_holder(app) is None  # the last holder handed the lease back on SIGTERM
    with app.sessions() as session:
        run = session.get(JobRun, DAILY_CHECK)
        takeovers = list(session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "lease_taken", AuditEvent.detail.contains("took over"))))
    assert run is not None and run.ok, run and run.summary
    assert run.summary.startswith(f"{STEPS} finished step(s): {STEPS} email(s) queued, "
                                  "0 need attention"), run.summary
    print(f"\n{STEPS} emails, {PROCESSES} processes on {app.engine.dialect.name}: "
          f"{elapsed:.0f} s; senders {Counter(a.host for a in attempts)}; "
          f"killed pc{killed[0][0].number} (not the sender) at {killed[0][2]} sent")
    # The sender was never killed: nobody should have taken its lease over.
    assert takeovers == [], takeovers
    check_one_sender_at_a_time(attempts)


def test_killed_sender_is_replaced_and_its_claims_are_sent_once(
        app: Any, db_url: str, smtp_server_factory: Any, fleet_factory: Any) -> None:
    """The sender itself is killed halfway through sending (KILLS times: each time the one
    that took over). With the real timings another process takes over after 120 s and the
    dead sender's claimed emails wait 600 s, so here the processes run with the short waits
    of LAUNCHER. The emails are queued (and today's check recorded) beforehand: the processes
    send through the delivery job, and the catch-up check is not involved."""
    began = time.monotonic()
    steps = min(STEPS, 160) if KILLS == 1 else STEPS
    server = smtp_server_factory()
    addresses = prepare(app, server, steps)
    today = app.clinic_today()
    report = due_scan.notify_finished_steps(app.sessions, today)
    assert report.count(due_scan.QUEUED) == steps
    with write_session(app.sessions) as session:
        now = datetime.now(UTC)
        session.merge(JobRun(name=DAILY_CHECK, host="reception:1", started_at=now,
                             finished_at=now, clinic_day=today, ok=True, summary="done"))
    fleet: Fleet = fleet_factory(db_url, launcher=True)
    for number in range(1, PROCESSES + 1):
        fleet.start(number)
    kills: list[dict[str, Any]] = []

    def kill_the_sender(counts: Counter[str]) -> None:
        if kills and "taken_over" not in kills[-1]:
            holder = sender_holder(app)
            if holder is not None and holder != kills[-1]["holder"]:
                kills[-1]["taken_over"] = time.monotonic() - kills[-1]["at"]
            return
        # The kills fall in the first half of the sending, spread evenly.
        if len(kills) == KILLS or \
                counts[outbox.STATUS_SENT] < steps * (len(kills) + 1) // (2 * KILLS + 2):
            return
        holder = sender_holder(app)
        assert holder is not None
        sender = fleet.by_holder(holder)
        assert sender is not None, f"the sender {holder} is none of ours"
        fleet.kill(sender)
        with app.sessions() as session:
            stranded = session.scalar(select(func.count()).select_from(Notification)
                                      .where(Notification.status == outbox.STATUS_SENDING,
                                             Notification.claimed_by == holder))
        kills.append(dict(holder=holder, at=time.monotonic(), stranded=stranded,
                          sent=counts[outbox.STATUS_SENT]))
        fleet.start(sender.number)

    wait_until_all_sent(app, fleet, steps, kill=kill_the_sender)
    fleet.stop()
    elapsed = time.monotonic() - began

    assert len(kills) == KILLS and kills[-1]["sent"] < steps, "the kills did not happen halfway"
    print(f"\n{steps} emails on {app.engine.dialect.name}, {PROCESSES} processes; "
          + "; ".join(f"sender {k['holder']} killed at {k['sent']} sent with {k['stranded']} "
                      f"claimed, taken over after {k.get('taken_over', float('nan')):.0f} s"
                      for k in kills)
          + f"; all sent {elapsed:.0f} s after the start; {len(server.messages)} messages, "
          f"{len(server.messages) - steps} resent")
    assert all(k["stranded"] <= BATCH_SIZE for k in kills)
    with app.sessions() as session:
        interrupted = session.scalars(select(DeliveryAttempt.host).where(
            DeliveryAttempt.outcome == "interrupted")).all()
        takeovers = list(session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "lease_taken", AuditEvent.detail.contains("took over"))))
    # The dead senders' claims were sent again by another process, each noted as
    # interrupted; at most the one email in flight at each kill can have reached the server
    # twice, and no process that was not killed sent anything twice.
    assert Counter(interrupted) == {k["holder"]: k["stranded"] for k in kills if k["stranded"]}
    attempts = check_every_patient_told_once(app, server, addresses, resends_allowed=KILLS)
    twice = {i for i, n in Counter(m["Message-ID"] for m in server.messages).items() if n > 1}
    with app.sessions() as session:
        resent_from = Counter(session.scalars(
            select(DeliveryAttempt.host).join(Notification)
            .where(Notification.message_id.in_(twice),
                   DeliveryAttempt.outcome == "interrupted")))
    # Each email that arrived twice was in the hands of a killed sender, one per kill at most.
    assert sum(resent_from.values()) == len(twice), resent_from
    assert set(resent_from) <= {k["holder"] for k in kills} and \
        max(resent_from.values(), default=0) <= 1, resent_from
    for k in kills:
        assert [d for d in takeovers if f"took over from {k['holder']} " in d], takeovers
    check_one_sender_at_a_time(attempts)


def test_frozen_sender_is_fenced_and_sends_nothing_after_it_resumes(
        app: Any, db_url: str, smtp_server_factory: Any, fleet_factory: Any) -> None:
    """The sender is frozen (SIGSTOP: a PC put to sleep, a hung process) halfway through a
    batch, for longer than its lease. Another process takes over and sends everything,
    including the frozen one's claims. Resumed (SIGCONT), the frozen sender finds its claims
    gone and sends none of them. Short waits of LAUNCHER, emails queued beforehand."""
    steps = 40
    server = smtp_server_factory()
    addresses = prepare(app, server, steps, {"smtp.rate_per_minute": "600"})  # 0.1 s apart
    today = app.clinic_today()
    assert due_scan.notify_finished_steps(app.sessions, today).count(due_scan.QUEUED) == steps
    with write_session(app.sessions) as session:
        now = datetime.now(UTC)
        session.merge(JobRun(name=DAILY_CHECK, host="reception:1", started_at=now,
                             finished_at=now, clinic_day=today, ok=True, summary="done"))
    fleet: Fleet = fleet_factory(db_url, launcher=True)
    fleet.start(1)
    fleet.start(2)
    frozen: dict[str, Any] = {}

    def freeze_the_sender(counts: Counter[str]) -> None:
        if frozen or counts[outbox.STATUS_SENT] < 3:
            return
        holder = sender_holder(app)
        assert holder is not None
        pc = fleet.by_holder(holder)
        assert pc is not None, f"the sender {holder} is none of ours"
        os.kill(pc.pid, signal.SIGSTOP)
        with app.sessions() as session:
            claimed = set(session.scalars(select(Notification.id).where(
                Notification.status == outbox.STATUS_SENDING,
                Notification.claimed_by == holder)))
        frozen.update(pc=pc, holder=holder, claimed=claimed, sent=counts[outbox.STATUS_SENT])

    try:
        wait_until_all_sent(app, fleet, steps, kill=freeze_the_sender)
    finally:
        if frozen:
            os.kill(frozen["pc"].pid, signal.SIGCONT)
    pc = frozen["pc"]
    # Resumed, it goes on with its batch: each claim it held is fenced off.
    assert frozen["sent"] < steps and len(frozen["claimed"]) >= 2, frozen
    deadline = time.monotonic() + 30
    while "is not sent from here" not in pc.tail() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # anything it would still send, it sends now
    fleet.stop()

    with app.sessions() as session:
        late = session.execute(select(DeliveryAttempt.notification_id, DeliveryAttempt.detail)
                               .where(DeliveryAttempt.host == frozen["holder"],
                                      DeliveryAttempt.detail.contains("had taken it over"))
                               ).all()
    print(f"\n{steps} emails on {app.engine.dialect.name}; sender frozen at {frozen['sent']} "
          f"sent holding {len(frozen['claimed'])} claims; {len(late)} sent by it in flight; "
          f"{len(server.messages) - steps} resent")
    # At most the one email it was handing over when it froze can have reached the server
    # twice, and then its attempt says so; the rest of its claims it never sent.
    assert len(late) <= 1 and {i for i, _ in late} <= frozen["claimed"], late
    attempts = check_every_patient_told_once(app, server, addresses,
                                             resends_allowed=len(late), noted_twice=len(late))
    assert "is not sent from here" in pc.tail(), pc.tail()
    # Every claim it held was taken over: noted as interrupted, sent by the other process.
    assert {a.notification_id for a in attempts if a.outcome == "interrupted"} == \
        frozen["claimed"]
