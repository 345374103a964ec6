"""Every setting's own range and its documentation, without a database or files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clinic_desktop import settings
from clinic_desktop.errors import ValidationError

REPO = Path(__file__).resolve().parents[2]

# (key, lowest, highest): what a clinic can mean; anything outside is a typo.
RANGES = [
    ("smtp.port", 1, 65535),
    ("smtp.timeout", 1, 600),
    ("smtp.rate_per_minute", 1, 10_000),
    ("smtp.max_attempts", 1, 50),
    ("imap.port", 1, 65535),
    ("notify.reminder_after_days", 1, 365),
    ("notify.max_reminders", 0, 20),
    ("photos.poll_seconds", 1, 86_400),
    ("photos.stable_seconds", 1, 3600),
    ("photos.max_megapixels", 1, 1000),
    ("photos.min_sharpness", 0, 100_000),
    ("photos.min_brightness", 0, 100),
    ("photos.max_brightness", 0, 100),
    ("photos.max_clipped", 0, 100),
    ("photos.min_long_side", 0, 100_000),
    ("reports.late_after_days", 1, 365),
]


def test_every_number_setting_has_a_range() -> None:
    numbers = {key for key, spec in settings.SPECS.items()
               if isinstance(spec.parse, settings._WholeNumber)}
    assert numbers == {key for key, _low, _high in RANGES}


@pytest.mark.parametrize(("key", "low", "high"), RANGES)
def test_a_number_is_accepted_inside_its_range_and_refused_outside(key: str, low: int,
                                                                   high: int) -> None:
    assert settings.parse_value(key, str(low)) == low
    assert settings.parse_value(key, f" {high} ") == high
    for typo in (str(high + 1), str(low - 1), "99999999999999999999", "1_0", "+5", "٣", "",
                 "2.5"):
        with pytest.raises(ValidationError) as refused:
            settings.parse_value(key, typo)
        assert str(refused.value) == (f"{key} must be a whole number from {low} to {high} "
                                      f"(got {typo!r}).")


@pytest.mark.parametrize(("key", "low", "high"), RANGES)
def test_the_allowed_text_shows_the_range(key: str, low: int, high: int) -> None:
    assert settings.SPECS[key].allowed.startswith(f"{low}-{high}")


def test_the_limits_of_a_logo_are_in_its_allowed_text() -> None:
    assert settings.SPECS["clinic.logo"].allowed == \
        "PNG or JPEG file, at most 1 MB and 2000×2000 pixels, or empty"


def _readme_settings_table() -> dict[str, list[str]]:
    """{key: [default, allowed, meaning]} from the table under README's "## Settings"."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        match = re.fullmatch(r"`([a-z_]+\.[a-z_]+)`", cells[0]) if cells else None
        if match:
            rows[match[1]] = cells[1:]
    return rows


def test_the_readme_lists_every_setting_with_its_default_and_what_it_allows() -> None:
    table = _readme_settings_table()
    assert sorted(table) == sorted(settings.SPECS)
    for key, spec in settings.SPECS.items():
        default, allowed, _meaning = table[key]
        assert allowed == spec.allowed, key
        if key != "clinic.timezone":  # the first PC's zone
            assert default == (f"`{spec.default()}`" if spec.default() else "empty"), key


@pytest.mark.parametrize(("typed", "meant"), [
    ("yes", True), (" Ja ", True), ("x", True), ("ON", True), ("1", True),
    ("no", False), ("Nein", False), ("", False), ("off", False),
    ("maybe", None), ("2", None),
])
def test_one_way_to_read_yes_and_no(typed: str, meant: bool | None) -> None:
    """Settings and the patients CSV's email_consent read yes and no alike."""
    from clinic_desktop.domain.patients import _parse_consent
    from clinic_desktop.errors import ValidationError
    from clinic_desktop.settings import yes_or_no

    assert yes_or_no(typed) is meant
    if meant is None:
        with pytest.raises(ValidationError, match="must be yes or no"):
            _parse_consent(typed)
    else:
        assert _parse_consent(typed) is meant
