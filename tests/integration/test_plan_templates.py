"""Editing and deleting plan templates, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clinic_desktop.cli import main
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import AuditEvent, PlanTemplate, PlanTemplateStep, TreatmentStep
from clinic_desktop.domain.patients import PatientInput, add_patient
from clinic_desktop.domain.plans import (
    StepSpec,
    apply_plan,
    create_template,
    delete_template,
    get_template,
    list_templates,
    update_template,
)
from clinic_desktop.errors import NotFoundError, ValidationError

START = date(2026, 3, 1)


def aligners(count: int, days: int = 14) -> list[StepSpec]:
    return [StepSpec(f"Aligner {n}", days, "Wear them 22 hours a day.")
            for n in range(1, count + 1)]


def steps_of(session, name: str) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(s.name, s.duration_days, s.instructions) for s in get_template(session, name).steps]


def audit_rows(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


@pytest.fixture
def two_templates(app):  # type: ignore[no-untyped-def]
    with write_session(app.sessions) as s:
        create_template(s, "Clear aligners", aligners(3), "One set every 14 days")
        create_template(s, "Retainers", [StepSpec("Retainer check 1", 30)])
    return app


def test_update_replaces_name_description_and_steps(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    new_steps = [StepSpec("Aligner 1", 10, "Softer set first."), StepSpec("Aligner 2", 14),
                 StepSpec("Aligner 3", 14), StepSpec("  Aligner 4  ", 21)]
    with write_session(app.sessions) as s:
        template_id = get_template(s, "Clear aligners").id
        update_template(s, "Clear aligners", "Clear aligners, 4 sets", new_steps,
                        "  Ten days for the first set  ")
    with app.sessions() as s:
        template = get_template(s, template_id)
        assert (template.name, template.description) == ("Clear aligners, 4 sets",
                                                         "Ten days for the first set")
        assert steps_of(s, "Clear aligners, 4 sets") == [
            ("Aligner 1", 10, "Softer set first."), ("Aligner 2", 14, ""),
            ("Aligner 3", 14, ""), ("Aligner 4", 21, "")]
        assert [t.order for t in template.steps] == [1, 2, 3, 4]
        assert s.scalar(select(func.count()).select_from(PlanTemplateStep)) == 5  # 4 + 1
        assert [t.name for t in list_templates(s)] == ["Clear aligners, 4 sets", "Retainers"]


def test_update_by_id_with_fewer_steps_and_the_same_name(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    with app.sessions() as s:
        template_id = get_template(s, "Clear aligners").id
    with write_session(app.sessions) as s:
        update_template(s, template_id, "Clear aligners", aligners(1, days=7))
    with app.sessions() as s:
        assert steps_of(s, "Clear aligners") == [("Aligner 1", 7, "Wear them 22 hours a day.")]


def test_renaming_onto_another_template_is_refused_and_nothing_changes(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    with app.sessions() as s:
        before = steps_of(s, "Clear aligners")
    with pytest.raises(ValidationError) as refused, write_session(app.sessions) as s:
        update_template(s, "Clear aligners", "  Retainers ", aligners(5))
    assert str(refused.value) == "A plan template named 'Retainers' already exists."
    with app.sessions() as s:
        assert steps_of(s, "Clear aligners") == before
        assert steps_of(s, "Retainers") == [("Retainer check 1", 30, "")]
        assert get_template(s, "Clear aligners").description == "One set every 14 days"
        assert audit_rows(s, "template_updated") == []


@pytest.mark.parametrize(("name", "steps", "message"), [
    ("Clear aligners", [StepSpec("Aligner 1", 14), StepSpec("Aligner 2", 0)],
     "Step 2 of 'Clear aligners' must last at least 1 day."),
    ("Clear aligners", [StepSpec("Aligner 1", -3)],
     "Step 1 of 'Clear aligners' must last at least 1 day."),
    ("Clear aligners", [], "Plan template 'Clear aligners' needs at least one step."),
    ("   ", [StepSpec("Aligner 1", 14)], "A plan template needs a name."),
    ("Clear aligners", [StepSpec("Aligner 1", 14), StepSpec(" ", 14)],
     "Step 2 of 'Clear aligners' needs a name."),
])
def test_invalid_update_is_refused_like_a_new_template(two_templates, name, steps,  # type: ignore[no-untyped-def]
                                                       message) -> None:
    app = two_templates
    for attempt in (lambda s: update_template(s, "Clear aligners", name, steps),
                    lambda s: create_template(s, name, steps)):
        with pytest.raises(ValidationError) as refused, write_session(app.sessions) as s:
            attempt(s)
        assert str(refused.value) == message
    with app.sessions() as s:
        assert len(steps_of(s, "Clear aligners")) == 3
        assert audit_rows(s, "template_updated") == []


def test_editing_a_template_leaves_patients_who_have_it_unchanged(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    with write_session(app.sessions) as s:
        patient = add_patient(s, PatientInput("P1", "Ines", "Haddad", "p1@example.org", "",
                                              True))
        apply_plan(s, patient, get_template(s, "Clear aligners"), START)
        patient_id = patient.id

    def patient_steps() -> list[tuple]:
        with app.sessions() as s:
            return [(t.order, t.name, t.duration_days, t.instructions, t.plan_name, t.is_active,
                     t.start_date) for t in s.scalars(select(TreatmentStep).where(
                         TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order))]

    before = patient_steps()
    assert len(before) == 3 and before[0][2] == 14
    with write_session(app.sessions) as s:
        update_template(s, "Clear aligners", "Aligners v2", aligners(5, days=7))
    assert patient_steps() == before
    with write_session(app.sessions) as s:
        delete_template(s, "Aligners v2")
    assert patient_steps() == before


def test_update_writes_one_audit_record_with_before_and_after(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    with write_session(app.sessions) as s:
        template_id = get_template(s, "Clear aligners").id
        update_template(s, "Clear aligners", "Aligners v2", aligners(4, days=10))
    with app.sessions() as s:
        [event] = audit_rows(s, "template_updated")
        assert (event.entity, event.entity_id, event.actor) == ("plan_template", template_id,
                                                               "test-user")
        assert json.loads(event.before) == {"name": "Clear aligners", "steps": 3, "days": 42}
        assert json.loads(event.after) == {"name": "Aligners v2", "steps": 4, "days": 40}
        [created] = [e for e in audit_rows(s, "template_created")
                     if e.entity_id == template_id]
        assert json.loads(created.after) == {"name": "Clear aligners", "steps": 3, "days": 42}


def test_delete_removes_the_template_and_its_steps_and_is_audited(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    with write_session(app.sessions) as s:
        template_id = get_template(s, "Clear aligners").id
        assert delete_template(s, template_id) == "Clear aligners"
    with app.sessions() as s:
        assert [t.name for t in list_templates(s)] == ["Retainers"]
        assert s.scalar(select(func.count()).select_from(PlanTemplateStep).where(
            PlanTemplateStep.template_id == template_id)) == 0
        assert s.get(PlanTemplate, template_id) is None
        [event] = audit_rows(s, "template_deleted")
        assert event.entity_id == template_id
        assert json.loads(event.before) == {"name": "Clear aligners", "steps": 3, "days": 42}
        with pytest.raises(NotFoundError, match="no longer exists"):
            get_template(s, template_id)
        with pytest.raises(NotFoundError, match="Templates: 'Retainers'"):
            delete_template(s, "Clear aligners")


def test_a_deleted_name_can_be_used_again(two_templates) -> None:  # type: ignore[no-untyped-def]
    app = two_templates
    with write_session(app.sessions) as s:
        delete_template(s, "Retainers")
        update_template(s, "Clear aligners", "Retainers", aligners(2))
    with app.sessions() as s:
        assert [t.name for t in list_templates(s)] == ["Retainers"]


def test_cli_deletes_a_template(db_url: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(tmp_path / "data"), "--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    assert run("demo", "--patients", "2", "--today", "2026-11-25")[0] == 0
    code, out, _ = run("plan", "delete-template", "Retainer follow-up")
    assert code == 0
    assert "Plan template 'Retainer follow-up' deleted." in out
    code, out, _ = run("plan", "templates")
    assert code == 0 and "Retainer follow-up" not in out and "Clear aligners" in out
    code, _, err = run("plan", "delete-template", "Retainer follow-up")
    assert code == 2 and "no plan template named 'Retainer follow-up'" in err
