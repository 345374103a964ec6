"""The commands a clinic uses, run by Windows CPython under Wine on C:\\ paths."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from servers import SMTP_PASSWORD, SMTP_USER, SmtpServer, configure_smtp
from winebox import Result, WindowsPython, WinePrefix, windows_path

DATA = r"C:\Praxis Müller\Daten"


@pytest.fixture(scope="module")
def demo(windows_python: WindowsPython) -> str:
    """A demo clinic in a data folder with a space and a non-ASCII letter in its name."""
    result = windows_python.app("demo", "--data-dir", DATA)
    assert result.code == 0, result
    assert "Demo clinic created" in result.out, result
    return DATA


def test_status_written_to_a_file_in_the_windows_code_page_keeps_every_patient(
        windows_python: WindowsPython, wine_prefix: WinePrefix, demo: str) -> None:
    """Redirected output is written in the ANSI code page (cp1252), which has no 'ı': the
    status table still comes out whole, Yılmaz as Yilmaz."""
    out, batch = r"C:\status.txt", r"C:\status.bat"
    # A batch file, as an IT person would write it (Wine would quote a /c command line);
    # cmd.exe reads batch files in the OEM code page (437 on an English Windows).
    wine_prefix.host_path(batch).write_bytes(
        f'"{windows_python.exe}" -m clinic_desktop status --data-dir "{demo}" > {out}\r\n'
        .encode("cp437"))
    result = Result.of(wine_prefix.run("cmd", "/c", batch))
    written = wine_prefix.host_path(out).read_bytes().decode("cp1252")
    assert result.code == 0, f"{result}\n--- {out}\n{written}"
    assert "Today (clinic time zone)" in written and "P00030" in written, written
    assert "Yilmaz" in written, written


def configure_mail(prefix: WinePrefix, data: str, server: SmtpServer, username: str = "") -> None:
    """Point the clinic at the host's test mail server (set from Linux: each Windows process
    costs seconds under Wine, and `settings set` is not what these tests are about)."""
    from clinic_desktop.app import open_app
    from clinic_desktop.db.engine import write_session

    app = open_app(prefix.host_path(data), log_to_file=False)
    try:
        with write_session(app.sessions) as session:
            configure_smtp(session, server, username=username)
    finally:
        app.close()


def test_notify_finished_steps_sends_to_a_mail_server_on_the_host(
        windows_python: WindowsPython, wine_prefix: WinePrefix, demo: str,
        smtp_server_factory: Callable[..., SmtpServer]) -> None:
    server = smtp_server_factory()
    configure_mail(wine_prefix, demo, server)
    dry = windows_python.app("notify-finished-steps", "--dry-run", "--data-dir", demo)
    assert dry.code == 0 and "Dry run: nothing is queued, sent or changed." in dry.out, dry
    assert server.messages == []
    sent = windows_python.app("notify-finished-steps", "--data-dir", demo, timeout=240)
    assert sent.code == 0, sent
    sent_first = len(server.messages)
    assert any("Completed - Photo Required" in s for s in server.subjects), server.subjects
    again = windows_python.app("notify-finished-steps", "--data-dir", demo)
    assert again.code == 0, again
    assert len(server.messages) == sent_first, "a second run sent again"


def test_the_mail_password_goes_through_windows_credential_manager(
        windows_python: WindowsPython, wine_prefix: WinePrefix, demo: str,
        smtp_server_factory: Callable[..., SmtpServer]) -> None:
    server = smtp_server_factory("none", auth=True)
    configure_mail(wine_prefix, demo, server, username=SMTP_USER)
    stored = windows_python.app("smtp", "set-password", "--stdin", "--data-dir", demo,
                                stdin=SMTP_PASSWORD.encode() + b"\r\n")
    assert stored.code == 0, stored
    assert "(WinVaultKeyring)" in stored.out, stored
    assert "warning" not in stored.err, stored
    sent = windows_python.app("smtp", "test", "--to", "arzt@example.org", "--data-dir", demo)
    assert sent.code == 0, sent
    assert server.logins and all(ok for _mechanism, ok in server.logins), server.logins
    assert [m["To"] for m in server.messages] == ["arzt@example.org"]
    removed = windows_python.app("smtp", "delete-password", "--data-dir", demo)
    assert removed.code == 0 and "Password removed." in removed.out, removed
    refused = windows_python.app("smtp", "test", "--data-dir", demo)
    assert refused.code != 0 and "No mail password is stored" in refused.err, refused


def test_import_photos_from_a_folder_with_non_ascii_letters(
        windows_python: WindowsPython, wine_prefix: WinePrefix, demo: str) -> None:
    from PIL import Image

    folder = r"C:\Fotos Zähne\Übergabe"
    host = wine_prefix.host_path(folder)
    host.mkdir(parents=True)
    Image.new("RGB", (640, 480), (200, 120, 90)).save(host / "Zähne vorne.jpg", quality=85)
    Image.new("RGB", (640, 480), (20, 160, 90)).save(host / "links.jpg", quality=85)
    result = windows_python.app("import-photos", rf"{folder}\Zähne vorne.jpg",
                                rf"{folder}\links.jpg", "--patient", "P00003",
                                "--data-dir", demo)
    assert result.code == 0, result
    assert "2 imported" in result.out, result
    library = wine_prefix.host_path(demo) / "photos"
    assert len([p for p in library.rglob("*.jpg") if "thumb" not in p.parts]) >= 2
    assert (host / "Zähne vorne.jpg").is_file(), "the original stays where it was"


def test_db_backup_then_check(windows_python: WindowsPython, wine_prefix: WinePrefix,
                              demo: str) -> None:
    backup = windows_python.app("db", "backup", "--data-dir", demo)
    assert backup.code == 0, backup
    files = list((wine_prefix.host_path(demo) / "backups").glob("*.sqlite3"))
    assert files, backup
    with sqlite3.connect(files[-1]) as copy:
        assert copy.execute("SELECT count(*) FROM patient").fetchone()[0] == 30
    check = windows_python.app("db", "check", "--data-dir", demo)
    assert check.code == 0 and "Database OK" in check.out, check


def test_a_database_on_a_network_share_is_refused(windows_python: WindowsPython,
                                                 wine_prefix: WinePrefix,
                                                 tmp_path: Path) -> None:
    share = wine_prefix.map_share("praxis-server", "daten", tmp_path)
    result = windows_python.app("status", "--data-dir", share + r"\clinic")
    assert result.code != 0, result
    assert "Traceback" not in result.out + result.err
    assert "is on a network drive" in result.err, result
    assert not list(tmp_path.rglob("*.sqlite3")), "no database was made on the share"


def test_two_processes_write_one_sqlite_file_at_once(windows_python: WindowsPython,
                                                     wine_prefix: WinePrefix,
                                                     tmp_path: Path) -> None:
    """Windows locks the database file by byte ranges; the busy timeout and BEGIN IMMEDIATE
    make two PCs' worth of writers wait for each other instead of failing."""
    data = r"C:\Zwei Prozesse"
    assert windows_python.app("demo", "--data-dir", data).code == 0
    script = tmp_path / "writer.py"
    script.write_text(
        "import sys\n"
        "from clinic_desktop import audit\n"
        "from clinic_desktop.app import open_app\n"
        "from clinic_desktop.db.engine import write_session\n"
        "app = open_app(sys.argv[1])\n"
        "for number in range(int(sys.argv[3])):\n"
        "    with write_session(app.sessions) as session:\n"
        "        audit.record(session, 'wine_test', detail=f'{sys.argv[2]} {number}')\n"
        "app.close()\n"
        "print('done')\n", encoding="utf-8")
    writes = 150
    processes = [wine_prefix.popen(windows_python.exe, windows_path(script), data, name,
                                   str(writes)) for name in ("front-desk", "notifier")]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, (out + err).decode("cp1252", "replace")
    with sqlite3.connect(wine_prefix.host_path(data) / "clinic.sqlite3") as db:
        details = [row[0] for row in db.execute(
            "SELECT detail FROM audit_event WHERE action = 'wine_test'")]
    assert sorted(details) == sorted(f"{name} {n}" for name in ("front-desk", "notifier")
                                     for n in range(writes))
