"""A patient-code pattern that would make the importer hang is refused when it is set, and one
already stored (an older database) stops the import with a sentence instead of hanging."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite clinic (the shared `run` fixture runs `clinic-desktop ARGS` on it)."""
    return f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}"

@pytest.mark.parametrize(("pattern", "words"), [
    (r"(?:(a+)+)+b", "repeat a part that itself repeats"),
    (r"(a|aa)+b", "repeat a choice"),
    (r"(\w+)+_", "repeat a part that itself repeats"),
    (r"(a*)a*a*a*c", "more than 2 open-ended repeats"),
])
def test_a_pattern_that_can_backtrack_for_minutes_is_refused_when_set(
        run, pattern: str, words: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("settings", "set", "photos.code_pattern", pattern)
    assert code == 2 and words in err and "Traceback" not in err
    code, out, _ = run("settings", "get", "photos.code_pattern")
    assert code == 0 and out.strip() == r"(?<![A-Za-z0-9])([A-Za-z]\d{3,})(?![A-Za-z0-9])"


@pytest.mark.parametrize("pattern", [r"(P\d{5})", r"([A-Z]+\d+)", r"(\w+)_\w+\.jpg",
                                     r"(?i)(?:patient|pat)[-_ ]?(\d+)", r"((?>a+)+b)"])
def test_ordinary_patterns_are_accepted(run, pattern: str) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run("settings", "set", "photos.code_pattern", pattern)
    assert code == 0, err


def test_a_dangerous_pattern_stored_by_an_older_version_stops_the_import_with_a_sentence(
        run, tmp_path: Path, photo_files) -> None:  # type: ignore[no-untyped-def]
    assert run("status")[0] == 0  # makes the database
    engine = create_engine(f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO setting (key, value, updated_at) VALUES "
                                "('photos.code_pattern', :p, '2026-01-01 00:00:00')"),
                           {"p": r"(?:(a+)+)+b"})
    engine.dispose()
    photo = photo_files.jpeg("a" * 40 + "c.jpg")
    started = time.monotonic()
    code, _, err = run("import-photos", str(photo))
    assert time.monotonic() - started < 10
    assert code == 2 and "photos.code_pattern" in err and "repeat a part" in err
