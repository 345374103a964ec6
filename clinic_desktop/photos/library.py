"""The managed photo library: originals named by content hash, thumbnails beside them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from clinic_desktop.errors import ConfigError, write_failure
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

_NOT_WRITABLE = sentence(QT_TRANSLATE_NOOP(
    "core", "The photo library {folder} cannot be written ({problem}). Check that the folder "
    "(or network share) is reachable and writable."))


class PhotoLibrary:
    """<root>/<ab>/<sha256>.<ext> for originals, <root>/thumbs/<ab>/<sha256>_<size>.jpg."""

    def __init__(self, root: Path):
        self.root = root

    def original_path(self, sha256: str, extension: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.{extension}"

    def thumbnail_path(self, sha256: str, size: int) -> Path:
        return self.root / "thumbs" / sha256[:2] / f"{sha256}_{size}.jpg"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def resolve(self, relative: str) -> Path:
        return self.root / Path(relative)

    def store(self, sha256: str, extension: str, data: bytes,
              thumbnails: dict[int, bytes]) -> Path:
        """Write the original and its thumbnails; an existing identical file is kept.
        A full disk raises its OSError: the caller knows which photo that was."""
        target = self.original_path(sha256, extension)
        try:
            if not target.exists() or target.stat().st_size != len(data):
                write_atomically(target, data)
            for size, thumb in thumbnails.items():
                thumb_path = self.thumbnail_path(sha256, size)
                if not thumb_path.exists():
                    write_atomically(thumb_path, thumb)
        except OSError as exc:
            if write_failure(exc):
                raise
            raise ConfigError(_NOT_WRITABLE(folder=self.root,
                                            problem=exc.strerror or exc)) from exc
        return target


def write_atomically(target: Path, data: bytes) -> None:
    """Temp file in the same folder, flushed to disk, then renamed over the target: a reader
    (or a crash) never sees half a photo."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
