"""Regenerate packaging/clinic-desktop.ico (the .exe's and the installer's icon) from the SVG.

    QT_QPA_PLATFORM=offscreen python packaging/make_icon.py

Run it after changing resources/icons/clinic-desktop.svg and commit the .ico: Windows wants an
.ico file with several sizes, and neither PyInstaller nor Inno Setup renders SVG.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE.parent / "resources" / "icons" / "clinic-desktop.svg"
ICO = HERE / "clinic-desktop.ico"
SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256]


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image

    big = Image.open(io.BytesIO(render_png(256))).convert("RGBA")
    big.save(ICO, format="ICO", sizes=[(s, s) for s in SIZES])
    print(f"Wrote {ICO} ({ICO.stat().st_size:,} bytes, sizes {SIZES}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
