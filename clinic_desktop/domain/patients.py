"""Patients and doctors: validated entry, lookup, and CSV import/export."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinic_desktop import audit, settings
from clinic_desktop.csv_cells import formula_guarded, formula_unguarded
from clinic_desktop.db.models import Doctor, Patient, Setting
from clinic_desktop.errors import NotFoundError, ValidationError
from clinic_desktop.sentences import QT_TRANSLATE_NOOP, sentence

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
CSV_COLUMNS = ["code", "first_name", "last_name", "email", "phone", "email_consent",
               "language", "doctor"]

# A patient's problems, named all at once: "Code 'x' must be …; a first or last name is
# required." (the window says each, ui/words.py).
_BAD_CODE = sentence(QT_TRANSLATE_NOOP(
    "core", "code {code} must be 1-40 letters, digits, '-' or '_' (e.g. P00123)"))
_CODE_TAKEN = sentence(QT_TRANSLATE_NOOP("core", "code {code} is already used by another "
                                         "patient"))
_NO_NAME = sentence(QT_TRANSLATE_NOOP("core", "a first or last name is required"))
_BAD_EMAIL = sentence(QT_TRANSLATE_NOOP("core", "email {email} is not valid: {problem}"))
_CONSENT_WITHOUT_EMAIL = sentence(QT_TRANSLATE_NOOP(
    "core", "email consent is ticked but there is no email address"))
_BAD_PHONE = sentence(QT_TRANSLATE_NOOP(
    "core", "phone {phone} may only hold digits, spaces and + ( ) . / -"))
_BAD_LANGUAGE = sentence(QT_TRANSLATE_NOOP(
    "core", "language {language} must be one of: {languages} (the languages with email "
    "templates)"))
_UNKNOWN_DOCTOR = sentence(QT_TRANSLATE_NOOP(
    "core", "doctor {doctor} is not known (add them with `clinic-desktop doctors add`)"))
_NO_PATIENT = sentence(QT_TRANSLATE_NOOP("core", "There is no patient with code {code}."))
_NO_DOCTOR_NAME = sentence(QT_TRANSLATE_NOOP("core", "A doctor needs a name."))
_DOCTOR_TAKEN = sentence(QT_TRANSLATE_NOOP("core", "A doctor named {doctor} already exists."))
_BAD_DOCTOR_EMAIL = sentence(QT_TRANSLATE_NOOP("core", "Email {email} is not valid: {problem}."))
# The CSV import's problems with a file or a line.
_BAD_CONSENT = sentence(QT_TRANSLATE_NOOP("core", "Email_consent {value} must be yes or no."))
_CANNOT_READ = sentence(QT_TRANSLATE_NOOP("core", "Cannot read {path}: {problem}."))
_CANNOT_WRITE = sentence(QT_TRANSLATE_NOOP("core", "Cannot write {path}: {problem}."))
_NOT_TEXT = sentence(QT_TRANSLATE_NOOP(
    "core", "{path} is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8' and try "
    "again."))
_NO_COLUMNS = sentence(QT_TRANSLATE_NOOP(
    "core", "{file} has no column(s) {missing}. The first line must name the columns: "
    "{columns}."))
_CODE_AGAIN = sentence(QT_TRANSLATE_NOOP("core", "Code {code} appears again (first on line "
                                         "{n})."))


@dataclass
class PatientInput:
    """What staff type or import for one patient, before it is checked."""

    code: str
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    email_consent: bool = False
    language: str = "en"
    doctor: str = ""


def normalise_code(code: str) -> str:
    return code.strip().upper()


def check_input(session: Session, data: PatientInput, *, existing_id: int | None = None,
                ) -> tuple[PatientInput, Doctor | None]:
    """Clean and check one patient's data; the error names every problem at once."""
    problems: list[str] = []
    code = normalise_code(data.code)
    if not CODE_PATTERN.match(code):
        problems.append(_BAD_CODE(code=repr(data.code)))
    else:
        other = session.scalar(select(Patient.id).where(Patient.code == code))
        if other is not None and other != existing_id:
            problems.append(_CODE_TAKEN(code=code))
    first, last = data.first_name.strip(), data.last_name.strip()
    if not first and not last:
        problems.append(_NO_NAME())
    email = data.email.strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            problems.append(_BAD_EMAIL(email=repr(data.email), problem=exc))
    if data.email_consent and not email:
        problems.append(_CONSENT_WITHOUT_EMAIL())
    phone = data.phone.strip()
    if phone and not re.fullmatch(r"[0-9+() ./-]{3,40}", phone):
        problems.append(_BAD_PHONE(phone=repr(data.phone)))
    from clinic_desktop.notify.render import available_languages  # Jinja: only when entering

    language = (data.language or "en").strip().lower()
    if language not in available_languages():
        # The same rule as the clinic.language setting: a language with email templates.
        problems.append(_BAD_LANGUAGE(language=repr(data.language.strip()),
                                      languages=", ".join(available_languages())))
    doctor = None
    if data.doctor.strip():
        doctor = session.scalar(select(Doctor).where(Doctor.name == data.doctor.strip()))
        if doctor is None:
            problems.append(_UNKNOWN_DOCTOR(doctor=repr(data.doctor.strip())))
    if problems:
        # Only the first letter is raised: codes, names and addresses stay as spelled.
        text = "; ".join(problems)
        raise ValidationError(text[:1].upper() + text[1:] + ".")
    clean = PatientInput(code, first, last, email, phone, data.email_consent, language,
                         doctor.name if doctor else "")
    return clean, doctor


