"""A full disk is one sentence: what was not saved and where, exit code 1, no traceback (and no
"--- Logging error ---" when the log file cannot be written either), and the data as it was:
the transaction undone, no half-written file left, the source photo where it was.

How the disks are filled, for real where it can be done without root:
- SQLite: `PRAGMA max_page_count` on every connection the app opens caps the database at its
  size, so SQLite itself answers SQLITE_FULL ("database or disk is full"), as on a full disk.
- PostgreSQL: a trigger raises the server's own disk-full error (SQLSTATE 53100, "could not
  extend file ...: No space left on device") once the table holds `room` rows; filling the
  server's disk would need root and a tablespace of its own.
- Files (photo library, backups, exports, the log file): a `clinic-desktop` process whose
  files may not grow past a limit (RLIMIT_FSIZE, SIGXFSZ ignored) gets a genuine EFBIG from
  the operating system on every write beyond it (POSIX only).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from servers import dump
from sqlalchemy import Engine, create_engine, event, text

from clinic_desktop.db import migrate

ONE_SENTENCE_SIGNS = ("Traceback", "Logging error", "something unexpected", "WARNING")


def sqlite_file(db_url: str) -> Path | None:
    return Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None


@contextmanager
def database_full(db_url: str, table: str, room: int) -> Iterator[None]:
    """While inside: SQLite cannot grow by a page (`table` and `room` do not matter: the
    first write that needs a new page fails); on PostgreSQL `table` refuses rows beyond
    `room`, with the error a full disk gives."""
    db_file = sqlite_file(db_url)
    if db_file is not None:
        connection = sqlite3.connect(db_file)
        connection.execute("VACUUM")  # no free pages left inside the file either
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.close()

        def cap(dbapi_connection: Any, _record: Any) -> None:
            if isinstance(dbapi_connection, sqlite3.Connection):
                dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(Engine, "connect", cap)
        try:
            yield
        finally:
            event.remove(Engine, "connect", cap)
        return
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(f"""
            CREATE FUNCTION disk_full() RETURNS trigger AS $$ BEGIN
              IF (SELECT count(*) FROM {table}) >= {room} THEN
                RAISE EXCEPTION USING ERRCODE = 'disk_full', HINT = 'Check free disk space.',
                  MESSAGE = 'could not extend file "base/16384/16502": No space left on device';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql"""))
        connection.execute(text(f"CREATE TRIGGER disk_full BEFORE INSERT ON {table} "
                                "FOR EACH ROW EXECUTE FUNCTION disk_full()"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TRIGGER disk_full ON {table}"))
            connection.execute(text("DROP FUNCTION disk_full()"))
        engine.dispose()


def assert_one_sentence(code: int, err: str, *words: str) -> None:
    """One sentence for what was not saved; when the log file could not take the details
    either, one warning line of its own for that (logs.py's)."""
    assert code == 1, err
    lines = [line for line in err.strip().splitlines()
             if not line.startswith("warning: cannot write the log file")]
    assert len(lines) == 1 and len(err.strip().splitlines()) <= 2, err
    assert not any(sign in err for sign in ONE_SENTENCE_SIGNS), err
    assert "Free some space" in err, err
    for word in words:
        assert word in err, (word, err)


def place(db_url: str) -> str:
    """How the sentence names the database: its file, or its server."""
    db_file = sqlite_file(db_url)
    return str(db_file) if db_file is not None else "the database on the server"


def test_the_database_fills_up_during_a_photo_import(run, db_url: str, photo_files) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--patients", "3")[0] == 0
    files = [photo_files.jpeg(f"P00001_{n:02d}.jpg") for n in range(40)]
    before = dump(db_url)
    with database_full(db_url, "photo", room=before["photo"].__len__() + 3):
        code, out, err = run("import-photos", str(photo_files.root))
    imported = imported_names(out)
    assert len(imported) < len(files), "the database never filled up"
    not_imported = files[len(imported)].name
    assert_one_sentence(code, err, place(db_url), f"the photo {not_imported} was not "
                        "imported", "import it again")
    assert photo_names(db_url) == imported  # the photo that met the full disk left no row
    assert all(f.exists() for f in files)  # the sources stay where they were
    # Space again: the same folder once more brings in the rest; nothing was lost.
    code, out, _ = run("import-photos", str(photo_files.root))
    assert imported_names(out) == sorted(f.name for f in files)[len(imported):]
    assert photo_names(db_url) == sorted(f.name for f in files)
    assert run("db", "check")[0] == 0


def imported_names(out: str) -> list[str]:
    return sorted(Path(line.split()[1].rstrip(":")).name for line in out.splitlines()
                  if line.startswith("imported"))


def photo_names(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        names = connection.execute(text("SELECT original_name FROM photo")).scalars().all()
    engine.dispose()
    return sorted(name for name in names if name.startswith("P00001_"))


def test_the_folder_watcher_leaves_photos_in_the_folder_while_the_database_is_full(
        run, db_url: str, photo_files) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--patients", "3")[0] == 0
    files = [photo_files.jpeg(f"P00001_{n:02d}.jpg") for n in range(40)]
    for key, value in (("photos.watch_folders", str(photo_files.root)),
                       ("photos.stable_seconds", "1")):
        assert run("settings", "set", key, value)[0] == 0
    with database_full(db_url, "photo", room=len(dump(db_url)["photo"]) + 3):
        code, _, err = run("watch", "--once")
    # Full while writing down what it saw, or while importing one of the photos.
    assert_one_sentence(code, err, place(db_url))
    assert "the photos in the watched folders were not taken" in err or \
        "was not imported" in err, err
    imported = photo_names(db_url)
    assert len(imported) < len(files), "the database never filled up"
    # Not one photo went to failed/: the ones not taken wait in the folder as they were.
    waiting = sorted(f.name for f in files if f.exists())
    assert waiting == sorted(f.name for f in files if f.name not in imported)
    assert not (photo_files.root / "failed").exists()
    code, out, _ = run("watch", "--once")  # space again: the watcher takes the rest
    assert code == 0 and imported_names(out) == waiting
    assert photo_names(db_url) == sorted(f.name for f in files)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the folder is what matters
def test_a_refused_photo_reaches_the_inbox_when_its_note_cannot_be_written(
        run, photo_files) -> None:  # type: ignore[no-untyped-def]
    """The note beside a refused file in failed/ is the last write, and may fail (a full
    disk; here a folder already has its name): the refusal still reaches the photo inbox."""
    assert run("demo", "--patients", "3")[0] == 0
    noise = photo_files.write("P00001_noise.jpg", os.urandom(3000))
    (photo_files.root / "failed" / "P00001_noise.jpg.txt").mkdir(parents=True)
    for key, value in (("photos.watch_folders", str(photo_files.root)),
                       ("photos.stable_seconds", "1")):
        assert run("settings", "set", key, value)[0] == 0
    code, out, _ = run("watch", "--once")
    assert code == 1 and "not an image" in out
    assert not noise.exists() and (photo_files.root / "failed" / noise.name).exists()
    code, out, _ = run("inbox", "list")
    assert "P00001_noise.jpg" in out and "not an image" in out


def test_a_full_database_undoes_a_patient_import(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--patients", "3")[0] == 0
    csv_file = tmp_path / "new.csv"
    csv_file.write_text("code,first_name,last_name,email\n" + "".join(
        f"N{n:04d},Anna,Nowak {n},n{n}@example.org\n" for n in range(300)), encoding="utf-8")
    before = dump(db_url)
    with database_full(db_url, "patient", room=len(before["patient"]) + 100):
        code, _, err = run("patients", "import", str(csv_file))
    assert_one_sentence(code, err, place(db_url), "the last change was not saved")
    assert dump(db_url) == before  # not one of the 300 rows: the transaction was undone


def test_an_upgrade_on_a_full_disk_leaves_the_old_schema(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    from clinic_desktop.cli import main
    from clinic_desktop.db.engine import make_engine

    db_file = tmp_path / "data" / "clinic.sqlite3"
    db_url = f"sqlite:///{db_file.as_posix()}"
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups", revision="0002")
    engine.dispose()
    before = list(sqlite3.connect(db_file).iterdump())
    with database_full(db_url, "", 0):
        code = main(["--data-dir", str(db_file.parent), "db", "upgrade"])
    err = capsys.readouterr().err
    assert_one_sentence(code, err, str(db_file), "the database upgrade did not run")
    assert list(sqlite3.connect(db_file).iterdump()) == before  # schema 0002, every row
    assert main(["--data-dir", str(db_file.parent), "db", "upgrade"]) == 0
    engine = make_engine(db_url)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


# --- files: the photo library, backups, exports and the log file -----------------------------

LIMIT = 40_000  # bytes a file may grow to: above SQLite's 32 kB shared-memory file
LAUNCHER = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel ends the process instead
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from clinic_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_on_a_full_disk(data: Path, *args: str, limit: int = LIMIT) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER.format(limit=limit), "--data-dir", str(data), *args],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return result.returncode, result.stdout, result.stderr


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


@pytest.mark.skipif(os.name == "nt", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")
def test_files_that_cannot_grow_are_one_sentence_each_and_leave_nothing_half_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    from clinic_desktop.cli import main

    data = tmp_path / "data"
    db_url = f"sqlite:///{(data / 'clinic.sqlite3').as_posix()}"
    photo = tmp_path / "incoming" / "P00001_front.jpg"
    photo.parent.mkdir()
    Image.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3)).save(photo, quality=95)
    for args in (["demo", "--patients", "700"], ["db", "backup"]):  # an export of 54 kB
        assert main(["--data-dir", str(data), *args]) == 0
    capsys.readouterr()
    log_file = data / "logs" / "clinic-desktop.log"
    with log_file.open("a", encoding="utf-8") as log:  # every line logged now meets the limit
        log.write("an earlier day's line\n" * (2 * LIMIT // 20))
    before, backups = dump(db_url), files_under(data / "backups")
    library = data / "photos"

    code, _, err = run_on_a_full_disk(data, "import-photos", str(photo))
    assert_one_sentence(code, err, f"The disk holding {library} is full",
                        "the photo P00001_front.jpg was not imported")
    assert photo.read_bytes()[:2] == b"\xff\xd8"  # the source is where it was
    assert not files_under(library)  # no half-written photo

    code, _, err = run_on_a_full_disk(data, "db", "backup")
    # SQLite reports a file that may not grow as a failed write, not as a full disk.
    assert_one_sentence(code, err, f"could not write to the disk holding {data / 'backups'} "
                        "(is it full?): the backup of", "was not written")
    assert files_under(data / "backups") == backups

    export = tmp_path / "exports" / "patients.csv"
    export.parent.mkdir()
    code, _, err = run_on_a_full_disk(data, "patients", "export", str(export))
    assert_one_sentence(code, err, f"The disk holding {export.parent} is full",
                        "the export patients.csv was not written")
    assert not export.exists()  # no list that looks whole but stops at patient 500

    backup = sorted(backups)[-1]
    code, _, err = run_on_a_full_disk(data, "db", "restore", str(backup))
    assert_one_sentence(code, err, f"The disk holding {data} is full",
                        f"the backup {backup} was not restored")
    assert not list(data.glob("*.restoring"))  # no half copy beside the database

    assert dump(db_url) == before
    assert main(["--data-dir", str(data), "db", "check"]) == 0


@pytest.mark.skipif(os.name == "nt", reason="RLIMIT_FSIZE and SIGXFSZ are POSIX")
def test_no_room_for_sqlites_working_files_is_not_called_damage(tmp_path: Path) -> None:
    """A WAL database needs a 32 kB shared-memory file beside it even to be read; with no
    room for it SQLite says "disk I/O error", which must not read as a damaged database
    (staff would restore a backup and lose the day's work)."""
    from clinic_desktop.cli import main

    assert main(["--data-dir", str(tmp_path / "first"), "demo", "--patients", "3"]) == 0
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(tmp_path / "first" / "clinic.sqlite3") as source, \
            sqlite3.connect(data / "clinic.sqlite3") as copy:  # no process has it open
        source.backup(copy)
    source.close()
    copy.close()
    before = dump(f"sqlite:///{(data / 'clinic.sqlite3').as_posix()}")
    code, _, err = run_on_a_full_disk(data, "status", limit=16_000)
    assert "damaged" not in err
    assert_one_sentence(code, err, f"could not write to the disk holding {data / 'clinic.sqlite3'}"
                        " (is it full?): the database could not be opened")
    assert dump(f"sqlite:///{(data / 'clinic.sqlite3').as_posix()}") == before


def test_the_daily_check_on_a_full_disk_is_one_sentence_and_loses_nothing(
        run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    # The demo clinic has steps due today: each would fail alike, and said so once per step.
    assert run("demo", "--patients", "30", "--today", "2026-11-25")[0] == 0
    check = ("notify-finished-steps", "--no-send", "--today", "2026-11-25")
    with database_full(db_url, "notification", room=len(dump(db_url)["notification"])):
        code, out, err = run(*check)
    assert_one_sentence(code, err, place(db_url))
    assert "queued" not in out  # it stopped at the first step the disk refused

    code, out, err = run(*check)  # space again: the rest, each once
    assert code == 0, err
    engine = create_engine(db_url)
    with engine.connect() as connection:
        due = connection.execute(text(
            "SELECT id FROM treatment_step WHERE is_active AND NOT is_completed "
            "AND due_date <= '2026-11-25' AND (paused_until IS NULL OR paused_until <= "
            "'2026-11-25') ORDER BY id")).scalars().all()
        emails = connection.execute(text(
            "SELECT step_id, count(*) FROM notification WHERE kind = 'step_finished' "
            "GROUP BY step_id")).all()
    engine.dispose()
    assert len(due) > 3 and all(count == 1 for _, count in emails)  # nothing twice
    assert set(due) <= {step for step, _ in emails}  # nothing lost
