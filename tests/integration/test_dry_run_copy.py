"""A dry run (and a forecast) rehearses on a copy: in memory for an ordinary clinic, in a
temporary file for a large one (a clinic group's file can be hundreds of megabytes), which is
removed afterwards; either way it promises what the real run does and changes nothing. On
PostgreSQL the copy is SQLite too, so a rehearsal holds no row of the server's."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import dump_engine

from clinic_desktop.db import engine
from clinic_desktop.db.engine import rehearsal, write_session
from clinic_desktop.db.models import TreatmentStep
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


@pytest.mark.postgres
def test_a_rehearsal_on_postgresql_keeps_no_row_of_the_server_locked(
        postgres_url: str, tmp_path: Path, enrol: Any) -> None:
    """A week's forecast takes a minute at 10,000 patients: meanwhile another PC imports a
    photo for a patient whose step the rehearsal changed. It must not wait for the rehearsal,
    and the rehearsal must not see it or change the server."""
    from sqlalchemy import select, text, update

    from clinic_desktop.app import open_app

    app: Any = open_app(tmp_path / "data", postgres_url, log_to_file=False)
    try:
        with write_session(app.sessions) as session:
            enrol(session, "P1", [7, 14], START)
        before = dump_engine(app.engine)
        with rehearsal(app.sessions) as rehearsed:
            with write_session(rehearsed) as session:
                step = session.scalars(select(TreatmentStep).order_by(TreatmentStep.order)).first()
                assert step is not None
                step.duration_days = 99  # the rehearsal's own change, in its copy
            with write_session(app.sessions) as other_pc:  # would wait without the copy
                other_pc.execute(text("SET LOCAL lock_timeout = '2s'"))
                other_pc.execute(update(TreatmentStep).where(TreatmentStep.order == 1)
                                 .values(duration_days=8))
            with rehearsed() as session:
                assert session.scalar(select(TreatmentStep.duration_days)
                                      .where(TreatmentStep.order == 1)) == 99
        with app.sessions() as session:
            assert session.scalar(select(TreatmentStep.duration_days)
                                  .where(TreatmentStep.order == 1)) == 8
        assert dump_engine(app.engine) != before  # only the other PC's change
    finally:
        app.close()
