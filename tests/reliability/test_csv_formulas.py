"""Patient CSV export never hands Excel a formula, and import reads the export back as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from clinic_desktop.cli import main
from clinic_desktop.db.engine import normalise_url
from clinic_desktop.db.models import Doctor, Patient

# code, first name, last name, email, phone, doctor
PATIENTS = [
    ("P1", "=HYPERLINK(\"http://evil.example\",\"click\")", "Weber", "=x@example.com",
     "+44 20 7946 0958", "=cmd|' /C calc'!A0"),
    ("P2", "+SUM(A1:A9)", "-Müller", "+tag@example.com", "-12 34", "@Dr Who"),
    ("P3", "@SUM(1)", "'=already quoted", "", "(030) 123", ""),
    ("P4", "Anna =1+1", "O'Neill", "anna@example.com", "030 123 456", "Dr. Weber"),
    ("P5", "'-leading quote", "Tab\tInside", "", "", ""),
]
SAFE_CELLS = {"P4", "Anna =1+1", "O'Neill", "anna@example.com", "030 123 456", "Dr. Weber",
              "Weber", "(030) 123", "yes", "no", "en", "", "P1", "P2", "P3", "P5",
              "Tab\tInside"}


def _runner(db_url: str, data_dir: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data_dir), "--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def _patients(db_url: str) -> list[tuple[object, ...]]:
    engine = create_engine(normalise_url(db_url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(Patient.code, Patient.first_name, Patient.last_name, Patient.email,
                   Patient.phone, Patient.email_consent, Patient.language, Doctor.name)
            .outerjoin(Doctor, Patient.doctor_id == Doctor.id).order_by(Patient.code)).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def _add_clinic(run) -> None:  # type: ignore[no-untyped-def]
    for doctor in sorted({p[5] for p in PATIENTS if p[5]}):
        assert run("doctors", "add", f"{doctor}")[0] == 0
    for code, first, last, email, phone, doctor in PATIENTS:
        args = ["patients", "add", "--code", code, f"--first-name={first}",
                f"--last-name={last}"]
        if email:
            args += [f"--email={email}", "--consent"]
        if phone:
            args.append(f"--phone={phone}")
        if doctor:
            args.append(f"--doctor={doctor}")
        code_, _, err = run(*args)
        assert code_ == 0, err


@pytest.mark.parametrize("separator", ["comma", "semicolon"])
def test_export_quotes_formula_cells_and_import_reads_them_back_unchanged(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], separator: str) -> None:
    source = _runner(db_url, tmp_path / "data", capsys)
    source("settings", "set", "export.csv_separator", separator)
    _add_clinic(source)
    before = _patients(db_url)
    assert before[0][1].startswith("=HYPERLINK")

    exported = tmp_path / "patients.csv"
    code, _, err = source("patients", "export", str(exported))
    assert code == 0, err
    text = exported.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""),
                           delimiter=";" if separator == "semicolon" else ","))
    cells = [cell for row in rows[1:] for cell in row]
    for cell in cells:
        if cell in SAFE_CELLS:
            continue
        # Everything else started with = + - @ (or a quote before one) and is now text.
        assert cell.startswith("'"), cell
        assert cell[1:].lstrip("'")[:1] in "=+-@", cell
    assert "'+44 20 7946 0958" in cells and "'=cmd|' /C calc'!A0" in cells
    assert "''=already quoted" in cells and "''-leading quote" in cells
    assert "Anna =1+1" in cells and "O'Neill" in cells

    # A second clinic: doctors first (import links patients to known doctors), then the file.
    target_url = f"sqlite:///{(tmp_path / 'fresh.sqlite3').as_posix()}"
    target = _runner(target_url, tmp_path / "fresh", capsys)
    for doctor in sorted({p[5] for p in PATIENTS if p[5]}):
        assert target("doctors", "add", doctor)[0] == 0
    code, _, err = target("patients", "import", str(exported))
    assert code == 0, err
    assert _patients(target_url) == before


def test_import_keeps_a_hand_made_file_as_typed(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{(tmp_path / 'clinic.sqlite3').as_posix()}"
    run = _runner(url, tmp_path / "data", capsys)
    hand_made = tmp_path / "typed.csv"
    hand_made.write_text("code,first_name,last_name,phone\n"
                         "P1,'Neill,Smith,+49 30 123\n"
                         "P2,Anna,-Weber,'+49 30 456\n", encoding="utf-8")
    code, _, err = run("patients", "import", str(hand_made))
    assert code == 0, err
    assert [(r[0], r[1], r[2], r[4]) for r in _patients(url)] == [
        ("P1", "'Neill", "Smith", "+49 30 123"), ("P2", "Anna", "-Weber", "+49 30 456")]
