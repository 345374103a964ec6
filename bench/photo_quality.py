"""Benchmark the photo quality gate's measure against measuring the full-size decode.

The import decodes each photo once, at the scale its largest thumbnail (1280 px) needs, and
the gate measures that thumbnail (photos/quality.py). The naive way to add such a check is to
open the photo again at full size and measure that. Both are timed per photo, in CPU seconds
of this thread, best of several runs, on the 12 MP phone-like photos of a smile the gate's
tests use (tests/servers.py camera_scene, one per seed) and on out-of-focus, dark and
overexposed versions of them; the script checks that both ways hold the same photos for the
same reasons.

    python bench/photo_quality.py [--count 6]

RESULT photo_quality ours=<ms>ms baseline=<ms>ms ratio=<baseline/ours>
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

# `python bench/photo_quality.py` puts bench/ on sys.path, not the repo root; the test photos
# are made by tests/servers.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageEnhance, ImageFilter
from servers import camera_scene

from clinic_desktop import settings
from clinic_desktop.photos import quality
from clinic_desktop.photos.image import THUMB_SIZES, decode_photo

BUDGET_MS = 10.0
REPEATS = 5
LARGEST = max(THUMB_SIZES)


def versions(image: Image.Image) -> dict[str, bytes]:
    """The photo as taken, and as it would be out of focus, underexposed or overexposed, as
    quality-92 JPEGs (as phones write them)."""
    result = {}
    for name, picture in {"as taken": image,
                          "blurred": image.filter(ImageFilter.GaussianBlur(8)),
                          "dark": ImageEnhance.Brightness(image).enhance(0.25),
                          "overexposed": ImageEnhance.Brightness(image).enhance(2.2)}.items():
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=92)
        result[name] = buffer.getvalue()
    return result


def large_thumbnail(data: bytes) -> tuple[Image.Image, int, int]:
    """What the import has in memory when the gate measures: the 1280 px thumbnail (made
    the way photos/image.py makes it; not timed, the import makes it anyway)."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        image.draft("RGB", (LARGEST, LARGEST * height // width))
        image.load()
        thumbnail = image.convert("RGB")
    thumbnail.thumbnail((LARGEST, LARGEST), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return thumbnail, width, height


def naive(data: bytes) -> quality.Measures:
    """The same measure, on the photo opened again and decoded at full size."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return quality.measure(image.convert("RGB"), *image.size)


def _on_an_edge(ours: quality.Measures, full: quality.Measures,
                limits: quality.Thresholds) -> bool:
    return (min(abs(m.brightness - b) for m in (ours, full)
                for b in (limits.min_brightness, limits.max_brightness)) <= 1
            or min(abs(m.clipped - limits.max_clipped) for m in (ours, full)) <= 1
            or min(abs(m.sharpness / limits.min_sharpness - 1) for m in (ours, full)) <= 0.1)


def best_cpu_seconds(work: Callable[..., object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.thread_time()
        work()
        best = min(best, time.thread_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=6, help="photos (each in 4 versions)")
    args = parser.parse_args()
    limits = quality.Thresholds(*(settings.SPECS[f"photos.{key}"].parse(
        settings.SPECS[f"photos.{key}"].default()) for key in (
        "min_sharpness", "min_brightness", "max_brightness", "max_clipped", "min_long_side")))

    started = time.perf_counter()
    photos = {(index, name): data for index in range(args.count)
              for name, data in versions(camera_scene(seed=index)).items()}
    print(f"built {len(photos)} 12 MP JPEGs ({args.count} photos × 4 versions) in "
          f"{time.perf_counter() - started:.1f} s (not timed)")

    ours_times, naive_times, held, edge = [], [], {}, []
    for key, data in photos.items():
        thumbnail, width, height = large_thumbnail(data)
        ours = quality.measure(thumbnail, width, height)
        baseline = naive(data)
        # The import's own decode measures the same way (photos/image.py).
        assert decode_photo(data, "bench.jpg", max_megapixels=100,
                            zone=ZoneInfo("UTC")).quality.long_side == ours.long_side
        verdict = quality.judge(ours, limits)
        if verdict != quality.judge(baseline, limits):
            # Only a photo on the edge of a limit may go either way: the thumbnail's pixels
            # are the full image's, averaged.
            assert _on_an_edge(ours, baseline, limits), (key, ours, baseline)
            edge.append(key)
        held[key] = verdict
        ours_times.append(best_cpu_seconds(
            lambda t=thumbnail, w=width, h=height: quality.measure(t, w, h)))
        naive_times.append(best_cpu_seconds(lambda d=data: naive(d)))

    for name in ("as taken", "blurred", "dark", "overexposed"):
        found = sorted({",".join(v) or "-" for (_, n), v in held.items() if n == name})
        print(f"{name:>12}: held for {' / '.join(found)}")
    ours_ms = 1000 * sum(ours_times) / len(ours_times)
    naive_ms = 1000 * sum(naive_times) / len(naive_times)
    print(f"per photo, CPU of one thread, best of {REPEATS}: ours {ours_ms:.2f} ms (worst "
          f"{1000 * max(ours_times):.2f} ms), full-size decode and measure {naive_ms:.1f} ms")
    print(f"the same photos held for the same reasons both ways, but {len(edge)} within a "
          f"point of a limit: {edge}")
    if max(ours_times) * 1000 >= BUDGET_MS:
        print(f"NOTE: a photo took {1000 * max(ours_times):.1f} ms, over the "
              f"{BUDGET_MS:.0f} ms budget")
    print(f"RESULT photo_quality ours={ours_ms:.2f}ms baseline={naive_ms:.1f}ms "
          f"ratio={naive_ms / ours_ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
