"""Online backups while another process writes: 100 backups of a SQLite clinic that a second
process keeps adding patients to. Every backup passes SQLite's integrity check and is one
moment of the clinic (each patient with their audit event, never one without the other), the
writer never waits long enough to fail, and the newest 10 backups are kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from clinic_desktop.cli import main
from clinic_desktop.db.backup import KEEP_BACKUPS, backup_sqlite, list_backups

BACKUPS = 100
WRITER = """
import sys
from pathlib import Path
from clinic_desktop.app import open_app
from clinic_desktop.db.engine import write_session
from clinic_desktop.domain.patients import PatientInput, add_patient

app = open_app(sys.argv[1], None, log_to_file=False)
stop = Path(sys.argv[2])
written = 0
print("writing", flush=True)
while not stop.exists():
    with write_session(app.sessions) as session:  # the patient and its audit event together
        add_patient(session, PatientInput(f"W{written:06d}", "Written", f"While {written}",
                                          f"w{written}@example.org", "", True))
    written += 1
print(written, flush=True)
"""


def moment(backup: Path) -> tuple[str, int, int]:
    """(integrity check, patients written so far, their 'patient_added' audit events)."""
    connection = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        patients = connection.execute(
            "SELECT count(*) FROM patient WHERE code LIKE 'W%'").fetchone()[0]
        audited = connection.execute(
            "SELECT count(*) FROM audit_event WHERE action = 'patient_added'").fetchone()[0]
    finally:
        connection.close()
    return check, patients, audited


def test_a_hundred_backups_while_another_process_writes_are_each_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "demo", "--patients", "200"]) == 0  # several MB
    db, backups, stop = data / "clinic.sqlite3", data / "backups", tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        seen = []
        for _ in range(BACKUPS):
            check, patients, audited = moment(backup_sqlite(db, backups, reason="test"))
            assert check == "ok"
            assert patients == audited  # one moment: no patient without its audit event
            seen.append(patients)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and err == "", err
    assert seen == sorted(seen)  # each backup is at least as new as the one before
    assert len(set(seen)) > BACKUPS // 4, seen  # the writer wrote between the backups
    assert int(out) >= seen[-1]
    assert len(list_backups(backups)) == KEEP_BACKUPS
