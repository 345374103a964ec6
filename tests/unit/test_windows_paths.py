"""Windows-correct core code, checked on Linux: the data folder, UNC shares, non-ASCII and long
names, Credential Manager's limit, CSV for Excel, time zones from tzdata and no POSIX-only calls.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
import zoneinfo
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PureWindowsPath

import platformdirs
import platformdirs.windows
import pytest

from clinic_desktop import config, secrets
from clinic_desktop.errors import ConfigError
from clinic_desktop.photos.library import PhotoLibrary

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "clinic_desktop"

# --- the data folder -----------------------------------------------------------------------------


def test_default_data_dir_on_windows_is_local_appdata(monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs' Windows rules, with the shell's folders faked: LOCALAPPDATA, not roaming
    APPDATA (a roaming profile would copy the database and photos at every logon)."""
    folders = {"CSIDL_LOCAL_APPDATA": r"C:\Users\Anna Müller\AppData\Local",
               "CSIDL_APPDATA": r"C:\Users\Anna Müller\AppData\Roaming"}
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", folders.__getitem__)
    for name in folders:  # the WIN_PD_OVERRIDE_* variables would win over the shell
        monkeypatch.delenv(f"WIN_PD_OVERRIDE_{name.removeprefix('CSIDL_')}", raising=False)
    # (os.path.join uses / on this Linux machine; PureWindowsPath reads both separators.)
    assert PureWindowsPath(str(config.default_data_dir())) == PureWindowsPath(
        r"C:\Users\Anna Müller\AppData\Local\ClinicDesktop\ClinicDesktop")


def test_a_data_folder_with_spaces_and_umlauts_holds_the_database(tmp_path: Path) -> None:
    from clinic_desktop.app import open_app

    folder = tmp_path / "Praxis Dr. Müller – Zähne" / "Daten"
    app = open_app(folder, log_to_file=False)
    try:
        assert app.paths.db_url == f"sqlite:///{(folder / 'clinic.sqlite3').as_posix()}"
        assert (folder / "clinic.sqlite3").is_file()
    finally:
        app.close()


# --- UNC shares ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [r"\\praxis-nas\fotos\patienten", "//praxis-nas/fotos",
                                  r"\\?\UNC\praxis-nas\fotos", r"\\praxis-nas.local\Fotos Ä"])
def test_unc_strings_are_recognised_as_shares(path: str) -> None:
    assert config.is_unc_path(path)
    assert config.is_unc_path(PureWindowsPath(path))
    assert config.is_network_path(Path(path))


@pytest.mark.parametrize("path", [r"C:\Praxis\Fotos", r"\\?\C:\Praxis\Fotos", r"D:Fotos",
                                  "Fotos\\Patienten"])
def test_local_windows_paths_are_not_shares(path: str) -> None:
    assert not config.is_unc_path(path)


def test_the_photo_library_joins_paths_on_a_unc_share() -> None:
    root = PureWindowsPath(r"\\praxis-nas\fotos\Clinic Desktop")
    library = PhotoLibrary(root)  # type: ignore[arg-type]  # a Windows path, as on Windows
    sha = "ab" + "0" * 62
    original = library.original_path(sha, "heic")
    assert str(original) == rf"\\praxis-nas\fotos\Clinic Desktop\ab\{sha}.heic"
    assert original.drive == r"\\praxis-nas\fotos"
    thumb = library.thumbnail_path(sha, 256)
    assert str(thumb) == rf"\\praxis-nas\fotos\Clinic Desktop\thumbs\ab\{sha}_256.jpg"
    relative = library.relative(original)  # type: ignore[arg-type]
    assert relative == f"ab/{sha}.heic"  # stored with / in the database, for every PC
    assert library.resolve(relative) == original


# --- non-ASCII and long file names --------------------------------------------------------------


