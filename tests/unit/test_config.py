"""Data folder, database URL precedence and refusing SQLite on network drives."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_desktop.config import default_data_dir, is_unc_path, resolve_paths
from clinic_desktop.db.engine import make_engine, normalise_url
from clinic_desktop.errors import ConfigError


def test_flag_beats_environment_beats_platform_default(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    assert resolve_paths().data_dir == default_data_dir()
    monkeypatch.setenv("CLINIC_DESKTOP_DATA_DIR", str(tmp_path / "env"))
    assert resolve_paths().data_dir == tmp_path / "env"
    assert resolve_paths().db_url.endswith("/env/clinic.sqlite3")
    assert resolve_paths(tmp_path / "flag").data_dir == tmp_path / "flag"
    monkeypatch.setenv("CLINIC_DESKTOP_DB_URL", "postgresql+psycopg://u@h/db")
    assert resolve_paths().db_url == "postgresql+psycopg://u@h/db"
    assert resolve_paths(db_url="sqlite:///x.db").db_url == "sqlite:///x.db"


def test_default_data_dir_is_the_per_user_app_data_folder() -> None:
    assert "ClinicDesktop" in default_data_dir().parts


@pytest.mark.parametrize("path", [r"\\server\share\clinic.sqlite3", "//server/share/x.db",
                                  r"\\?\UNC\server\share\x.db"])
def test_windows_share_paths_are_network_paths(path: str) -> None:
    assert is_unc_path(path)


@pytest.mark.parametrize("path", [r"C:\Users\reception\clinic.sqlite3", r"\\?\C:\very\long",
                                  "/home/x/clinic.sqlite3", "relative/clinic.sqlite3"])
def test_local_paths_are_not_network_paths(path: str) -> None:
    assert not is_unc_path(path)


def test_sqlite_on_a_share_is_refused_and_points_to_postgresql() -> None:
    with pytest.raises(ConfigError, match=r"network drive.*PostgreSQL"):
        make_engine("sqlite://///server/share/clinic.sqlite3")


def test_plain_postgresql_urls_use_the_shipped_psycopg_driver() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_unsupported_database_is_refused_with_what_is_supported() -> None:
    with pytest.raises(ConfigError, match=r"SQLite.*PostgreSQL"):
        make_engine("mysql://u@h/db")
