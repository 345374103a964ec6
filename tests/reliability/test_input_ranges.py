"""Every number and date staff type has a sane range: out of it, a sentence and no change."""

from __future__ import annotations

from datetime import date

import pytest
from servers import dump
from sqlalchemy import select

from clinic_desktop.db.models import Patient, TreatmentStep
from clinic_desktop.domain import plans, progression
from clinic_desktop.domain.steps import MAX_PAUSE_DAYS, MAX_STEP_DAYS
from clinic_desktop.errors import ValidationError

TODAY = "2026-11-25"


OUT_OF_RANGE = [
    (("status", "--today", "0001-01-01"), "from 2000-01-01 to 2100-12-31"),
    (("notify-finished-steps", "--dry-run", "--today", "0001-01-01"), "2000-01-01"),
    (("step", "complete", "--patient", "P00001", "--today", "0001-01-01"), "2000-01-01"),
    (("step", "pause", "--patient", "P00001", "--until", "9999-12-31", "--today", TODAY),
     "2100-12-31"),
    (("step", "pause", "--patient", "P00001", "--until", "2030-01-01", "--today", TODAY),
     f"at most {MAX_PAUSE_DAYS} days"),
    (("step", "duration", "--patient", "P00001", "--days", "1000000000", "--today", TODAY),
     f"at most {MAX_STEP_DAYS} days"),
    (("step", "duration", "--patient", "P00001", "--days", "3651", "--today", TODAY),
     f"at most {MAX_STEP_DAYS} days"),
    (("step", "add", "--patient", "P00001", "--name", "Extra", "--days", "99999999999",
      "--today", TODAY), f"at most {MAX_STEP_DAYS} days"),
    (("step", "skip", "--patient", "P00001", "--order", "99999999999", "--today", TODAY),
     "too large"),
    (("plan", "apply", "--patient", "P00001", "--template", "Clear aligners",
      "--start", "0001-01-01"), "2000-01-01"),
    (("import-photos", "nothing.jpg", "--patient", "P00001", "--taken", "0001-01-01"),
     "2000-01-01"),
    (("import-photos", "nothing.jpg", "--patient", "P00001", "--step", "99999999999999999999"),
     "is not a step number (0 to 1,000,000)"),
    (("outbox", "show", "99999999999999999999"), "is not an id (1 to 2,147,483,647)"),
    (("outbox", "retry", "0"), "is not an id"),
    (("outbox", "cancel", "-5"), "is not an id"),
    (("outbox", "list", "--limit", "99999999999999999999"), "1 to 1,000,000"),
    (("inbox", "assign", "99999999999999999999", "--patient", "P00001"), "is not an id"),
    (("inbox", "assign", "1", "--patient", "P00001", "--step", "-1"), "is not a step number"),
    (("inbox", "dismiss", "2147483648"), "is not an id"),
]


@pytest.mark.parametrize(("args", "sentence"), OUT_OF_RANGE,
                         ids=[" ".join(a) for a, _ in OUT_OF_RANGE])
def test_an_out_of_range_number_or_date_exits_2_with_a_sentence_and_changes_nothing(
        run, db_url: str, args: tuple[str, ...], sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--patients", "2", "--today", TODAY)[0] == 0
    before = dump(db_url)
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert sentence in err and "Traceback" not in err + out
    assert dump(db_url) == before


def test_the_largest_duration_and_pause_are_still_accepted(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--patients", "2", "--today", TODAY)
    code, out, err = run("step", "duration", "--patient", "P00001", "--days",
                         str(MAX_STEP_DAYS), "--today", TODAY)
    assert code == 0 and f"{MAX_STEP_DAYS} days" in out, err
    code, out, err = run("step", "pause", "--patient", "P00001", "--until", "2028-11-24",
                         "--today", TODAY)
    assert code == 0 and "paused until 2028-11-24" in out, err


def test_the_domain_keeps_the_same_limits_for_the_app_window(app) -> None:  # type: ignore[no-untyped-def]
    today = date(2026, 11, 25)
    with app.sessions.begin() as session:
        patient = Patient(code="P1", first_name="Anna", last_name="Weber")
        session.add(patient)
        step = progression.add_step(session, patient, "Aligner 1", 14, "", today)
        step_id = step.id
    with app.sessions.begin() as session:
        step = session.get(TreatmentStep, step_id)
        patient = session.scalars(select(Patient)).one()
        for attempt in (
                lambda: progression.set_duration(session, step, MAX_STEP_DAYS + 1),
                lambda: progression.add_step(session, patient, "Extra", 10**9, "", today),
                lambda: progression.pause_step(session, step, date(2100, 1, 1), today),
                lambda: plans.create_template(session, "Long",
                                              [plans.StepSpec("Aligner", MAX_STEP_DAYS + 1)]),
                lambda: plans.apply_plan(session, patient, plans.create_template(
                    session, "Short", [plans.StepSpec("Aligner", 14)]), date(1, 1, 1))):
            with pytest.raises(ValidationError, match=r"at most|out of range"):
                attempt()
