"""An upgrade killed at any moment leaves the old schema or the new one, never half of one.

A clinic at the first schema revision (0001, with a demo clinic's patients, plans and emails
in it) is upgraded through the whole chain by `clinic-desktop db upgrade` in a process that
is killed with SIGKILL at evenly spread moments from its start to past its end. After each
kill the database holds either the old revision with exactly the old tables and rows, or the
newest revision with exactly what an uninterrupted upgrade gives; and the next start upgrades
it and keeps every row.

The upgrade runs in processes forked from one launcher that has imported the app already,
so a kill lands in the upgrade, not in Python's start-up (POSIX only: fork and SIGKILL).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect, select

from clinic_desktop.cli import main
from clinic_desktop.db import migrate
from clinic_desktop.db.engine import make_engine, sqlite_path
from clinic_desktop.db.search import is_search_object

pytestmark = pytest.mark.skipif(os.name == "nt", reason="fork and SIGKILL are POSIX")

OLD = "0001"
KILLS = 12
LAUNCHER = """
import os, sys, time
from clinic_desktop.cli import main
import clinic_desktop.app, clinic_desktop.db.migrate, alembic.command  # imported before fork

for line in sys.stdin:
    data_dir, db_url = line.split()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(2, 1)  # its messages to stderr: stdout is this launcher's answers
        os._exit(main(["--data-dir", data_dir, "--db", db_url, "db", "upgrade"]))
    print(pid, flush=True)
    while True:  # an upgrade that waits for ever (a lock a killed one kept) ends the test
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > 120:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            status = "hung"
            break
        time.sleep(0.002)
    print(status, time.monotonic() - started, flush=True)
"""


def state(db_url: str) -> tuple[str | None, dict[str, list[str]], dict[str, list[str]]]:
    """The schema revision, every table's columns, and every table's rows (sorted)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            names = [n for n in inspect(connection).get_table_names()
                     if n != "alembic_version" and not is_search_object(n)]
            metadata = MetaData()
            metadata.reflect(connection, only=names)
            columns = {t.name: sorted(c.name for c in t.columns)
                       for t in metadata.sorted_tables}
            rows = {t.name: sorted(map(repr, connection.execute(select(t))))
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()
    return revision, columns, rows


class Launcher:
    """The process that forks one `db upgrade` at a time; the test kills the fork."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", LAUNCHER], text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def upgrade(self, data_dir: Path, db_url: str, kill_after: float | None) -> tuple[int, float]:
        """(wait status, seconds it ran); killed with SIGKILL after `kill_after` seconds."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{data_dir} {db_url}\n")
        self.process.stdin.flush()
        pid = int(self.process.stdout.readline())
        if kill_after is not None:
            time.sleep(kill_after)
            with suppress(ProcessLookupError):  # it had finished
                os.kill(pid, signal.SIGKILL)
        status, seconds = self.process.stdout.readline().split()
        assert status != "hung", "an upgrade waited two minutes for a lock or the database"
        return int(status), float(seconds)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def old_clinic(db_url: str, data_dir: Path) -> None:
    """A demo clinic, taken down to the first schema revision (its rows stay)."""
    assert main(["--data-dir", str(data_dir), "--db", db_url, "demo", "--patients", "20"]) == 0
    engine = make_engine(db_url)
    migrate.downgrade(engine, OLD)
    engine.dispose()


def test_an_upgrade_killed_at_any_moment_leaves_the_old_schema_or_the_new(
        db_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    old_clinic(db_url, data_dir)
    old = state(db_url)
    assert old[0] == OLD
    db_file = sqlite_path(db_url)
    pristine = tmp_path / "old.sqlite3"
    if db_file is not None:
        copy_sqlite(db_file, pristine)

    def old_database(trial: int) -> str:
        """A database as the old clinic was: a fresh copy of the file, or on PostgreSQL the
        same schema taken back down."""
        if db_file is None:
            engine = make_engine(db_url)
            migrate.downgrade(engine, OLD)
            engine.dispose()
            return db_url
        trial_file = tmp_path / f"trial-{trial}.sqlite3"
        shutil.copyfile(pristine, trial_file)
        return f"sqlite:///{trial_file.as_posix()}"

    launcher = Launcher()
    try:
        url = old_database(0)
        status, duration = launcher.upgrade(data_dir, url, kill_after=None)
        assert status == 0
        new = state(url)
        assert new[0] == migrate.head_revision()
        outcomes: list[str] = []
        jitter = random.Random(13)
        for trial in range(1, KILLS + 1):
            url = old_database(trial)
            # Spread up to 1.5 times the measured run, so the last kills come after the end
            # even on a machine slower now than when it was measured.
            moment = duration * 1.5 * (trial - 1 + jitter.random()) / KILLS
            status, _ = launcher.upgrade(data_dir, url, kill_after=moment)
            after = state(url)
            assert after in (old, new), f"killed after {moment:.3f} s: half an upgrade"
            outcomes.append("old" if after == old else "new")
            assert status == 0 or os.WTERMSIG(status) == signal.SIGKILL
            # The next start upgrades what it finds and keeps every row.
            status, _ = launcher.upgrade(data_dir, url, kill_after=None)
            assert status == 0 and state(url) == new
    finally:
        launcher.close()
    assert "old" in outcomes and "new" in outcomes, outcomes


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy, whatever the writer's WAL still holds."""
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    reading.close()
    writing.close()
