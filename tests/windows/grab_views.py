"""Run by Windows Python under Wine (test_desktop_on_windows.py): the main window on a demo
clinic, drawn by Qt's offscreen platform, one PNG per view.

    python.exe grab_views.py DATA_DIR OUT_DIR
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

VIEWS = ["today", "patients", "photo-inbox", "outbox", "plan-templates", "settings"]


def settle(app, tasks, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    """Until the background loads a view started have come back."""
    deadline = time.monotonic() + seconds
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:
        app.processEvents()
        busy = tasks.pool.activeThreadCount() > 0
        tasks.wait(2000)
        app.processEvents()
        quiet = 0 if busy else quiet + 1


def main(data_dir: str, out: str) -> int:
    from clinic_desktop.app import open_app

    context = open_app(data_dir)  # migrations before the QApplication, as the app does
    from clinic_desktop.ui.main_window import MainWindow
    from clinic_desktop.ui.qt import QApplication
    from clinic_desktop.ui.tasks import TaskRunner

    app = QApplication(["clinic-desktop", "-platform", "offscreen"])
    tasks = TaskRunner()
    window = MainWindow(context, tasks)
    window.resize(1280, 820)
    window.show()
    settle(app, tasks)
    for row, name in enumerate(VIEWS):
        window.nav.setCurrentRow(row)
        settle(app, tasks)
        grab(window, Path(out), name)
    window.open_patient("P00003")
    settle(app, tasks)
    grab(window, Path(out), "patient")
    window.close()
    tasks.shutdown()
    context.close()
    return 0


def grab(window, out: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    picture = window.grab()
    path = out / f"{name}.png"
    if not picture.save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"grabbed {name} {picture.width()}x{picture.height()}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
