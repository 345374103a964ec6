"""The frozen program's entry point: `clinic-desktop.exe` is `clinic-desktop` (cli.main).

PyInstaller runs this file as __main__. The executable is a console program whose own console
window is hidden at once when it was not started from a terminal (`hide_console` in the spec),
so the same clinic-desktop.exe serves the Start-menu entry, the notifier at login (`tray`) and
the command line in PowerShell or cmd.
"""

from __future__ import annotations

import io
import sys


def _show_error_box(text: str) -> None:
    """Started without a visible console (Start menu, login): a startup error (say, the data
    folder cannot be created) would vanish unseen, so show it in a message box."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        message_box_error = 0x10
        ctypes.windll.user32.MessageBoxW(None, text.strip()[-2000:], "Clinic Desktop",  # type: ignore[attr-defined]
                                         message_box_error)
    except Exception:  # nothing left to tell the user with
        pass


def _has_own_hidden_console() -> bool:
    """True on Windows when this process owns its console (it was not started from a terminal),
    which the bootloader then hid: output printed there would never be seen."""
    if sys.platform != "win32":
        return False
    try:
        import ctypes

        processes = (ctypes.c_uint * 2)()
        count = ctypes.windll.kernel32.GetConsoleProcessList(processes, 2)  # type: ignore[attr-defined]
    except Exception:
        return False
    return count == 1


class _Tail(io.StringIO):
    """Keeps only the last few thousand characters written (the notifier runs for days)."""

    LIMIT = 4000

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.tell() > 2 * self.LIMIT:
            tail = self.getvalue()[-self.LIMIT:]
            self.seek(0)
            self.truncate()
            super().write(tail)
        return written


def run() -> int:
    from clinic_desktop.cli import main

    silent = sys.stderr is None or _has_own_hidden_console()
    if not silent:
        return main()
    captured = _Tail()
    real_stderr = sys.stderr
    sys.stderr = captured
    if sys.stdout is None:
        sys.stdout = _Tail()
    try:
        code = main()
    finally:
        sys.stderr = real_stderr
    if code != 0 and captured.getvalue().strip():
        _show_error_box(captured.getvalue())
    return code


if __name__ == "__main__":
    sys.exit(run())
