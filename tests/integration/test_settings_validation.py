"""Settings are refused when they are set, with a sentence that says why, and nothing is stored:
files and folders are looked at, and settings that go together are checked together."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import trustme
from PIL import Image
from sqlalchemy import select

from clinic_desktop import settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, Setting
from clinic_desktop.errors import ConfigError

LOGO_RULE = ("clinic.logo must be a PNG or JPEG image of at most 1 MB and 2000×2000 pixels, or "
             "empty for emails without a logo; ")
CA_RULE = ("smtp.ca_file must be a PEM file with the certificate of the CA that signed the mail "
           "server's certificate (it starts with -----BEGIN CERTIFICATE-----), or empty to "
           "trust only the system's certificates; ")
NONE_REMOTE = ("smtp.security = none would send patient emails unencrypted to "
               "mail.example.org. It is only allowed for a relay on this PC (localhost); use "
               "starttls (port 587) or tls (port 465).")
posix_only = pytest.mark.skipif(os.name == "nt", reason="/proc, /sys and /dev are POSIX folders")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite clinic (the shared `run` fixture then runs `clinic-desktop ARGS` on it)."""
    return f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}"


def stored(app: Any) -> dict[str, str]:
    with app.sessions() as session:
        return {row.key: row.value for row in session.scalars(select(Setting))}


def setting_changes(app: Any) -> int:
    with app.sessions() as session:
        return len(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "setting_changed")).all())


def set_values(app: Any, **values: str) -> None:
    with write_session(app.sessions) as session:
        settings.set_values(session, {k.replace("__", "."): v for k, v in values.items()})


def assert_refused(app: Any, values: dict[str, str], problems: dict[str, str]) -> None:
    """`values` set together are refused with exactly `problems`, and nothing changes."""
    before, changes = stored(app), setting_changes(app)
    with pytest.raises(settings.SettingsRefused) as refused, \
            write_session(app.sessions) as session:
        settings.set_values(session, values)
    assert refused.value.problems == problems
    assert refused.value.exit_code == 2
    assert stored(app) == before and setting_changes(app) == changes


def image(path: Path, size: tuple[int, int], fmt: str, *, noise: bool = False) -> Path:
    if noise:  # does not compress: a large file from a small image
        picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        picture = Image.new("RGB", size, (20, 120, 200))
    picture.save(path, fmt)
    return path


# --- clinic.logo ------------------------------------------------------------------------------


def test_a_png_or_jpeg_logo_is_accepted_and_empty_means_no_logo(sqlite_app: Any,
                                                                tmp_path: Path) -> None:
    png = image(tmp_path / "logo.png", (400, 120), "PNG")
    jpeg = image(tmp_path / "logo.jpg", (2000, 2000), "JPEG")
    for path in (png, jpeg):
        set_values(sqlite_app, clinic__logo=str(path))
        assert stored(sqlite_app)["clinic.logo"] == str(path)
    set_values(sqlite_app, clinic__logo="")
    assert stored(sqlite_app)["clinic.logo"] == ""


def test_a_logo_that_is_not_a_small_png_or_jpeg_image_is_refused_and_says_why(
        sqlite_app: Any, tmp_path: Path) -> None:
    folder = tmp_path / "logos"
    folder.mkdir()
    truncated = image(folder / "cut.jpg", (300, 300), "JPEG", noise=True)
    truncated.write_bytes(truncated.read_bytes()[:2000])
    text = folder / "notes.png"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n")
    cases = {
        str(folder / "missing.png"): f"{folder / 'missing.png'} does not exist",
        str(folder): f"{folder} is a folder, not a file",
        str(text): f"{text} is not a PNG or JPEG image",
        str(image(folder / "wide.png", (2001, 80), "PNG")): f"{folder / 'wide.png'} is "
                                                              "2001×80 pixels",
        str(image(folder / "big.png", (800, 800), "PNG", noise=True)):
            f"{folder / 'big.png'} is 1.9 MB",
        str(image(folder / "anim.gif", (80, 80), "GIF")): f"{folder / 'anim.gif'} is a GIF "
                                                          "image",
    }
    for path, why in cases.items():
        assert_refused(sqlite_app, {"clinic.logo": path}, {"clinic.logo": f"{LOGO_RULE}{why}."})
    with pytest.raises(settings.SettingsRefused, match=r"cut\.jpg is damaged"), \
            write_session(sqlite_app.sessions) as session:
        settings.set_values(session, {"clinic.logo": str(truncated)})


@posix_only
def test_etc_passwd_and_devices_are_not_a_logo(sqlite_app: Any) -> None:
    assert_refused(sqlite_app, {"clinic.logo": "/etc/passwd"},
                   {"clinic.logo": f"{LOGO_RULE}/etc/passwd is not a PNG or JPEG image."})
    assert_refused(sqlite_app, {"clinic.logo": "/dev/zero"},
                   {"clinic.logo": f"{LOGO_RULE}/dev/zero is not an ordinary file."})


