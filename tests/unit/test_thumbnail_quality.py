"""Thumbnails are made with the cheapest resize filter that keeps LANCZOS's quality: one whose
result differs from LANCZOS's by no more than saving the thumbnail as a quality-85 JPEG already
does, on a camera-like photo and on sharp detail (text, fine lines), while the next cheaper
filter does not keep it."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from clinic_desktop.photos.image import THUMB_FILTERS

# From cheapest to dearest (Pillow's own order of cost).
CHEAPEST_FIRST = [Image.Resampling.NEAREST, Image.Resampling.BOX, Image.Resampling.BILINEAR,
                  Image.Resampling.HAMMING, Image.Resampling.BICUBIC, Image.Resampling.LANCZOS]


def camera_like() -> Image.Image:
    """A smooth scene with sensor noise, as a 12 MP phone photo decoded at half size."""
    rng = random.Random(5)
    small = Image.new("RGB", (40, 30))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256))
                   for _ in range(40 * 30)])
    scene = small.resize((2000, 1500), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((2000, 1500), 12).convert("RGB")
    return Image.blend(scene, noise, 0.08).filter(ImageFilter.SMOOTH)


def sharp_detail() -> Image.Image:
    """Fine lines and small text: where a cheap filter shows."""
    image = Image.new("RGB", (2000, 1500), "white")
    draw = ImageDraw.Draw(image)
    rng = random.Random(3)
    for x in range(0, 2000, 4):
        draw.line([(x, 0), (x + 150, 1500)], fill=(rng.randrange(256),) * 3, width=1)
    for _ in range(300):
        draw.text((rng.randrange(2000), rng.randrange(1500)), "P00123 front", fill="black")
    return image


def error(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel (0-255)."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def shrunk(image: Image.Image, size: int, method: Image.Resampling) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((size, size), method, reducing_gap=2.0)
    return copy


def as_jpeg(image: Image.Image) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return Image.open(buffer).convert("RGB")


@pytest.mark.parametrize("size", sorted(THUMB_FILTERS, reverse=True))
def test_the_thumbnail_filter_is_the_cheapest_that_keeps_lanczos_quality(size: int) -> None:
    def keeps_quality(method: Image.Resampling) -> bool:
        for photo in (camera_like(), sharp_detail()):
            source = photo if size == max(THUMB_FILTERS) else \
                shrunk(photo, max(THUMB_FILTERS), THUMB_FILTERS[max(THUMB_FILTERS)])
            reference = shrunk(source, size, Image.Resampling.LANCZOS)
            if error(shrunk(source, size, method), reference) > \
                    error(as_jpeg(reference), reference):
                return False
        return True

    chosen = THUMB_FILTERS[size]
    assert keeps_quality(chosen), f"{chosen.name} loses detail at {size} px"
    cheaper = CHEAPEST_FIRST[CHEAPEST_FIRST.index(chosen) - 1]
    assert not keeps_quality(cheaper), f"{cheaper.name} would do at {size} px, and costs less"
