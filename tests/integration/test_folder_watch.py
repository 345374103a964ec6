"""The folder watcher with real files: a file is taken once it has been still long enough,
imported once (also across restarts), moved to imported/ or failed/ with the reason beside it.
A fake clock stands in for time, so stability is tested without sleeping; what the watcher
saw is kept in the database, so a new process (`scheduler --once`) goes on from there."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from servers import QUALITY_GATE_OFF, configure_smtp
from sqlalchemy import select

from clinic_desktop import clock as clinic_clock
from clinic_desktop import settings
from clinic_desktop.app import open_app
from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, Photo, TreatmentStep, WatchedFile
from clinic_desktop.photos.importer import IMPORTED, REFUSED, PhotoImporter, library_for
from clinic_desktop.photos.watch import WAITING, FolderWatcher

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # a first step of 7 days is finished today
STABLE = 5  # photos.stable_seconds (the default)


class FakeClock:
    """The wall clock (time.time) as the watcher sees it; moves only when the test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 8, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clinic(sqlite_app: Any, photo_files: Any) -> Any:
    """The clinic watches photo_files.root; patient P00123's first step is finished today."""
    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "clinic.timezone", "Europe/Berlin")
        settings.set_value(session, "photos.watch_folders", str(photo_files.root))
    photo_files.root.mkdir(parents=True, exist_ok=True)
    return sqlite_app


@pytest.fixture
def patient_id(clinic: Any, enrol: Any) -> int:
    with write_session(clinic.sessions) as session:
        return int(enrol(session, "P00123", [7, 14], START).id)


def make_watcher(app: Any, clock: FakeClock) -> FolderWatcher:
    library = library_for(app.sessions, app.paths.data_dir)
    return FolderWatcher(app.sessions, lambda: PhotoImporter(app.sessions, library, TODAY),
                         clock=clock)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def watcher(clinic: Any, clock: FakeClock) -> FolderWatcher:
    return make_watcher(clinic, clock)


def set_setting(app: Any, key: str, value: str) -> None:
    with write_session(app.sessions) as session:
        settings.set_value(session, key, value)


def rows(app: Any, model: Any) -> list[Any]:
    with app.sessions() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def active_order(app: Any, patient_id: int) -> tuple[int, date | None]:
    with app.sessions() as session:
        step = session.scalar(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient_id, TreatmentStep.is_active.is_(True)))
        assert step is not None
        return step.order, step.start_date


