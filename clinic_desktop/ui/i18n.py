"""The app's language: Qt's translations for every word, QLocale for every date and time.

The words come from resources/translations/clinic_desktop_<language>.ts (made by
pyside6-lupdate, translated there), compiled to .qm when the app is packaged
(clinic_desktop/build.py). English is the source language; its catalogue only holds the
plural forms ("1 patient", "2 patients").
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path

from clinic_desktop.config import package_data_dir
from clinic_desktop.settings import UI_LANGUAGES
from clinic_desktop.ui.qt import (
    QCoreApplication,
    QDate,
    QLibraryInfo,
    QLocale,
    QTime,
    QTranslator,
)

LANGUAGES = UI_LANGUAGES  # what the app speaks; the setting "system" picks one of them
CATALOGUE = "clinic_desktop"  # clinic_desktop_de.qm


def translations_dir() -> Path:
    """Where the compiled catalogues are: in the installed package, else in a source checkout
    where `python -m clinic_desktop.build --translations` has been run."""
    installed = package_data_dir() / "translations"
    return installed if installed.is_dir() else package_data_dir() / "build" / "translations"


def chosen_language(setting: str, system: QLocale | None = None) -> str:
    """The language to show: the setting, or with "system" the first of the PC's display
    languages (Windows: the display language, not the regional format) that the app speaks,
    else English."""
    if setting in LANGUAGES:
        return setting
    for name in (system or QLocale.system()).uiLanguages():
        spoken = name.replace("_", "-").split("-")[0].lower()
        if spoken in LANGUAGES:
            return spoken
    return "en"


def locale_for(language: str, system: QLocale | None = None) -> QLocale:
    """The PC's own locale when it is of that language (de_AT keeps Austrian ways), else the
    language's main one."""
    system = system or QLocale.system()
    if system.name().split("_")[0] == language:
        return system
    return QLocale("en_GB" if language == "en" else language)


def install(language: str, folder: Path | None = None) -> bool:
    """Show the app in `language` from now on: our catalogue, Qt's own (the standard
    buttons and dialogs), and the default QLocale for dates. False when the catalogue is
    missing (the app then stays English)."""
    app = QCoreApplication.instance()
    for old in app.findChildren(QTranslator):
        app.removeTranslator(old)
        old.deleteLater()
    QLocale.setDefault(locale_for(language))
    ours = QTranslator(app)
    if not ours.load(f"{CATALOGUE}_{language}", str(folder or translations_dir())):
        QLocale.setDefault(locale_for("en"))
        return language == "en"  # English reads fine without its catalogue (only plurals)
    app.installTranslator(ours)
    if language == "en":
        return True
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{language}",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
    return True


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the app's language (QCoreApplication.translate's arguments): outside
    QObject methods, where self.tr() is not at hand. pyside6-lupdate finds the calls by this
    name."""
    return QCoreApplication.translate(context, text, disambiguation, n)


# --- dates and times: one style per locale, in the clinic's time zone ----------------------


def date_format() -> str:
    """The locale's short date with the full year: 28.11.2026, 28/11/2026, 11/28/2026."""
    pattern = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def date_text(day: date | None) -> str:
    if day is None:
        return ""
    return QLocale().toString(QDate(day.year, day.month, day.day), date_format())


def long_date_text(day: date) -> str:
    """Saturday, 28 November 2026 / Samstag, 28. November 2026."""
    return QLocale().toString(QDate(day.year, day.month, day.day),
                              QLocale.FormatType.LongFormat)


def time_text(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return QLocale().toString(QTime(local.hour, local.minute),
                              QLocale.FormatType.ShortFormat)


def date_time_text(moment: datetime | None, zone: tzinfo) -> str:
    """A moment as the clinic's clock showed it (never UTC, never the PC's own zone)."""
    if moment is None:
        return ""
    return f"{date_text(moment.astimezone(zone).date())} {time_text(moment, zone)}"
