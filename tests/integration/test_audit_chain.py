"""The audit trail is a hash chain: `audit verify` names every event changed, deleted or
inserted after it was written; several PCs writing at once keep one chain; the upgrade links
the events a clinic already has; `audit export` gives an inspector a period as CSV or PDF."""

from __future__ import annotations

import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, text

from clinic_desktop import audit
from clinic_desktop.db import migrate
from clinic_desktop.db.engine import make_engine, make_session_factory, write_session
from clinic_desktop.db.models import AuditEvent

UTC_ZONE = ZoneInfo("UTC")


def _problems(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return list(audit.verify(session, UTC_ZONE))


def test_two_pcs_writing_at_once_keep_one_unbroken_chain(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups")
    engine.dispose()
    pcs = [make_engine(db_url) for _ in range(2)]
    start = threading.Barrier(len(pcs))
    failures: list[BaseException] = []

    def write(pc: int) -> None:
        sessions = make_session_factory(pcs[pc])
        try:
            start.wait()
            for n in range(15):
                with write_session(sessions) as session:
                    for part in range(3):
                        audit.record(session, "test_write", entity="pc", entity_id=pc,
                                     detail=f"transaction {n} event {part}")
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(pc,)) for pc in range(len(pcs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    sessions = make_session_factory(pcs[0])
    try:
        assert _problems(sessions) == []
        with sessions() as session:
            events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
            assert [e.seq for e in events] == list(range(1, 91))
            # One transaction's events are neighbours in the chain, in the order written.
            for first in range(0, 90, 3):
                group = events[first:first + 3]
                assert {e.entity_id for e in group} == {group[0].entity_id}
                assert [e.detail[-7:] for e in group] == ["event 0", "event 1", "event 2"]
            assert audit.head(session) == (90, events[-1].hash)
    finally:
        for pc in pcs:
            pc.dispose()


def test_the_upgrade_links_the_events_a_clinic_already_has(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups", revision="0007")
    with engine.begin() as connection:
        for n, when in enumerate(["2026-11-25 10:02:00", "2026-11-24 09:00:00",
                                  "2026-11-25 10:03:00.123456"]):
            connection.execute(text(
                "INSERT INTO audit_event (at, actor, host, action, entity, entity_id, before, "
                "after, detail) VALUES (:at, 'anna', 'RECEPTION-1', 'step_completed', 'step', "
                ":n, '', '', 'Ä ✓')"), {"at": when, "n": n})
    migrate.upgrade(engine, tmp_path / "backups")
    sessions = make_session_factory(engine)
    try:
        assert _problems(sessions) == []
        with sessions() as session:
            linked = session.execute(select(AuditEvent.entity_id, AuditEvent.seq)
                                     .order_by(AuditEvent.id)).all()
            assert [tuple(r) for r in linked] == [(0, 1), (1, 2), (2, 3)]
        with write_session(sessions) as session:
            audit.record(session, "setting_changed", detail="after the upgrade")
        assert _problems(sessions) == []
        with sessions() as session:
            assert audit.head(session)[0] == 4
    finally:
        engine.dispose()


def test_a_dry_run_leaves_the_chain_as_it_was(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run("demo")[0] == 0
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            before = audit.head(session)
        assert run("notify-finished-steps", "--dry-run")[0] == 0
        with sessions() as session:
            assert audit.head(session) == before
        assert _problems(sessions) == []
    finally:
        engine.dispose()
