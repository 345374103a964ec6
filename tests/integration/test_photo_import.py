"""Photo import end to end with real image files made by Pillow, on SQLite and PostgreSQL:
formats, EXIF orientation and dates, damaged files, duplicates, matching, the inbox, step
progression with its email (delivered to a real SMTP server) and the command line."""

from __future__ import annotations

import hashlib
import json
import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw, ImageOps
from servers import configure_smtp
from sqlalchemy import func, select

from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import (
    AuditEvent,
    InboxItem,
    Notification,
    Patient,
    Photo,
    TreatmentStep,
)
from clinic_desktop.domain.progression import plan_is_finished
from clinic_desktop.notify.delivery import deliver_outbox
from clinic_desktop.photos.importer import (
    DUPLICATE,
    IMPORTED,
    REFUSED,
    UNMATCHED,
    PhotoImporter,
    library_for,
)
from clinic_desktop.photos.library import PhotoLibrary

TODAY = date(2026, 3, 10)
START = TODAY - timedelta(days=7)  # a first step of 7 days is finished today
ZONE = ZoneInfo("Europe/Berlin")  # the `app` fixture's clinic zone
ON_TODAY = ("--today", TODAY.isoformat())
STARTED_SUBJECT = "🎯 New Treatment Step Started: 'Step 2'"

# What the camera did to the upright picture, per EXIF Orientation (TIFF 6.0 / EXIF 2.32):
# the stored pixels are the upright picture with the inverse of the display transform applied.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,  # shown turned 90° clockwise, so stored 90° anticlockwise
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,  # shown turned 90° anticlockwise, so stored clockwise
}


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def library(app: Any) -> PhotoLibrary:
    return library_for(app.sessions, app.paths.data_dir)


@pytest.fixture
def importer(app: Any, library: PhotoLibrary) -> PhotoImporter:
    return PhotoImporter(app.sessions, library, TODAY)


@pytest.fixture
def run(app: Any, db_url: str, capsys: pytest.CaptureFixture[str]) -> Any:
    """Run a command in-process against the test's data folder and database."""
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(app.paths.data_dir), "--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def enrol_one(app: Any, enrol: Any, code: str, durations: list[int],
              start: date = START) -> int:
    with write_session(app.sessions) as session:
        return int(enrol(session, code, durations, start).id)


def photos(app: Any, code: str | None = None) -> list[Photo]:
    with app.sessions() as session:
        query = select(Photo).order_by(Photo.id)
        if code:
            query = query.join(Patient).where(Patient.code == code)
        return list(session.scalars(query))


def steps(app: Any, patient_id: int) -> list[TreatmentStep]:
    with app.sessions() as session:
        return list(session.scalars(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)))


def rows(app: Any, model: Any) -> list[Any]:
    with app.sessions() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def colour_at(image: Image.Image, x: int, y: int) -> str:
    r, g, b = image.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    if r > 170 and g < 100 and b < 100:
        return "red"
    if g > 150 and r < 100 and b < 100:
        return "green"
    if min(r, g, b) > 235:
        return "white"
    return f"other {r, g, b}"


def top_corners(image: Image.Image) -> tuple[str, str]:
    """The colours at the centre of the top-left and top-right marker blocks."""
    width, height = image.size
    half = int(height * 0.25) // 2
    return colour_at(image, half, half), colour_at(image, width - 1 - half, half)


def thumbnail(library: PhotoLibrary, sha256: str, size: int = 256) -> Image.Image:
    path = library.thumbnail_path(sha256, size)
    assert path.is_file(), f"no {size} px thumbnail at {path}"
    with Image.open(path) as image:
        image.load()
        return image


def library_files(library: PhotoLibrary) -> list[Path]:
    return sorted(p for p in library.root.rglob("*") if p.is_file()) \
        if library.root.exists() else []


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- formats and orientation --------------------------------------------------------------------


def test_every_exif_orientation_gives_an_upright_thumbnail_and_size(
        app, enrol, importer, library, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [60])
    for orientation, transform in STORED_AS.items():
        upright = photo_files.marked((240, 160))
        stored = upright if transform is None else upright.transpose(transform)
        path = photo_files.jpeg(f"P00123_orientation_{orientation}.jpg", image=stored,
                                orientation=orientation, quality=95)
        with Image.open(path) as raw:  # the file really is as a camera would write it
            assert raw.getexif()[0x0112] == orientation
            reference = ImageOps.exif_transpose(raw)
            assert reference.size == (240, 160) and top_corners(reference) == ("red", "green")

        outcome = importer.import_file(path)

        assert outcome.status == IMPORTED, (orientation, outcome.message)
        photo = photos(app)[-1]
        assert (photo.width, photo.height) == (240, 160), orientation
        for size in (256, 1280):
            thumb = thumbnail(library, photo.sha256, size)
            assert thumb.size == (240, 160), (orientation, size)
            assert top_corners(thumb) == ("red", "green"), (orientation, size)
    assert len(photos(app)) == 8


