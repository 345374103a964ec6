"""Read a photo once: validate it by decoding, hash it, find when it was taken, make thumbnails."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import stat
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import pillow_heif
from PIL import Image, UnidentifiedImageError

from clinic_desktop.errors import ClinicError
from clinic_desktop.photos.quality import Measures, measure
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

pillow_heif.register_heif_opener()  # iPhone photos (HEIC)

log = logging.getLogger(__name__)

# Pillow refuses images above ~179 megapixels on its own, before our clearer check can name
# the size and the setting; we check photos.max_megapixels from the header, before decoding.
Image.MAX_IMAGE_PIXELS = None

# A phone photo is a few MB and a 100-megapixel TIFF about 300 MB uncompressed; anything larger
# is a video or a disk image dropped by mistake, and must not be read into memory whole.
MAX_FILE_BYTES = 200 * 1024 * 1024
# What damaged image data makes Pillow and pillow-heif raise; anything else is a surprise
# worth a warning with the traceback in the log (the file is refused either way).
_DAMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, zlib.error, struct.error)
NOT_AN_ORDINARY_FILE = sentence(QT_TRANSLATE_NOOP(
    "core", "not an ordinary file (a folder, a device, a pipe or a link to one of those, or a "
    "link to nothing); only photo files are imported."))()
# Why a file is refused, after its name ("IMG_1.jpg: the file is empty (0 bytes).").
_GONE = sentence(QT_TRANSLATE_NOOP("core", "the file is gone (moved or deleted)."))
_LOCKED = sentence(QT_TRANSLATE_NOOP(
    "core", "no permission to read it, or another program still has it open."))
_UNREADABLE = sentence(QT_TRANSLATE_NOOP("core", "cannot be read ({why})."))
_TOO_BIG = sentence(QT_TRANSLATE_NOOP(
    "core", "the file is {size}; photo files over {limit} are not imported (is it a video or a "
    "disk image?)."))
_EMPTY = sentence(QT_TRANSLATE_NOOP("core", "the file is empty (0 bytes)."))
_BOMB = sentence(QT_TRANSLATE_NOOP("core", "the image is far too large to open safely."))
_NO_MEMORY = sentence(QT_TRANSLATE_NOOP(
    "core", "the image is too large to open with the memory this computer has."))
_DAMAGED = sentence(QT_TRANSLATE_NOOP(
    "core", "the image is damaged or incomplete. If it is still being copied, try again when "
    "the copy has finished."))
_DAMAGED_SAYS = sentence(QT_TRANSLATE_NOOP(
    "core", "the image is damaged or incomplete ({why}). If it is still being copied, try "
    "again when the copy has finished."))
_NOT_AN_IMAGE = sentence(QT_TRANSLATE_NOOP(
    "core", "not an image (or a kind of image Clinic Desktop cannot read). Photos must be "
    "JPEG, PNG, HEIC, WEBP or TIFF."))
_UNSUPPORTED = sentence(QT_TRANSLATE_NOOP(
    "core", "{kind} images are not supported. Photos must be JPEG, PNG, HEIC, WEBP or TIFF."))
_TOO_MANY_PIXELS = sentence(QT_TRANSLATE_NOOP(
    "core", "the image is {n_width} × {n_height} pixels ({n_megapixels} megapixels); the limit "
    "is {n_limit} megapixels (setting photos.max_megapixels)."))
_CUT_SHORT = sentence(QT_TRANSLATE_NOOP(
    "core", "the image is incomplete: its lower part is missing (the file was cut short). If "
    "it is still being copied, try again when the copy has finished."))

SUPPORTED_FORMATS = {"JPEG", "PNG", "HEIF", "WEBP", "TIFF", "MPO"}
THUMB_SIZES = (256, 1280)
# The cheapest resize filter whose result differs from LANCZOS's by no more than saving the
# thumbnail as a quality-85 JPEG already does, on camera photos and on sharp detail (text,
# fine lines): tests/unit/test_thumbnail_quality.py measures it. BILINEAR or BOX would soften
# the large view's fine detail visibly (twice the JPEG's own error); the small one can take it.
THUMB_FILTERS = {1280: Image.Resampling.BICUBIC, 256: Image.Resampling.BILINEAR}
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_DATETIME = 0x0132


class PhotoRefused(ClinicError):
    """The file is not a photo we can keep; the message says why, in staff's words."""


@dataclass(frozen=True)
class DecodedPhoto:
    data: bytes
    sha256: str
    image_format: str
    extension: str
    width: int  # as displayed (after EXIF orientation)
    height: int
    taken_at: datetime | None  # from EXIF; None when the camera did not say
    thumbnails: dict[int, bytes]  # long edge in px -> JPEG bytes, upright
    quality: Measures  # measured on the large thumbnail (photos/quality.py)


_EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "HEIF": "heic", "WEBP": "webp",
               "TIFF": "tif"}


