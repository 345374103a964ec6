"""Whatever Pillow or pillow-heif raises while decoding a file, the photo is refused with a
sentence staff can read; only Ctrl+C and exiting pass through."""

from __future__ import annotations

import io
import struct
import zlib
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageFile

from clinic_desktop.photos.image import PhotoRefused, decode_photo

ZONE = ZoneInfo("Europe/Berlin")


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def decode(data: bytes) -> object:
    return decode_photo(data, "P00123_front.jpg", max_megapixels=100, zone=ZONE)


@pytest.mark.parametrize("error", [
    OSError("broken data stream when reading image file"),
    SyntaxError("broken PNG file"),
    ValueError("tile cannot extend outside image"),
    zlib.error("Error -3 while decompressing data: invalid distance too far back"),
    struct.error("unpack requires a buffer of 4 bytes"),
    EOFError(),
    IndexError("tuple index out of range"),
    TypeError("'NoneType' object is not subscriptable"),
    KeyError(274),
    RuntimeError("Decoder plugin generated an error: Invalid input: Unspecified"),
    RecursionError("maximum recursion depth exceeded"),
])
def test_any_decoding_error_refuses_the_photo_as_damaged(monkeypatch, error) -> None:  # type: ignore[no-untyped-def]
    def broken(self: ImageFile.ImageFile) -> None:
        raise error

    monkeypatch.setattr(ImageFile.ImageFile, "load", broken)
    with pytest.raises(PhotoRefused) as refused:
        decode(jpeg())
    message = str(refused.value)
    assert message.startswith("P00123_front.jpg: the image is damaged or incomplete"), message
    assert "try again when the copy has finished" in message


@pytest.mark.parametrize(("error", "words"), [
    (MemoryError(), "too large to open with the memory this computer has"),
    (Image.DecompressionBombError("Image size (1 pixels) exceeds limit"),
     "far too large to open safely"),
])
def test_an_image_too_large_for_memory_is_refused_as_too_large(monkeypatch, error, words) -> None:  # type: ignore[no-untyped-def]
    def too_large(self: ImageFile.ImageFile) -> None:
        raise error

    monkeypatch.setattr(ImageFile.ImageFile, "load", too_large)
    with pytest.raises(PhotoRefused, match=words):
        decode(jpeg())


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_ctrl_c_and_exit_are_not_turned_into_a_refusal(monkeypatch, stop) -> None:  # type: ignore[no-untyped-def]
    def interrupted(self: ImageFile.ImageFile) -> None:
        raise stop

    monkeypatch.setattr(ImageFile.ImageFile, "load", interrupted)
    with pytest.raises(stop):
        decode(jpeg())


def test_control_characters_from_the_file_do_not_reach_the_message(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def hostile(self: ImageFile.ImageFile) -> None:
        raise SyntaxError("not a TIFF file (header b'\x1b[2J\r\nFake: yes' not valid)" + "x" * 500)

    monkeypatch.setattr(ImageFile.ImageFile, "load", hostile)
    with pytest.raises(PhotoRefused) as refused:
        decode(jpeg())
    message = str(refused.value)
    assert message.isprintable() and len(message) < 400, message