def _alpha_png(photo_files: Any) -> Path:
    image = Image.new("RGBA", (240, 160), (0, 0, 255, 0))  # fully transparent blue
    ImageDraw.Draw(image).rectangle((0, 0, 39, 39), fill=(*photo_files.RED, 255))
    return photo_files.save(image, "P00123_alpha.png", "PNG")


def _heic(photo_files: Any) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return photo_files.save(photo_files.marked(), "P00123_iphone.heic", "HEIF", quality=90)


def _tiff16(photo_files: Any) -> Path:
    # A 16-bit greyscale scan: a horizontal ramp from 8000 to 31900 of 65535 (dark to mid grey).
    ramp = [8000 + x * 100 for x in range(240)]
    data = b"".join(value.to_bytes(2, "little") for _ in range(160) for value in ramp)
    image = Image.frombytes("I;16", (240, 160), data)
    return photo_files.save(image, "P00123_scan.tif", "TIFF")


def _cmyk(photo_files: Any) -> Path:
    image = Image.new("CMYK", (240, 160), (0, 255, 255, 0))  # printer's red
    return photo_files.save(image, "P00123_print.jpg", "JPEG", quality=95)


def _progressive(photo_files: Any) -> Path:
    return photo_files.jpeg("P00123_progressive.jpg", progressive=True, quality=90)


def _webp(photo_files: Any) -> Path:
    return photo_files.save(photo_files.marked(), "P00123_phone.webp", "WEBP", quality=90)


FORMATS = [  # maker, stored format, library extension, source mode
    (_alpha_png, "PNG", "png", "RGBA"),
    (_heic, "HEIF", "heic", "RGB"),
    (_tiff16, "TIFF", "tif", "I;16"),
    (_cmyk, "JPEG", "jpg", "CMYK"),
    (_progressive, "JPEG", "jpg", "RGB"),
    (_webp, "WEBP", "webp", "RGB"),
]


def test_png_heic_16bit_tiff_cmyk_progressive_and_webp_are_imported(
        app, enrol, importer, library, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [60])
    for make, fmt, extension, mode in FORMATS:
        path = make(photo_files)
        source = path.read_bytes()
        with Image.open(path) as raw:
            assert (raw.format, raw.mode) == (fmt, mode), path.name
            progressive = bool(raw.info.get("progressive"))

        outcome = importer.import_file(path)

        assert outcome.status == IMPORTED, (path.name, outcome.message)
        assert outcome.message.startswith("progress photo for P00123, step 1 'Step 1'")
        photo = photos(app)[-1]
        assert (photo.image_format, photo.width, photo.height) == (fmt, 240, 160), path.name
        assert photo.library_path.endswith(f"{photo.sha256}.{extension}")
        assert library.resolve(photo.library_path).read_bytes() == source
        thumb = thumbnail(library, photo.sha256)
        assert thumb.size == (240, 160) and thumb.mode == "RGB"
        if fmt == "PNG":  # transparent parts on white, the opaque block kept
            assert colour_at(thumb, 20, 20) == "red"
            assert colour_at(thumb, 120, 100) == "white"
        elif fmt == "TIFF":  # scaled to 8 bits, not clipped to white
            low, high = thumb.convert("L").getextrema()  # type: ignore[misc]
            assert high < 200 and high - low > 50, (low, high)
        elif mode == "CMYK":
            assert colour_at(thumb, 120, 80) == "red"
        else:
            assert top_corners(thumb) == ("red", "green"), path.name
        if path.name == "P00123_progressive.jpg":
            assert progressive
    assert len(photos(app)) == len(FORMATS)


# --- files that are refused -----------------------------------------------------------------------


