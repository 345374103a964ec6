"""A dry run on SQLite rehearses on a copy: in memory for an ordinary clinic, in a temporary
file for a large one (a clinic group's file can be hundreds of megabytes), which is removed
afterwards; either way it promises what the real run does and changes nothing."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import dump_engine

from clinic_desktop.db import engine
from clinic_desktop.db.engine import write_session
from clinic_desktop.domain.daily_check import daily_check

START = date(2026, 3, 2)


@pytest.mark.parametrize("size", ["small", "large"])
def test_a_dry_run_on_a_copy_promises_the_real_run_and_changes_nothing(
        sqlite_app: Any, enrol: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        size: str) -> None:
    if size == "large":
        monkeypatch.setattr(engine, "LARGEST_IN_MEMORY", 0)
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    copies: list[str] = []
    real_folder = tempfile.TemporaryDirectory

    def folder(*args: Any, **kwargs: Any) -> Any:
        made = real_folder(*args, **kwargs)
        copies.append(made.name)
        return made

    monkeypatch.setattr(tempfile, "TemporaryDirectory", folder)
    with write_session(sqlite_app.sessions) as session:
        for code in ("P1", "P2", "P3"):
            enrol(session, code, [7, 14], START)
    due = START + timedelta(days=7)
    before = dump_engine(sqlite_app.engine)

    rehearsed = daily_check(sqlite_app.sessions, due, auto_progress=True, dry_run=True)

    assert dump_engine(sqlite_app.engine) == before
    assert (len(copies) == 1) == (size == "large")  # on disk only for the large clinic
    assert not any(Path(copy).exists() for copy in copies)  # and gone again
    real = daily_check(sqlite_app.sessions, due, auto_progress=True)
    assert [(i.email, i.progress) for i in rehearsed.scan.items] == \
        [(i.email, i.progress) for i in real.scan.items]
    assert len(real.scan.items) == 3 and all(i.progress for i in real.scan.items)
