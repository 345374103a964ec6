"""The console script where no terminal is: output redirected on a Windows code page, passwords
piped in, and no traceback whatever arrives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from keyrings.alt.file import PlaintextKeyring

from clinic_desktop import secrets
from clinic_desktop.cli import main
from clinic_desktop.cli.console import nearest_text

TODAY = date(2026, 11, 25)
NAMES = {"P001": ("Ahmet", "Yılmaz"), "P002": ("Ђорђе", "Петровић"), "P003": ("小龍", "李"),
         "P004": ("Jürgen", "Groß")}
TEMPLATE = "Schiene → Retainer"
DOCTOR = "Dr. Şahin – Öztürk"


def console_script() -> str:
    script = shutil.which("clinic-desktop", path=sysconfig.get_path("scripts"))
    assert script, "the console script is installed with the package"
    return script


def run_script(*args: str, data_dir: Path, tmp_path: Path, encoding: str = "cp1252",
               stdin: str | None = None, env: dict[str, str] | None = None
               ) -> tuple[int, bytes, str]:
    """The installed `clinic-desktop` as Windows runs it with `> out.txt`: stdout is a file in
    the console's code page. start_new_session: no terminal, as from Task Scheduler."""
    out_file = tmp_path / "out.txt"
    environment = {**os.environ, "PYTHONIOENCODING": encoding, **(env or {})}
    with out_file.open("wb") as out:
        result = subprocess.run([console_script(), "--data-dir", str(data_dir), *args],
                                stdout=out, stderr=subprocess.PIPE, env=environment,
                                input=(stdin or "").encode(encoding), timeout=120,
                                start_new_session=True, check=False)
    return result.returncode, out_file.read_bytes(), result.stderr.decode(encoding)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic whose patients, doctor, plan, photos and emails carry letters and signs that
    cp1252 lacks (Turkish ı, Cyrillic, Chinese, →, emoji) next to ones it has (ü, ß)."""
    from clinic_desktop.app import open_app
    from clinic_desktop.db.engine import write_session
    from clinic_desktop.domain.patients import PatientInput, add_doctor, add_patient
    from clinic_desktop.domain.plans import StepSpec, apply_plan, create_template

    root = tmp_path_factory.mktemp("console")
    data_dir = root / "data"
    app = open_app(data_dir, None, log_to_file=False)
    with write_session(app.sessions) as session:
        doctor = add_doctor(session, DOCTOR, "doctor@example.org")
        steps = [StepSpec("Schiene 1 — oben", 14), StepSpec("Schiene 2 „unten“ ⇒ fest", 14)]
        template = create_template(session, TEMPLATE, steps, "Zwei Schienen → dann Retainer")
        for code, (first, last) in NAMES.items():
            patient = add_patient(session, PatientInput(
                code, first, last, f"{code.lower()}@example.org", "", True, "en", doctor.name))
            apply_plan(session, patient, template, TODAY - timedelta(days=14))
    app.close()
    from PIL import Image

    incoming = root / "incoming"
    incoming.mkdir()
    for n, name in enumerate(["P001_Yılmaz_front.jpg", "Ђорђе_лево.jpg"]):
        Image.new("RGB", (64, 48), (40 + n * 50, 90, 120)).save(incoming / name, "JPEG")
    base = ["--data-dir", str(data_dir)]
    assert main([*base, "settings", "set", "clinic.name", "Zahnarztpraxis Yıldız"]) == 0
    assert main([*base, "notify-finished-steps", "--no-send", "--today",
                 TODAY.isoformat()]) == 0
    assert main([*base, "import-photos", str(incoming / "Ђорђе_лево.jpg"), "--today",
                 TODAY.isoformat()]) == 1  # no patient code: it waits in the inbox
    return data_dir


ON_TODAY = ["--today", TODAY.isoformat()]
# What each command shows on cp1252: ü, ß, Ö, „“ and — exist there; ı, Ş and → become their
# nearest plain letters; Cyrillic, Chinese and emoji have none and become "?".
READABLE_OUTPUT = {
    "status": (["status", *ON_TODAY],
               ["P001  Ahmet Yilmaz", "P002  ????? ????????", "P003  ?? ?", "Jürgen Groß",
                "Schiene 1 — oben"]),
    "status --all-steps": (["status", "--all-steps", *ON_TODAY],
                           ["Ahmet Yilmaz", "????? ????????", "Schiene 2 „unten“"]),
    "status --patient": (["status", "--patient", "P001", *ON_TODAY],
                         ["P001  Ahmet Yilmaz", "Schiene 1 — oben"]),
    "patients list": (["patients", "list"],
                      ["Ahmet Yilmaz", "????? ????????", "?? ?", "Jürgen Groß",
                       "Dr. Sahin – Öztürk"]),
    "notify dry run": (["notify-finished-steps", "--dry-run", "--auto-progress", *ON_TODAY],
                       ["1 Schiene 1 — oben", "Schiene 2 „unten“ => fest"]),
    "outbox list": (["outbox", "list"], ["'Schiene 1 — oben'"]),
    "inbox list": (["inbox", "list"], ["?????_????.jpg"]),
    "plan templates": (["plan", "templates", "--steps"],
                       ["Schiene -> Retainer: 2 steps", "Zwei Schienen -> dann Retainer",
                        "Schiene 2 „unten“"]),
    "doctors list": (["doctors", "list"], ["Dr. Sahin – Öztürk"]),
    "settings show": (["settings", "show"], ["Zahnarztpraxis Yildiz"]),
}


@pytest.mark.parametrize("name", READABLE_OUTPUT)
def test_output_redirected_on_a_cp1252_console_is_readable_text(
        clinic: Path, tmp_path: Path, name: str) -> None:
    command, expected = READABLE_OUTPUT[name]

    code, raw, err = run_script(*command, data_dir=clinic, tmp_path=tmp_path)

    assert "Traceback" not in err and "UnicodeEncodeError" not in err, err
    assert code == 0, err
    text = raw.decode("cp1252")  # strict: every byte is a cp1252 character
    for part in expected:
        assert part in text, f"{part!r} not in:\n{text}"


def test_json_on_a_cp1252_console_keeps_every_name_exactly(clinic: Path, tmp_path: Path) -> None:
    for command in (["status", "--json", *ON_TODAY], ["outbox", "list", "--json"],
                    ["inbox", "list", "--json"]):
        code, raw, err = run_script(*command, data_dir=clinic, tmp_path=tmp_path)
        assert code == 0 and "Traceback" not in err, err
        data = json.loads(raw.decode("cp1252"))
        if command[0] == "status":
            assert {p["name"] for p in data["patients"]} == \
                {f"{first} {last}" for first, last in NAMES.values()}
        elif command[0] == "inbox":
            assert [r["file"] for r in data] == ["Ђорђе_лево.jpg"]
        else:
            assert any(r["subject"].startswith("📸") and "'Schiene 1 — oben'" in r["subject"]
                       for r in data)


def test_import_and_errors_on_a_cp1252_console_print_readably(
        clinic: Path, tmp_path: Path) -> None:
    photo = clinic.parent / "incoming" / "P001_Yılmaz_front.jpg"
    code, raw, err = run_script("import-photos", str(photo), *ON_TODAY, data_dir=clinic,
                                tmp_path=tmp_path)
    assert "Traceback" not in err, err
    assert code == 0 and "P001_Yilmaz_front.jpg" in raw.decode("cp1252")

    # Errors go to stderr, which writes the console's code page too.
    code, _, err = run_script("plan", "apply", "--patient", "P002", "--template", "Schiene",
                              "--start", TODAY.isoformat(), data_dir=clinic, tmp_path=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert "'Schiene -> Retainer'" in err
    code, _, err = run_script("notify-finished-steps", *ON_TODAY, data_dir=clinic,
                              tmp_path=tmp_path)
    assert "Traceback" not in err and "Settings -> Email" in err


def test_a_utf8_console_keeps_every_character(clinic: Path, tmp_path: Path) -> None:
    code, raw, err = run_script("patients", "list", data_dir=clinic, tmp_path=tmp_path,
                                encoding="utf-8")
    text = raw.decode("utf-8")
    assert code == 0, err
    for first, last in NAMES.values():
        assert f"{first} {last}" in text
    assert DOCTOR in text


@pytest.mark.parametrize(("text", "expected"), [
    ("Jürgen Groß", "Jurgen Gross"), ("Ahmet Yılmaz", "Ahmet Yilmaz"), ("Łódź", "Lodz"),
    ("Settings → Email", "Settings -> Email"), ("a – b — c", "a - b - c"),
    ("“quoted” ‘too’", "\"quoted\" 'too'"), ("李小龍", "???"), ("Ђорђе", "?????"),
    ("ﬁle", "file"), ("Zoe\u0308", "Zoe"),
])
def test_characters_an_ascii_console_lacks_become_their_nearest_plain_letters(
        text: str, expected: str) -> None:
    assert "".join(c if c.isascii() else nearest_text(c, "ascii") for c in text) == expected
    assert text.encode("ascii", "clinic-readable").decode("ascii") == expected


# --- passwords without a terminal -----------------------------------------------------------


@pytest.fixture
def keyring_env(tmp_path: Path) -> tuple[dict[str, str], PlaintextKeyring]:
    """The keyrings.alt file store, for the child process and for reading back here."""
    env = {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    store = PlaintextKeyring()
    store.file_path = str(tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    return env, store


def test_smtp_password_piped_in_without_stdin_flag_is_stored(
        tmp_path: Path, keyring_env: Any) -> None:
    env, store = keyring_env
    data_dir = tmp_path / "data"
    assert main(["--data-dir", str(data_dir), "settings", "set", "smtp.username",
                 "reception@example.org"]) == 0

    code, raw, err = run_script("smtp", "set-password", data_dir=data_dir, tmp_path=tmp_path,
                                stdin="s3cret pass\n", env=env)

    assert "Traceback" not in err and "EOFError" not in err, err
    assert code == 0 and b"stored in the system keyring" in raw
    assert store.get_password(secrets.SMTP_SERVICE, "reception@example.org") == "s3cret pass"


@pytest.mark.parametrize("stdin", ["", "\n", "   \n"], ids=["nothing", "empty line", "blanks"])
@pytest.mark.parametrize("flag", [[], ["--stdin"]], ids=["piped", "--stdin"])
def test_an_empty_smtp_password_is_refused_with_a_sentence(
        tmp_path: Path, keyring_env: Any, stdin: str, flag: list[str]) -> None:
    env, store = keyring_env
    data_dir = tmp_path / "data"
    assert main(["--data-dir", str(data_dir), "settings", "set", "smtp.username",
                 "reception@example.org"]) == 0

    code, raw, err = run_script("smtp", "set-password", *flag, data_dir=data_dir,
                                tmp_path=tmp_path, stdin=stdin, env=env)

    assert "Traceback" not in err and "EOFError" not in err, err
    assert code == 2 and raw == b""
    assert "The password is empty" in err and "Nothing was stored" in err
    assert store.get_password(secrets.SMTP_SERVICE, "reception@example.org") is None


def test_database_password_without_a_terminal_is_read_from_stdin_or_refused(
        tmp_path: Path, keyring_env: Any) -> None:
    env, store = keyring_env
    database = ["--db", "postgresql+psycopg://clinic@db.clinic.example:5432/clinic"]

    code, _, err = run_script("db", "set-password", *database, data_dir=tmp_path / "data",
                              tmp_path=tmp_path, stdin="", env=env)
    assert "Traceback" not in err and "EOFError" not in err, err
    assert code == 2 and "The password is empty" in err

    code, raw, err = run_script("db", "set-password", *database, data_dir=tmp_path / "data",
                                tmp_path=tmp_path, stdin="pg-Pässword\n", env=env)
    assert code == 0 and "Traceback" not in err, err
    assert b"stored in the system keyring" in raw
    assert store.get_password(secrets.DATABASE_SERVICE, secrets.database_account(
        "clinic", "db.clinic.example", "clinic")) == "pg-Pässword"