def _truncated_jpeg(photo_files: Any) -> bytes:
    noise = random.Random(7).randbytes(400 * 300 * 3)  # noise does not compress: a long file
    whole = photo_files.jpeg("whole.jpg", image=Image.frombytes("RGB", (400, 300), noise))
    data = whole.read_bytes()
    whole.unlink()
    return data[:len(data) * 6 // 10]  # the copy stopped at 60 %


def _other_format(fmt: str) -> Any:
    def make(photo_files: Any) -> bytes:
        path = photo_files.save(photo_files.picture(), f"real.{fmt.lower()}", fmt)
        data = path.read_bytes()
        path.unlink()
        return data
    return make


REFUSALS = [  # file name, content, the words the reason must contain
    ("P00123_truncated.jpg", _truncated_jpeg,
     "the image is damaged or incomplete (image file is truncated"),
    ("P00123_noise.jpg", lambda _: random.Random(3).randbytes(5000),
     "not an image (or a kind of image Clinic Desktop cannot read). Photos must be JPEG, "
     "PNG, HEIC, WEBP or TIFF."),
    ("P00123_empty.jpg", lambda _: b"", "the file is empty (0 bytes)."),
    ("P00123_bitmap.jpg", _other_format("BMP"),
     "BMP images are not supported. Photos must be JPEG, PNG, HEIC, WEBP or TIFF."),
    ("P00123_animation.jpg", _other_format("GIF"),
     "GIF images are not supported. Photos must be JPEG, PNG, HEIC, WEBP or TIFF."),
]


def test_damaged_empty_and_unsupported_files_are_refused_and_change_nothing(
        app, enrol, importer, library, photo_files, dump_tables, run) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol, "P00123", [7, 14])
    files = [(photo_files.write(name, make(photo_files)), words)
             for name, make, words in REFUSALS]
    before = dump_tables(app.engine)
    for path, words in files:
        content = path.read_bytes()
        outcome = importer.import_file(path)
        assert outcome.status == REFUSED, (path.name, outcome.message)
        assert words in outcome.message, (path.name, outcome.message)
        assert dump_tables(app.engine) == before, path.name
        assert path.read_bytes() == content  # the source is left alone
    assert library_files(library) == []

    code, out, err = run("import-photos", str(photo_files.root), *ON_TODAY)

    assert code == 1 and err == ""
    for path, words in files:
        assert f"refused   {path}: {words}" in out
    assert f"{len(REFUSALS)} file(s): {len(REFUSALS)} refused." in out
    assert dump_tables(app.engine) == before
    assert library_files(library) == []
    assert all(s.is_active is (s.order == 1) for s in steps(app, patient_id))


def test_image_over_the_megapixel_setting_is_refused_without_decoding(
        app, enrol, importer, library, photo_files, dump_tables) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [7, 14])
    path = photo_files.huge_png("P00123_scan.png", 12000, 10000)  # 120 MP, ~15 kB on disk
    assert path.stat().st_size < 100_000
    before = dump_tables(app.engine)

    outcome = importer.import_file(path)

    assert outcome.status == REFUSED
    assert outcome.message == ("the image is 12000 × 10000 pixels (120 megapixels); the limit "
                               "is 100 megapixels (setting photos.max_megapixels).")
    assert dump_tables(app.engine) == before and library_files(library) == []


def test_decompression_bomb_is_refused_naming_the_megapixel_limit(
        app, enrol, importer, library, photo_files, dump_tables) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [7, 14])
    path = photo_files.huge_png("P00123_bomb.png", 20000, 20000)  # 400 MP, ~50 kB on disk
    assert path.stat().st_size < 100_000
    before = dump_tables(app.engine)

    outcome = importer.import_file(path)

    assert outcome.status == REFUSED
    assert dump_tables(app.engine) == before and library_files(library) == []
    # Staff should learn the size and the limit they can change, as for any too-large image.
    assert "megapixels" in outcome.message, outcome.message


# --- duplicates and the library -------------------------------------------------------------------


def test_the_same_photo_twice_is_a_duplicate_and_every_copy_stays_byte_identical(
        app, enrol, library, photo_files, dump_tables, run) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [7, 14])
    path = photo_files.jpeg("P00123_front.jpg")
    original = path.read_bytes()

    code, out, _ = run("import-photos", str(path), *ON_TODAY)
    assert code == 0 and "P00123: step 1 'Step 1' completed; step 2 'Step 2' started" in out
    before = dump_tables(app.engine)
    copy = photo_files.write("again/P00123_front_copy.jpg", original)
    code, out, _ = run("import-photos", str(path), str(copy), *ON_TODAY)

    [photo] = photos(app)
    day = photo.imported_at.astimezone(ZONE).date().isoformat()
    assert code == 1
    for name in (path, copy):
        assert f"duplicate {name}: already imported on {day} for P00123, step 1" in out
    assert "2 file(s): 2 duplicate." in out
    assert dump_tables(app.engine) == before
    assert path.read_bytes() == original  # the source file is still there, untouched
    assert photo.sha256 == hashlib.sha256(original).hexdigest()
    assert photo.file_size == len(original)
    stored = library.resolve(photo.library_path)
    assert stored == library.original_path(photo.sha256, "jpg")
    assert sha256_of(stored) == photo.sha256
    originals = [p for p in library_files(library) if "thumbs" not in p.parts]
    assert originals == [stored]


