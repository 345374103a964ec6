"""The photo quality gate: is a photo sharp, well exposed and large enough to judge progress?

Measured once, on import, on the large thumbnail the import makes anyway (photos/image.py),
never on the full-size image: a 12-megapixel photo costs about 4 ms here instead of 0.1 s
(bench/photo_quality.py).
- sharpness: the variance of a 3×3 Laplacian over the grey thumbnail reduced to about
  640 pixels, the scale at which staff look at a photo; a blurred photo has almost no fine
  detail left there (sensor noise adds a little);
- brightness: the mean grey level, in % of white;
- clipped: the share of pixels blown out to white (a flash straight on the teeth);
- long side: the photo's longer side in pixels, as taken (a messenger's preview is small).

Whether a photo passes is a matter of the clinic's thresholds (settings photos.min_sharpness,
photos.min_brightness, photos.max_brightness, photos.max_clipped, photos.min_long_side); a
threshold of 0 (100 for the upper ones) switches its check off.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from clinic_desktop import settings
from clinic_desktop.domain.photo_sets import issue_codes

if TYPE_CHECKING:
    from PIL import Image
    from sqlalchemy.orm import Session

# The issues, in the order staff should read them: the first is the one to fix first.
SMALL = "small"
DARK = "dark"
BRIGHT = "bright"
CLIPPED = "clipped"
BLURRED = "blurred"
ISSUES = (SMALL, DARK, BRIGHT, CLIPPED, BLURRED)

MEASURE_SIDE = 640  # the long side, in pixels, sharpness is measured at
_WHITE = 250  # grey levels from here up count as blown out


@dataclass(frozen=True)
class Measures:
    sharpness: float
    brightness: float  # % of white
    clipped: float  # % of the pixels
    long_side: int  # pixels


@dataclass(frozen=True)
class Thresholds:
    min_sharpness: int
    min_brightness: int
    max_brightness: int
    max_clipped: int
    min_long_side: int

    @classmethod
    def of_clinic(cls, session: Session) -> Thresholds:
        return cls(settings.get(session, "photos.min_sharpness"),
                   settings.get(session, "photos.min_brightness"),
                   settings.get(session, "photos.max_brightness"),
                   settings.get(session, "photos.max_clipped"),
                   settings.get(session, "photos.min_long_side"))


def measure(thumbnail: Image.Image, width: int, height: int) -> Measures:
    """Measure a photo on its large thumbnail (8-bit RGB or grey); `width` × `height` is the
    photo's own size."""
    from PIL import ImageFilter, ImageStat  # imported here: the CLI starts without Pillow

    grey = thumbnail.convert("L")
    factor = max(1, round(max(grey.size) / MEASURE_SIDE))
    if factor > 1:
        grey = grey.reduce(factor)
    # offset 128: Pillow clips a kernel's result to 0..255, and a Laplacian is signed.
    laplacian = grey.filter(ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0),
                                               scale=1, offset=128))
    histogram = grey.histogram()
    pixels = sum(histogram) or 1
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    return Measures(sharpness=round(ImageStat.Stat(laplacian).var[0], 1),
                    brightness=round(mean * 100 / 255, 1),
                    clipped=round(sum(histogram[_WHITE:]) * 100 / pixels, 1),
                    long_side=max(width, height))


def judge(measures: Measures, limits: Thresholds) -> list[str]:
    """The issues of a photo with these measures, most important first; [] = it passes."""
    found = {
        SMALL: measures.long_side < limits.min_long_side,
        DARK: measures.brightness < limits.min_brightness,
        BRIGHT: measures.brightness > limits.max_brightness,
        CLIPPED: measures.clipped > limits.max_clipped,
        BLURRED: measures.sharpness < limits.min_sharpness,
    }
    return [issue for issue in ISSUES if found[issue]]


def stored(measures: Measures, limits: Thresholds) -> str:
    """What a photo keeps in `quality_measures`: the values and the limits it was judged by
    (a clinic may change its limits later; the reason given stays the one that held it)."""
    return json.dumps({"measured": asdict(measures), "limits": asdict(limits)},
                      sort_keys=True)


_WORDS = {
    SMALL: "too small ({long_side} pixels on the long side, at least {min_long_side})",
    DARK: "too dark (brightness {brightness:.0f}%, at least {min_brightness}%)",
    BRIGHT: "too bright (brightness {brightness:.0f}%, at most {max_brightness}%)",
    CLIPPED: "overexposed ({clipped:.0f}% of it pure white, at most {max_clipped}%)",
    BLURRED: "blurred (sharpness {sharpness:.0f}, at least {min_sharpness})",
}


def describe(issue_column: str, measures_column: str) -> str:
    """A photo's issues in staff's words with what was measured, e.g. "blurred (sharpness
    42, at least 100)"."""
    try:
        record = json.loads(measures_column) if measures_column else {}
        values = {**record.get("measured", {}), **record.get("limits", {})}
    except (ValueError, AttributeError, TypeError):  # damaged: the words alone
        values = {}
    words = []
    for code in issue_codes(issue_column):
        template = _WORDS.get(code, code)
        try:
            words.append(template.format(**values))
        except (KeyError, ValueError):  # nothing measured: the words alone
            words.append(template.split(" (")[0])
    return ", ".join(words)
