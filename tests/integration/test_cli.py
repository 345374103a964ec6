"""The `clinic-desktop` commands as a clinic's script or a newcomer would use them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from servers import dump
from sqlalchemy import create_engine

from clinic_desktop.db.engine import normalise_url

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-25"


def test_console_script_and_main_py_start_the_same_program(tmp_path: Path) -> None:
    scripts = Path(sysconfig.get_path("scripts"))
    script = shutil.which("clinic-desktop", path=str(scripts))
    assert script, "the console script is installed with the package"
    for command in ([script, "--version"], [sys.executable, str(REPO / "main.py"), "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("clinic-desktop ")


def test_demo_then_status_shows_the_demo_clinic(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("demo", "--today", TODAY)
    assert code == 0 and "30 patients" in out
    code, out, _ = run("status", "--today", TODAY)
    assert code == 0
    assert "P00001" in out and "plan finished" in out and "due" in out and "paused" in out
    # The README's first command typed again: the demo is kept, and the chain goes on.
    code, out, _ = run("demo")
    assert code == 0 and "already in" in out and "(30 patients)" in out
    # A real clinic's data is never mixed with the demo.
    run("settings", "set", "clinic.name", "Praxis Dr. Weber")
    code, _, err = run("demo")
    assert code == 1 and "already has 30 patients" in err


def test_status_json_has_the_documented_fields(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--patients", "10", "--today", TODAY)
    code, out, _ = run("status", "--json", "--today", TODAY)
    data = json.loads(out)
    assert code == 0 and data["today"] == TODAY and len(data["patients"]) == 10
    patient = data["patients"][1]
    assert set(patient) == {"code", "name", "email", "steps"}
    step = patient["steps"][0]
    assert set(step) == {"order", "name", "start_date", "duration_days", "due_date",
                         "is_active", "is_completed", "is_finished", "notification_sent",
                         "state"}
    due_today = next(s for s in patient["steps"] if s["is_active"])
    assert due_today["due_date"] == TODAY and due_today["is_finished"] is True
    waiting = patient["steps"][-1]
    assert waiting["start_date"] is None and waiting["due_date"] is None


def test_status_of_one_patient_lists_every_step(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--patients", "3", "--today", TODAY)
    code, out, _ = run("status", "--patient", "p00002", "--today", TODAY)
    assert code == 0 and "Aligner 24" in out and "pending" in out
    code, _, err = run("status", "--patient", "NOPE")
    assert code == 2 and "no patient with code NOPE" in err


def test_dry_run_lists_the_work_and_changes_nothing(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--today", TODAY)
    before = dump(db_url)
    code, out, _ = run("notify-finished-steps", "--dry-run", "--auto-progress", "--today", TODAY)
    assert code == 0
    assert "Dry run" in out and "would queue email" in out and "would start 4 'Aligner 4'" in out
    assert "6 email(s) would be queued, 5 need attention, 2 already notified, 13 step(s) " \
           "would be advanced." in out
    assert dump(db_url) == before


def test_notify_queues_once_and_a_second_run_queues_nothing(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--today", TODAY)
    code, out, _ = run("notify-finished-steps", "--no-send", "--today", TODAY)
    assert code == 0 and "6 email(s) queued, 5 need attention, 2 already notified." in out
    code, out, _ = run("notify-finished-steps", "--no-send", "--today", TODAY)
    assert code == 0 and "0 email(s) queued, 0 need attention, 13 already notified." in out


def test_notify_without_a_mail_server_says_what_to_set_and_keeps_the_emails(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--patients", "3", "--today", TODAY)
    code, out, err = run("notify-finished-steps", "--today", TODAY)
    assert code == 2 and "2 email(s) queued" in out  # a configuration error (README)
    assert "queued but not sent" in err and "set smtp.host and smtp.from" in err
    _, out, _ = run("outbox", "list", "--json")
    assert [r["status"] for r in json.loads(out) if r["kind"] == "step_finished"
            and r["patient_code"] == "P00002"] == ["queued"]


def test_auto_progress_advances_every_finished_step(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--today", TODAY)
    code, out, _ = run("notify-finished-steps", "--auto-progress", "--no-send", "--today", TODAY)
    assert code == 0 and "13 step(s) advanced" in out
    code, out, _ = run("notify-finished-steps", "--no-send", "--today", TODAY)
    assert "No finished steps are waiting" in out
    _, out, _ = run("status", "--json", "--today", TODAY)
    p3 = json.loads(out)["patients"][2]
    active = next(s for s in p3["steps"] if s["is_active"])
    assert (active["order"], active["start_date"]) == (9, TODAY)


def test_usage_errors_exit_2(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("notify-finished-steps", "--today", "25.11.2026")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run("no-such-command")
    assert code == 2 and "invalid choice" in err


def test_settings_are_validated_and_refusals_list_what_is_allowed(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("settings", "set", "schedule.daily_time", "7:30")
    assert code == 0 and out.strip() == "schedule.daily_time = 07:30"
    code, out, _ = run("settings", "get", "schedule.daily_time")
    assert out.strip() == "07:30"
    code, _, err = run("settings", "set", "smtp.security", "ssl")
    assert code == 2 and "must be one of: starttls, tls, none" in err
    code, _, err = run("settings", "set", "smtp.port", "99999")
    assert code == 2 and "1 to 65535" in err
    code, _, err = run("settings", "set", "clinic.colour", "blue")
    assert code == 2 and "Unknown setting 'clinic.colour'" in err and "smtp.host" in err
    code, _, err = run("settings", "set", "smtp.password", "hunter2")
    assert code == 2 and "keyring" in err
    code, out, _ = run("settings", "show")
    assert code == 0 and "07:30" in out and "hunter2" not in out


def test_a_damaged_stored_setting_is_reported_not_replaced(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("settings", "set", "smtp.port", "587")
    engine = create_engine(normalise_url(db_url))
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE setting SET value = 'abc' WHERE key = 'smtp.port'")
    engine.dispose()
    code, _, err = run("settings", "get", "smtp.port")
    assert code == 2 and "smtp.port = 'abc' is not valid" in err and "settings set" in err
    code, out, _ = run("settings", "show")
    assert code == 1 and "invalid" in out


def test_patients_add_list_and_plan_apply(run) -> None:  # type: ignore[no-untyped-def]
    assert run("doctors", "add", "Dr. Who", "--email", "who@example.org")[0] == 0
    code, out, _ = run("patients", "add", "--code", "p00123", "--first-name", "Zoë",
                       "--last-name", "Ørsted", "--email", "zoe@example.org", "--consent",
                       "--doctor", "Dr. Who")
    assert code == 0 and "P00123" in out
    code, _, err = run("patients", "add", "--code", "P00123", "--first-name", "X",
                       "--email", "not-an-address")
    assert code == 2 and "already used" in err and "is not valid" in err
    code, out, _ = run("patients", "list", "--search", "ørs")
    assert code == 0 and "P00123" in out and "Dr. Who" in out
    code, _, err = run("plan", "apply", "--patient", "P00123", "--template", "Clear aligners",
                       "--start", "2026-11-01")
    assert code == 2 and "no plan template named 'Clear aligners'" in err


def test_step_commands_change_the_plan_by_hand(run) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--patients", "2", "--today", TODAY)
    code, out, _ = run("step", "pause", "--patient", "P00001", "--until", "2026-12-05",
                       "--today", TODAY)
    assert code == 0 and "paused until 2026-12-05; now due 2026-12-13" in out
    code, out, _ = run("step", "resume", "--patient", "P00001", "--today", TODAY)
    assert code == 0 and "due 2026-12-03" in out
    code, out, _ = run("step", "complete", "--patient", "P00001", "--today", TODAY)
    assert code == 0 and "next step is active" in out
    code, out, _ = run("step", "undo", "--patient", "P00001")
    assert code == 0 and "step 5 'Aligner 5' is active again" in out
    code, out, _ = run("step", "duration", "--patient", "P00001", "--days", "21",
                       "--today", TODAY)
    assert code == 0 and "21 days" in out
    code, _, err = run("step", "move", "--patient", "P00001", "--order", "1", "--to", "2")
    assert code == 1 and "has started" in err
    code, _, err = run("step", "complete", "--patient", "P09999")
    assert code == 2 and "no patient with code P09999" in err


def test_csv_import_reports_every_bad_row_and_imports_nothing(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "patients.csv"
    csv_file.write_text(
        "code;first_name;last_name;email;phone;email_consent;language;doctor\n"
        "P1;Anna;Weber;anna@example.org;+49 30 1234;ja;de;\n"
        "P2;;;bad@;;yes;en;\n"
        "P1;Again;Same;;;no;en;\n"
        "P3;Ben;Ohne;;;maybe;en;\n",
        encoding="utf-8-sig")
    code, _, err = run("patients", "import", str(csv_file))
    assert code == 1
    assert "line 3:" in err and "name is required" in err and "bad@" in err
    assert "line 4:" in err and "appears again" in err
    assert "line 5:" in err and "must be yes or no" in err
    assert "Nothing imported: 3 bad row(s)" in err
    assert "0 patient(s)" in run("patients", "list")[1]
    code, out, err = run("patients", "import", str(csv_file), "--skip-bad-rows")
    assert code == 1 and "Imported 1 patient(s); skipped 3 bad row(s)." in out
    exported = tmp_path / "out.csv"
    assert run("patients", "export", str(exported))[0] == 0
    raw = exported.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    # The phone is guarded against Excel reading it as a formula; import takes the quote off.
    assert "P1,Anna,Weber,anna@example.org,'+49 30 1234,yes,de," in raw.decode("utf-8-sig")


def test_db_commands_back_up_and_check(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("demo", "--patients", "5")
    code, out, _ = run("db", "check")
    assert code == 0 and "Database OK" in out
    code, out, err = run("db", "backup")
    if db_url.startswith("sqlite"):
        assert code == 0 and "Backup written" in out
    else:
        assert code == 2 and "pg_dump" in err
    code, out, _ = run("db", "upgrade")
    assert code == 0 and "newest" in out


def test_csv_export_uses_the_separator_excel_expects(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("patients", "add", "--code", "P1", "--first-name", "Jürgen", "--last-name", "Weiß")
    run("settings", "set", "export.csv_separator", "semicolon")
    exported = tmp_path / "de.csv"
    assert run("patients", "export", str(exported))[0] == 0
    text = exported.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[1] == "P1;Jürgen;Weiß;;;no;en;"
    code, _, err = run("settings", "set", "export.csv_separator", "tab")
    assert code == 2 and "comma, semicolon" in err


def test_templates_list_names_the_edited_email_and_reset_brings_back_the_default(run) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop import audit

    def versions() -> dict[tuple[str, str], str]:
        code, out, _ = run("templates", "list")
        assert code == 0
        rows = [line.split(None, 2) for line in out.splitlines()[2:] if line.strip()]
        return {(kind, lang): version for kind, lang, version in rows}

    before = versions()
    assert before[("step_finished", "de")] == "default" and set(before.values()) == {"default"}
    assert ("step_finished", "en") in before and ("doctor_digest", "de") in before
    code, out, _ = run("templates", "edit", "step_finished", "--lang", "de",
                       "--subject", "Bitte ein Foto, {{ patient.first_name }}")
    assert code == 0, out
    after = versions()
    assert after[("step_finished", "de")].startswith(f"edited by {audit.actor_name()} on 20")
    assert after[("step_finished", "en")] == "default"
    assert run("templates", "reset", "step_finished", "--lang", "de")[0] == 0
    assert versions() == before