# --- matching and the inbox ----------------------------------------------------------------------


def test_unknown_code_waits_in_the_inbox_until_staff_assign_it(
        app, enrol, library, photo_files, run) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol, "P00123", [7, 14])
    path = photo_files.jpeg("P09999_front.jpg")

    code, out, _ = run("import-photos", str(path), *ON_TODAY)

    [item] = rows(app, InboxItem)
    assert code == 1
    assert f"unmatched {path}: no patient with code P09999; kept in the photo inbox as item " \
           f"{item.id} (assign it with `clinic-desktop inbox assign {item.id} --patient CODE`)" \
           in out
    assert (item.status, item.reason, item.original_name) == \
        ("unmatched", "no patient with code P09999", "P09999_front.jpg")
    assert library.resolve(item.library_path).read_bytes() == path.read_bytes()
    assert photos(app) == []
    code, out, _ = run("inbox", "list", "--json")
    assert code == 0
    assert [(r["id"], r["status"], r["file"]) for r in json.loads(out)] == \
        [(item.id, "unmatched", "P09999_front.jpg")]

    code, out, _ = run("inbox", "assign", str(item.id), "--patient", "p00123",
                       *ON_TODAY)

    assert code == 0, out
    assert "imported" in out and "P00123: step 1 'Step 1' completed; step 2 'Step 2' started" \
        in out
    [photo] = photos(app, "P00123")
    assert (photo.source_path, photo.original_name) == (str(path), "P09999_front.jpg")
    assert photo.completed_step and photo.sha256 == sha256_of(path)
    [item] = rows(app, InboxItem)
    assert (item.status, item.photo_id) == ("assigned", photo.id)
    first, second = steps(app, patient_id)
    assert first.is_completed and not first.is_active
    assert second.is_active and second.start_date == TODAY
    code, out, _ = run("inbox", "list")
    assert code == 0 and "0 item(s) waiting." in out

    holiday = photo_files.jpeg("holiday.jpg")  # no code at all
    run("import-photos", str(holiday), *ON_TODAY)
    [_, other] = rows(app, InboxItem)
    assert other.reason == "no patient code in the file or folder name (e.g. P00123_front.jpg)"
    code, out, _ = run("inbox", "dismiss", str(other.id))
    assert code == 0 and f"Inbox item {other.id} dismissed." in out
    assert json.loads(run("inbox", "list", "--json")[1]) == []


def test_assigning_to_an_unknown_patient_keeps_the_photo_in_the_inbox(
        app, enrol, photo_files, run) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [7, 14])
    path = photo_files.jpeg("P09999_front.jpg")
    run("import-photos", str(path), *ON_TODAY)
    [item] = rows(app, InboxItem)

    code, out, err = run("inbox", "assign", str(item.id), "--patient", "P07777",
                         *ON_TODAY)

    [item] = rows(app, InboxItem)
    assert (item.status, item.photo_id) == ("unmatched", None), (code, out, err)
    assert [r["id"] for r in json.loads(run("inbox", "list", "--json")[1])] == [item.id]
    assert code == 2 and "P07777" in err, (code, out, err)


def test_codes_are_matched_whole_in_the_file_or_folder_name(
        app, enrol, importer, photo_files) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P0012", [60])
    enrol_one(app, enrol, "P00123", [60])
    expected = {
        "P00123_front.jpg": "P00123",
        "P0012_front.jpg": "P0012",
        "p00123 side (1).jpg": "P00123",
        "P00123/IMG_0001.jpg": "P00123",
        "P0012/2026-03/IMG_0002.jpg": "P0012",
    }
    for name, code in expected.items():
        outcome = importer.import_file(photo_files.jpeg(name))
        assert (outcome.status, outcome.patient_code) == (IMPORTED, code), (name, outcome)
    assert len(photos(app, "P00123")) == 3 and len(photos(app, "P0012")) == 2

    outcome = importer.import_file(photo_files.jpeg("P0012_vs_P00123.jpg"))

    assert outcome.status == UNMATCHED
    assert outcome.message.startswith("the name matches several patients: P0012, P00123; "
                                      "kept in the photo inbox as item")
    assert len(photos(app)) == 5


