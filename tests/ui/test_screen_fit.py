"""The app on the screen a clinic PC has: 1366×768 (tests/ui/conftest.py gives the offscreen
platform that screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from walk import every_view, photos_for

from clinic_desktop.ui.qt import QRect, QSize

# What must fit: the screen's width, and its height less a taskbar and a title bar.
SCREEN = QSize(1366, 700)


def test_a_first_window_opens_inside_the_free_area_of_a_small_screen() -> None:
    from clinic_desktop.ui.widgets import BORDER, TITLE_BAR, start_geometry

    taskbar_below = QRect(0, 0, 1366, 728)
    placed = start_geometry(taskbar_below, QSize(1280, 820))
    assert placed.width() == 1280
    with_frame = placed.adjusted(-BORDER, -TITLE_BAR, BORDER, BORDER)
    assert taskbar_below.contains(with_frame)
    assert with_frame.height() >= taskbar_below.height() - 1  # as tall as there is room for
    # A large screen gets the whole start size, centred.
    large = start_geometry(QRect(0, 0, 1920, 1040), QSize(1280, 820))
    assert large.size() == QSize(1280, 820)
    assert abs(large.center().x() - 960) <= 1


def test_the_main_window_starts_within_the_screen_and_reopens_at_the_users_size(
        qtbot: Any, context: Any, tasks: Any, messages: Any) -> None:
    from clinic_desktop.ui.main_window import MainWindow
    from clinic_desktop.ui.qt import QSettings

    QSettings().remove("main/geometry")
    first = MainWindow(context, tasks)
    qtbot.addWidget(first)
    free = first.screen().availableGeometry()
    assert free.contains(first.geometry())
    first.resize(1100, 640)
    first.close()

    again = MainWindow(context, tasks)
    qtbot.addWidget(again)
    assert again.size() == QSize(1100, 640)


def test_every_view_and_dialog_fits_a_1366x768_screen(language: str, qtbot: Any, window: Any,
                                                     tmp_path: Path) -> None:
    photos_for(window.context, tmp_path / "in")
    too_big = []
    seen = 0
    for name, widget in every_view(qtbot, window):
        seen += 1
        need = widget.minimumSizeHint()
        if need.width() > SCREEN.width() or need.height() > SCREEN.height():
            too_big.append(f"{name}: needs {need.width()}×{need.height()}")
        if not widget.screen().availableGeometry().contains(widget.geometry()):
            too_big.append(f"{name}: opens past the screen's edge ({widget.geometry()})")
    assert seen >= 20
    assert too_big == []