def test_a_dropped_photo_is_taken_once_stable_moved_and_advances_the_step(
        clinic, patient_id, watcher, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    path = photo_files.jpeg("P00123_front.jpg")
    content = path.read_bytes()

    first = watcher.poll()
    clock.advance(STABLE - 1)
    second = watcher.poll()

    assert (first.outcomes, first.waiting, first.problems) == ([], 1, [])
    assert (second.outcomes, second.waiting) == ([], 1)  # still for 4 s only: not yet
    assert path.exists() and rows(clinic, Photo) == []

    clock.advance(1.5)
    third = watcher.poll()

    [outcome] = third.outcomes
    assert (outcome.status, outcome.path) == (IMPORTED, path)
    assert outcome.message == "P00123: step 1 'Step 1' completed; step 2 'Step 2' started"
    assert third.waiting == 0
    moved = photo_files.root / "imported" / "P00123_front.jpg"
    assert not path.exists() and moved.read_bytes() == content
    assert active_order(clinic, patient_id) == (2, TODAY)
    [photo] = rows(clinic, Photo)
    assert (photo.source_path, photo.completed_step) == (str(path), True)
    assert [(w.path, w.outcome) for w in rows(clinic, WatchedFile)] == [(str(path), IMPORTED)]

    clock.advance(60)
    assert (watcher.poll().outcomes, watcher.poll().waiting) == ([], 0)  # imported/ is left be


def test_a_file_still_being_written_is_not_taken(
        clinic, patient_id, watcher, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    target = photo_files.jpeg("P00123_front.jpg", size=(800, 600), quality=95)
    whole = target.read_bytes()
    target.unlink()
    step = len(whole) // 5 + 1
    pieces = [whole[i:i + step] for i in range(0, len(whole), step)]
    assert len(pieces) == 5

    for number, piece in enumerate(pieces):  # a slow copy: each piece after a long pause
        if number:
            clock.advance(STABLE * 3)  # longer than stable_seconds, yet the file grew
        with target.open("ab") as stream:
            stream.write(piece)
        report = watcher.poll()
        assert (report.outcomes, report.waiting) == ([], 1), target.stat().st_size
    assert target.read_bytes() == whole
    clock.advance(STABLE - 1)  # the count starts at the last change, not the first sight
    report = watcher.poll()

    assert (report.outcomes, report.waiting) == ([], 1)
    assert rows(clinic, Photo) == [] and rows(clinic, InboxItem) == []

    clock.advance(1)
    [outcome] = watcher.poll().outcomes
    assert outcome.status == IMPORTED, outcome.message
    assert not (photo_files.root / "failed").exists()
    assert rows(clinic, Photo)[0].file_size == len(whole)
    assert active_order(clinic, patient_id) == (2, TODAY)


def test_refused_files_go_to_failed_with_the_reason_beside_them(
        clinic, patient_id, watcher, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    noise = photo_files.write("P00123_noise.jpg", random.Random(5).randbytes(3000))
    empty = photo_files.write("P00123_empty.jpg", b"")
    good = photo_files.jpeg("sub/P00123_good.jpg")
    truncated = photo_files.write("sub/P00123_cut.jpg", good.read_bytes()[:400])

    watcher.poll()
    clock.advance(STABLE)
    report = watcher.poll()

    by_name = {o.path.name: o for o in report.outcomes}
    assert sorted(by_name) == sorted(p.name for p in (noise, empty, good, truncated))
    assert by_name[good.name].status == IMPORTED
    expected = {
        noise: ("P00123_noise.jpg", "not an image"),
        empty: ("P00123_empty.jpg", "the file is empty (0 bytes)."),
        truncated: ("sub/P00123_cut.jpg", "the image is damaged"),
    }
    items = {i.original_name: i for i in rows(clinic, InboxItem)}
    assert len(items) == 3
    for source, (relative, words) in expected.items():
        outcome = by_name[source.name]
        assert outcome.status == REFUSED and words in outcome.message, outcome.message
        failed = photo_files.root / "failed" / relative
        assert failed.exists() and not source.exists()
        note = failed.with_name(failed.name + ".txt").read_text(encoding="utf-8")
        assert note == f"{source.name} was not imported: {outcome.message}\n"
        item = items[source.name]
        assert (item.status, item.reason, item.source_path) == \
            ("refused", outcome.message, str(failed))
    assert (photo_files.root / "imported" / "sub" / "P00123_good.jpg").exists()
    assert len(rows(clinic, Photo)) == 1

    clock.advance(60)  # failed/ and the notes are not taken again
    assert (watcher.poll().outcomes, watcher.poll().waiting) == ([], 0)
    assert len(rows(clinic, InboxItem)) == 3


def test_with_keep_a_restart_does_not_import_the_file_again(
        clinic, patient_id, watcher, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    set_setting(clinic, "photos.after_import", "keep")
    path = photo_files.jpeg("P00123_front.jpg")
    watcher.poll()
    clock.advance(STABLE)
    [outcome] = watcher.poll().outcomes
    assert outcome.status == IMPORTED and path.exists()

    for poller in (watcher, make_watcher(clinic, FakeClock()), make_watcher(clinic, clock)):
        for _ in range(3):  # the same watcher later, and new ones as after a restart
            assert poller.poll().outcomes == []
            poller.clock.advance(STABLE + 1)  # type: ignore[attr-defined]

    assert len(rows(clinic, Photo)) == 1
    assert [(w.path, w.outcome) for w in rows(clinic, WatchedFile)] == [(str(path), IMPORTED)]
    assert path.exists() and not (photo_files.root / "imported").exists()
    assert active_order(clinic, patient_id) == (2, TODAY)


def test_a_kept_file_is_not_reported_as_waiting_after_its_import(
        clinic, patient_id, watcher, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    set_setting(clinic, "photos.after_import", "keep")
    photo_files.jpeg("P00123_front.jpg")
    watcher.poll()
    clock.advance(STABLE)
    assert len(watcher.poll().outcomes) == 1

    waiting = []
    for _ in range(4):
        clock.advance(STABLE + 1)
        waiting.append(watcher.poll().waiting)

    # PollReport.waiting is "files still changing (being copied)"; this one is long done.
    assert waiting == [0, 0, 0, 0]


def test_a_watched_folder_that_does_not_exist_is_reported_not_fatal(
        clinic, patient_id, watcher, clock, photo_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "unplugged-share" / "Photos"
    set_setting(clinic, "photos.watch_folders", f"{missing};{photo_files.root}")
    photo_files.jpeg("P00123_front.jpg")

    first = watcher.poll()
    clock.advance(STABLE)
    second = watcher.poll()

    assert first.problems == second.problems == \
        [f"The watched folder {missing} cannot be reached."]
    assert first.waiting == 1  # the other folder is still watched
    assert [o.status for o in second.outcomes] == [IMPORTED]


def test_watch_once_on_the_command_line_imports_a_stable_file(
        clinic, enrol, photo_files, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    today = clinic.clinic_today()  # `watch` has no --today: the clinic's real day
    with write_session(clinic.sessions) as session:
        patient = enrol(session, "P00123", [7, 14], today - timedelta(days=7))
    argv = ["--data-dir", str(clinic.paths.data_dir), "watch", "--once"]
    set_setting(clinic, "photos.watch_folders", "")
    assert main(argv) == 2
    assert "No folder is watched yet" in capsys.readouterr().err
    set_setting(clinic, "photos.watch_folders", str(photo_files.root))
    set_setting(clinic, "photos.stable_seconds", "1")
    path = photo_files.jpeg("P00123_front.jpg")

    code = main(argv)

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"imported  {path}: P00123: step 1 'Step 1' completed; step 2 'Step 2' started" \
        in out
    assert not path.exists() and (photo_files.root / "imported" / path.name).exists()
    assert active_order(clinic, patient.id) == (2, today)
    assert len(rows(clinic, Photo)) == 1


def test_a_file_event_wakes_the_watcher_long_before_the_next_poll(
        clinic: Any, patient_id: int, photo_files: Any) -> None:
    """On a local disk a change event (watchdog) starts the import at once; the poll
    interval here is an hour, so only the event can explain a quick import."""
    import threading

    set_setting(clinic, "photos.poll_seconds", "3600")
    set_setting(clinic, "photos.stable_seconds", "1")
    watcher = make_watcher(clinic, FakeClock())
    watcher.clock = time.time  # real time: the loop sleeps for real here
    stop, polled = threading.Event(), threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, lambda report: polled.set()),
                              daemon=True)
    thread.start()
    try:
        assert polled.wait(20), "the first poll did not run"  # and found nothing
        photo_files.jpeg("P00123_front.jpg")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not rows(clinic, Photo):
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(10)
    [photo] = rows(clinic, Photo)
    assert photo.original_name == "P00123_front.jpg" and photo.completed_step
    assert (photo_files.root / "imported" / "P00123_front.jpg").exists()


# --- what was seen is kept in the database: the next process goes on from there ---------------


def at(clock: FakeClock) -> datetime:
    return datetime.fromtimestamp(clock.now, UTC)


def watched_rows(app: Any) -> list[tuple[str, int, str, datetime]]:
    return [(w.path, w.size, w.outcome, w.handled_at) for w in rows(app, WatchedFile)]


def test_a_new_process_takes_a_file_the_last_one_saw_when_it_has_been_still_long_enough(
        clinic, patient_id, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    """Each `scheduler --once` is a new process with a new watcher: a waiting file's size and
    time, and when they were first seen, come from the database, not from memory."""
    path = photo_files.jpeg("P00123_front.jpg")
    size = path.stat().st_size
    seen = at(clock)

    first = make_watcher(clinic, clock).poll()
    clock.advance(STABLE - 1)
    second = make_watcher(clinic, clock).poll()

    assert (first.outcomes, first.waiting, second.outcomes, second.waiting) == ([], 1, [], 1)
    assert watched_rows(clinic) == [(str(path), size, WAITING, seen)]  # first seen, not last
    assert rows(clinic, Photo) == []

    clock.advance(1)
    [outcome] = make_watcher(clinic, clock).poll().outcomes

    assert outcome.status == IMPORTED, outcome.message
    assert active_order(clinic, patient_id) == (2, TODAY)
    # The waiting row became the outcome: one row for the file, stamped when it was taken.
    assert watched_rows(clinic) == [(str(path), size, IMPORTED, at(clock))]
    assert make_watcher(clinic, clock).poll().outcomes == []


def test_the_evidence_and_the_outcome_are_kept_on_sqlite_and_postgresql(
        app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    """Two watchers (two PCs, or two runs) on one database: the second one seeing the same
    file writes nothing twice; the third takes it and the waiting row becomes the outcome."""
    with write_session(app.sessions) as session:
        settings.set_value(session, "photos.watch_folders", str(photo_files.root))
        patient_id = enrol(session, "P00123", [7, 14], START).id
    path = photo_files.jpeg("P00123_front.jpg")
    clock = FakeClock()
    seen = at(clock)

    assert make_watcher(app, clock).poll().waiting == 1
    clock.advance(1)
    assert make_watcher(app, clock).poll().waiting == 1
    assert watched_rows(app) == [(str(path), path.stat().st_size, WAITING, seen)]
    clock.advance(STABLE)
    [outcome] = make_watcher(app, clock).poll().outcomes

    assert outcome.status == IMPORTED, outcome.message
    assert [(w.path, w.outcome, w.handled_at) for w in rows(app, WatchedFile)] == \
        [(str(path), IMPORTED, at(clock))]
    assert active_order(app, patient_id) == (2, TODAY)


def test_a_file_that_grew_since_the_last_process_saw_it_waits_again(
        clinic, patient_id, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    target = photo_files.jpeg("P00123_front.jpg", size=(800, 600), quality=95)
    whole = target.read_bytes()
    target.write_bytes(whole[:len(whole) // 2])
    make_watcher(clinic, clock).poll()
    clock.advance(STABLE * 3)
    with target.open("ab") as stream:  # the copy goes on after a long pause
        stream.write(whole[len(whole) // 2:])

    report = make_watcher(clinic, clock).poll()

    assert (report.outcomes, report.waiting) == ([], 1)
    # The old size is forgotten; the count starts again at the change.
    assert watched_rows(clinic) == [(str(target), len(whole), WAITING, at(clock))]
    clock.advance(STABLE - 1)
    assert make_watcher(clinic, clock).poll().outcomes == []
    clock.advance(1)
    [outcome] = make_watcher(clinic, clock).poll().outcomes
    assert outcome.status == IMPORTED, outcome.message
    assert rows(clinic, Photo)[0].file_size == len(whole)


def test_the_waiting_rows_of_vanished_files_are_deleted_but_not_those_of_an_unplugged_share(
        clinic, patient_id, clock, photo_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    share = tmp_path / "share"
    share.mkdir()
    set_setting(clinic, "photos.watch_folders", f"{photo_files.root};{share}")
    gone = photo_files.jpeg("P00123_gone.jpg")
    on_share = share / "P00123_share.jpg"
    on_share.write_bytes(gone.read_bytes())
    watcher = make_watcher(clinic, clock)
    assert watcher.poll().waiting == 2

    gone.unlink()  # deleted before it was taken
    share.rename(tmp_path / "unplugged")
    report = watcher.poll()

    assert report.problems == [f"The watched folder {share} cannot be reached."]
    # A share that cannot be reached is no sign that its files changed.
    assert [(w.path, w.outcome) for w in rows(clinic, WatchedFile)] == [(str(on_share), WAITING)]

    (tmp_path / "unplugged").rename(share)
    set_setting(clinic, "photos.watch_folders", str(photo_files.root))  # no longer watched
    assert watcher.poll().waiting == 0
    assert rows(clinic, WatchedFile) == []


def test_the_watcher_reads_the_clinic_clock_so_a_pinned_clock_decides(
        clinic, patient_id, photo_files, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    now = [datetime(2026, 3, 10, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(clinic_clock, "now_utc", lambda: now[0])
    library = library_for(clinic.sessions, clinic.paths.data_dir)

    def watcher() -> FolderWatcher:  # as a new process would make it: the default clock
        return FolderWatcher(clinic.sessions, lambda: PhotoImporter(clinic.sessions, library,
                                                                    TODAY))

    path = photo_files.jpeg("P00123_front.jpg")
    assert watcher().poll().waiting == 1
    assert watched_rows(clinic) == [(str(path), path.stat().st_size, WAITING, now[0])]
    now[0] += timedelta(seconds=STABLE - 0.001)
    assert watcher().poll().outcomes == []
    now[0] += timedelta(seconds=0.001)
    assert [o.status for o in watcher().poll().outcomes] == [IMPORTED]


def test_a_second_pc_taking_the_same_file_at_the_same_moment_records_and_moves_nothing(
        clinic, patient_id, clock, photo_files) -> None:  # type: ignore[no-untyped-def]
    path = photo_files.jpeg("P00123_front.jpg")
    front_desk, back_office = make_watcher(clinic, clock), make_watcher(clinic, clock)
    front_desk.poll()
    clock.advance(STABLE)
    library = library_for(clinic.sessions, clinic.paths.data_dir)
    front_desk_reports = []

    class RacingImporter(PhotoImporter):
        def import_file(self, path: Path, **options: Any) -> Any:
            # The other PC takes the file between this one's checks and its import.
            front_desk_reports.append(front_desk.poll())
            return super().import_file(path, **options)

    back_office.make_importer = lambda: RacingImporter(clinic.sessions, library, TODAY)
    late = back_office.poll()

    [first] = front_desk_reports
    assert [o.status for o in first.outcomes] == [IMPORTED]
    assert late.outcomes == []  # the file had gone to imported/: nothing to say about it
    assert [(w.path, w.outcome) for w in rows(clinic, WatchedFile)] == [(str(path), IMPORTED)]
    assert len(rows(clinic, Photo)) == 1 and rows(clinic, InboxItem) == []
    assert (photo_files.root / "imported" / path.name).exists()
    assert not (photo_files.root / "failed").exists()


def run_scheduler_once(data_dir: Path) -> str:
    """`clinic-desktop scheduler --once` as Task Scheduler or cron runs it: a new process."""
    result = subprocess.run(
        [sys.executable, "-m", "clinic_desktop", "--data-dir", str(data_dir), "scheduler",
         "--once"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_scheduler_once_runs_take_a_photo_on_the_first_run_after_it_was_still(
        tmp_path: Path, enrol: Any, photo_files: Any, smtp_server_factory: Any) -> None:
    server = smtp_server_factory()
    data_dir = tmp_path / "clinic"
    app = open_app(data_dir, None, log_to_file=False)
    try:
        with write_session(app.sessions) as session:
            configure_smtp(session, server)
            for key, value in {"clinic.timezone": "Europe/Berlin",
                               "photos.watch_folders": str(photo_files.root),
                               "photos.stable_seconds": "1",
                               "schedule.daily_time": "00:00", **QUALITY_GATE_OFF}.items():
                settings.set_value(session, key, value)
        # The clinic's day in the zone just set (from 23:00 UTC it is Berlin's tomorrow).
        today = app.clinic_today()
        with write_session(app.sessions) as session:
            ready = enrol(session, "P00123", [7, 14], today - timedelta(days=7)).id
            copying = enrol(session, "P00124", [7, 14], today - timedelta(days=7)).id
        photo = photo_files.jpeg("P00123_front.jpg")
        big = photo_files.jpeg("P00124_front.jpg", size=(800, 600), quality=95)
        whole = big.read_bytes()
        big.write_bytes(whole[:len(whole) // 2])  # still being copied

        first = run_scheduler_once(data_dir)

        assert "[folder_watch]" not in first, first  # both files were only seen
        assert rows(app, Photo) == []
        assert sorted((w.path, w.outcome) for w in rows(app, WatchedFile)) == \
            [(str(photo), WAITING), (str(big), WAITING)]

        time.sleep(1.5)  # longer than photos.stable_seconds
        with big.open("ab") as stream:  # the slow copy goes on
            stream.write(whole[len(whole) // 2:])
        second = run_scheduler_once(data_dir)

        assert "[folder_watch] ok: photos: 1 imported" in second, second
        assert [p.original_name for p in rows(app, Photo)] == [photo.name]
        assert active_order(app, ready) == (2, today)
        assert active_order(app, copying) == (1, today - timedelta(days=7))
        assert big.exists() and not photo.exists()

        time.sleep(1.5)
        third = run_scheduler_once(data_dir)

        assert "[folder_watch] ok: photos: 1 imported" in third, third
        assert sorted(p.original_name for p in rows(app, Photo)) == [photo.name, big.name]
        assert rows(app, Photo)[-1].file_size == len(whole)
        assert active_order(app, copying) == (2, today)
        assert sorted((w.path, w.outcome) for w in rows(app, WatchedFile)) == \
            [(str(photo), IMPORTED), (str(big), IMPORTED)]
        assert any("New Treatment Step Started" in s for s in server.subjects)  # P00123's
    finally:
        app.close()