def test_non_ascii_and_long_file_names_import(
        app, enrol, photo_files, run) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [60])
    long_name = "P00123_Zoë_Ørsted_" + "x" * 150 + ".jpg"
    files = [photo_files.jpeg(long_name), photo_files.jpeg("Fotos für Ärztin/P00123_Größe 😀.jpg")]

    code, out, _ = run("import-photos", *map(str, files), *ON_TODAY)

    assert code == 0, out
    assert f"imported  {files[0]}: progress photo for P00123" in out
    assert [(p.original_name, p.source_path) for p in photos(app, "P00123")] == \
        [(long_name, str(files[0])), ("P00123_Größe 😀.jpg", str(files[1]))]


# --- when the photo was taken ----------------------------------------------------------------


def test_taken_at_comes_from_exif_else_the_file_time_and_taken_overrides(
        app, enrol, importer, photo_files, run) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [60])
    cases = [  # (file, expected taken_at in UTC)
        (photo_files.jpeg("P00123_winter.jpg", taken="2026:03:05 10:30:00"),
         datetime(2026, 3, 5, 9, 30, tzinfo=UTC)),  # Berlin, CET (+1)
        (photo_files.jpeg("P00123_summer.jpg", taken="2026:07:05 10:30:00"),
         datetime(2026, 7, 5, 8, 30, tzinfo=UTC)),  # Berlin, CEST (+2)
        (photo_files.jpeg("P00123_abroad.jpg", taken="2026:03:05 10:30:00", offset="-05:00"),
         datetime(2026, 3, 5, 15, 30, tzinfo=UTC)),  # the camera said where it was
    ]
    no_exif = photo_files.jpeg("P00123_no_exif.jpg")
    file_time = datetime(2026, 3, 4, 8, 15, 42, tzinfo=UTC)
    os.utime(no_exif, (file_time.timestamp(), file_time.timestamp()))
    cases.append((no_exif, file_time))
    for path, expected in cases:
        assert importer.import_file(path).status == IMPORTED
        assert photos(app)[-1].taken_at == expected, path.name

    with_exif = photo_files.jpeg("P00123_override.jpg", taken="2026:03:05 10:30:00")
    code, _, _ = run("import-photos", str(with_exif), "--taken", "2026-03-06",
                     *ON_TODAY)

    assert code == 0
    assert photos(app)[-1].taken_at == datetime(2026, 3, 6, 11, 0, tzinfo=UTC)  # noon, Berlin


# --- the photo moves the plan on ---------------------------------------------------------------


def test_photo_for_a_finished_step_starts_the_next_and_its_email_is_delivered(
        app, enrol, photo_files, run, smtp_server_factory) -> None:  # type: ignore[no-untyped-def]
    server = smtp_server_factory("none")
    with write_session(app.sessions) as session:
        configure_smtp(session, server)
    patient_id = enrol_one(app, enrol, "P00123", [7, 14, 7])
    path = photo_files.jpeg("P00123_front.jpg")

    code, out, _ = run("import-photos", str(path), *ON_TODAY)

    assert code == 0
    assert f"imported  {path}: P00123: step 1 'Step 1' completed; step 2 'Step 2' started" in out
    first, second, third = steps(app, patient_id)
    assert (first.is_completed, first.is_active) == (True, False)
    assert (second.is_active, second.start_date) == (True, TODAY)
    assert (third.is_active, third.start_date) == (False, None)
    [photo] = photos(app)
    assert (photo.step_id, photo.completed_step) == (first.id, True)
    [mail] = rows(app, Notification)
    assert (mail.kind, mail.subject, mail.status, mail.step_id, mail.recipient) == \
        ("step_started", STARTED_SUBJECT, "queued", second.id, "p00123@example.org")
    with app.sessions() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "photo_imported")).all()
    assert [(e.patient_id, e.entity_id) for e in events] == [(patient_id, photo.id)]
    assert events[0].detail.startswith("P00123_front.jpg: P00123: step 1 'Step 1' completed")

    report = deliver_outbox(app.sessions)
    again = deliver_outbox(app.sessions)

    assert (report.sent, report.error, again.sent) == (1, "", 0)
    assert server.subjects == [STARTED_SUBJECT]
    assert server.messages[0]["To"].addresses[0].addr_spec == "p00123@example.org"
    assert [m.status for m in rows(app, Notification)] == ["sent"]


