"""The Qt binding must not lose references: PySide6 6.12.0 drops one to None on every Qt call
that returns nothing, and on Python 3.11 the app then dies after a few thousand calls."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CALLS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for _ in range(100_000):
    label.setText("tick")  # what a status line or the tray's tooltip does all day
print("lost", before - sys.getrefcount(None))
"""


def test_a_long_day_of_qt_calls_does_not_crash_the_app() -> None:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CALLS)], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split()[-1] == "0", done.stdout


def test_the_app_checks_its_qt_binding_before_it_opens(qapp: object) -> None:
    from clinic_desktop.ui.app import binding_problem

    assert binding_problem() is None
