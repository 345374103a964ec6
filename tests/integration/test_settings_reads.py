"""Settings are read once per transaction (the daily check asks for them thousands of times),
yet a change is seen at once: in the same session, after a savepoint rolled it back, and from
another PC as soon as a new transaction starts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session


def test_a_change_is_seen_at_once_and_reads_cost_one_query_per_transaction(app: Any) -> None:
    statements: list[str] = []
    event.listen(app.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_: statements.append(sql))
    with app.sessions() as reader:
        for _ in range(100):
            assert settings.get(reader, "notify.max_reminders") == 2  # the default
            settings.get(reader, "clinic.name")
        assert sum("FROM setting" in sql for sql in statements) == 1

        with write_session(app.sessions) as other_pc:
            settings.set_value(other_pc, "notify.max_reminders", "4")
        assert settings.get(reader, "notify.max_reminders") == 2  # its transaction's view
        reader.rollback()  # a new transaction
        assert settings.get(reader, "notify.max_reminders") == 4

    with write_session(app.sessions) as session:
        settings.set_value(session, "notify.max_reminders", "5")
        assert settings.get(session, "notify.max_reminders") == 5
        savepoint = session.begin_nested()
        settings.set_value(session, "notify.max_reminders", "6")
        assert settings.get(session, "notify.max_reminders") == 6
        savepoint.rollback()
        assert settings.get(session, "notify.max_reminders") == 5
    with app.sessions() as session:
        assert settings.get(session, "notify.max_reminders") == 5
