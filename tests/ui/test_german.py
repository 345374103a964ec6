"""The app in German: every view and dialog, and the catalogue the words come from.

The walk fails on any English left on the screen (a word no German sentence has), which is
what a string without tr() looks like in the German UI; the catalogue check fails on a
translation that is missing or would break its sentence's placeholders.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

from walk import every_view, photos_for

from clinic_desktop.ui.qt import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QLocale,
    Qt,
    QTableView,
    QTabWidget,
    QWidget,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "translations"

# Words of English sentences that no German sentence of the app uses.
ENGLISH = frozenset({
    "the", "and", "with", "of", "to", "is", "are", "this", "these", "your", "you", "for", "from",
    "not", "be", "will", "has", "have", "by", "on", "or", "at", "it", "its", "that", "which",
    "when", "there", "here", "can", "cannot", "all", "any", "each", "every", "been", "after",
    "before", "until", "into", "only", "more", "than", "then", "them", "they", "their", "what",
    "who", "step", "steps", "photo", "photos", "email", "emails", "settings", "today", "late",
    "search", "add", "send", "save", "cancel", "open", "close", "yes", "none",
    "patients", "show", "select", "next", "back", "new", "delete", "edit", "apply", "choose",
    "remove", "move", "skip", "resume", "undo", "due", "waiting", "sent", "failed",
    "held", "queued", "nothing", "please", "found", "day", "days", "week",
})


def shown_texts(root: QWidget) -> list[str]:
    """Every piece of text a user sees in `root` (data in tables aside)."""
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel):
            texts.append(re.sub(r"<[^>]+>", " ", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            texts += [str(model.headerData(column, Qt.Orientation.Horizontal) or "")
                      for column in range(model.columnCount())]
    return [t for t in texts if t]


def notifier_ran(context: Any) -> None:
    """A clinic whose notifier is running (it sent a minute ago). Without it Today shows
    health.py's warning, a sentence of the core that has no German yet."""
    from clinic_desktop import clock
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.db.models import JobRun
    from clinic_desktop.scheduler import DELIVERY

    with write_session(context.sessions) as session:
        session.add(JobRun(name=DELIVERY, host="reception-pc:1", started_at=clock.now_utc(),
                           finished_at=clock.now_utc(), ok=True, summary="0 sent"))


def english_in(text: str) -> list[str]:
    """The English words of `text`; file paths (data) and acronyms (PC, IT) aside."""
    text = re.sub(r"\S*[/\\]\S*", " ", text.replace("&", ""))
    words = re.findall(r"[A-Za-zÄÖÜäöüß]+", text)
    return [w for w in words if w.lower() in ENGLISH and not w.isupper()]


def test_every_view_and_dialog_speaks_german(german: Any, qtbot: Any, window: Any,
                                             tmp_path: Path) -> None:
    photos_for(window.context, tmp_path / "in")
    notifier_ran(window.context)
    untranslated: dict[str, set[str]] = {}
    for name, widget in every_view(qtbot, window):
        for text in shown_texts(widget):
            if english_in(text):
                untranslated.setdefault(name, set()).add(f"{text!r} ({english_in(text)})")
    assert untranslated == {}


def test_the_today_heading_is_a_german_date(german: Any, qtbot: Any, window: Any) -> None:
    today: date = window.context.clinic_today()
    long_date = QLocale("de").toString(today, QLocale.FormatType.LongFormat)
    qtbot.waitUntil(lambda: window.today.title.text() == f"Heute, {long_date}", timeout=10_000)


def test_the_tray_menu_speaks_german(german: Any, context: Any) -> None:
    from clinic_desktop.ui.tray import TrayNotifier

    tray = TrayNotifier(context, None)
    try:
        tray.menu.aboutToShow.emit()
        texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
        assert [t for t in texts if english_in(t)] == []
        assert "Clinic Desktop ö&ffnen" in texts
    finally:
        tray.icon.hide()
        tray.menu.deleteLater()


def test_every_german_translation_is_there_and_keeps_its_placeholders() -> None:
    problems = []
    for message in ET.parse(CATALOGUE / "clinic_desktop_de.ts").getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        forms = [f.text or "" for f in translation.iter("numerusform")] \
            if message.get("numerus") == "yes" else [translation.text or ""]
        if translation.get("type") == "unfinished" or not all(forms):
            problems.append(f"not translated: {source!r}")
            continue
        wanted = sorted(re.findall(r"\{\w+\}", source))
        for form in forms:
            if sorted(set(re.findall(r"\{\w+\}", form))) != sorted(set(wanted)):
                problems.append(f"placeholders differ: {source!r} -> {form!r}")
            if "%n" in source and "%n" not in form and len(forms) == 1:
                problems.append(f"count missing: {source!r} -> {form!r}")
            if source.count("&") == 1 and form.count("&") != 1:
                problems.append(f"shortcut letter missing: {source!r} -> {form!r}")
    assert problems == []


def test_an_emails_preview_speaks_german_and_names_the_pc_in_words(german: Any) -> None:
    from datetime import UTC, datetime

    from clinic_desktop.audit import host_name
    from clinic_desktop.domain.email_actions import EmailDetails
    from clinic_desktop.ui.outbox import email_preview

    at = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    email = EmailDetails(7, "step_finished", "failed", "Ben Müller", "ben@example.org",
                         "Foto erforderlich", at, None, "", [
                             (at, f"{host_name()}:4242", "retry", 421, ""),
                             (at, "reception-2:77", "failed", 550, "")], "", UTC)
    lines = email_preview(email).splitlines()
    assert [english_in(line) for line in lines if english_in(line)] == []
    assert lines[1] == "An: Ben Müller <ben@example.org>"
    assert lines[4].endswith("auf diesem PC: wird erneut versucht (421)")  # not its host name
    assert lines[5].endswith("auf dem PC „reception-2“: fehlgeschlagen (550)")
