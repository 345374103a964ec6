"""pytest-qt fixtures: a fresh demo clinic, the main window on it, and no blocking dialogs.

Qt runs offscreen (no display needed). Message boxes are replaced by a recorder so a test
can assert what the receptionist would have been told, without a modal dialog blocking it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from servers import PhotoFiles

# Every ui module that imported the message helpers by name.
UI_MODULES = ["widgets", "main_window", "today", "patients", "patient", "photos", "inbox",
              "outbox", "plans_view", "settings_view", "tray", "app"]


@dataclass
class Messages:
    """What would have popped up: (kind, title, text), in order."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.shown if kind is None or k == kind]

    @property
    def errors(self) -> list[str]:
        return self.texts("error")

    @property
    def infos(self) -> list[str]:
        return self.texts("info")


@pytest.fixture(scope="session", autouse=True)
def _qt_settings_isolated(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Remembered window geometry goes to a temp folder, never the developer's profile."""
    from clinic_desktop.ui.qt import QSettings

    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    qapp.setOrganizationName("ClinicDesktopTests")
    qapp.setApplicationName("Clinic Desktop tests")


@pytest.fixture(scope="session")
def translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .ts files compiled as packaging compiles them (Qt's lrelease)."""
    from clinic_desktop.build import TRANSLATIONS_RELATIVE, compile_translations

    folder = tmp_path_factory.mktemp("translations")
    compile_translations(Path(__file__).resolve().parents[2] / TRANSLATIONS_RELATIVE, folder)
    return folder


@pytest.fixture(autouse=True)
def english(qapp: Any, translations: Path) -> None:
    """Every test starts in English, as the app does with ui.language = en."""
    from clinic_desktop.ui.i18n import install

    assert install("en", translations)


@pytest.fixture
def german(qapp: Any, translations: Path) -> Iterator[None]:
    """The app in German (as with ui.language = de) for this test, widgets made after it."""
    from clinic_desktop.ui.i18n import install

    assert install("de", translations)
    yield
    install("en", translations)


@pytest.fixture(params=["en", "de"])
def language(request: pytest.FixtureRequest) -> str:
    """The test runs in English and in German (longer words, other shortcut letters)."""
    if request.param == "de":
        request.getfixturevalue("german")
    return str(request.param)


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    """show_error / show_info and QMessageBox's static boxes record instead of blocking."""
    import importlib

    from clinic_desktop.ui.qt import QMessageBox

    recorder = Messages()

    def recording(kind: str) -> Any:
        def show(_parent: Any, message: str, title: str = "Clinic Desktop") -> None:
            recorder.shown.append((kind, title, message))
        return show

    def box(kind: str, answer: Any = QMessageBox.StandardButton.Ok) -> Any:
        def show(_parent: Any, title: str, text: str, *_args: Any, **_kwargs: Any) -> Any:
            recorder.shown.append((kind, title, text))
            return answer
        return staticmethod(show)

    for name in UI_MODULES:
        module = importlib.import_module(f"clinic_desktop.ui.{name}")
        if hasattr(module, "show_error"):
            monkeypatch.setattr(module, "show_error", recording("error"))
        if hasattr(module, "show_info"):
            monkeypatch.setattr(module, "show_info", recording("info"))
    monkeypatch.setattr(QMessageBox, "information", box("info"))
    monkeypatch.setattr(QMessageBox, "warning", box("error"))
    monkeypatch.setattr(QMessageBox, "critical", box("error"))
    monkeypatch.setattr(QMessageBox, "question", box("question", QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "about", box("about", None))
    return recorder


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo clinic built per run; each test gets its own copy of the folder."""
    from clinic_desktop.app import open_app
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.demo import build_demo

    folder = tmp_path_factory.mktemp("demo-template") / "data"
    context = open_app(folder, None, log_to_file=False)
    try:
        # The UI asks context.clinic_today() (the real date), so the demo is built for it.
        with write_session(context.sessions) as session:
            build_demo(session, context.clinic_today())
    finally:
        context.close()
    return folder


@pytest.fixture
def context(_demo_template: Path, tmp_path: Path) -> Iterator[Any]:
    """A fresh demo clinic (30 patients at every stage) in this test's temp folder."""
    from clinic_desktop.app import open_app

    data = tmp_path / "data"
    shutil.copytree(_demo_template, data)
    ctx = open_app(data, None, log_to_file=False)
    yield ctx
    ctx.close()


@pytest.fixture
def tasks(qapp: Any) -> Iterator[Any]:
    from clinic_desktop.ui.tasks import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def window(qtbot: Any, context: Any, tasks: Any, messages: Messages) -> Iterator[Any]:
    """The main window on the demo clinic, shown (offscreen, on a 1366×768 screen) at the
    size the app chooses."""
    from clinic_desktop.ui.main_window import MainWindow

    main = MainWindow(context, tasks)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    tasks.shutdown()  # no worker may still use the database when the context closes
    main.close()


@pytest.fixture
def photo_files(tmp_path: Path) -> Any:
    return PhotoFiles(tmp_path / "incoming")
