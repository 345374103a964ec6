"""`--today` tries a plan, and never emails a real patient early: a future day is only for a
dry run or for looking, and `db check` names an email queued before its step was due."""

from __future__ import annotations

from datetime import date, timedelta

from servers import dump
from sqlalchemy import create_engine, func, select

from clinic_desktop.clock import today_in
from clinic_desktop.db.engine import normalise_url
from clinic_desktop.db.models import Notification


def clinic_today(run) -> date:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    code, out, _ = run("settings", "get", "clinic.timezone")
    assert code == 0
    return today_in(ZoneInfo(out.strip()))


def test_a_future_day_queues_nothing_and_says_to_use_a_dry_run(run, db_url: str,
                                                               photo_files) -> None:  # type: ignore[no-untyped-def]
    assert run("demo")[0] == 0
    later = (clinic_today(run) + timedelta(days=10)).isoformat()
    before = dump(db_url)
    for command in (["notify-finished-steps", "--no-send"],
                    ["notify-finished-steps", "--auto-progress", "--no-send"],
                    ["step", "complete", "--patient", "P00001"],
                    ["import-photos", str(photo_files.jpeg("P00002_front.jpg"))]):
        code, out, err = run(*command, "--today", later)
        assert code == 2, (command, out, err)
        assert f"--today {later} is after today" in err and "--dry-run" in err
        assert "Traceback" not in err
    assert dump(db_url) == before
    # Trying the plan on that day still works: a dry run, and looking.
    code, out, _ = run("notify-finished-steps", "--dry-run", "--today", later)
    assert code == 0 and f"is {later}" in out
    assert run("status", "--today", later)[0] == 0
    assert dump(db_url) == before


def test_db_check_names_an_email_queued_before_its_step_was_due(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run("demo")[0] == 0
    assert run("db", "check")[0] == 0
    # What the old `--today <future> --no-send` left behind: steps due in ten days,
    # already emailed today.
    today = clinic_today(run)
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE treatment_step SET start_date = ?, due_date = ? WHERE id = "
            "(SELECT MIN(id) FROM treatment_step WHERE is_active)".replace(
                "?", "%s" if engine.dialect.name == "postgresql" else "?"),
            (today, today + timedelta(days=10)))
        step_id, patient_code = connection.exec_driver_sql(
            "SELECT treatment_step.id, patient.code FROM treatment_step JOIN patient ON "
            "patient.id = treatment_step.patient_id WHERE treatment_step.id = "
            "(SELECT MIN(id) FROM treatment_step WHERE is_active)").one()
        connection.execute(Notification.__table__.insert().values(
            kind="step_finished", dedupe_key=f"step-finished:{step_id}", step_id=step_id,
            recipient="x@example.org", status="sent", subject="s"))
        assert connection.scalar(select(func.count()).select_from(Notification)) >= 1
    engine.dispose()
    code, out, _ = run("db", "check")
    assert code == 1
    assert f"patient {patient_code}: email step-finished:{step_id} was queued on " \
           f"{today}, before the step was due ({today + timedelta(days=10)})" in out



def test_a_plan_starting_later_shows_its_first_step_as_scheduled_until_then(
        run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    import json

    assert run("demo")[0] == 0
    code, _out, err = run("patients", "add", "--code", "Z900", "--first-name", "Ana")
    assert code == 0, err
    template = run("plan", "templates")[1].splitlines()[0].split(":")[0]
    today = clinic_today(run)
    start = today + timedelta(days=5)
    code, _out, err = run("plan", "apply", "--patient", "Z900", "--template", template,
                         "--start", start.isoformat())
    assert code == 0, err

    def first_step(day: date) -> dict:  # type: ignore[type-arg]
        code, out, _ = run("status", "--patient", "Z900", "--json", "--today", day.isoformat())
        assert code == 0
        return json.loads(out)["patients"][0]["steps"][0]

    assert first_step(today)["state"] == "scheduled"
    assert first_step(start - timedelta(days=1))["state"] == "scheduled"
    assert first_step(start)["state"] == "active"