def test_the_cli_refuses_a_missing_logo_with_the_sentence_and_stores_nothing(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("settings", "set", "clinic.logo", "/missing.png")
    assert code == 2
    assert err == f"error: {LOGO_RULE}/missing.png does not exist.\n"
    code, out, _ = run("settings", "get", "clinic.logo")
    assert code == 0 and out == "\n"


def test_a_logo_deleted_after_it_was_set_is_shown_as_a_problem(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    logo = image(tmp_path / "logo.png", (200, 200), "PNG")
    assert run("settings", "set", "clinic.logo", str(logo))[0] == 0
    logo.unlink()
    code, out, _ = run("settings", "show")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("clinic.logo"))
    assert "invalid: must be a PNG or JPEG image" in row and "does not exist" in row
    code, out, _ = run("settings", "get", "clinic.logo")  # the value itself is still readable
    assert code == 0 and out.strip() == str(logo)


# --- smtp.security and smtp.host together -----------------------------------------------------


def test_security_none_is_refused_while_the_host_is_another_computer(sqlite_app: Any) -> None:
    set_values(sqlite_app, smtp__host="mail.example.org", smtp__security="starttls")
    assert_refused(sqlite_app, {"smtp.security": "none"}, {"smtp.security": NONE_REMOTE})


def test_a_remote_host_is_refused_while_security_is_none_and_says_what_to_do(
        sqlite_app: Any) -> None:
    set_values(sqlite_app, smtp__host="127.0.0.1", smtp__security="none", smtp__port="25")
    assert_refused(sqlite_app, {"smtp.host": "mail.example.org"}, {
        "smtp.host": f"{NONE_REMOTE} Change smtp.security first, or both in one save."})
    assert_refused(sqlite_app, {"smtp.host": "mail.example.org", "smtp.security": "none"},
                   {"smtp.security": NONE_REMOTE})


def test_host_and_security_changed_in_one_save_are_checked_as_they_will_be(
        sqlite_app: Any) -> None:
    set_values(sqlite_app, smtp__host="localhost", smtp__security="none", smtp__port="25")
    set_values(sqlite_app, smtp__host="mail.example.org", smtp__security="starttls",
               smtp__port="587")
    assert {k: v for k, v in stored(sqlite_app).items() if k.startswith("smtp.")} == {
        "smtp.host": "mail.example.org", "smtp.security": "starttls", "smtp.port": "587"}
    set_values(sqlite_app, smtp__security="tls")
    set_values(sqlite_app, smtp__host="::1", smtp__security="none")  # a relay on this PC


def test_the_cli_names_the_order_that_works(run) -> None:  # type: ignore[no-untyped-def]
    assert run("settings", "set", "smtp.host", "mail.example.org")[0] == 0
    code, _, err = run("settings", "set", "smtp.security", "none")
    assert code == 2 and err == f"error: {NONE_REMOTE}\n"
    assert run("settings", "get", "smtp.security")[1] == "starttls\n"


def test_unencrypted_mail_is_allowed_only_to_a_relay_on_this_pc() -> None:
    assert settings.smtp_security_problem("mail.example.org", "none") == NONE_REMOTE
    for host, security in (("localhost", "none"), ("LOCALHOST", "none"), ("[::1]", "none"),
                           ("mail.example.org", "tls"), ("", "none")):
        assert settings.smtp_security_problem(host, security) == ""


def test_a_stored_pair_that_breaks_the_rule_is_shown_as_a_problem(sqlite_app: Any) -> None:
    with write_session(sqlite_app.sessions) as session:  # written before the rule existed
        session.add_all([Setting(key="smtp.host", value="mail.example.org"),
                         Setting(key="smtp.security", value="none")])
    with sqlite_app.sessions() as session:
        rows = {row.key: row for row in settings.show_all(session)}
    assert rows["smtp.security"].problem == f"invalid: {NONE_REMOTE}"
    set_values(sqlite_app, clinic__name="Other settings can still be saved")


# --- smtp.ca_file ----------------------------------------------------------------------------


def test_a_pem_certificate_is_accepted_as_ca_file(sqlite_app: Any, tmp_path: Path) -> None:
    pem = tmp_path / "clinic-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(pem))
    set_values(sqlite_app, smtp__ca_file=str(pem))
    assert stored(sqlite_app)["smtp.ca_file"] == str(pem)


def test_a_ca_file_without_a_certificate_is_refused(sqlite_app: Any, tmp_path: Path) -> None:
    key_only = tmp_path / "key.pem"
    trustme.CA().private_key_pem.write_to_path(str(key_only))
    der = tmp_path / "ca.der"
    der.write_bytes(b"0\x82\x03\x00garbage")
    for path, why in ((tmp_path / "missing.pem", "does not exist"),
                      (tmp_path, "is a folder, not a file"),
                      (key_only, "holds no PEM certificate"),
                      (der, "holds no PEM certificate")):
        assert_refused(sqlite_app, {"smtp.ca_file": str(path)},
                       {"smtp.ca_file": f"{CA_RULE}{path} {why}."})


# --- photo folders ---------------------------------------------------------------------------


LIBRARY_RULE = ("photos.library_dir must be a folder (it may be on a network share that is "
                "offline now), or empty for the data folder's photos/; ")


@posix_only
@pytest.mark.parametrize("folder", ["/proc", "/sys/photos", "/dev/shm/../shm", "/dev/"])
def test_system_folders_are_not_a_photo_library(sqlite_app: Any, folder: str) -> None:
    assert_refused(sqlite_app, {"photos.library_dir": folder}, {
        "photos.library_dir": f"{LIBRARY_RULE}{folder} is a system folder of the operating "
                              "system, not a place for photos."})


def test_a_file_is_not_a_photo_folder(sqlite_app: Any, tmp_path: Path) -> None:
    photo = image(tmp_path / "photo.jpg", (10, 10), "JPEG")
    assert_refused(sqlite_app, {"photos.library_dir": str(photo)}, {
        "photos.library_dir": f"{LIBRARY_RULE}{photo} is a file, not a folder."})
    assert_refused(sqlite_app, {"photos.watch_folders": f"{tmp_path};{photo}"}, {
        "photos.watch_folders": "photos.watch_folders must be folders separated by semicolons "
                                "(they may be on a network share that is offline now); "
                                f"{photo} is a file, not a folder."})


def test_a_folder_that_cannot_be_reached_now_is_accepted(sqlite_app: Any,
                                                         tmp_path: Path) -> None:
    offline = str(tmp_path / "share-offline" / "photos")  # like \\server\photos, switched off
    set_values(sqlite_app, photos__library_dir=offline,
               photos__watch_folders=f"{tmp_path / 'scanner-offline'};{tmp_path / 'inbox'}")
    assert stored(sqlite_app)["photos.library_dir"] == offline


def test_the_library_and_a_watched_folder_must_not_overlap(sqlite_app: Any,
                                                           tmp_path: Path) -> None:
    incoming, library = tmp_path / "incoming", tmp_path / "incoming" / "library"
    set_values(sqlite_app, photos__watch_folders=str(incoming))
    assert_refused(sqlite_app, {"photos.library_dir": str(library)}, {
        "photos.library_dir": f"photos.library_dir {library} overlaps the watched folder "
                              f"{incoming}: the folder watcher would take the library's own "
                              "photos for new ones and move them out of the library. Choose a "
                              "folder outside it."})
    set_values(sqlite_app, photos__library_dir=str(tmp_path / "library"))
    with pytest.raises(settings.SettingsRefused, match="overlaps the photo library"), \
            write_session(sqlite_app.sessions) as session:
        settings.set_values(session, {"photos.watch_folders": str(tmp_path)})


# --- numbers, and many values at once ---------------------------------------------------------


def test_the_cli_refuses_a_number_out_of_range(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("settings", "set", "notify.max_reminders", "99999999999999999999")
    assert code == 2 and err == ("error: notify.max_reminders must be a whole number from 0 "
                                 "to 20 (got '99999999999999999999').\n")
    code, out, _ = run("settings", "show")
    row = next(line for line in out.splitlines() if line.startswith("notify.max_reminders"))
    assert "0-20" in row


def test_one_refused_value_keeps_every_other_value_of_the_save_out(sqlite_app: Any,
                                                                   tmp_path: Path) -> None:
    assert_refused(sqlite_app, {"clinic.name": "New name", "smtp.timeout": "601",
                                "clinic.logo": str(tmp_path / "gone.png"),
                                "smtp.port": "465"},
                   {"smtp.timeout": "smtp.timeout must be a whole number from 1 to 600 "
                                    "(got '601').",
                    "clinic.logo": f"{LOGO_RULE}{tmp_path / 'gone.png'} does not exist."})


def test_setting_an_unchanged_value_records_no_change(sqlite_app: Any) -> None:
    set_values(sqlite_app, smtp__timeout="45")
    changes = setting_changes(sqlite_app)
    set_values(sqlite_app, smtp__timeout=" 45 ")
    assert setting_changes(sqlite_app) == changes


def test_an_unknown_key_is_refused_before_anything_is_checked(sqlite_app: Any) -> None:
    with pytest.raises(ConfigError, match=r"Unknown setting 'clinic\.colour'"), \
            write_session(sqlite_app.sessions) as session:
        settings.set_values(session, {"clinic.name": "X", "clinic.colour": "blue"})
    assert "clinic.name" not in stored(sqlite_app)
