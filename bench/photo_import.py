"""Benchmark importing 12-megapixel camera JPEGs against the naive decode-everything pipeline."""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import multiprocessing
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

# `python bench/photo_import.py` puts bench/ on sys.path, not the repo root, and the package is
# not necessarily installed in the venv: make the checkout importable either way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps
from sqlalchemy import func, select

from clinic_desktop.app import open_app
from clinic_desktop.config import sqlite_url
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Photo
from clinic_desktop.demo import build_demo
from clinic_desktop.photos.image import THUMB_SIZES
from clinic_desktop.photos.importer import (
    IMPORTED,
    ImportOutcome,
    PhotoImporter,
    library_for,
)

SEED = 20250602
# A fixed day keeps runs comparable; build_demo places every stage relative to it anyway.
TODAY = date(2025, 6, 2)
WIDTH, HEIGHT = 4000, 3000  # 12 megapixels, a typical phone / compact camera
JPEG_QUALITY = 92  # what phones and cameras write; with the noise below, 3.8-5.2 MB a file
NOISE_RANGE = (14, 22)  # ± uniform sensor noise per channel, drawn per photo
TARGET_PER_SECOND = 10.0
TARGET_RATIO = 2.0
_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011


# --- test photos ----------------------------------------------------------------------------

def photo_name(index: int) -> str:
    """P00001_front.jpg, ...: the code matches demo patient number `index + 1`."""
    view = ("front", "left", "right", "upper", "lower")[index % 5]
    return f"P{index + 1:05d}_{view}.jpg"


