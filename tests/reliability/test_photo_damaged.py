"""One bad file never stops the rest: photos damaged inside their pixel data, pipes, devices
and huge files are refused with a reason, while the good photos beside them are imported —
on the command line, in folder imports and by the folder watcher."""

from __future__ import annotations

import os
import random
import threading
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from photo_samples import photo_bytes, png_with_broken_zlib, truncated
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import InboxItem, Photo, TreatmentStep, WatchedFile
from clinic_desktop.photos import image as image_module
from clinic_desktop.photos import importer as importer_module
from clinic_desktop.photos.importer import IMPORTED, REFUSED, PhotoImporter, library_for
from clinic_desktop.photos.watch import FolderWatcher

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # a first step of 7 days is finished today
ON_TODAY = "2026:03:10 10:15:00"  # EXIF DateTimeOriginal: taken today, so it completes it
DAMAGED = "the image is damaged or incomplete"
NOT_A_FILE = "not an ordinary file"


def enrol_one(app: Any, enrol: Any, code: str = "P00123") -> int:
    with write_session(app.sessions) as session:
        return int(enrol(session, code, [7, 14], START).id)


def rows(app: Any, model: Any) -> list[Any]:
    with app.sessions() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def active_order(app: Any, patient_id: int) -> int:
    with app.sessions() as session:
        step = session.scalar(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient_id, TreatmentStep.is_active.is_(True)))
        assert step is not None
        return step.order


def bad_folder(photo_files: Any) -> tuple[Path, dict[Path, str]]:
    """A good JPEG among damaged files, named so that the good one comes last; each bad file
    with the words its reason must contain."""
    bad = {
        photo_files.write("a_broken_zlib.png", png_with_broken_zlib()): DAMAGED,
        photo_files.write("b_cut.heic", truncated(photo_bytes("heic"), 0.6)): DAMAGED,
        photo_files.write("c_noise.jpg", random.Random(11).randbytes(4000)): "not an image",
    }
    good = photo_files.write("d_good.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))
    return good, bad


def importer_for(app: Any) -> PhotoImporter:
    return PhotoImporter(app.sessions, library_for(app.sessions, app.paths.data_dir), TODAY)


# --- folder imports and the command line ----------------------------------------------------


def test_a_folder_import_refuses_each_damaged_file_and_imports_the_good_one_after_them(
        app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol)
    good, bad = bad_folder(photo_files)

    outcomes = list(importer_for(app).import_paths([photo_files.root], patient_code="P00123"))

    assert [o.path for o in outcomes] == [*bad, good]
    for outcome in outcomes[:-1]:
        assert outcome.status == REFUSED and bad[outcome.path] in outcome.message, \
            outcome.line()
    assert outcomes[-1].status == IMPORTED, outcomes[-1].line()
    [photo] = rows(app, Photo)
    assert (photo.original_name, photo.completed_step) == (good.name, True)
    assert active_order(app, patient_id) == 2  # completed by the good photo, once


def test_the_command_line_names_each_damaged_file_and_exits_1_without_a_traceback(
        app, db_url, enrol, photo_files, capsys) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol)
    good, bad = bad_folder(photo_files)

    code = main(["--data-dir", str(app.paths.data_dir), "--db", db_url, "import-photos",
                 str(photo_files.root), "--patient", "P00123", "--today", TODAY.isoformat()])

    out, err = capsys.readouterr()
    assert code == 1
    assert err == "", err  # no "something unexpected went wrong", no traceback
    assert "Traceback" not in out
    for path, words in bad.items():
        [line] = [line for line in out.splitlines() if str(path) in line]
        assert line.startswith(f"refused   {path}: ") and words in line, line
    assert f"imported  {good}: P00123: step 1 'Step 1' completed" in out
    assert "4 file(s): 1 imported, 3 refused." in out


