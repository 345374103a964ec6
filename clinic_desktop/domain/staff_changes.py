"""The changes staff make in the window outside a patient's page, each in its own write
transaction: patients, doctors, plan templates, emails, settings, email templates. (The
rules are in the modules these call; domain/patient_page.py has the patient page's.)"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from clinic_desktop import audit, settings
from clinic_desktop.db.engine import write_session
from clinic_desktop.domain import email_actions, patients, plans
from clinic_desktop.notify import render


def save_patient(sessions: sessionmaker[Session], editing: str | None,
                 data: patients.PatientInput) -> str:
    """Add a patient, or change the one whose code is `editing`; the code as saved."""
    with write_session(sessions) as session:
        if editing:
            patient = patients.update_patient(session, patients.get_patient(session, editing),
                                              data)
        else:
            patient = patients.add_patient(session, data)
        return patient.code


def import_patients(sessions: sessionmaker[Session], path: Path) -> patients.CsvReport:
    """The patients of a CSV file, all of them or (with bad rows) none."""
    with write_session(sessions) as session:
        return patients.import_csv(session, path)


def add_doctor(sessions: sessionmaker[Session], name: str, email: str) -> None:
    with write_session(sessions) as session:
        patients.add_doctor(session, name, email)


def save_plan_template(sessions: sessionmaker[Session], editing_id: int | None, name: str,
                       steps: list[plans.StepSpec], description: str) -> int:
    """Make a plan template, or change the one with `editing_id`; its id."""
    with write_session(sessions) as session:
        if editing_id is not None:
            return plans.update_template(session, editing_id, name, steps, description).id
        return plans.create_template(session, name, steps, description).id


def delete_plan_template(sessions: sessionmaker[Session], template_id: int) -> None:
    with write_session(sessions) as session:
        plans.delete_template(session, template_id)


def retry_email(sessions: sessionmaker[Session], notification_id: int) -> str:
    """Queue a failed or held email again; what happened, as a sentence."""
    with write_session(sessions) as session:
        return email_actions.retry(session, notification_id)


def cancel_email(sessions: sessionmaker[Session], notification_id: int) -> str:
    """Cancel an email that has not been sent; what happened, as a sentence."""
    with write_session(sessions) as session:
        return email_actions.cancel(session, notification_id)


def save_settings(sessions: sessionmaker[Session], changes: Mapping[str, str]) -> None:
    """Store all of `changes` or none (settings.SettingsRefused names the refused ones)."""
    with write_session(sessions) as session:
        settings.set_values(session, changes)


def save_email_template(sessions: sessionmaker[Session], kind: str, language: str,
                        sources: Mapping[str, str]) -> None:
    """A staff-edited email template, checked, in use for new emails from now on."""
    with write_session(sessions) as session:
        render.save_template(session, kind, language, sources, audit.actor_name())


def reset_email_template(sessions: sessionmaker[Session], kind: str, language: str) -> bool:
    """Back to the default template for this kind and language; False when it was already."""
    with write_session(sessions) as session:
        return render.reset_template(session, kind, language)
