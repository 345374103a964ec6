"""Where Clinic Desktop keeps its data and which database it talks to."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import platformdirs

from clinic_desktop.errors import ConfigError

APP_NAME = "ClinicDesktop"
APP_AUTHOR = "ClinicDesktop"
ENV_DATA_DIR = "CLINIC_DESKTOP_DATA_DIR"
ENV_DB_URL = "CLINIC_DESKTOP_DB_URL"
DB_FILE_NAME = "clinic.sqlite3"
# The languages emails are written in: templates/<language>/ holds each one's default
# templates (a test checks the folders and this list agree). Settings and the renderer read it
# here, so that checking a setting loads no template engine.
EMAIL_LANGUAGES = ("de", "en")

# File systems on which SQLite's locking is unreliable (it corrupts the database).
_NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "9p",
                        "afs", "ncpfs", "davfs", "fuse.davfs2", "glusterfs", "ceph"}


@dataclass(frozen=True)
class AppPaths:
    """The folders and database URL one running instance uses."""

    data_dir: Path
    db_url: str

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"


def default_data_dir() -> Path:
    # On Windows this is %LOCALAPPDATA%\ClinicDesktop\ClinicDesktop.
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def resolve_paths(data_dir: str | os.PathLike[str] | None = None,
                  db_url: str | None = None) -> AppPaths:
    """Apply the precedence: command-line flag, then environment variable, then default."""
    raw_dir = data_dir or os.environ.get(ENV_DATA_DIR) or default_data_dir()
    directory = Path(raw_dir).expanduser()
    url = db_url or os.environ.get(ENV_DB_URL) or sqlite_url(directory / DB_FILE_NAME)
    return AppPaths(data_dir=directory, db_url=url)


def sqlite_url(path: Path) -> str:
    # On Windows this gives sqlite:///C:/Users/..., which SQLAlchemy reads correctly.
    return f"sqlite:///{Path(os.path.abspath(path)).as_posix()}"


def ensure_data_dir(paths: AppPaths) -> None:
    try:
        paths.data_dir.mkdir(parents=True, exist_ok=True)
        paths.log_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the data folder {paths.data_dir} ({exc.strerror or exc}). "
            f"Choose another with --data-dir or {ENV_DATA_DIR}."
        ) from exc


def is_unc_path(path: str | os.PathLike[str]) -> bool:
    """True for Windows network paths such as \\\\server\\share\\clinic.sqlite3."""
    text = os.fspath(path)
    if text.startswith(("\\\\", "//")):
        # \\?\C:\... is a long local path, not a share; \\?\UNC\server\share is a share.
        upper = text.replace("/", "\\").upper()
        return not upper.startswith("\\\\?\\") or upper.startswith("\\\\?\\UNC\\")
    return bool(PureWindowsPath(text).drive.startswith("\\\\"))


def is_network_path(path: Path) -> bool:
    """Best effort: UNC paths, mapped network drives on Windows, NFS/SMB mounts elsewhere."""
    if is_unc_path(path):
        return True
    if sys.platform == "win32":
        return _windows_drive_is_remote(path)
    return _mount_filesystem(path) in _NETWORK_FILESYSTEMS


def _windows_drive_is_remote(path: Path) -> bool:
    import ctypes

    drive = Path(os.path.abspath(path)).drive
    if not drive:
        return False
    drive_remote = 4
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote)  # type: ignore[attr-defined]


def _mount_filesystem(path: Path) -> str | None:
    mounts = Path("/proc/self/mounts")
    if not mounts.exists():
        return None
    target = Path(os.path.abspath(path))
    best: tuple[int, str] | None = None
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        if target == Path(mount_point) or Path(mount_point) in target.parents:
            length = len(mount_point)
            if best is None or length > best[0]:
                best = (length, fields[2])
    return best[1] if best else None


def package_data_dir() -> Path:
    """Templates and resources: inside the installed package, or at the top of a checkout."""
    inside = Path(__file__).resolve().parent / "_data"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    return package_data_dir() / "templates"


def resources_dir() -> Path:
    return package_data_dir() / "resources"
