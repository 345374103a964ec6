"""A vanished or damaged database is named as such, with the newest backup and the command to
restore it; `db restore` checks a backup before it replaces anything and keeps the old file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_desktop.cli import main


@pytest.fixture
def clinic(tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`clinic-desktop ARGS` on a SQLite clinic in its data folder (the default database)."""
    data = tmp_path / "data"

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    _run.db = data / "clinic.sqlite3"  # type: ignore[attr-defined]
    _run.backups = data / "backups"  # type: ignore[attr-defined]
    return _run


def demo_with_backup(clinic) -> Path:  # type: ignore[no-untyped-def]
    """In processes of their own, as a clinic runs them: no connection of this test process
    is left open on the file that the test then damages."""
    data = clinic.db.parent
    for args in (["demo", "--patients", "5"], ["db", "backup"]):
        result = subprocess.run([sys.executable, "-m", "clinic_desktop", "--data-dir",
                                 str(data), *args], capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr
    return Path(result.stdout.split("Backup written: ")[1].splitlines()[0])


def dump(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def patient_count(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT count(*) FROM patient").fetchone()[0])
    finally:
        connection.close()


@pytest.mark.parametrize("damage", ["empty", "truncated", "header", "flipped"])
def test_a_damaged_database_is_named_with_its_backup_and_db_restore_brings_it_back(
        clinic, damage: str) -> None:  # type: ignore[no-untyped-def]
    backup = demo_with_backup(clinic)
    db: Path = clinic.db
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    data = db.read_bytes()
    if damage == "empty":
        db.write_bytes(b"")
    elif damage == "truncated":
        db.write_bytes(data[:len(data) // 3])
    elif damage == "header":
        db.write_bytes(b"\0" * 100 + data[100:])
    else:  # the bytes of the page that holds the patients flipped (a bad disk sector)
        connection = sqlite3.connect(db)
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'patient'"
        ).fetchone()[0]
        connection.close()
        start = (root - 1) * page_size
        db.write_bytes(data[:start] + bytes(b ^ 0xFF for b in data[start:start + page_size])
                       + data[start + page_size:])

    for command in (["status"], ["db", "check"]):
        code, out, err = clinic(*command)
        assert code != 0, (damage, command, out)
        assert "Traceback" not in err and "something unexpected" not in err
        if damage != "flipped" or command == ["status"]:
            assert "is damaged" in err or "problems" in out, (damage, out, err)
        if "is damaged" in err:
            assert str(backup) in err and "clinic-desktop db restore" in err

    damaged_size = db.stat().st_size
    code, out, err = clinic("db", "restore", str(backup))
    assert code == 0, err
    kept = Path(out.split("is kept as ")[1].split(".sqlite3")[0] + ".sqlite3")
    assert kept.exists() and kept.stat().st_size == damaged_size  # the damaged file is kept
    assert patient_count(db) == 5
    assert clinic("db", "check")[0] == 0


def test_an_empty_file_without_backups_is_not_quietly_a_new_clinic(clinic) -> None:  # type: ignore[no-untyped-def]
    clinic.db.parent.mkdir(parents=True)
    clinic.db.write_bytes(b"")
    code, _, err = clinic("status")
    assert code == 2
    assert "is empty (0 bytes)" in err and "There is no backup" in err
    assert "delete the empty file" in err
    assert clinic.db.stat().st_size == 0  # nothing was written into it


def test_a_bad_backup_is_refused_and_nothing_is_replaced(clinic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    backup = demo_with_backup(clinic)
    before = dump(clinic.db)
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(backup.read_bytes()[:2000])
    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    for candidate, words in ((broken, "cannot be used"), (foreign, "not a Clinic Desktop"),
                             (tmp_path / "missing.sqlite3", "There is no backup file")):
        code, _, err = clinic("db", "restore", str(candidate))
        assert code == 2 and words in err, err
        assert dump(clinic.db) == before