def _fields(patient: Patient) -> dict[str, object]:
    return {"code": patient.code, "first_name": patient.first_name,
            "last_name": patient.last_name, "email": patient.email, "phone": patient.phone,
            "email_consent": patient.email_consent, "language": patient.language,
            "doctor": patient.doctor.name if patient.doctor else ""}


def add_patient(session: Session, data: PatientInput) -> Patient:
    clean, doctor = check_input(session, data)
    patient = Patient(code=clean.code, first_name=clean.first_name, last_name=clean.last_name,
                      email=clean.email or None, phone=clean.phone or None,
                      email_consent=clean.email_consent, language=clean.language, doctor=doctor)
    session.add(patient)
    session.flush()
    audit.record(session, "patient_added", patient_id=patient.id, entity="patient",
                 entity_id=patient.id, after=_fields(patient))
    return patient


def update_patient(session: Session, patient: Patient, data: PatientInput) -> Patient:
    clean, doctor = check_input(session, data, existing_id=patient.id)
    before = _fields(patient)
    patient.code, patient.first_name, patient.last_name = clean.code, clean.first_name, \
        clean.last_name
    patient.email, patient.phone = clean.email or None, clean.phone or None
    patient.email_consent, patient.language, patient.doctor = clean.email_consent, \
        clean.language, doctor
    session.flush()
    audit.record(session, "patient_edited", patient_id=patient.id, entity="patient",
                 entity_id=patient.id, before=before, after=_fields(patient))
    return patient


def get_patient(session: Session, code: str) -> Patient:
    patient = session.scalar(select(Patient).where(Patient.code == normalise_code(code)))
    if patient is None:
        raise NotFoundError(_NO_PATIENT(code=normalise_code(code)))
    return patient


def stored_input(session: Session, code: str) -> PatientInput:
    """The patient as stored, in the form staff edit it (the window's patient dialog)."""
    p = get_patient(session, code)
    return PatientInput(p.code, p.first_name, p.last_name, p.email or "", p.phone or "",
                        p.email_consent, p.language, p.doctor.name if p.doctor else "")


@dataclass(frozen=True)
class DoctorRow:
    name: str
    email: str  # "" when none is known


def list_doctors(session: Session) -> list[DoctorRow]:
    """Every doctor, by name."""
    return [DoctorRow(name, email or "") for name, email in session.execute(
        select(Doctor.name, Doctor.email).order_by(Doctor.name))]


def clinic_is_new(session: Session) -> bool:
    """A brand-new data folder: no clinic name stored and no patients (the first-run wizard)."""
    return session.get(Setting, "clinic.name") is None and session.scalar(
        select(Patient.id).limit(1)) is None


