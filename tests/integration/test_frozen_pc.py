"""A PC that freezes inside a transaction (put to sleep, a hung process) does not stop the
other PCs for longer than the server's idle-in-transaction limit: PostgreSQL ends that
session and its row locks go, well before the sender lease lets another PC take over."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from clinic_desktop import lease
from clinic_desktop.db import engine as db_engine
from clinic_desktop.db.engine import make_engine, write_session
from clinic_desktop.db.models import Setting


@pytest.mark.postgres
def test_a_session_left_inside_a_transaction_is_ended_and_its_locks_freed(
        postgres_url: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.app import open_app

    assert db_engine.IDLE_IN_TRANSACTION_MS * 3 < lease.LEASE_SECONDS * 1000
    monkeypatch.setattr(db_engine, "IDLE_IN_TRANSACTION_MS", 1500)  # the same rule, quicker
    app: Any = open_app(tmp_path / "data", postgres_url, log_to_file=False)
    try:
        with write_session(app.sessions) as session:
            session.merge(Setting(key="clinic.name", value="Before"))
        frozen = app.engine.connect()
        frozen.begin()
        frozen.execute(update(Setting).where(Setting.key == "clinic.name").values(value="Frozen"))
        # ...and then the PC sleeps. Another PC writes the same row:
        started = time.monotonic()
        with write_session(app.sessions) as session:
            session.execute(update(Setting).where(Setting.key == "clinic.name")
                            .values(value="Other PC"))
        waited = time.monotonic() - started
        assert 1.0 < waited < 10, waited
        with app.sessions() as session:
            assert session.scalar(select(Setting.value).where(
                Setting.key == "clinic.name")) == "Other PC"
            # The test's own schema is still the one in use: the URL's options were kept.
            assert session.scalar(text("SELECT current_schema()")) != "public"
        # Woken up, the frozen PC's transaction is gone: its write is refused, not applied.
        with pytest.raises(DBAPIError) as ended:
            frozen.execute(select(Setting.value))
        assert db_engine.is_transient(ended.value)  # a write that meets this is tried again
        frozen.close()
    finally:
        app.close()


def test_sqlite_urls_get_no_server_options(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{(tmp_path / 'c.sqlite3').as_posix()}")
    assert "options" not in engine.url.query
    engine.dispose()