def test_an_early_photo_changes_nothing_unless_staff_complete_the_step(
        app, enrol, photo_files, dump_tables, run) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol, "P00123", [14, 14])  # due on 2026-03-17
    before = dump_tables(app.engine)
    early = photo_files.jpeg("P00123_early.jpg")

    code, out, _ = run("import-photos", str(early), *ON_TODAY)

    assert code == 0
    assert f"imported  {early}: progress photo for P00123, step 1 'Step 1' (taken 2026-03-10, " \
           "due 2026-03-17); " \
           "nothing else changes" in out
    after = dump_tables(app.engine)
    assert {name for name in after if after[name] != before[name]} == \
        {"photo", "audit_event", "audit_chain_head"}
    assert rows(app, Notification) == []
    assert [(p.step_id, p.completed_step) for p in photos(app)] == \
        [(steps(app, patient_id)[0].id, False)]

    confirmed = photo_files.jpeg("P00123_confirmed.jpg")
    code, out, _ = run("import-photos", str(confirmed), "--complete-step",
                       *ON_TODAY)

    assert code == 0 and "P00123: step 1 'Step 1' completed; step 2 'Step 2' started" in out
    first, second = steps(app, patient_id)
    assert first.is_completed and (second.is_active, second.start_date) == (True, TODAY)
    assert [(m.kind, m.subject) for m in rows(app, Notification)] == \
        [("step_started", STARTED_SUBJECT)]


def test_a_photo_for_the_last_step_finishes_the_plan(
        app, enrol, importer, photo_files) -> None:  # type: ignore[no-untyped-def]
    patient_id = enrol_one(app, enrol, "P00123", [7])

    outcome = importer.import_file(photo_files.jpeg("P00123_final.jpg"))

    assert (outcome.status, outcome.message) == \
        (IMPORTED, "P00123: step 1 'Step 1' completed; plan finished")
    with app.sessions() as session:
        assert plan_is_finished(session, patient_id)
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "plan_finished")) == 1
    assert rows(app, Notification) == []
    # Another photo of the same visit belongs with the one that finished the plan.
    later = importer.import_file(photo_files.jpeg("P00123_after.jpg"))
    assert later.status == IMPORTED and later.step_order == 1
    assert later.message.startswith("record photo for P00123, step 1 'Step 1' (completed")


# --- exit codes -----------------------------------------------------------------------------------


def test_import_exit_codes(app, enrol, photo_files, dump_tables, run) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [60])
    code, out, _ = run("import-photos", str(photo_files.jpeg("P00123_a.jpg")), *ON_TODAY)
    assert code == 0 and "1 file(s): 1 imported." in out
    good = photo_files.jpeg("mixed/P00123_b.jpg")
    photo_files.write("mixed/P00123_c.jpg", b"not a photo at all")
    code, out, _ = run("import-photos", str(good.parent), *ON_TODAY)
    assert code == 1 and "2 file(s): 1 imported, 1 refused." in out
    code, out, _ = run("import-photos", str(photo_files.root / "no-such-folder"), *ON_TODAY)
    assert code == 1 and "there is no such file or folder" in out

    no_code = photo_files.jpeg("holiday.jpg")
    before = dump_tables(app.engine)
    code, out, err = run("import-photos", str(no_code), "--patient", "P99999", *ON_TODAY)
    assert code == 2 and "There is no patient with code P99999." in err and out == ""
    assert dump_tables(app.engine) == before
    code, out, _ = run("import-photos", str(no_code), "--patient", "p00123", *ON_TODAY)
    assert code == 0 and "progress photo for P00123" in out
    assert len(photos(app, "P00123")) == 3


# --- assigning an inbox photo to a chosen step ------------------------------------------------


def _waiting_in_inbox(importer: PhotoImporter, photo_files: Any, name: str) -> int:
    outcome = importer.import_file(photo_files.jpeg(name))
    assert outcome.status == UNMATCHED and outcome.inbox_id, outcome.line()
    return outcome.inbox_id


def _step_two_due_today(app: Any, enrol: Any) -> int:
    """P00123: step 1 completed (3 days from START), step 2 active and finished today."""
    from clinic_desktop.domain.progression import advance

    with write_session(app.sessions) as session:
        patient = enrol(session, "P00123", [3, 4, 14], START)
        first = session.scalars(select(TreatmentStep).where(
            TreatmentStep.patient_id == patient.id, TreatmentStep.order == 1)).one()
        advance(session, first, START + timedelta(days=3), reason="test set-up",
                progressed_by="staff")
        return int(patient.id)


