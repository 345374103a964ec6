"""What the commands say back: the user's own spelling, what really happened, one rule for a
patient's language, template names in any case, the inbox's second dismiss, and the PC that
does not send."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clinic_desktop import lease
from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, InboxItem, PlanTemplate, PlanTemplateStep
from clinic_desktop.domain.patients import PatientInput, check_input
from clinic_desktop.domain.plans import StepSpec, create_template, get_template
from clinic_desktop.errors import ValidationError

TODAY = date(2026, 11, 25)
ON_TODAY = ("--today", TODAY.isoformat())
LANGUAGE_SENTENCE = ("Language 'fr' must be one of: de, en (the languages with email "
                     "templates).")


@pytest.fixture
def run(app: Any, db_url: str, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(app.paths.data_dir), "--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def audit_actions(app: Any, action: str) -> list[AuditEvent]:
    with app.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- the user's spelling -----------------------------------------------------------------------


def test_patient_problems_keep_the_codes_and_names_as_spelled(run) -> None:  # type: ignore[no-untyped-def]
    assert run("doctors", "add", "Dr. Who")[0] == 0
    assert run("patients", "add", "--code", "P100", "--first-name", "Ada")[0] == 0

    code, _, err = run("patients", "add", "--code", "p100", "--first-name", "Bea",
                       "--doctor", "Dr. Unknown")

    assert code == 2
    assert err == ("error: Code P100 is already used by another patient; doctor 'Dr. Unknown' "
                   "is not known (add them with `clinic-desktop doctors add`).\n")


# --- a patient's language ---------------------------------------------------------------------


def test_a_patient_language_without_email_templates_is_refused_everywhere_alike(
        run, app: Any, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("settings", "set", "clinic.language", "fr")
    assert code == 2 and "must be one of: de, en" in err

    code, _, err = run("patients", "add", "--code", "P1", "--first-name", "Amélie",
                       "--language", "fr")
    assert code == 2 and err == f"error: {LANGUAGE_SENTENCE}\n"

    csv_file = tmp_path / "patients.csv"
    csv_file.write_text("code,first_name,last_name,language\nP2,Anna,Weber,DE\n"
                        "P3,Amélie,Blanc,fr\n", encoding="utf-8")
    code, _, err = run("patients", "import", str(csv_file))
    assert code == 1 and f"line 3: {LANGUAGE_SENTENCE}" in err

    # The patient dialog saves through the same check.
    with app.sessions() as session, pytest.raises(ValidationError) as refused:
        check_input(session, PatientInput("P4", "Amélie", "Blanc", language="fr"))
    assert str(refused.value) == LANGUAGE_SENTENCE

    code, out, err = run("patients", "import", str(csv_file), "--skip-bad-rows")
    assert code == 1 and "Imported 1 patient(s)" in out
    code, out, _ = run("patients", "list")
    assert "P2" in out and " de " in out and "P3" not in out


# --- plan template names in any case ---------------------------------------------------------


def test_plan_templates_are_found_whatever_the_case_typed(run, app: Any) -> None:  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as session:
        create_template(session, "Invisalign Standard", [StepSpec("Aligner 1", 14)])
        create_template(session, "Retainer", [StepSpec("Retainer", 90)])
    assert run("patients", "add", "--code", "P1", "--first-name", "Ada")[0] == 0

    code, out, err = run("plan", "apply", "--patient", "P1", "--template",
                         "invisalign standard", "--start", TODAY.isoformat())

    assert code == 0, err
    assert "Plan 'Invisalign Standard' applied to P1" in out
    code, out, err = run("plan", "delete-template", "RETAINER")
    assert code == 0 and "Plan template 'Retainer' deleted" in out, err
    code, _, err = run("plan", "apply", "--patient", "P1", "--template", "retainers",
                       "--start", TODAY.isoformat())
    assert code == 2 and "There is no plan template named 'retainers'" in err


def test_templates_that_differ_only_in_case_are_named_not_guessed(run, app: Any) -> None:  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as session:
        create_template(session, "Clear aligners", [StepSpec("Aligner 1", 14)])
        with pytest.raises(ValidationError, match="'Clear aligners' already exists"):
            create_template(session, "CLEAR ALIGNERS", [StepSpec("Aligner 1", 10)])
    # A database from before that rule may hold both spellings.
    with write_session(app.sessions) as session:
        session.add(PlanTemplate(name="Clear Aligners", description="",
                                 steps=[PlanTemplateStep(order=1, name="A", duration_days=7)]))
    with app.sessions() as session:
        assert get_template(session, "Clear Aligners").steps[0].name == "A"  # exact wins

    code, _, err = run("plan", "delete-template", "clear aligners")

    assert code == 2
    assert "'Clear Aligners' and 'Clear aligners' differ only in upper and lower case" in err
    with app.sessions() as session:
        assert len(session.scalars(select(PlanTemplate)).all()) == 2


# --- the photo inbox --------------------------------------------------------------------------


def test_inbox_dismiss_twice_says_so_and_records_one_event(
        run, app: Any, enrol: Any, photo_files: Any) -> None:  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as session:
        enrol(session, "P00123", [7, 14], TODAY - timedelta(days=7))
    assert run("import-photos", str(photo_files.jpeg("holiday.jpg")), *ON_TODAY)[0] == 1
    assert run("import-photos", str(photo_files.jpeg("P09999_front.jpg")), *ON_TODAY)[0] == 1
    with app.sessions() as session:
        holiday, unknown = session.scalars(select(InboxItem).order_by(InboxItem.id)).all()

    assert run("inbox", "dismiss", str(holiday.id))[:2] == (
        0, f"Inbox item {holiday.id} dismissed.\n")
    assert run("inbox", "dismiss", str(holiday.id))[:2] == (
        0, f"Inbox item {holiday.id} was already dismissed; nothing changed.\n")
    assert len(audit_actions(app, "inbox_dismissed")) == 1

    code, out, err = run("inbox", "assign", str(unknown.id), "--patient", "P00123", *ON_TODAY)
    assert code == 0, err
    # The file as staff know it, not the library's content-named copy.
    assert out.startswith("imported  P09999_front.jpg: "), out
    assert str(app.paths.data_dir) not in out

    code, out, err = run("inbox", "dismiss", str(unknown.id))
    assert (code, out) == (1, "")
    assert err == (f"error: Inbox item {unknown.id} (P09999_front.jpg) was assigned to a "
                   "patient; it is in their photos now and cannot be dismissed.\n")
    with app.sessions() as session:
        assert session.get(InboxItem, unknown.id).status == "assigned"
    assert len(audit_actions(app, "inbox_dismissed")) == 1


# --- step move --------------------------------------------------------------------------------


def test_step_move_reports_exactly_what_happened(run, app: Any, enrol: Any) -> None:  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as session:
        enrol(session, "P1", [7, 7, 7, 7], TODAY)  # step 1 active; 2, 3, 4 waiting

    code, out, err = run("step", "move", "--patient", "P1", "--order", "3", "--to", "2")
    assert code == 0, err
    assert out == ("Step 3 'Step 3' is already at position 2 among the steps that have not "
                   "started; nothing changed.\n")
    assert audit_actions(app, "steps_reordered") == []

    code, out, err = run("step", "move", "--patient", "P1", "--order", "4", "--to", "1")
    assert code == 0, err
    assert out == ("Step 'Step 4' moved from position 3 to 1 among the steps that have not "
                   "started; it is now step 2.\n")
    code, out, _ = run("status", "--patient", "P1", *ON_TODAY)
    names = [line.split()[1:3] for line in out.splitlines() if line[:1].isdigit()]
    assert names == [["Step", "1"], ["Step", "4"], ["Step", "2"], ["Step", "3"]]
    assert len(audit_actions(app, "steps_reordered")) == 1


# --- scheduler --once on a PC that does not send -----------------------------------------------


def test_scheduler_once_on_a_pc_that_does_not_send_exits_0_and_names_the_sender(
        run, app: Any) -> None:  # type: ignore[no-untyped-def]
    assert lease.acquire(app.sessions, "RECEPTION-PC:4242")

    code, out, err = run("scheduler", "--once")

    assert code == 0, err
    assert out == ("[lease] ok: The PC RECEPTION-PC (process 4242) is the sender right now: it "
                   "runs the daily check and sends the emails, so nothing was needed on this "
                   "PC.\n")
    with app.sessions() as session:
        state = lease.current(session)
    assert state is not None and state.holder == "RECEPTION-PC:4242"


# --- one way to send: the sender lease and the run record for commands too ---------------------


def _queue_one(app: Any, enrol: Any) -> None:
    from clinic_desktop.domain import due_scan

    with write_session(app.sessions) as session:
        enrol(session, "P1", [7, 14], date(2026, 3, 2))
    due_scan.notify_finished_steps(app.sessions, date(2026, 3, 9))


def test_outbox_send_leaves_the_sending_to_the_pc_that_holds_the_lease(
        run, app: Any, enrol: Any, smtp_server_factory: Any) -> None:  # type: ignore[no-untyped-def]
    from servers import configure_smtp

    from clinic_desktop.db.models import Notification

    server = smtp_server_factory("none")
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
    _queue_one(app, enrol)
    assert lease.acquire(app.sessions, "RECEPTION-PC:4242")

    code, out, err = run("outbox", "send")

    assert (code, err) == (0, "")
    assert out == ("The PC RECEPTION-PC (process 4242) is the sender right now: the emails go "
                   "from there, so nothing was sent from here.\n")
    assert server.messages == []
    with app.sessions() as session:
        assert set(session.scalars(select(Notification.status))) == {"queued"}


def test_outbox_send_takes_the_lease_for_its_run_gives_it_back_and_records_the_run(
        run, app: Any, enrol: Any, smtp_server_factory: Any) -> None:  # type: ignore[no-untyped-def]
    from servers import configure_smtp

    from clinic_desktop.db.models import JobRun
    from clinic_desktop.scheduler import DELIVERY

    server = smtp_server_factory("none")
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
    _queue_one(app, enrol)

    code, out, err = run("outbox", "send")

    assert code == 0 and out.startswith("1 email(s) sent"), out + err
    assert len(server.messages) == 1
    with app.sessions() as session:
        assert lease.current(session) is None  # given back: the notifier takes it at once
        last = session.get(JobRun, DELIVERY)
        assert last is not None and last.ok and last.summary == "1 sent"
    assert lease.acquire(app.sessions, "RECEPTION-PC:4242")