def test_photos_with_non_ascii_and_long_names_are_stored_under_short_ascii_names(
        tmp_path: Path) -> None:
    from PIL import Image

    from clinic_desktop.photos.image import read_photo

    name = "Zähne vorne – Ωμέγα 日本 😀 " + "ä" * 100 + ".jpg"  # 240 bytes: Linux's limit is 255
    source = tmp_path / "Eingang Fotos" / name
    source.parent.mkdir()
    Image.new("RGB", (64, 48), (180, 90, 60)).save(source)
    photo = read_photo(source, max_megapixels=50, zone=zoneinfo.ZoneInfo("Europe/Berlin"))
    library = PhotoLibrary(tmp_path / "Fotos Praxis Müller")
    stored = library.store(photo.sha256, photo.extension, photo.data, photo.thumbnails)
    relative = library.relative(stored)
    assert relative.isascii() and len(relative) < 80, relative
    # Windows' 260-character MAX_PATH leaves a library root of about 170 characters.
    assert stored.read_bytes() == source.read_bytes()


# --- Credential Manager -------------------------------------------------------------------------


def test_a_password_above_credential_managers_limit_is_refused_before_the_keyring(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_keyring() -> None:
        raise AssertionError("the keyring must not be asked")

    monkeypatch.setattr(secrets, "backend", no_keyring)
    with pytest.raises(ConfigError, match="Credential Manager keeps at most 1280"):
        secrets.set_smtp_password("praxis@example.org", "ä" * 1281)


def test_the_limit_counts_utf16_units_as_credential_manager_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "backend", lambda: pytest.fail("stored"))
    with pytest.raises(ConfigError, match="Credential Manager"):
        secrets.set_smtp_password("praxis@example.org", "😀" * 1280)


# --- CSV for Excel ------------------------------------------------------------------------------


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[object]:
    from clinic_desktop.app import open_app

    app = open_app(tmp_path / "data", log_to_file=False)
    yield app
    app.close()


def test_csv_export_has_a_bom_for_excel_and_reads_back(clinic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import PatientInput, add_patient, export_csv, import_csv

    with write_session(clinic.sessions) as session:
        add_patient(session, PatientInput("P1", "Zoë", "Ünal-Øster", "zoe@example.org",
                                          email_consent=True, language="de"))
    target = tmp_path / "Export Müller.csv"
    with clinic.sessions() as session:
        assert export_csv(session, target) == 1
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert b"\r\n" in data and "Ünal-Øster".encode() in data
    from clinic_desktop.app import open_app

    other = open_app(tmp_path / "other", log_to_file=False)
    try:
        with write_session(other.sessions) as session:
            report = import_csv(session, target)
        assert report.imported == 1 and not report.bad_rows
    finally:
        other.close()


def test_csv_saved_by_german_excel_imports(clinic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """German Excel saves 'CSV (Trennzeichen-getrennt)' with ; in Windows-1252."""
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import import_csv

    source = tmp_path / "Patienten.csv"
    source.write_bytes("code;first_name;last_name;email;email_consent\r\n"
                       "P7;Jürgen;Weiß;jw@example.org;ja\r\n".encode("cp1252"))
    with write_session(clinic.sessions) as session:
        report = import_csv(session, source)
    assert report.imported == 1, report.bad_rows


# --- time zones ---------------------------------------------------------------------------------


def test_time_zones_come_from_tzdata_when_the_system_has_none() -> None:
    """Windows has no zone files: zoneinfo then reads the tzdata package (a dependency)."""
    import tzdata

    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"][
        "dependencies"]
    assert any(re.match(r"tzdata\b", d) for d in dependencies)
    assert tzdata.IANA_VERSION
    zoneinfo.reset_tzpath(to=[])  # as on Windows: no system zone folders
    zoneinfo.ZoneInfo.clear_cache()
    try:
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        assert berlin.utcoffset(datetime(2026, 7, 1, 12)).total_seconds() == 7200
        assert berlin.utcoffset(datetime(2026, 1, 1, 12)).total_seconds() == 3600
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


# --- no POSIX-only calls in the core ------------------------------------------------------------

POSIX_ONLY_CALLS = {("os", name) for name in (
    "fork", "forkpty", "getuid", "geteuid", "getgid", "getegid", "setuid", "setsid", "chown",
    "lchown", "fchown", "killpg", "getpgid", "setpgid", "mkfifo", "nice", "uname",
    "sysconf", "getloadavg", "openpty", "wait3", "wait4")} | {
    ("signal", name) for name in ("SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGALRM",
                                  "SIGCHLD", "SIGPIPE", "SIGQUIT", "alarm", "setitimer",
                                  "pause")}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "termios", "resource", "tty", "pty", "crypt",
                      "posix", "syslog"}
