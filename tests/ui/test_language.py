"""Which language the app starts in, and the dates that come with it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from clinic_desktop.ui.qt import QLocale


def test_the_setting_wins_and_system_follows_the_display_language() -> None:
    from clinic_desktop.ui.i18n import chosen_language

    assert chosen_language("de", QLocale("en_GB")) == "de"
    assert chosen_language("en", QLocale("de_AT")) == "en"
    assert chosen_language("system", QLocale("de_AT")) == "de"  # Austria, Switzerland too
    assert chosen_language("system", QLocale("de_CH")) == "de"
    assert chosen_language("system", QLocale("fr_FR")) == "en"  # not spoken: English


def test_one_date_style_per_locale_on_the_clinics_clock(german: Any) -> None:
    from clinic_desktop.ui.i18n import date_text, date_time_text, long_date_text

    assert date_text(date(2026, 11, 28)) == "28.11.2026"
    assert long_date_text(date(2026, 11, 28)) == "Samstag, 28. November 2026"
    # 23:30 UTC is already the next day in Vienna: the clinic's clock, never UTC.
    moment = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    assert date_time_text(moment, ZoneInfo("Europe/Vienna")) == "29.11.2026 00:30"
