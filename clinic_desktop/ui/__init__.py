"""The Qt shell: windows, views, dialogs and the tray. Only this package imports PySide6."""
