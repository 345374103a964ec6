"""The Settings screen refuses what `clinic-desktop settings set` refuses, with the same sentence
under the field, and saves nothing then; a stored value that went bad is shown in red."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Setting
from clinic_desktop.ui.qt import QPushButton

WAIT = 10_000  # ms


def choose(combo: Any, value: str) -> None:
    """Pick the choice whose stored value is `value` (the list shows words for it)."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def button(widget: Any, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def stored(context: Any) -> dict[str, str]:
    with context.sessions() as session:
        return {s.key: s.value for s in session.scalars(select(Setting))}


def cli_sentence(context: Any, key: str, raw: str) -> str:
    """What `clinic-desktop settings set KEY RAW` says about it (the same function)."""
    with context.sessions() as session, pytest.raises(settings.SettingsRefused) as refused:
        settings.check_values(session, {key: raw})
    return refused.value.problems[key]


def answered(qtbot: Any, view: Any) -> None:
    """Until the view's background reads and writes have answered (they run in workers)."""
    qtbot.waitUntil(lambda: view.tasks.pending() == 0, timeout=WAIT)


def saved(qtbot: Any, view: Any) -> bool:
    """Save as the button does; True when it was saved."""
    view.save()
    answered(qtbot, view)
    return view.status.text() == "Settings saved."


@pytest.fixture
def view(qtbot: Any, window: Any, file_keyring: Any) -> Any:
    window.nav.setCurrentRow(5)
    page = window.settings
    qtbot.waitUntil(lambda: page.fields["smtp.port"].value() == 587, timeout=WAIT)
    answered(qtbot, page)
    return page


def test_a_missing_logo_is_refused_under_its_field_and_nothing_is_saved(
        qtbot: Any, window: Any, view: Any, tmp_path: Path) -> None:
    before = stored(window.context)
    missing = str(tmp_path / "missing.png")
    view.fields["clinic.name"].setText("Renamed Clinic")
    view.fields["clinic.logo"].setText(missing)
    assert saved(qtbot, view) is False

    error = view.errors["clinic.logo"]
    assert error.isVisible()
    # The CLI's sentence, with the field's label where the CLI names the setting's key.
    assert error.text() == cli_sentence(window.context, "clinic.logo", missing).replace(
        "clinic.logo", "“Logo at the top of emails (PNG or JPEG, at most 1 MB; empty: no "
        "logo)”")
    assert "does not exist" in error.text() and "1 MB" in error.text()
    assert view.status.text() == "Not saved: 1 field needs fixing (in red)."
    assert not view.errors["clinic.name"].isVisible()
    assert stored(window.context) == before


def test_security_none_with_a_remote_host_is_refused_and_nothing_is_saved(
        qtbot: Any, window: Any, view: Any) -> None:
    before = stored(window.context)
    view.fields["smtp.host"].setText("mail.example.org")
    choose(view.fields["smtp.security"], "none")
    button(view, "Save settings").click()
    answered(qtbot, view)

    error = view.errors["smtp.security"]
    assert error.isVisible()
    assert error.text().startswith("“Encryption” = none would send patient emails "
                                   "unencrypted to mail.example.org.")
    with window.context.sessions() as session, \
            pytest.raises(settings.SettingsRefused) as refused:
        settings.check_values(session, {"smtp.host": "mail.example.org",
                                        "smtp.security": "none"})
    assert error.text() == refused.value.problems["smtp.security"].replace(
        "smtp.security", "“Encryption”")
    assert "smtp." not in error.text()  # no setting keys on screen
    assert not view.errors["smtp.host"].isVisible()
    assert view.status.text() == "Not saved: 1 field needs fixing (in red)."
    assert stored(window.context) == before


def test_switching_to_a_remote_host_and_starttls_in_one_save_is_accepted(
        qtbot: Any, window: Any, view: Any) -> None:
    with write_session(window.context.sessions) as session:
        settings.set_values(session, {"smtp.host": "127.0.0.1", "smtp.security": "none",
                                      "smtp.port": "25"})
    view.refresh()
    answered(qtbot, view)
    view.fields["smtp.host"].setText("smtp.example.org")
    view.fields["smtp.port"].setValue(587)
    choose(view.fields["smtp.security"], "starttls")
    assert saved(qtbot, view) is True
    assert {k: v for k, v in stored(window.context).items()
            if k in ("smtp.host", "smtp.security", "smtp.port")} == {
        "smtp.host": "smtp.example.org", "smtp.security": "starttls", "smtp.port": "587"}


def test_a_logo_deleted_since_it_was_set_is_shown_and_other_fields_still_save(
        qtbot: Any, window: Any, view: Any, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (200, 30, 30)).save(logo, "PNG")
    with write_session(window.context.sessions) as session:
        settings.set_values(session, {"clinic.logo": str(logo)})
    logo.unlink()
    view.refresh()
    answered(qtbot, view)
    error = view.errors["clinic.logo"]
    assert error.isVisible() and "does not exist" in error.text()

    view.fields["clinic.phone"].setText("+44 20 7946 0001")
    assert saved(qtbot, view) is True
    assert stored(window.context)["clinic.phone"] == "+44 20 7946 0001"
    assert error.isVisible()  # still true of the stored logo


def test_the_first_run_wizard_refuses_with_the_same_rules_and_writes_nothing(
        qtbot: Any, context: Any, tasks: Any, tmp_path: Path) -> None:
    from clinic_desktop.ui.wizard import SetupWizard

    wizard = SetupWizard(context, tasks)
    qtbot.addWidget(wizard)
    before = stored(context)
    wizard.name.setText("New Clinic")
    wizard.host.setText("mail.example.org")
    choose(wizard.security, "none")
    wizard.watch.setText(str(tmp_path))
    wizard.library.setText(str(tmp_path / "library"))
    wizard.apply()
    answered(qtbot, wizard)
    assert len(wizard.problems) == 2
    assert wizard.problems[0].startswith("smtp.security = none would send patient emails "
                                         "unencrypted to mail.example.org.")
    assert wizard.problems[1].startswith(f"photos.library_dir {tmp_path / 'library'} overlaps "
                                         f"the watched folder {tmp_path}")
    assert wizard.result_label.text().startswith("Please go back and fix:\n“Encryption” = none "
                                                 "would send")
    assert "smtp." not in wizard.result_label.text()  # no setting keys on screen
    assert stored(context) == before


def test_choices_not_free_text_time_zone_list_time_box_and_logo_chooser(
        qtbot: Any, window: Any, view: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clinic_desktop.ui.qt import QFileDialog, QTime, QToolButton

    zone = view.fields["clinic.timezone"]
    assert zone.findText("Europe/Vienna") >= 0  # every IANA zone to pick from
    zone.setCurrentIndex(zone.findText("Europe/Vienna"))
    view.fields["schedule.daily_time"].setTime(QTime(7, 30))
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (10, 120, 200)).save(logo)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(logo), "")))
    [choose_logo] = [b for b in view.findChildren(QToolButton)
                     if b.accessibleName().startswith("Choose: Logo")]
    choose_logo.click()
    assert view.fields["clinic.logo"].text() == str(logo)
    assert saved(qtbot, view) is True
    with window.context.sessions() as session:
        assert settings.get_text(session, "clinic.timezone") == "Europe/Vienna"
        assert settings.get_text(session, "schedule.daily_time") == "07:30"
        assert settings.get_text(session, "clinic.logo") == str(logo)