def read_photo(path: Path, *, max_megapixels: int, zone: ZoneInfo) -> DecodedPhoto:
    """Read the file once, check it is a whole image of a kind we keep, and prepare it.

    The image is decoded exactly once, at the smallest scale the largest thumbnail allows
    (JPEG draft mode decodes at 1/2, 1/4 or 1/8 size), which also proves it is not truncated.
    """
    try:
        data = _read_file(path)
    except FileNotFoundError:
        raise PhotoRefused(f"{path.name}: {_GONE()}") from None
    except PermissionError:
        raise PhotoRefused(f"{path.name}: {_LOCKED()}") from None
    except OSError as exc:
        raise PhotoRefused(f"{path.name}: {_UNREADABLE(why=exc.strerror or exc)}") from None
    except ValueError as exc:  # e.g. a name with a NUL character from a damaged share
        raise PhotoRefused(f"{path.name}: {_UNREADABLE(why=exc)}") from None
    return decode_photo(data, path.name, max_megapixels=max_megapixels, zone=zone)


def _read_file(path: Path) -> bytes:
    """The file's bytes, if it is an ordinary file of at most MAX_FILE_BYTES.

    Pipes and devices are never opened (a pipe would wait for a writer for ever, /dev/zero
    never ends); links count as what they point to. The size is checked before reading and
    again on the open file, and no more than the limit is read even if the file grows.
    """
    _check_ordinary(path, path.stat())  # follows links: what would be read is checked
    with path.open("rb") as handle:
        info = os.fstat(handle.fileno())
        _check_ordinary(path, info)  # the file opened, not one swapped in since
        # read(n) sets n bytes aside first, so ask for the size (and a byte to see whether
        # it grew), never for the limit.
        data = handle.read(info.st_size + 1)
        if len(data) > info.st_size:  # still being written: read on, up to the limit
            chunks, total = [data], len(data)
            while total <= MAX_FILE_BYTES:
                chunk = handle.read(min(1024 ** 2, MAX_FILE_BYTES + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
            data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        raise PhotoRefused(_too_big(path.name, len(data)))
    return data


def _check_ordinary(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise PhotoRefused(f"{path.name}: {NOT_AN_ORDINARY_FILE}")
    if info.st_size > MAX_FILE_BYTES:
        raise PhotoRefused(_too_big(path.name, info.st_size))


def _too_big(name: str, size: int) -> str:
    return f"{name}: " + _TOO_BIG(size=_size_in_words(size),
                                  limit=_size_in_words(MAX_FILE_BYTES))


def _size_in_words(size: int) -> str:
    """As Windows Explorer shows sizes: 1 MB = 1024 × 1024 bytes."""
    if size >= 1024 ** 3:
        return f"{size / 1024 ** 3:.1f} GB"
    if size >= 1024 ** 2:
        return f"{size / 1024 ** 2:.0f} MB"
    return f"{max(1, round(size / 1024))} kB"


def decode_photo(data: bytes, name: str, *, max_megapixels: int, zone: ZoneInfo
                 ) -> DecodedPhoto:
    """Decode and prepare a photo; whatever goes wrong on the way, the photo is refused with
    a sentence (PhotoRefused) and the details go to the log. Only Ctrl+C and exiting pass."""
    if not data:
        raise PhotoRefused(f"{name}: {_EMPTY()}")
    try:
        return _decode(data, name, max_megapixels=max_megapixels, zone=zone)
    except PhotoRefused:
        raise
    except Image.DecompressionBombError:
        raise PhotoRefused(f"{name}: {_BOMB()}") from None
    except MemoryError:
        log.warning("Not enough memory to decode %s", name, exc_info=True)
        raise PhotoRefused(f"{name}: {_NO_MEMORY()}") from None
    except Exception as exc:
        # Damaged files make decoders fail in many ways (bad zlib streams, bad offsets,
        # plugin errors): each one refuses this file, never the files after it.
        if isinstance(exc, _DAMAGE_ERRORS):
            log.debug("Refused %s as damaged", name, exc_info=True)
        else:
            log.warning("Unexpected %s decoding %s; refused as damaged", type(exc).__name__,
                        name, exc_info=True)
        said = _detail(exc)
        raise PhotoRefused(f"{name}: " + (_DAMAGED_SAYS(why=said) if said else _DAMAGED())) \
            from None


def _detail(exc: BaseException) -> str:
    """The decoder's own words, cleaned: they may quote bytes of the file, and they end up in
    a terminal, a .txt note and the inbox."""
    text = " ".join("".join(c if c.isprintable() else " " for c in str(exc)).split())
    return f"{text[:117]}…" if len(text) > 120 else text


def _decode(data: bytes, name: str, *, max_megapixels: int, zone: ZoneInfo) -> DecodedPhoto:
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise PhotoRefused(f"{name}: {_NOT_AN_IMAGE()}") from None
    with image:
        fmt = image.format or "?"
        if fmt not in SUPPORTED_FORMATS:
            raise PhotoRefused(f"{name}: {_UNSUPPORTED(kind=fmt)}")
        width, height = image.size
        megapixels = width * height / 1_000_000
        if megapixels > max_megapixels:
            raise PhotoRefused(f"{name}: " + _TOO_MANY_PIXELS(
                n_width=width, n_height=height, n_megapixels=f"{megapixels:.0f}",
                n_limit=max_megapixels))
        exif = image.getexif()  # a PNG decodes its pixels here, to find EXIF after them
        taken_at = _taken_at(exif, zone)
        orientation = exif.get(0x0112, 1)
        if fmt in ("JPEG", "MPO"):
            # Ask for the largest thumbnail's real shape: a square box would make Pillow
            # decode a 16:9 photo at full size.
            image.draft("RGB", _thumbnail_box(width, height, max(THUMB_SIZES)))
        image.load()
        if fmt in ("JPEG", "MPO") and _ends_in_filler(image):
            raise PhotoRefused(f"{name}: {_CUT_SHORT()}")
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        thumbnails, large = _thumbnails(_eight_bit_rgb(image), orientation)
    return DecodedPhoto(data=data, sha256=hashlib.sha256(data).hexdigest(), image_format=fmt,
                        extension=_EXTENSIONS.get(fmt, "img"), width=width, height=height,
                        taken_at=taken_at, thumbnails=thumbnails,
                        quality=measure(large, width, height))


# A JPEG cut short, then closed with an end marker (a camera or phone that died mid-write, a
# broken transfer), decodes without an error: libjpeg fills the missing blocks with flat
# mid-grey. A strip this tall at the bottom, every pixel that grey, is such filler.
_FILLER_SHARE = 0.05
_FILLER_GREY = range(126, 131)


def _ends_in_filler(image: Image.Image) -> bool:
    width, height = image.size
    strip = image.crop((0, height - max(1, round(height * _FILLER_SHARE)), width, height))
    return all(low == high and low in _FILLER_GREY for low, high in _extrema(strip))


def _extrema(image: Image.Image) -> list[tuple[float, float]]:
    """(lowest, highest) of each band; Pillow gives a bare pair for a one-band image."""
    result = image.getextrema()
    bands = result if isinstance(result[0], tuple) else (result,)
    return [(low, high) for low, high in cast("tuple[tuple[float, float], ...]", bands)]


def _thumbnail_box(width: int, height: int, longest: int) -> tuple[int, int]:
    if width >= height:
        return longest, max(1, round(longest * height / width))
    return max(1, round(longest * width / height)), longest


def _eight_bit_rgb(image: Image.Image) -> Image.Image:
    rgb = image.convert("RGBA") if image.mode in ("P", "LA", "PA") else image
    if rgb.mode == "I" or rgb.mode.startswith("I;16"):
        # 16-bit greyscale (scanners, TIFF): scale to 8 bits instead of clipping to white.
        rgb = rgb.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if rgb.mode not in ("RGB", "RGBA", "L"):
        rgb = rgb.convert("RGB")  # CMYK JPEGs and the like: thumbnails are plain 8-bit RGB
    if rgb.mode == "RGBA":
        background = Image.new("RGB", rgb.size, (255, 255, 255))
        background.paste(rgb, mask=rgb.getchannel("A"))
        rgb = background
    return rgb


_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}


def _thumbnails(image: Image.Image, orientation: int) -> tuple[dict[int, bytes], Image.Image]:
    """Shrink first, then turn upright (EXIF orientation): turning small images is cheaper.
    Also returns the largest thumbnail's image, for the quality gate to measure."""
    result = {}
    shrunk = {}
    current = image
    transpose = _TRANSPOSE.get(orientation)
    for size in sorted(THUMB_SIZES, reverse=True):
        # Each size from the previous (larger) one.
        current = current.copy()
        current.thumbnail((size, size), THUMB_FILTERS[size], reducing_gap=2.0)
        upright = current.transpose(transpose) if transpose is not None else current
        buffer = io.BytesIO()
        upright.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
        result[size] = buffer.getvalue()
        shrunk[size] = current
    return result, shrunk[max(THUMB_SIZES)]


def _taken_at(exif: Image.Exif, zone: ZoneInfo) -> datetime | None:
    """EXIF DateTimeOriginal, in the camera's offset when recorded, else the clinic's zone."""
    details = exif.get_ifd(_EXIF_IFD)
    raw = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        local = datetime.strptime(raw.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = details.get(_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset) >= 6 and offset[0] in "+-":
        try:
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            delta = timedelta(hours=hours, minutes=minutes) * (1 if offset[0] == "+" else -1)
            return local.replace(tzinfo=timezone(delta)).astimezone(UTC)
        except ValueError:
            pass
    return local.replace(tzinfo=zone).astimezone(UTC)


def file_modified_at(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None
