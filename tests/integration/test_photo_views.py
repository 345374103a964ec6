"""Which view each photo shows (front, left, right, upper, lower jaw): read from the file name
on import, changed by staff on the command line (audited), and filled in by the upgrade for
photos imported before; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clinic_desktop.db import migrate
from clinic_desktop.db.engine import make_engine, make_session_factory, write_session
from clinic_desktop.db.models import AuditEvent, InboxItem, Photo
from clinic_desktop.domain.patients import PatientInput, add_patient
from clinic_desktop.domain.photo_sets import set_photo_view
from clinic_desktop.errors import ValidationError


def views(sessions: Any) -> dict[str, str]:
    with sessions() as session:
        return {p.original_name: p.view for p in session.scalars(select(Photo))}


def test_import_reads_the_view_and_staff_change_it_on_the_command_line(
        app: Any, enrol: Any, photo_files: Any, run: Any) -> None:
    with write_session(app.sessions) as session:
        enrol(session, "P00123", [30], date.today() - timedelta(days=3))
    for name in ("P00123 links.jpg", "oben_P00123.jpg", "IMG_2041.jpg"):
        photo_files.jpeg(name)
    code, out, err = run("import-photos", str(photo_files.root), "--patient", "P00123")
    assert code == 0, out + err
    assert views(app.sessions) == {"P00123 links.jpg": "left", "oben_P00123.jpg": "upper",
                                   "IMG_2041.jpg": ""}
    # A photo nobody could match keeps the view of its own name when staff assign it (the
    # library's copy is named by its content).
    stray = photo_files.jpeg("Abdruck UK.jpg")
    assert run("import-photos", str(stray))[0] == 1  # unmatched: waits in the inbox
    with app.sessions() as session:
        item = session.scalar(select(InboxItem.id))
    assert run("inbox", "assign", str(item), "--patient", "P00123")[0] == 0
    assert views(app.sessions)["Abdruck UK.jpg"] == "lower"
    with app.sessions() as session:
        unnamed = session.scalar(select(Photo.id).where(Photo.original_name == "IMG_2041.jpg"))

    assert run("photos", "view", str(unnamed), "front")[:2] == (
        0, f"Photo {unnamed}: view set to front.\n")
    assert views(app.sessions)["IMG_2041.jpg"] == "front"
    assert run("photos", "view", str(unnamed), "front")[:2] == (
        0, f"Photo {unnamed} shows front already; nothing changed.\n")
    assert run("photos", "view", str(unnamed), "none")[0] == 0
    assert views(app.sessions)["IMG_2041.jpg"] == ""
    with app.sessions() as session:
        events = list(session.scalars(select(AuditEvent).where(
            AuditEvent.action == "photo_view_set").order_by(AuditEvent.id)))
    assert [(json.loads(e.before), json.loads(e.after)) for e in events] == [
        ({"view": ""}, {"view": "front"}), ({"view": "front"}, {"view": ""})]
    assert all(e.actor and e.host and e.at and e.entity_id == unnamed for e in events)

    code, _out, err = run("photos", "view", str(unnamed), "sideways")
    assert code == 2 and "'sideways'" in err and "'upper', 'lower', 'none'" in err
    code, _out, missing = run("photos", "view", "9999", "left")
    assert code == 2 and "There is no photo 9999." in missing
    with pytest.raises(ValidationError, match="“sideways” is not a view of the teeth"), \
            write_session(app.sessions) as session:
        set_photo_view(session, unnamed, "sideways")  # the window's way in refuses it too
    assert views(app.sessions)["IMG_2041.jpg"] == ""
    assert "Traceback" not in err + missing


def test_the_upgrade_reads_the_view_of_photos_imported_before(db_url: str,
                                                              tmp_path: Path) -> None:
    engine = make_engine(db_url)
    migrate.upgrade(engine, tmp_path / "backups")
    sessions = make_session_factory(engine)
    with write_session(sessions) as session:
        patient = add_patient(session, PatientInput("P00042", "Ada", "Lovelace"))
        for number, name in enumerate(("P00042_Frontal.jpg", "P00042 rechts.HEIC",
                                       "UK_P00042.jpg", "IMG_2041.jpg")):
            session.add(Photo(patient_id=patient.id, sha256=f"{number}" * 64,
                              original_name=name, view="left"))
    migrate.downgrade(engine, "0010")  # as the photos were before this upgrade
    migrate.upgrade(engine, tmp_path / "backups")
    assert views(sessions) == {"P00042_Frontal.jpg": "front", "P00042 rechts.HEIC": "right",
                               "UK_P00042.jpg": "lower", "IMG_2041.jpg": ""}
    engine.dispose()
