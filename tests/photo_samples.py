"""Small real photos in every format we keep (made with Pillow and pillow-heif), and the
damaged copies of them that cameras, copies and hostile files produce."""

from __future__ import annotations

import io
import random
import struct
import zlib
from typing import Any

from PIL import Image

import clinic_desktop.photos.image  # noqa: F401  (registers the HEIF opener and saver)

SIZE = (64, 48)
# format name in Pillow, file extension, save options
FORMATS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "jpeg": ("JPEG", "jpg", {"quality": 90}),
    "png": ("PNG", "png", {}),
    "heic": ("HEIF", "heic", {"quality": 80}),
    "webp": ("WEBP", "webp", {"quality": 80}),
    "tiff": ("TIFF", "tif", {"compression": "tiff_deflate"}),
}


def picture(seed: int = 0) -> Image.Image:
    """A 64 × 48 picture of gradients and noise (so the compressed data is not trivial); `seed`
    changes the tint and one pixel, so every seed gives different bytes."""
    width, height = SIZE
    red = Image.linear_gradient("L").resize(SIZE)
    green = red.transpose(Image.Transpose.ROTATE_90).resize(SIZE)
    # Noise (the same every time) in one channel gives the decoders real work to do.
    blue = Image.frombytes("L", SIZE, random.Random(1).randbytes(width * height))
    image = Image.merge("RGB", [band.point(lambda v, k=k: (v + seed * k) % 256)
                                for band, k in ((red, 7), (green, 3), (blue, 1))])
    image.putpixel((seed % width, seed // width % height), (255, 255, 255))
    return image


def photo_bytes(kind: str, seed: int = 0, taken: str = "2026:03:09 10:15:00") -> bytes:
    """A whole photo file of `kind` (a key of FORMATS); the JPEG carries EXIF like a phone's:
    orientation, when it was `taken` and the camera's offset."""
    fmt, _, options = FORMATS[kind]
    params = dict(options)
    if kind == "jpeg":
        exif = Image.Exif()
        exif[0x0112] = 6
        exif[0x010F] = "Clinic Test Camera"
        exif.get_ifd(0x8769)[0x9003] = taken
        exif.get_ifd(0x8769)[0x9011] = "+01:00"
        params["exif"] = exif.tobytes()
    buffer = io.BytesIO()
    picture(seed).save(buffer, fmt, **params)
    return buffer.getvalue()


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(kind, body) of each chunk of a PNG file."""
    chunks, offset = [], 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks.append((kind, data[offset + 8:offset + 8 + length]))
        offset += 12 + length
    return chunks


def png_from_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """A PNG file of these chunks, each with a correct CRC (so only the content is wrong)."""
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        for kind, body in chunks)


def png_with_broken_zlib(seed: int = 0) -> bytes:
    """A PNG whose header and CRCs are right but whose compressed pixels (IDAT) are garbage:
    it opens fine and fails only when the pixels are decoded."""
    chunks = []
    for kind, body in png_chunks(photo_bytes("png", seed)):
        if kind == b"IDAT":
            body = body[:2] + bytes(b ^ 0x5A for b in body[2:])  # keep the zlib header
        chunks.append((kind, body))
    return png_from_chunks(chunks)


def truncated(data: bytes, share: float = 0.6) -> bytes:
    """The first part of a file, as a copy that stopped half-way leaves it."""
    return data[:int(len(data) * share)]
