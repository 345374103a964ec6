"""Shared fixtures: a fresh database on SQLite and on the real PostgreSQL CI starts."""

from __future__ import annotations

import os

# Before anything imports Qt (pytest-qt's QApplication, or a PDF written by a core test,
# whichever comes first in a test process): offscreen, on the screen of the commonest clinic
# PC (1366×768) instead of the offscreen platform's 800×600.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = ("offscreen:configfile="
                                     + os.path.join(os.path.dirname(__file__), "ui",
                                                    "screen-1366x768.json"))
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The real SMTP server, keyring and photo fixtures (tests/servers.py), for every folder.
pytest_plugins = ["servers"]

PG_ENV = "CLINIC_DESKTOP_TEST_PG_URL"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _postgres_reason() -> str | None:
    """None when PostgreSQL is usable, else why not (a skip locally, a failure in CI)."""
    url = os.environ.get(PG_ENV)
    if not url:
        return f"no PostgreSQL: set {PG_ENV} (CI sets it)"
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {make_url(url).render_as_string(hide_password=True)} " \
               f"is not reachable: {exc}"
    return None


_PG_REASON = _postgres_reason()


@pytest.fixture(autouse=True)
def _quality_gate_off(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's pictures are small flat test images, not camera photos: the quality gate
    would hold every one, and the tests of importing, filing and advancing are not about
    that. Importers in this process find every check off, unless a test asks for the
    `quality_gate` fixture (the gate's own tests, on camera-like photos)."""
    if "quality_gate" in request.fixturenames:
        return
    from servers import QUALITY_GATE_OFF

    from clinic_desktop.photos.quality import Thresholds

    off = Thresholds(**{key.split(".")[1]: int(value)
                        for key, value in QUALITY_GATE_OFF.items()})
    monkeypatch.setattr(Thresholds, "of_clinic", classmethod(lambda _cls, _session: off))


@pytest.fixture
def quality_gate() -> None:
    """The photo quality gate with the clinic defaults (see _quality_gate_off)."""


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Never touch the developer's real clinic data or the machine's zone.
    monkeypatch.delenv("CLINIC_DESKTOP_DATA_DIR", raising=False)
    monkeypatch.delenv("CLINIC_DESKTOP_DB_URL", raising=False)
    monkeypatch.setenv("CLINIC_DESKTOP_USER", "test-user")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections live in a schema of their own, dropped afterwards."""
    if _PG_REASON:
        if IN_CI:
            pytest.fail(_PG_REASON)
        pytest.skip(_PG_REASON)
    base = os.environ[PG_ENV]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        # As on a clinic's server: extensions live in public, which stays on the search path
        # (made here once, not by each test, so no test's schema takes it down with it). The
        # lock: test processes running side by side would race to create it.
        connection.execute(text("SELECT pg_advisory_xact_lock(7310002)"))
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema},public"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from clinic_desktop.app import open_app

    context = open_app(tmp_path / "data", db_url, log_to_file=False)
    with context.sessions.begin() as session:
        from clinic_desktop import settings

        settings.set_value(session, "clinic.timezone", "Europe/Berlin")
    yield context
    context.close()


@pytest.fixture
def sqlite_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    from clinic_desktop.app import open_app

    context = open_app(tmp_path / "data", None, log_to_file=False)
    yield context
    context.close()


TODAY = date(2026, 3, 10)


@pytest.fixture
def enrol():  # type: ignore[no-untyped-def]
    """Add a patient and give them a plan of the given step durations, starting on `start`."""
    from clinic_desktop.domain.patients import PatientInput, add_patient
    from clinic_desktop.domain.plans import StepSpec, apply_plan, create_template

    counter = {"n": 0}

    def _enrol(session, code: str, durations: list[int], start: date, *,  # type: ignore[no-untyped-def]
               email: str | None = "", consent: bool = True):
        counter["n"] += 1
        address = f"{code.lower()}@example.org" if email == "" else (email or "")
        patient = add_patient(session, PatientInput(code, "Test", code, address, "",
                                                    consent and bool(address)))
        template = create_template(session, f"plan {code} {counter['n']}",
                                   [StepSpec(f"Step {i}", d, f"Do step {i}")
                                    for i, d in enumerate(durations, start=1)])
        apply_plan(session, patient, template, start)
        return patient

    return _enrol
