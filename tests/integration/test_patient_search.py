"""Patient search: the same patients a plain reading of every field would find (folded as
db/search.py states: case, accents and ß do not matter), on SQLite (with its FTS5 trigram
table) and PostgreSQL, after edits, and for databases made before the index or the folding."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text

from clinic_desktop.app import open_app
from clinic_desktop.db import migrate
from clinic_desktop.db.engine import make_engine, write_session
from clinic_desktop.db.models import Patient
from clinic_desktop.db.search import FTS_TABLE, PG_INDEX, stale_search_text
from clinic_desktop.domain.patients import PatientInput, add_patient, update_patient
from clinic_desktop.domain.search import count_patients, search_patients

# Letters that fold oddly (İ lowers to i and a combining dot, the Kelvin sign to k, ß
# case-folds to ss, Σ has two lower cases, ø and ı have no accent to drop), the LIKE wildcards,
# FTS5's quote, and plain names.
PEOPLE = [
    ("Ada", "Lovelace", "ada@example.org", "+44 20 7946 0000"),
    ("Jürgen", "Müller", "j.mueller@example.de", "030 1234567"),
    ("İlkay", "Gündoğan", "ilkay@example.com", ""),
    ("Ørsted", "Weiß", "", "+45 1234"),
    ("KELVIN", "\u212aelvin", "k@example.org", ""),
    ("Σοφία", "Παπαδοπούλου", "sofia@example.gr", ""),
    ("100%", "under_score", "pct@example.org", "500"),
    ('Say "hi"', "O'Neil", "", ""),
    ("Anna", "Müller-Lüdenscheidt", "anna@example.de", "+49 30 555"),
    ("Zoë", "Smith", "zoe.smith@example.org", ""),
]


def _plain_fold(value: str) -> str:
    """The rule db/search.py states, read plainly: case-fold, decompose, drop the combining
    marks, compose again."""
    letters = unicodedata.normalize("NFKD", value.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in letters
                                                if unicodedata.combining(c) == 0))


def _expected(population: dict[str, list[str]], typed: str) -> list[str]:
    """The plain reading: every word of the folded typing is inside some folded field."""
    words = _plain_fold(typed).split()
    return sorted(code for code, fields in population.items()
                  if all(any(w in _plain_fold(f) for f in fields) for w in words))


def _found(session: Any, typed: str) -> list[str]:
    rows = search_patients(session, typed, 0, 1000)
    return [r.code for r in rows]


@pytest.fixture
def population(app: Any) -> dict[str, list[str]]:
    people = {}
    with write_session(app.sessions) as session:
        for n, person in enumerate(PEOPLE, start=1):
            code = f"P{n:04d}"
            patient = add_patient(session, PatientInput(code, *person))
            # What was stored (the email as normalised), read as plainly as possible.
            people[code] = [patient.code, patient.first_name, patient.last_name,
                            patient.email or "", patient.phone or ""]
    return people


QUERIES = ["müller", "MÜLLER", "mü", "ü", "İlk", "ilk", "gündoğan", "weiß", "WEISS", "ørs",
           "Ørsted", "kelvin", "\u212aelvin", "σοφία", "ΣΟΦΊΑ", "%", "100%", "_", "under_",
           "500", '"hi"', '"', "o'neil", "anna müller", "müller anna", "p0001", "P000",
           "example.org", "lüdenscheidt müller-", "zz", "nobody", "@", "+49", "30 555",
           "a", "an", "ann", "jurgen", "JURGEN", "jürgen", "muller", "Muller", "weiss", "Weiss",
           "zoe", "Zoë", "ZOË", "gundogan", "ilkay", "İLKAY", "ılkay", "σοφια", "sofia",
           "ΣΟΦΙΑ", "ς", "\u212a", "k", "ø", "o", "\u0308", "u\u0308", "ﬁ"]


@pytest.mark.parametrize("typed", QUERIES)
def test_search_finds_what_reading_every_field_finds(app: Any, population: dict[str, list[str]],
                                                     typed: str) -> None:
    with app.sessions() as session:
        assert _found(session, typed) == _expected(population, typed)
        assert count_patients(session, typed) == len(_expected(population, typed))


_alphabet = st.sampled_from([*"aäbcdeéfgiİıkKlmnoöpsßtuüvzΣσς%_\"'.@+0-9 ", "\u212a"])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.one_of(st.text(_alphabet, max_size=6),
                       st.sampled_from([f for p in PEOPLE for f in p if f])
                       .flatmap(lambda f: st.tuples(st.integers(0, len(f)),
                                                    st.integers(0, len(f)))
                                .map(lambda ab: f[min(ab):max(ab)]))))
def test_search_matches_the_plain_reading_for_any_typing(
        app: Any, population: dict[str, list[str]], typed: str) -> None:
    with app.sessions() as session:
        assert _found(session, typed) == _expected(population, typed)


# What staff type, and whom they mean (issue 12: international names).
FOLDED_EXAMPLES = [
    ("jurgen", "Jürgen", "Groß"), ("Jurgen", "Jürgen", "Groß"), ("jürgen", "Jürgen", "Groß"),
    ("gross", "Jürgen", "Groß"), ("Gross", "Jürgen", "Groß"), ("GROSS", "Jürgen", "Groß"),
    ("Muller", "Anna", "Müller"), ("muller", "Anna", "Müller"), ("MÜLLER", "Anna", "Müller"),
    ("Zoe", "Zoë", "Smith"), ("zoë", "Zoë", "Smith"), ("ZOE SMITH", "Zoë", "Smith"),
    ("σοφια", "Σοφία", "Papadopoulou"), ("ΣΟΦΊΑ", "Σοφία", "Papadopoulou"),
    ("strasse", "Lena", "Straße"), ("straße", "Lena", "Strasse"),
    ("ilkay", "İlkay", "Gündoğan"), ("gundogan", "İlkay", "Gündoğan"),
    ("kelvin", "\u212aelvin", "Lord"),
]


@pytest.mark.parametrize(("typed", "first", "last"), FOLDED_EXAMPLES)
def test_search_ignores_case_accents_and_sharp_s(app: Any, typed: str, first: str,
                                                 last: str) -> None:
    with write_session(app.sessions) as session:
        add_patient(session, PatientInput("P0001", first, last))
        add_patient(session, PatientInput("P0002", "Ada", "Lovelace"))
    with app.sessions() as session:
        assert _found(session, typed) == ["P0001"]
        assert count_patients(session, typed) == 1


def test_letters_that_are_not_accented_latin_letters_stay_apart(app: Any) -> None:
    with write_session(app.sessions) as session:
        add_patient(session, PatientInput("P0001", "Ørsted", "Łukasz"))
        add_patient(session, PatientInput("P0002", "Orsted", "Lukasz"))
        add_patient(session, PatientInput("P0003", "Yıldız", ""))
    with app.sessions() as session:
        assert _found(session, "ørsted") == ["P0001"]
        assert _found(session, "orsted") == ["P0002"]
        assert _found(session, "łukasz") == ["P0001"]
        assert _found(session, "yıldız") == ["P0003"]
        assert _found(session, "yildiz") == []  # dotless ı is a letter of its own


def test_edited_and_deleted_patients_are_found_by_what_they_are_now(
        app: Any, population: dict[str, list[str]]) -> None:
    with write_session(app.sessions) as session:
        patient = session.scalar(select(Patient).where(Patient.code == "P0001"))
        update_patient(session, patient, PatientInput("P0001", "Augusta", "King",
                                                      "augusta@example.org"))
        session.execute(delete(Patient).where(Patient.code == "P0010"))
    with app.sessions() as session:
        assert _found(session, "lovelace") == []
        assert _found(session, "augusta king") == ["P0001"]
        assert _found(session, "smith") == []
        assert _found(session, "zoë") == []
        assert _found(session, "zoe") == []


def test_a_page_of_a_common_word_comes_in_code_order(app: Any) -> None:
    """Many hits: the page is read in code order (not every hit sorted), same rows either way."""
    with write_session(app.sessions) as session:
        for n in range(1, 2600):
            add_patient(session, PatientInput(f"Q{n:05d}", "Maria", f"Müller {n}"))
    with app.sessions() as session:
        page = search_patients(session, "müller", 200, 50)
        assert [r.code for r in page] == [f"Q{n:05d}" for n in range(201, 251)]
        assert count_patients(session, "müller") == 2599
        assert [r.code for r in search_patients(session, "müller 2598", 0, 10)] == ["Q02598"]


def test_sqlite_search_is_answered_by_the_trigram_table(sqlite_app: Any) -> None:
    with write_session(sqlite_app.sessions) as session:
        add_patient(session, PatientInput("P0001", "Jürgen", "Müller"))
    with sqlite_app.sessions() as session:
        hits = session.execute(text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} "
                                    "MATCH '\"muller\"'")).all()
        assert len(hits) == 1
        plan = " ".join(str(row[-1]) for row in session.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM patient WHERE id IN (SELECT rowid FROM "
            f"{FTS_TABLE} WHERE {FTS_TABLE} MATCH '\"muller\"')")))
        assert "VIRTUAL TABLE INDEX" in plan, plan


def test_database_from_before_the_search_index_is_searchable_after_upgrade(
        db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups", "0004")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO patient (code, first_name, last_name, email, phone, email_consent, "
            "language, created_at) VALUES ('P0042', 'Ørjan', 'Weiß', 'O@Example.org', '', "
            ":no, 'en', CURRENT_TIMESTAMP)"), {"no": False})
    engine.dispose()
    app = open_app(tmp_path / "data", db_url, log_to_file=False)  # upgrades, as a new version
    try:
        with app.sessions() as session:
            assert _found(session, "ØRJAN weiß") == ["P0042"]
            assert _found(session, "o@example") == ["P0042"]
    finally:
        app.close()


def test_search_text_of_a_database_from_before_folding_is_refolded_and_back_on_downgrade(
        db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups", "0005")
    lower_cased = "p0042\njürgen\ngroß\nj@example.org\n"  # what 0005's app wrote
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO patient (code, first_name, last_name, email, phone, email_consent, "
            "language, created_at, search_text) VALUES ('P0042', 'Jürgen', 'Groß', "
            "'j@example.org', '', :no, 'en', CURRENT_TIMESTAMP, :search)"),
            {"no": False, "search": lower_cased})
    engine.dispose()
    app = open_app(tmp_path / "data", db_url, log_to_file=False)  # upgrades to 0006
    try:
        with app.sessions() as session:
            assert _found(session, "jurgen gross") == ["P0042"]
            assert _found(session, "JÜRGEN Groß") == ["P0042"]
            assert list(stale_search_text(session.connection())) == []  # db check agrees
    finally:
        app.close()
    engine = make_engine(db_url)
    try:
        migrate.downgrade(engine, "0005")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT search_text FROM patient")) == lower_cased
            if engine.dialect.name == "sqlite":  # and 0005's index finds it as 0005 did
                assert connection.execute(text(
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH "
                    "'\"jürgen\"'")).all() != []
    finally:
        engine.dispose()


def test_a_lost_index_is_made_again_when_the_app_next_opens(db_url: str,
                                                            tmp_path: Path) -> None:
    """Alembic rebuilds a SQLite table to alter it, which drops its triggers; on PostgreSQL
    the index may come later, once an administrator allows pg_trgm (docs/multi-pc.md)."""
    app = open_app(tmp_path / "data", db_url, log_to_file=False)
    with write_session(app.sessions) as session:
        add_patient(session, PatientInput("P0001", "Jürgen", "Müller"))
    app.close()
    engine = make_engine(db_url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        if sqlite:
            connection.exec_driver_sql("DROP TRIGGER patient_search_ai")
            connection.exec_driver_sql(
                "INSERT INTO patient (code, first_name, last_name, email_consent, language, "
                "created_at, search_text) VALUES ('P0002', 'Olga', 'Müller', 0, 'en', "
                "CURRENT_TIMESTAMP, 'p0002\nolga\nmuller\n\n')")
        else:
            connection.exec_driver_sql(f"DROP INDEX {PG_INDEX}")
    engine.dispose()
    app = open_app(tmp_path / "data", db_url, log_to_file=False)  # at head: no migration
    try:
        with write_session(app.sessions) as session:
            add_patient(session, PatientInput("P0003", "Ina", "Müller"))
        with app.sessions() as session:
            expected = ["P0001", "P0002", "P0003"] if sqlite else ["P0001", "P0003"]
            assert _found(session, "müller") == expected
            if not sqlite:
                assert session.execute(text("SELECT 1 FROM pg_indexes WHERE schemaname = "
                                            "current_schema() AND indexname = "
                                            ":name"), {"name": PG_INDEX}).first()
    finally:
        app.close()


def test_db_check_finds_a_patient_changed_around_the_app_and_rebuild_search_fixes_it(
        app: Any, population: dict[str, list[str]], db_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from clinic_desktop.cli import main

    with app.engine.begin() as connection:  # another tool renames her behind the app's back
        connection.execute(text("UPDATE patient SET last_name = 'Byron' WHERE code = 'P0001'"))
    with app.sessions() as session:
        assert _found(session, "byron") == []
    args = ["--data-dir", str(tmp_path / "data"), "--db", db_url]

    assert main(["db", "check", *args]) == 1
    assert "patient P0001 is not searchable by what their record says (run `clinic-desktop " \
           "db rebuild-search`)" in capsys.readouterr().out
    assert main(["db", "rebuild-search", *args]) == 0
    assert "Patient search rebuilt (1 patient(s) corrected)." in capsys.readouterr().out
    assert main(["db", "check", *args]) == 0
    with app.sessions() as session:
        assert _found(session, "byron") == ["P0001"]
        assert _found(session, "lovelace") == []
