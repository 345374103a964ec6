"""Start the tray notifier at login: HKCU Run key on Windows, XDG autostart on Linux."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from clinic_desktop.errors import ConfigError

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "Clinic Desktop Notifier"
DESKTOP_FILE = "clinic-desktop-notifier.desktop"


def command_line() -> list[str]:
    """How this installation starts the notifier (a frozen build is its own executable)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "tray"]
    return [sys.executable, "-m", "clinic_desktop", "tray"]


def _quoted(parts: list[str]) -> str:
    return " ".join(f'"{p}"' if " " in p else p for p in parts)


def _xdg_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / DESKTOP_FILE


def is_enabled() -> bool:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, VALUE_NAME)
        except OSError:
            return False
        return True
    if sys.platform.startswith("linux"):
        return _xdg_file().exists()
    return False


def enable() -> str:
    if sys.platform == "win32":
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            winreg.SetValueEx(key, VALUE_NAME, 0, winreg.REG_SZ, _quoted(command_line()))
        return "The notifier starts when you log in to Windows."
    if sys.platform.startswith("linux"):
        path = _xdg_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[Desktop Entry]\nType=Application\nName=Clinic Desktop notifier\n"
                        f"Exec={_quoted(command_line())}\nX-GNOME-Autostart-enabled=true\n"
                        "Terminal=false\n", encoding="utf-8")
        return f"The notifier starts when you log in ({path})."
    raise ConfigError("Starting at login is set up on Windows and Linux only; on this system "
                      "add `clinic-desktop tray` to the login items by hand.")


def disable() -> str:
    if sys.platform == "win32":
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,
                                winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, VALUE_NAME)
        except OSError:
            pass
        return "The notifier no longer starts at login."
    _xdg_file().unlink(missing_ok=True)
    return "The notifier no longer starts at login."
