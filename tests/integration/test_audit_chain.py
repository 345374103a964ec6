"""The audit trail is a hash chain: `audit verify` names every event changed, deleted or
inserted after it was written; several PCs writing at once keep one chain; the upgrade links
the events a clinic already has; `audit export` gives an inspector a period as CSV or PDF."""

from __future__ import annotations

import csv
import re
import threading
import zlib
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select, text

from clinic_desktop import audit
from clinic_desktop.db import migrate
from clinic_desktop.db.engine import (
    make_engine,
    make_session_factory,
    normalise_url,
    write_session,
)
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


def _sql(db_url: str, statement: str, **values: object) -> list[tuple]:  # type: ignore[type-arg]
    """Raw SQL on the clinic's database, as someone with the database password could."""
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_verify_passes_an_untouched_clinic_and_names_each_tampered_event(
        run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run("demo")[0] == 0
    assert run("notify-finished-steps", "--no-send")[0] == 0  # the daily check
    code, out, _ = run("audit", "verify")
    assert code == 0, out
    assert out.startswith("The audit trail is intact:")

    ids = [i for (i,) in _sql(db_url, "SELECT id FROM audit_event ORDER BY seq")]
    assert len(ids) >= 12
    changed, rehashed, deleted, last = ids[2], ids[5], ids[8], ids[-1]
    _sql(db_url, "UPDATE audit_event SET actor = 'mallory' WHERE id = :id", id=changed)
    # Edited, and its hash computed again by someone who knows how: the next link betrays it.
    columns = "id, seq, at, actor, host, action, patient_id, entity, entity_id, before, " \
              "after, detail, prev_hash"
    row = SimpleNamespace(**dict(zip(columns.split(", "), _sql(
        db_url, f"SELECT {columns} FROM audit_event WHERE id = :id", id=rehashed)[0],
        strict=True)))
    if isinstance(row.at, str):  # SQLite hands raw SQL its text
        row.at = datetime.fromisoformat(row.at)
    row.detail = "nothing happened here"
    _sql(db_url, "UPDATE audit_event SET detail = :detail, hash = :hash WHERE id = :id",
         detail=row.detail, hash=audit.link_hash(row.prev_hash, row), id=rehashed)
    _sql(db_url, "DELETE FROM audit_event WHERE id IN (:a, :b)", a=deleted, b=last)
    _sql(db_url, "INSERT INTO audit_event (at, actor, host, action, entity, before, after, "
         "detail) VALUES ('2026-11-25 10:02:00', 'anna', 'RECEPTION-1', 'step_completed', "
         "'step', '', '', 'backdated')")
    (inserted,) = _sql(db_url, "SELECT max(id) FROM audit_event")[0]
    _sql(db_url, "INSERT INTO audit_event (at, actor, host, action, entity, before, after, "
         "detail, seq, prev_hash, hash) SELECT at, actor, host, action, entity, before, "
         "after, detail, 1000, hash, hash FROM audit_event WHERE id = :id", id=ids[1])
    (appended,) = _sql(db_url, "SELECT id FROM audit_event WHERE seq = 1000")[0]

    code, out, _ = run("audit", "verify")
    assert code == 1
    problems = out.strip().splitlines()
    assert problems[-1] == "The audit trail was tampered with: 6 problem(s) found."
    assert any(line.startswith(f"Audit event {changed} (") and "by mallory on" in line
               and line.endswith("was changed after it was written.") for line in problems)
    assert any(line.startswith(f"Audit event {ids[6]} (") and
               f"does not follow audit event {rehashed} (" in line for line in problems)
    assert any(line.startswith("1 audit event(s) between audit event ") and
               f"event {ids[7]} (" in line and f"event {ids[9]} (" in line and
               line.endswith("were deleted.") for line in problems)
    assert "The last 1 audit event(s) were deleted" in out
    assert any(line.startswith(f"Audit event {inserted} (step_completed, 2026-11-25 ") and
               "by anna on RECEPTION-1" in line and "inserted by hand" in line
               for line in problems)
    assert any(line.startswith(f"Audit event {appended} (") and
               line.endswith("inserted by hand after the chain's last link "
                             f"(position {len(ids)}).") for line in problems)

    # Without its head the chain cannot grow: changes are refused in a sentence.
    _sql(db_url, "DELETE FROM audit_chain_head")
    code, out, _ = run("audit", "verify")
    assert code == 1 and "The chain's head (its last place and hash) was removed" in out
    code, _, err = run("patients", "add", "--code", "P07777", "--first-name", "Ida")
    assert code == 2 and "chain head was removed from the database by hand" in err
    assert _sql(db_url, "SELECT count(*) FROM patient WHERE code = 'P07777'") == [(0,)]


def _window() -> list[str]:
    return ["--from", str(date.today() - timedelta(days=1)),
            "--to", str(date.today() + timedelta(days=1))]


def test_csv_export_of_a_period_and_one_patient_is_safe_in_a_spreadsheet(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert run("demo")[0] == 0
    monkeypatch.setenv("CLINIC_DESKTOP_USER", '=HYPERLINK("http://x.example","open")')
    assert run("patients", "add", "--code", "P09999", "--first-name", "Eva")[0] == 0
    target = tmp_path / "audit.csv"

    code, out, _ = run("audit", "export", str(target), *_window(), "--patient", "P09999")
    assert (code, out.strip()) == (0, f"1 audit event(s) written to {target}.")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["action"], r["patient"]) for r in rows] == [("patient_added", "P09999")]
    assert rows[0]["actor"] == "'=HYPERLINK(\"http://x.example\",\"open\")"
    assert re.fullmatch(r"[0-9a-f]{64}", rows[0]["hash"])

    code, out, _ = run("audit", "export", str(target), "--from", "2020-01-01",
                       "--to", "2020-01-31")
    assert (code, out.strip()) == (0, f"0 audit event(s) written to {target}.")
    assert run("audit", "export", str(target), "--from", "2020-02-01", "--to", "2020-01-01"
               )[0] == 2
    code, _, err = run("audit", "export", str(target), *_window(), "--patient", "NOPE")
    assert code == 2 and "NOPE" in err
    for name in ("audit.csv", "audit.pdf"):
        missing = tmp_path / "no such folder" / name
        code, _, err = run("audit", "export", str(missing), *_window())
        assert (code, err.strip()) == (2, f"error: Cannot write {missing}: No such file or "
                                          "directory.")