def test_an_unforeseen_error_reading_one_file_refuses_it_and_the_import_goes_on(
        sqlite_app, enrol, photo_files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """read_photo turns every failure it knows into a refusal; should one ever slip through,
    the importer still refuses only that file."""
    enrol_one(sqlite_app, enrol)
    first = photo_files.write("a.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))
    second = photo_files.write("b.jpg", photo_bytes("jpeg", seed=2, taken=ON_TODAY))
    real = importer_module.read_photo

    def flaky(path: Path, **options: Any) -> Any:
        if path == first:
            raise TypeError("unsupported operand type(s)")
        return real(path, **options)

    monkeypatch.setattr(importer_module, "read_photo", flaky)
    outcomes = list(importer_for(sqlite_app).import_paths([photo_files.root],
                                                          patient_code="P00123"))

    assert [(o.path, o.status) for o in outcomes] == [(first, REFUSED), (second, IMPORTED)]
    assert "unexpected error" in outcomes[0].message and "log" in outcomes[0].message


def test_stopping_with_ctrl_c_is_not_a_refusal(
        sqlite_app, enrol, photo_files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    enrol_one(sqlite_app, enrol)
    photo_files.write("a.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))

    def interrupted(path: Path, **options: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer_module, "read_photo", interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(importer_for(sqlite_app).import_paths([photo_files.root], patient_code="P00123"))
    assert rows(sqlite_app, Photo) == []


# --- the folder watcher ------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def watched(sqlite_app: Any, photo_files: Any) -> Any:
    with write_session(sqlite_app.sessions) as session:
        settings.set_value(session, "clinic.timezone", "Europe/Berlin")
        settings.set_value(session, "photos.watch_folders", str(photo_files.root))
    photo_files.root.mkdir(parents=True, exist_ok=True)
    return sqlite_app


def poll_twice(app: Any, clock: FakeClock, watcher: FolderWatcher) -> Any:
    """The first poll sees the files, the second (once they were still long enough) takes them."""
    watcher.poll()
    clock.now += 60
    return watcher.poll()


def test_the_watcher_moves_a_damaged_photo_to_failed_once_and_imports_the_good_one(
        watched, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(watched, enrol)
    damaged = photo_files.write("P00123_a_broken.png", png_with_broken_zlib())
    good = photo_files.write("P00123_b_good.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))
    clock = FakeClock()
    watcher = FolderWatcher(watched.sessions, lambda: importer_for(watched), clock=clock)

    report = poll_twice(watched, clock, watcher)

    by_path = {o.path: o for o in report.outcomes}
    assert by_path[good].status == IMPORTED
    refusal = by_path[damaged]
    assert refusal.status == REFUSED and DAMAGED in refusal.message
    failed = photo_files.root / "failed" / damaged.name
    assert failed.exists() and not damaged.exists()
    assert failed.with_name(failed.name + ".txt").read_text(encoding="utf-8") == \
        f"{damaged.name} was not imported: {refusal.message}\n"
    [item] = rows(watched, InboxItem)
    assert (item.status, item.reason, item.source_path) == (REFUSED, refusal.message,
                                                            str(failed))
    assert {(w.path, w.outcome) for w in rows(watched, WatchedFile)} == \
        {(str(damaged), REFUSED), (str(good), IMPORTED)}
    assert active_order(watched, patient_id) == 2

    clock.now += 60  # the next polls do not meet it again
    assert (watcher.poll().outcomes, watcher.poll().outcomes) == ([], [])
    assert len(rows(watched, InboxItem)) == 1


# --- pipes, devices and huge files: refused without being read -------------------------------


def run_briefly(work: Any, unblock: Path | None = None, seconds: float = 20) -> Any:
    """Run `work` in a thread; fail (after unblocking a pipe reader, if any) if it hangs."""
    result: dict[str, Any] = {}

    def target() -> None:
        result["value"] = work()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if unblock is not None:
            with open(unblock, "wb"):  # a writer releases the reader blocked in open()
                pass
        thread.join(5)
        pytest.fail(f"still running after {seconds} s: it waited on {unblock or 'something'}")
    return result["value"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need os.mkfifo (POSIX)")
def test_a_named_pipe_in_the_folder_is_refused_without_waiting_for_a_writer(
        sqlite_app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_one(sqlite_app, enrol)
    pipe = photo_files.target("a_pipe.jpg")
    os.mkfifo(pipe)
    good = photo_files.write("b_good.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))

    outcomes = run_briefly(lambda: list(importer_for(sqlite_app).import_paths(
        [photo_files.root], patient_code="P00123")), unblock=pipe)

    assert [(o.path, o.status) for o in outcomes] == [(pipe, REFUSED), (good, IMPORTED)]
    assert NOT_A_FILE in outcomes[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need os.mkfifo (POSIX)")
def test_the_watcher_moves_a_named_pipe_to_failed_unopened_and_takes_the_photos_beside_it(
        watched, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_one(watched, enrol)
    pipe = photo_files.target("P00123_a_pipe.jpg")
    os.mkfifo(pipe)
    good = photo_files.write("P00123_b_good.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))
    clock = FakeClock()
    watcher = FolderWatcher(watched.sessions, lambda: importer_for(watched), clock=clock)

    def polls() -> list[Any]:
        reports = [watcher.poll()]
        clock.now += 60
        reports += [watcher.poll(), watcher.poll()]
        return reports

    reports = run_briefly(polls, unblock=pipe)

    outcomes = [(o.path, o.status) for r in reports for o in r.outcomes]
    assert outcomes == [(pipe, REFUSED), (good, IMPORTED)]  # each once
    moved = photo_files.root / "failed" / pipe.name
    assert moved.is_fifo() and not pipe.exists()
    assert NOT_A_FILE in (moved.parent / f"{pipe.name}.txt").read_text(encoding="utf-8")
    with watched.sessions() as session:
        assert session.scalars(select(InboxItem.status)).all() == [REFUSED]


def test_a_link_to_a_device_is_refused_without_reading_it(
        sqlite_app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    device = Path("/dev/zero")
    if not device.exists():
        pytest.skip("no /dev/zero here")
    link = photo_files.target("P00123_zero.jpg")
    try:
        link.symlink_to(device)
    except OSError as exc:  # Windows without the right to make symbolic links
        pytest.skip(f"cannot make a symbolic link: {exc}")

    outcome = run_briefly(lambda: importer_for(sqlite_app).import_file(link))

    assert outcome.status == REFUSED and NOT_A_FILE in outcome.message, outcome.line()


def test_a_huge_file_is_refused_by_its_size_before_it_is_read(
        sqlite_app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_one(sqlite_app, enrol)
    huge = photo_files.target("P00123_video.jpg")
    with huge.open("wb") as handle:  # 3 GB, sparse where the file system allows it
        handle.truncate(3 * 1024 ** 3)
    importer = importer_for(sqlite_app)

    tracemalloc.start()
    try:
        started = time.monotonic()
        outcome = importer.import_file(huge)
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert outcome.status == REFUSED
    assert outcome.message == ("the file is 3.0 GB; photo files over 200 MB are not imported "
                               "(is it a video or a disk image?)."), outcome.message
    assert peak < 16 * 1024 ** 2 and seconds < 5, (peak, seconds)
    assert rows(sqlite_app, Photo) == []


def test_a_file_that_grows_while_it_is_read_is_read_no_further_than_the_limit(
        tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    path = tmp_path / "growing.jpg"
    path.write_bytes(photo_bytes("jpeg"))
    limit = path.stat().st_size + 10_000
    monkeypatch.setattr(image_module, "MAX_FILE_BYTES", limit)
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> os.stat_result:
        result = real_fstat(fd)
        with open(path, "ab") as handle:  # the copy goes on after the size was read
            handle.write(b"\0" * 1_000_000)
        return result

    monkeypatch.setattr(image_module.os, "fstat", fstat_then_grow)
    reads: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        read = handle.read

        class Counting:
            def __enter__(self) -> Any:
                handle.__enter__()
                return self

            def __exit__(self, *exc: Any) -> None:
                handle.__exit__(*exc)

            def fileno(self) -> int:
                return handle.fileno()

            def read(self, size: int = -1) -> bytes:
                data = read(size)
                reads.append(len(data))
                return data

        return Counting()

    monkeypatch.setattr(Path, "open", counting_open)
    with pytest.raises(image_module.PhotoRefused, match="photo files over"):
        image_module.read_photo(path, max_megapixels=100, zone=ZoneInfo("Europe/Berlin"))
    assert sum(reads) == limit + 1, reads  # not the million bytes it grew by


def test_an_unforeseen_error_recording_one_file_refuses_only_it_but_a_database_fault_stops(
        sqlite_app, enrol, photo_files, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The folder watcher and inbox assignment import file by file (import_file): a bug met
    while recording one photo refuses that photo; a database that fails is not the file's
    fault, so it is raised (the watcher leaves the file and tries again at the next poll)."""
    from sqlalchemy.exc import OperationalError

    enrol_one(sqlite_app, enrol)
    first = photo_files.write("a.jpg", photo_bytes("jpeg", seed=1, taken=ON_TODAY))
    second = photo_files.write("b.jpg", photo_bytes("jpeg", seed=2, taken=ON_TODAY))
    importer = importer_for(sqlite_app)
    real = importer._record

    def flaky(path: Path, *args: Any) -> Any:
        if path == first:
            raise RuntimeError("a bug")
        return real(path, *args)

    monkeypatch.setattr(importer, "_record", flaky)
    refused = importer.import_file(first, patient_code="P00123")
    assert refused.status == REFUSED and "unexpected error (RuntimeError)" in refused.message
    assert importer.import_file(second, patient_code="P00123").status == IMPORTED

    def database_gone(path: Path, *args: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(importer, "_record", database_gone)
    with pytest.raises(OperationalError):
        importer.import_file(first, patient_code="P00123")


def _claiming(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header (SOF0/SOF2) claiming another size: the pixel data
    then covers only the top-left corner, as in a file cut short and closed with an end marker."""
    import struct

    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in (0xC0, 0xC2):
            return data[:at + 5] + struct.pack(">HH", height, width) + data[at + 9:]
        at += 2 + length
    raise AssertionError("no frame header")


def test_a_jpeg_whose_header_promises_far_more_than_its_data_is_refused_and_completes_nothing(
        sqlite_app, enrol, photo_files) -> None:  # type: ignore[no-untyped-def]
    """A header of 9000 × 11000 with a few kB of data decodes without an error, as flat grey
    filler: it is a damaged photo, not a photo that completes the patient's step."""
    patient_id = enrol_one(sqlite_app, enrol)
    whole = photo_bytes("jpeg", seed=3, taken=ON_TODAY)
    short = photo_files.write("P00123_front.jpg", _claiming(whole, 9000, 11000))
    ended = photo_files.write("P00123_left.jpg",
                              truncated(whole, 0.5) + b"\xff\xd9")  # cut, then closed

    outcomes = list(importer_for(sqlite_app).import_paths([short, ended]))

    assert [o.status for o in outcomes] == [REFUSED, REFUSED]
    assert all("lower part is missing" in o.message or DAMAGED in o.message
               for o in outcomes), [o.message for o in outcomes]
    assert "lower part is missing" in outcomes[0].message
    with sqlite_app.sessions() as session:
        first = session.scalars(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)).first()
        assert first is not None and first.is_active and not first.is_completed
        assert session.scalars(select(Photo)).all() == []