def test_assigning_to_the_active_step_by_number_advances_it_as_without_a_step(
        app, enrol, importer, photo_files) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.photos.inbox import assign

    patient_id = _step_two_due_today(app, enrol)
    item_id = _waiting_in_inbox(importer, photo_files, "IMG_0001.jpg")

    outcome = assign(importer, item_id, "P00123", step_order=2)

    assert (outcome.status, outcome.step_order, outcome.message) == \
        (IMPORTED, 2, "P00123: step 2 'Step 2' completed; step 3 'Step 3' started")
    _, second, third = steps(app, patient_id)
    assert second.is_completed and (third.is_active, third.start_date) == (True, TODAY)
    [photo] = photos(app, "P00123")
    assert (photo.step_id, photo.completed_step) == (second.id, True)
    assert [(m.kind, m.step_id) for m in rows(app, Notification)] == \
        [("step_started", second.id), ("step_started", third.id)]
    [item] = rows(app, InboxItem)
    assert (item.status, item.photo_id) == ("assigned", photo.id)
    with app.sessions() as session:
        detail = session.scalar(select(AuditEvent.detail).where(
            AuditEvent.action == "inbox_assigned"))
    assert detail == ("IMG_0001.jpg → P00123: P00123: step 2 'Step 2' completed; step 3 "
                      "'Step 3' started (step 2 chosen by staff)")


def test_assigning_to_an_earlier_step_files_it_there_and_moves_nothing(
        app, enrol, importer, photo_files, dump_tables) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.photos.inbox import assign

    patient_id = _step_two_due_today(app, enrol)
    item_id = _waiting_in_inbox(importer, photo_files, "IMG_0002.jpg")
    before = dump_tables(app.engine)

    outcome = assign(importer, item_id, "p00123", step_order=1)

    first, second, third = steps(app, patient_id)
    completed_on = first.completed_at.astimezone(ZONE).date().isoformat()
    assert (outcome.status, outcome.step_order, outcome.progressed) == (IMPORTED, 1, "")
    assert outcome.message == (f"record photo for P00123, step 1 'Step 1' (completed on "
                               f"{completed_on}); nothing else changes")
    [photo] = photos(app, "P00123")
    assert (photo.step_id, photo.completed_step) == (first.id, False)
    # Step 2 is finished today, yet a photo of step 1 does not complete it, and no email.
    assert (second.is_active, second.is_completed, third.is_active) == (True, False, False)
    after = dump_tables(app.engine)
    assert {name for name in after if after[name] != before[name]} == \
        {"photo", "photo_inbox", "audit_event", "audit_chain_head"}
    with app.sessions() as session:
        details = dict(session.execute(select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.action.in_(["photo_imported", "inbox_assigned"]))).all())
    assert details["photo_imported"].endswith("(step 1 chosen by staff)")
    assert "step 1 'Step 1'" in details["inbox_assigned"]


def test_assigning_to_a_step_that_has_not_started_is_refused_and_changes_nothing(
        app, enrol, importer, library, photo_files, dump_tables) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.errors import NotFoundError, RuleError
    from clinic_desktop.photos.inbox import assign

    _step_two_due_today(app, enrol)
    item_id = _waiting_in_inbox(importer, photo_files, "IMG_0003.jpg")
    before, files = dump_tables(app.engine), library_files(library)

    with pytest.raises(RuleError) as later:
        assign(importer, item_id, "P00123", step_order=3)
    with pytest.raises(NotFoundError) as unknown:
        assign(importer, item_id, "P00123", step_order=9)

    assert str(later.value) == ("Step 3 'Step 3' of P00123 has not started yet (the active "
                                "step is 2 'Step 2'); a photo can go under the active step "
                                "or an earlier one.")
    assert str(unknown.value) == "P00123 has no step 9; their steps are 1 to 3."
    assert dump_tables(app.engine) == before and library_files(library) == files
    [item] = rows(app, InboxItem)
    assert (item.status, item.photo_id) == ("unmatched", None)
    assert photos(app) == []


def test_a_dropped_file_for_a_step_that_has_not_started_is_refused_before_the_library(
        app, enrol, importer, library, photo_files, dump_tables) -> None:  # type: ignore[no-untyped-def]
    _step_two_due_today(app, enrol)
    before = dump_tables(app.engine)

    outcome = importer.import_file(photo_files.jpeg("front.jpg"), patient_code="P00123",
                                   step_order=3)

    assert outcome.status == REFUSED
    assert outcome.message.startswith("Step 3 'Step 3' of P00123 has not started yet")
    assert dump_tables(app.engine) == before and library_files(library) == []