def make_photo(index: int) -> bytes:
    """A camera-like JPEG: smooth coloured scene, blurred shapes, per-pixel sensor noise.

    Seeded per index, so every file is the same on every run and on every worker process.
    Every third photo is shot in portrait (EXIF orientation 6, pixels stored landscape); two in
    three carry DateTimeOriginal, some of those also the camera's UTC offset.
    """
    rng = random.Random(SEED * 100_003 + index)
    small = (WIDTH // 8, HEIGHT // 8)
    bands = []
    for _ in range(3):
        gradient = Image.linear_gradient("L").rotate(rng.uniform(0, 360)).resize(small)
        low, high = sorted(rng.sample(range(256), 2))
        bands.append(gradient.point(lambda v, lo=low, hi=high: lo + (hi - lo) * v // 255))
    scene = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(scene)
    for _ in range(40):
        x, y, r = rng.randrange(small[0]), rng.randrange(small[1]), rng.randrange(5, 120)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    scene = scene.filter(ImageFilter.GaussianBlur(1.5)).resize((WIDTH, HEIGHT),
                                                               Image.Resampling.BICUBIC)
    amplitude = rng.randint(*NOISE_RANGE)
    spread = [v * (2 * amplitude + 1) // 256 for v in range(256)]
    noise = Image.merge("RGB", [
        Image.frombytes("L", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT)).point(spread)
        for _ in range(3)])
    photo = ImageChops.add(scene, noise, scale=1.0, offset=-amplitude)

    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    exif[0x0110] = "BC-12"  # Model
    exif[_ORIENTATION] = 6 if index % 3 == 0 else 1
    if index % 3 != 2:
        details = exif.get_ifd(_EXIF_IFD)
        details[_DATETIME_ORIGINAL] = f"2025:05:{1 + index % 28:02d} 10:{index % 60:02d}:00"
        if index % 2:
            details[_OFFSET_TIME_ORIGINAL] = "+02:00"
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=JPEG_QUALITY, exif=exif)
    return buffer.getvalue()


def write_photo(job: tuple[int, str]) -> int:
    index, folder = job
    data = make_photo(index)
    (Path(folder) / photo_name(index)).write_bytes(data)
    return len(data)


def make_photos(folder: Path, count: int) -> tuple[list[Path], int]:
    """All photos, on every core (building data is not timed)."""
    jobs = [(i, str(folder)) for i in range(count)]
    with multiprocessing.Pool() as pool:
        sizes = pool.map(write_photo, jobs, chunksize=4)
    return [folder / photo_name(i) for i in range(count)], sum(sizes)


# --- the two pipelines ------------------------------------------------------------------------

NaiveResult = tuple[str, dict[int, tuple[int, int]]]  # sha256, thumbnail size -> (w, h)
Clock = tuple[float, float]  # wall seconds, CPU seconds


def naive_import(path: Path, out: Path) -> NaiveResult:
    """The naive way to do the same job, with the same outputs as the real library.

    Hash over a second read of the file, decode the full 12 MP, rotate the full image, shrink
    each thumbnail separately from a fresh copy of the full image (same filter, quality and
    optimisation as ours), save thumbnails, copy the original.
    """
    with path.open("rb") as stream:
        sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    with Image.open(path) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
    sizes = {}
    for size in THUMB_SIZES:
        thumb = upright.copy()
        thumb.thumbnail((size, size), Image.Resampling.LANCZOS)
        target = out / "thumbs" / sha256[:2] / f"{sha256}_{size}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        thumb.convert("RGB").save(target, "JPEG", quality=85, optimize=True)
        sizes[size] = thumb.size
    original = out / sha256[:2] / f"{sha256}.jpg"
    original.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, original)
    return sha256, sizes


def run_interleaved(paths: list[Path], importer: PhotoImporter, out: Path
                    ) -> tuple[list[ImportOutcome], dict[str, NaiveResult], tuple[Clock, Clock]]:
    """Both pipelines photo by photo, alternating which goes first, so that a busy spell on the
    machine (or a warm cache) hits both alike. Returns wall and CPU seconds of each."""
    outcomes: list[ImportOutcome] = []
    naive: dict[str, NaiveResult] = {}
    ours_wall = ours_cpu = base_wall = base_cpu = 0.0
    for index, path in enumerate(paths):
        for turn in ((0, 1) if index % 2 == 0 else (1, 0)):
            wall, cpu = time.perf_counter(), time.process_time()
            if turn == 0:
                outcomes.append(importer.import_file(path))
                ours_wall += time.perf_counter() - wall
                ours_cpu += time.process_time() - cpu
            else:
                naive[path.name] = naive_import(path, out)
                base_wall += time.perf_counter() - wall
                base_cpu += time.process_time() - cpu
    return outcomes, naive, ((ours_wall, ours_cpu), (base_wall, base_cpu))


def one_core() -> str:
    """Pin this process to one CPU so the numbers mean 'per core' on any machine."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this system)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def import_folder_on_all_cores(root: Path, incoming: Path, count: int) -> float:
    """The same photos as one folder, the way the app and the CLI import a folder: decoded
    ahead by one thread a core while each is recorded in turn. A fresh clinic, every core."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    data_dir = root / "clinic-folder"
    app = open_app(data_dir, sqlite_url(data_dir / "clinic.db"), log_to_file=False)
    try:
        with write_session(app.sessions) as session:
            build_demo(session, TODAY, max(count, 200))
        importer = PhotoImporter(app.sessions, library_for(app.sessions, data_dir), TODAY)
        started = time.perf_counter()
        statuses = Counter(o.status for o in importer.import_paths([incoming]))
        seconds = time.perf_counter() - started
    finally:
        app.close()
    assert statuses == {IMPORTED: count}, statuses
    return count / seconds


def naive_folder_on_all_cores(incoming: Path, out: Path, count: int) -> float:
    """The naive pipeline given the same threads as ours (one a core, at most 4, as
    import_paths uses): like for like, threads against threads."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    paths = sorted(p for p in incoming.iterdir() if p.suffix.lower() == ".jpg")
    started = time.perf_counter()
    with ThreadPoolExecutor(min(4, os.cpu_count() or 1)) as pool:
        done = list(pool.map(lambda path: naive_import(path, out), paths))
    seconds = time.perf_counter() - started
    assert len(done) == count, len(done)
    return count / seconds


def thumb_sizes(folder: Path, sha256: str) -> dict[int, tuple[int, int]]:
    sizes = {}
    for size in THUMB_SIZES:
        with Image.open(folder / "thumbs" / sha256[:2] / f"{sha256}_{size}.jpg") as thumb:
            sizes[size] = thumb.size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200,
                        help="photos, 4000 x 3000 JPEG, one per demo patient (default 200)")
    parser.add_argument("--profile", action="store_true",
                        help="also import the photos again under cProfile into a fresh "
                             "database and print where the time goes (not the result)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-photo-import-") as tmp:
        root = Path(tmp)
        incoming = root / "incoming"
        incoming.mkdir()
        started = time.perf_counter()
        paths, total_bytes = make_photos(incoming, args.count)
        print(f"data: {args.count} JPEGs {WIDTH}x{HEIGHT}, "
              f"{total_bytes / args.count / 1e6:.1f} MB on average "
              f"(min {min(p.stat().st_size for p in paths) / 1e6:.1f}, "
              f"max {max(p.stat().st_size for p in paths) / 1e6:.1f}), "
              f"made in {time.perf_counter() - started:.1f}s (not part of the result)")

        data_dir = root / "clinic"
        # An explicit URL, so CLINIC_DESKTOP_DB_URL can never point the benchmark at real data.
        app = open_app(data_dir, sqlite_url(data_dir / "clinic.db"), log_to_file=False)
        try:
            with write_session(app.sessions) as session:
                build_demo(session, TODAY, max(args.count, 200))
            print("timing on", one_core())

            importer = PhotoImporter(app.sessions, library_for(app.sessions, data_dir), TODAY)
            out = root / "naive"
            outcomes, naive, clocks = run_interleaved(paths, importer, out)
            statuses = Counter(outcome.status for outcome in outcomes)
            with app.sessions() as session:
                rows = dict(session.execute(select(Photo.original_name, Photo.sha256)).all())
                kept = session.scalar(select(func.count()).select_from(Photo))
            ours_thumbs = {sha: thumb_sizes(importer.library.root, sha) for sha in rows.values()}
        finally:
            app.close()
        (ours_s, ours_cpu), (base_s, base_cpu) = clocks
        ours_rate, base_rate = args.count / ours_s, args.count / base_s
        print(f"ours:     {ours_s:.2f}s for {args.count} photos = {ours_rate:.1f} photo/s "
              f"({dict(statuses)}; {kept} Photo rows); CPU {ours_cpu:.2f}s = "
              f"{args.count / ours_cpu:.1f} photo/s of CPU time")
        print(f"baseline: {base_s:.2f}s for {args.count} photos = {base_rate:.1f} photo/s; "
              f"CPU {base_cpu:.2f}s = {args.count / base_cpu:.1f} photo/s of CPU time")
        # Wall time is the result; other programs on the machine only show up in it, so say how
        # busy the machine was (load average over the last minute, this run included).
        print(f"load average (1 min) after timing: {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} CPUs")

        # Same photos kept, same hashes, same thumbnails, or the timing means nothing.
        assert statuses == {IMPORTED: args.count}, statuses
        assert rows == {name: sha for name, (sha, _) in naive.items()}, "hashes disagree"
        for sha, sizes in naive.values():
            for size, (w, h) in sizes.items():
                ow, oh = ours_thumbs[sha][size]
                assert abs(ow - w) <= 1 and abs(oh - h) <= 1, (sha, size, (ow, oh), (w, h))
        portrait = sum(1 for _, sizes in naive.values() if sizes[256][1] > sizes[256][0])
        print(f"checked: same {len(rows)} hashes, thumbnails {sorted(THUMB_SIZES)} px agree "
              f"within 1 px, {portrait} portrait photos upright in both")

        if args.profile:
            profile_dir = root / "profiled"
            app = open_app(profile_dir, sqlite_url(profile_dir / "clinic.db"),
                           log_to_file=False)
            try:
                with write_session(app.sessions) as session:
                    build_demo(session, TODAY, max(args.count, 200))
                importer = PhotoImporter(app.sessions, library_for(app.sessions, profile_dir),
                                         TODAY)
                profiler = cProfile.Profile()
                profiler.enable()
                for path in paths:
                    importer.import_file(path)
                profiler.disable()
            finally:
                app.close()
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("tottime").print_stats(15)
            stats.sort_stats("cumulative").print_stats(30)

        folder_rate = import_folder_on_all_cores(root, incoming, args.count)
        naive_folder_rate = naive_folder_on_all_cores(incoming, root / "naive-folder",
                                                      args.count)
        print(f"whole folder on all cores (import_paths, decoding in threads): "
              f"{folder_rate:.1f} photo/s; the naive way in as many threads: "
              f"{naive_folder_rate:.1f} photo/s")
        print(f"RESULT photo_import_folder ours={folder_rate:.1f}photo/s "
              f"baseline={naive_folder_rate:.1f}photo/s "
              f"ratio={folder_rate / naive_folder_rate:.2f}")

    ratio = ours_rate / base_rate
    print(f"ratio: {ratio:.2f}x (ours / baseline photos per second; > 1 means ours wins)")
    if ours_rate < TARGET_PER_SECOND:
        print(f"NOTE: ours imports {ours_rate:.1f} photo/s, under the {TARGET_PER_SECOND:.0f} "
              "photo/s target")
    if ratio < TARGET_RATIO:
        print(f"NOTE: ratio {ratio:.2f} is under the {TARGET_RATIO:.0f}x target")
    print(f"RESULT photo_import ours={ours_rate:.1f}photo/s baseline={base_rate:.1f}photo/s "
          f"ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