def add_doctor(session: Session, name: str, email: str = "") -> Doctor:
    name = name.strip()
    if not name:
        raise ValidationError(_NO_DOCTOR_NAME())
    if session.scalar(select(Doctor.id).where(Doctor.name == name)) is not None:
        raise ValidationError(_DOCTOR_TAKEN(doctor=repr(name)))
    if email.strip():
        try:
            email = validate_email(email.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationError(_BAD_DOCTOR_EMAIL(email=repr(email), problem=exc)) from None
    doctor = Doctor(name=name, email=email.strip() or None)
    session.add(doctor)
    session.flush()
    audit.record(session, "doctor_added", entity="doctor", entity_id=doctor.id,
                 after={"name": name, "email": doctor.email})
    return doctor


# --- CSV -------------------------------------------------------------------------------


@dataclass
class CsvReport:
    imported: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.bad_rows


def _parse_consent(raw: str) -> bool:
    value = settings.yes_or_no(raw)
    if value is None:
        raise ValidationError(_BAD_CONSENT(value=repr(raw)))
    return value


def read_csv_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(_CANNOT_READ(path=path, problem=exc.strerror or exc)) from exc
    # Excel on Windows writes UTF-8 with a BOM, or the ANSI code page for "CSV (Comma delimited)".
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_NOT_TEXT(path=path))


def import_csv(session: Session, path: Path, *, skip_bad_rows: bool = False) -> CsvReport:
    """Import patients; with any bad row nothing is imported unless skip_bad_rows is set.

    Every bad row is reported with its line number (the header is line 1).
    """
    text = read_csv_text(path)
    delimiter = ","
    # German and French Excel separate with ';'; the header line tells which. Only the
    # separator is taken from it: the sniffer cannot see from a header how Excel escapes a
    # '"' inside a cell (by doubling it), and guesses wrong.
    with contextlib.suppress(csv.Error):
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=csv.excel,
                            delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("code", "first_name", "last_name") if c not in header]
    if missing:
        raise ValidationError(_NO_COLUMNS(file=path.name, missing=", ".join(missing),
                                          columns=", ".join(CSV_COLUMNS)))
    reader.fieldnames = header
    report = CsvReport()
    seen_codes: dict[str, int] = {}
    good: list[PatientInput] = []
    for row in reader:
        line = reader.line_num
        values = {k: formula_unguarded(v or "") for k, v in row.items() if k is not None}
        try:
            data = PatientInput(
                code=values.get("code", ""), first_name=values.get("first_name", ""),
                last_name=values.get("last_name", ""), email=values.get("email", ""),
                phone=values.get("phone", ""),
                email_consent=_parse_consent(values.get("email_consent", "")),
                language=values.get("language", "") or "en", doctor=values.get("doctor", ""))
            clean, _ = check_input(session, data)
            if clean.code in seen_codes:
                raise ValidationError(_CODE_AGAIN(code=clean.code, n=seen_codes[clean.code]))
            seen_codes[clean.code] = line
            good.append(clean)
        except ValidationError as exc:
            report.bad_rows.append((line, str(exc)))
    if report.bad_rows and not skip_bad_rows:
        return report
    for data in good:
        add_patient(session, data)
    report.imported = len(good)
    return report


def export_csv(session: Session, path: Path) -> int:
    """Write every patient; UTF-8 with a BOM so Excel on Windows shows accents correctly,
    separated as the clinic's Excel expects (setting export.csv_separator). A cell that a
    spreadsheet would run as a formula gets a leading quote, which import_csv takes off."""

    delimiter = ";" if settings.get(session, "export.csv_separator") == "semicolon" else ","
    patients = session.scalars(select(Patient).order_by(Patient.code)).all()
    try:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(CSV_COLUMNS)
            for p in patients:
                cells = [p.code, p.first_name, p.last_name, p.email or "", p.phone or "",
                         "yes" if p.email_consent else "no", p.language,
                         p.doctor.name if p.doctor else ""]
                writer.writerow([formula_guarded(cell) for cell in cells])
    except OSError as exc:
        raise ValidationError(_CANNOT_WRITE(path=path, problem=exc.strerror or exc)) from exc
    return len(patients)