def test_cli_inbox_assign_and_import_photos_take_a_step(
        app, enrol, importer, photo_files, dump_tables, run) -> None:  # type: ignore[no-untyped-def]
    patient_id = _step_two_due_today(app, enrol)
    item_id = _waiting_in_inbox(importer, photo_files, "IMG_0004.jpg")
    before = dump_tables(app.engine)

    code, out, err = run("inbox", "assign", str(item_id), "--patient", "P00123", "--step", "3",
                         *ON_TODAY)
    assert (code, out) == (1, "")
    assert err == ("error: Step 3 'Step 3' of P00123 has not started yet (the active step is "
                   "2 'Step 2'); a photo can go under the active step or an earlier one.\n")
    code, out, err = run("inbox", "assign", str(item_id), "--patient", "P00123", "--step", "0",
                         *ON_TODAY)
    assert (code, err) == (2, "error: P00123 has no step 0; their steps are 1 to 3.\n")
    assert dump_tables(app.engine) == before

    code, out, _ = run("inbox", "assign", str(item_id), "--patient", "P00123", "--step", "1",
                       *ON_TODAY)

    assert code == 0, out
    assert out.startswith("imported ") and "record photo for P00123, step 1 'Step 1'" in out
    first, second, _ = steps(app, patient_id)
    assert [p.step_id for p in photos(app, "P00123")] == [first.id]
    assert second.is_active and json.loads(run("inbox", "list", "--json")[1]) == []

    extra = photo_files.jpeg("extra/front.jpg")
    code, out, err = run("import-photos", str(extra), "--step", "1", *ON_TODAY)
    assert (code, out) == (2, "") and "--step needs --patient" in err
    code, out, _ = run("import-photos", str(extra), "--patient", "P00123", "--step", "1",
                       *ON_TODAY)
    assert code == 0 and "record photo for P00123, step 1 'Step 1'" in out
    code, out, _ = run("import-photos", str(photo_files.jpeg("extra/side.jpg")), "--patient",
                       "P00123", "--step", "2", *ON_TODAY)
    assert code == 0 and "P00123: step 2 'Step 2' completed; step 3 'Step 3' started" in out
    assert [p.step_id for p in photos(app, "P00123")] == [first.id, first.id, second.id]


# --- folders: decoded ahead in threads, recorded one at a time, in order --------------------------


def _mixed_folder(photo_files: Any) -> list[tuple[str, str]]:
    """Eight files: photos for two patients, a broken one, a stranger, a copy."""
    first = photo_files.jpeg("a/P00123_1.jpg", size=(1600, 1200))
    photo_files.jpeg("a/P00123_2.jpg", size=(1200, 1600), orientation=6)
    photo_files.write("a/P00124_broken.jpg", first.read_bytes()[:2000])
    photo_files.jpeg("b/P00124_1.jpg", size=(2000, 1500))
    photo_files.jpeg("b/IMG_0001.jpg")
    photo_files.write("b/P00123_copy.jpg", first.read_bytes())
    photo_files.jpeg("c/P00124_2.jpg")
    photo_files.write("c/notes.jpg", b"not a picture at all")
    return [("P00123_1.jpg", IMPORTED), ("P00123_2.jpg", IMPORTED),
            ("P00124_broken.jpg", REFUSED), ("IMG_0001.jpg", UNMATCHED),
            ("P00123_copy.jpg", DUPLICATE), ("P00124_1.jpg", IMPORTED),
            ("P00124_2.jpg", IMPORTED), ("notes.jpg", REFUSED)]


@pytest.mark.parametrize("workers", [1, 3])
def test_a_folder_imports_in_name_order_whatever_the_threads(
        app, enrol, importer, photo_files, workers) -> None:  # type: ignore[no-untyped-def]
    for code in ("P00123", "P00124"):
        enrol_one(app, enrol, code, [30, 30])
    expected = _mixed_folder(photo_files)

    outcomes = list(importer.import_paths([photo_files.root], workers=workers))

    assert [(o.path.name, o.status) for o in outcomes] == expected
    assert sorted(p.original_name for p in photos(app)) == [
        "P00123_1.jpg", "P00123_2.jpg", "P00124_1.jpg", "P00124_2.jpg"]


def test_stopping_a_folder_import_leaves_the_rest_untouched(
        app, enrol, importer, photo_files, dump_tables) -> None:  # type: ignore[no-untyped-def]
    enrol_one(app, enrol, "P00123", [30, 30])
    for n in range(12):
        photo_files.jpeg(f"P00123_{n:02d}.jpg", size=(1200, 900))

    imports = importer.import_paths([photo_files.root], workers=3)
    done = [next(imports) for _ in range(4)]
    imports.close()  # what the window's Stop button does (the loop stops asking)

    assert [o.status for o in done] == [IMPORTED] * 4
    assert sorted(p.original_name for p in photos(app)) == [f"P00123_{n:02d}.jpg"
                                                            for n in range(4)]
    before = dump_tables(app.engine)
    assert [o.status for o in importer.import_paths([photo_files.root])] == \
        [DUPLICATE] * 4 + [IMPORTED] * 8  # the rest imports whole next time
    assert dump_tables(app.engine) != before