def _pdf_page_texts(path: Path) -> list[str]:
    """The glyphs on each page of a PDF Qt wrote, as text (spaces are gaps, not glyphs)."""
    data = path.read_bytes()
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def ref(body: bytes, key: bytes) -> int:
        return int(re.search(rb"/" + key + rb" (\d+) 0 R", body).group(1))  # type: ignore[union-attr]

    def stream(number: int) -> bytes:
        head, _, rest = objects[number].partition(b"stream")
        raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
        return zlib.decompress(raw) if b"FlateDecode" in head else raw

    def to_unicode(number: int) -> dict[int, str]:
        cmap, mapping = stream(number).decode("latin-1"), {}
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for low, high, target in re.findall(r"<(\w+)> <(\w+)> (\[.*?\]|<\w+>)", block,
                                                re.S):
                codes = range(int(low, 16), int(high, 16) + 1)
                targets = re.findall(r"<(\w+)>", target)
                for i, code in enumerate(codes):
                    mapping[code] = chr(int(targets[i], 16) if len(targets) > 1
                                        else int(targets[0], 16) + i)
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, target in re.findall(r"<(\w+)> <(\w+)>", block):
                mapping[int(code, 16)] = chr(int(target, 16))
        return mapping

    pages = []
    kids = re.search(rb"/Type /Pages\s*/Kids\s*\[(.*?)\]", data, re.S).group(1)  # type: ignore[union-attr]
    for page in map(int, re.findall(rb"(\d+) 0 R", kids)):
        resources = objects[ref(objects[page], b"Resources")]
        fonts = {name: to_unicode(ref(objects[int(number)], b"ToUnicode"))
                 for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", resources)}
        glyphs: list[str] = []
        font: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj",
                                 stream(ref(objects[page], b"Contents"))):
            if token.group(1):
                font = fonts[token.group(1)]
            else:
                codes = token.group(2)
                glyphs += [font[int(codes[i:i + 4], 16)] for i in range(0, len(codes), 4)]
        pages.append("".join(glyphs).replace("\t", " "))  # Qt's space glyph maps to a tab
    return pages


def test_pdf_export_has_the_chain_head_hash_on_every_page(
        run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("demo")[0] == 0
    assert run("notify-finished-steps", "--no-send")[0] == 0
    target = tmp_path / "audit.pdf"
    code, out, _ = run("audit", "export", str(target), *_window())
    assert code == 0 and out.startswith("20 audit event(s) written")
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            seq, head = audit.head(session)
    finally:
        engine.dispose()
    pages = _pdf_page_texts(target)
    assert len(pages) >= 2
    for page in pages:
        assert f"Chain head: position {seq}, SHA-256 {head}" in page
    assert "demo_created" in "".join(pages)
