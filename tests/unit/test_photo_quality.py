"""The photo quality gate's measure: camera-like 12 MP photos sorted by the clinic defaults."""

from __future__ import annotations

import functools
import time
from zoneinfo import ZoneInfo

import pytest
from servers import camera_jpeg

from clinic_desktop import settings
from clinic_desktop.photos import quality
from clinic_desktop.photos.image import decode_photo

pytestmark = pytest.mark.usefixtures("quality_gate")


def default_limits() -> quality.Thresholds:
    def default(key: str) -> int:
        spec = settings.SPECS[f"photos.{key}"]
        return spec.parse(spec.default())

    return quality.Thresholds(default("min_sharpness"), default("min_brightness"),
                              default("max_brightness"), default("max_clipped"),
                              default("min_long_side"))


@functools.cache
def measured(version: str) -> quality.Measures:
    return decode_photo(camera_jpeg(version), f"{version}.jpg", max_megapixels=100,
                        zone=ZoneInfo("UTC")).quality


@pytest.mark.parametrize(("version", "issues"), [
    ("sharp", []),
    ("soft", []),  # a little soft, as phones often are: still fine
    ("blurred", [quality.BLURRED]),
    ("dark", [quality.DARK]),
    ("overexposed", [quality.CLIPPED]),
    ("preview", [quality.SMALL]),
])
def test_the_default_limits_sort_versions_of_one_photo(version: str, issues: list[str]) -> None:
    assert quality.judge(measured(version), default_limits()) == issues


def test_sharpness_falls_as_the_photo_blurs_and_exposure_follows_the_light() -> None:
    sharp, soft, blurred = measured("sharp"), measured("soft"), measured("blurred")
    dark, bright = measured("dark"), measured("overexposed")
    assert sharp.sharpness > soft.sharpness > 4 * blurred.sharpness
    assert dark.brightness < sharp.brightness < bright.brightness
    assert bright.clipped > 10 > sharp.clipped
    assert sharp.long_side == 4000 and measured("preview").long_side == 640


def test_a_check_set_to_its_off_value_never_holds() -> None:
    off = quality.Thresholds(0, 0, 100, 100, 0)
    for version in ("blurred", "dark", "overexposed", "preview"):
        assert quality.judge(measured(version), off) == [], version


def test_staff_read_the_reason_with_what_was_measured_and_the_limit() -> None:
    limits = default_limits()
    blurred = measured("blurred")
    column = quality.stored(blurred, limits)
    text = quality.describe(quality.BLURRED, column)
    assert text == (f"blurred (sharpness {blurred.sharpness:.0f}, at least "
                    f"{limits.min_sharpness})")
    assert quality.describe("dark,blurred", "") == "too dark, blurred"  # nothing measured
    assert quality.describe("blurred", "{not json") == "blurred"


def test_measuring_the_large_thumbnail_takes_under_10_ms() -> None:
    """The import already has the 1280-pixel thumbnail in memory; measuring it is the cost.
    CPU time of this thread, best of 5: other tests running on the same cores do not count."""
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(camera_jpeg("sharp"))) as image:
        image.draft("RGB", (1280, 960))
        image.load()
        thumbnail = image.copy()
    thumbnail.thumbnail((1280, 1280))
    best = min(_timed(lambda: quality.measure(thumbnail, 4000, 3000)) for _ in range(5))
    assert best < 0.010, f"{best * 1000:.1f} ms"


def _timed(work: object) -> float:
    start = time.thread_time()
    work()  # type: ignore[operator]
    return time.thread_time() - start