GUARDED_CALLS = {("os", "symlink"), ("os", "link")}  # allowed behind a guard only
GUARD = re.compile(r"sys\.platform|os\.name|hasattr\(|getattr\(|try:|except ")
WAIVER = "# windows-ok"


def posix_only_calls(source: str) -> list[tuple[int, str]]:
    """(line, what) for each POSIX-only call or import outside comments and strings."""
    lines = source.splitlines()
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type in (tokenize.NAME, tokenize.OP)]
    found = []
    for i, token in enumerate(tokens):
        line = token.start[0]
        if WAIVER in lines[line - 1]:
            continue
        if token.string in ("import", "from") and i + 1 < len(tokens):
            module = tokens[i + 1].string
            if module in POSIX_ONLY_MODULES and (token.string == "from" or
                                                 tokens[i + 1].start[0] == line):
                found.append((line, f"import {module}"))
            if token.string == "import":  # import a, b
                j = i + 2
                while j + 1 < len(tokens) and tokens[j].string == "," and \
                        tokens[j].start[0] == line:
                    if tokens[j + 1].string in POSIX_ONLY_MODULES:
                        found.append((line, f"import {tokens[j + 1].string}"))
                    j += 2
        if i + 2 < len(tokens) and tokens[i + 1].string == ".":
            pair = (token.string, tokens[i + 2].string)
            if pair in POSIX_ONLY_CALLS:
                found.append((line, ".".join(pair)))
            elif pair in GUARDED_CALLS:
                context = "\n".join(lines[max(0, line - 4):line])
                if not GUARD.search(context):
                    found.append((line, ".".join(pair) + " without a platform guard"))
    return found


def test_the_detector_finds_posix_only_calls_and_spares_guarded_ones() -> None:
    sample = (
        "import os, fcntl\n"
        "from pwd import getpwnam\n"
        "pid = os.fork()\n"
        "# os.getuid() in a comment is fine\n"
        "text = 'os.chown in a string is fine'\n"
        "os.kill(pid, signal.SIGKILL)\n"
        "os.symlink('a', 'b')\n"
        "if sys.platform != 'win32':\n"
        "    os.symlink('a', 'b')\n"
        "uid = os.getuid()  # windows-ok: only reached on Linux\n"
        "import resource\n"
    )
    assert posix_only_calls(sample) == [
        (1, "import fcntl"), (2, "import pwd"), (3, "os.fork"), (6, "signal.SIGKILL"),
        (7, "os.symlink without a platform guard"), (11, "import resource")]


def test_the_core_makes_no_posix_only_calls() -> None:
    """clinic_desktop/ outside ui/ runs on Windows clinic PCs (the window app is checked by
    running it there); mark a deliberately guarded line with `# windows-ok`."""
    problems = []
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(REPO)
        if relative.parts[1] == "ui":
            continue
        for line, what in posix_only_calls(path.read_text(encoding="utf-8")):
            problems.append(f"{relative.as_posix()}:{line}: {what}")
    assert not problems, "POSIX-only calls in the core:\n" + "\n".join(problems)
