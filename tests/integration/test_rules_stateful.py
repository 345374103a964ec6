"""Random sequences of staff edits, photos, passing days and due scans keep every treatment rule."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from clinic_desktop import settings as clinic_settings
from clinic_desktop.app import AppContext, open_app
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import (
    Base,
    Notification,
    Patient,
    PlanTemplate,
    TreatmentStep,
    due_date_for,
)
from clinic_desktop.domain import plans, progression
from clinic_desktop.domain.checks import rule_violations
from clinic_desktop.domain.due_scan import (
    ALREADY_NOTIFIED,
    NEEDS_ATTENTION,
    QUEUED,
    notify_finished_steps,
)
from clinic_desktop.domain.patients import PatientInput, add_patient
from clinic_desktop.domain.steps import is_finished, is_paused
from clinic_desktop.errors import RuleError, ValidationError
from clinic_desktop.notify import outbox

PG_ENV = "CLINIC_DESKTOP_TEST_PG_URL"
START = date(2026, 3, 10)
MAX_PATIENTS = 4
CONTACTS = ("no email", "email without consent", "email with consent")
# None picks the patient's active step; a number picks any of their steps (modulo their count).
STEP_PICK = st.none() | st.integers(0, 30)

SQLITE_SETTINGS = settings(max_examples=30, stateful_step_count=40, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow])
POSTGRES_SETTINGS = settings(max_examples=10, stateful_step_count=30, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


def _open_steps(session: Session, patient_id: int) -> list[TreatmentStep]:
    return [s for s in _steps(session, patient_id) if not s.is_completed]


def _steps(session: Session, patient_id: int) -> list[TreatmentStep]:
    return list(session.scalars(select(TreatmentStep).where(
        TreatmentStep.patient_id == patient_id).order_by(TreatmentStep.order)))


class TreatmentRulesMachine(RuleBasedStateMachine):
    """One clinic database per run; the model keeps only 'today', which never goes back."""

    patients = Bundle("patients")

    def __init__(self) -> None:
        super().__init__()
        self.data_dir = tempfile.mkdtemp(prefix="clinic-rules-")
        try:
            self.app: AppContext = open_app(self.data_dir, self.database_url(),
                                            log_to_file=False)
        except BaseException:
            self.drop_database()
            raise
        with write_session(self.app.sessions) as session:
            clinic_settings.set_value(session, "clinic.timezone", "Europe/Berlin")
        self.today = START
        self.templates: list[str] = []
        self.patient_count = 0
        # Set by a step that proved the database unchanged, so the invariants need not rerun.
        self.unchanged = False

    def database_url(self) -> str | None:
        """None: the default SQLite file in the run's data dir."""
        return None

    def drop_database(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def teardown(self) -> None:
        self.app.close()
        self.drop_database()

    # --- helpers -----------------------------------------------------------------------

    def _dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted, to compare the database before and after."""
        with self.app.sessions() as session:
            return {
                table.name: sorted((tuple(row) for row in session.execute(table.select())),
                                   key=repr)
                for table in Base.metadata.sorted_tables
            }

    def _edit(self, action: Callable[[Session], None], *, refused: bool) -> None:
        """Run one staff edit in its own transaction and check it is refused exactly when
        the rules say so; a refusal must leave the database as it was."""
        before = self._dump() if refused else None
        try:
            with write_session(self.app.sessions) as session:
                action(session)
        except (RuleError, ValidationError) as exc:
            assert refused, f"refused unexpectedly: {exc}"
            assert self._dump() == before, "a refused edit changed the database"
            self.unchanged = True
            return
        assert not refused, "the edit should have been refused"

    def _pick(self, session: Session, patient_id: int, which: int | None,
              ) -> TreatmentStep | None:
        if which is None:
            return progression.active_step(session, patient_id)
        steps = _steps(session, patient_id)
        return steps[which % len(steps)] if steps else None

    def _check_advanced(self, session: Session, result: progression.Progression | None,
                        step_id: int, expected_next: int | None, *, skipped: bool) -> None:
        """The step is done and the first waiting step (if any) started today."""
        assert result is not None
        assert result.completed_step_id == step_id
        step = session.get(TreatmentStep, step_id)
        assert step is not None
        assert step.is_completed and not step.is_active and step.is_skipped == skipped
        assert step.completed_at is not None
        assert result.next_step_id == expected_next
        assert result.plan_finished == (expected_next is None)
        if expected_next is not None:
            nxt = session.get(TreatmentStep, expected_next)
            assert nxt is not None
            assert nxt.is_active and nxt.start_date == self.today
            assert nxt.paused_days == 0 and nxt.paused_until is None
            assert result.started_email is not None

    def _first_waiting(self, session: Session, patient_id: int) -> int | None:
        waiting = progression.pending_steps(session, patient_id)
        return waiting[0].id if waiting else None

    def _finished_step_ids(self) -> set[int]:
        with self.app.sessions() as session:
            return {s.id for s in session.scalars(select(TreatmentStep).where(
                TreatmentStep.is_active.is_(True))) if is_finished(s, self.today)}

    # --- set-up and the passing of time ----------------------------------------------

    @initialize(
        target=patients,
        durations=st.lists(st.lists(st.integers(1, 20), min_size=1, max_size=5),
                           min_size=1, max_size=2),
        first_patients=st.lists(st.tuples(st.sampled_from(CONTACTS), st.integers(0, 1),
                                          st.integers(-5, 5)), min_size=1, max_size=3),
    )
    def open_clinic(self, durations: list[list[int]],
                    first_patients: list[tuple[str, int, int]]) -> MultipleResults[int]:
        """1-2 plan templates, and the first patients, each already on a plan."""
        with write_session(self.app.sessions) as session:
            for number, days in enumerate(durations, start=1):
                name = f"Plan {number}"
                plans.create_template(session, name, [
                    plans.StepSpec(f"{name} step {i}", d) for i, d in enumerate(days, start=1)])
                self.templates.append(name)
        ids = []
        for contact, template, start_offset in first_patients:
            ids.append(self._new_patient(contact))
            self._apply_plan(ids[-1], template, start_offset)
        return multiple(*ids)

    def _new_patient(self, contact: str) -> int:
        self.patient_count += 1
        number = self.patient_count
        email = "" if contact == "no email" else f"patient{number}@example.com"
        data = PatientInput(code=f"P{number:03d}", first_name="Pat", last_name=f"No{number}",
                            email=email, email_consent=contact == "email with consent")
        with write_session(self.app.sessions) as session:
            return add_patient(session, data).id

    @precondition(lambda self: self.patient_count < MAX_PATIENTS)
    @rule(target=patients, contact=st.sampled_from(CONTACTS))
    def add_patient(self, contact: str) -> int:
        return self._new_patient(contact)

    @rule(days=st.integers(0, 20))
    def days_pass(self, days: int) -> None:
        self.today += timedelta(days=days)
        self.unchanged = True

    # --- plans ---------------------------------------------------------------------------

    @rule(patient=patients, template=st.integers(0, 1), start_offset=st.integers(-5, 5))
    def apply_plan(self, patient: int, template: int, start_offset: int) -> None:
        self._apply_plan(patient, template, start_offset)

    def _apply_plan(self, patient: int, template: int, start_offset: int) -> None:
        """Refused while the patient has open steps; else the plan's first step starts."""
        name = self.templates[template % len(self.templates)]
        start = self.today + timedelta(days=start_offset)
        with self.app.sessions() as session:
            busy = bool(_open_steps(session, patient))
            before = [s.id for s in _steps(session, patient)]
            last = max((s.order for s in _steps(session, patient)), default=0)

        def apply(session: Session) -> None:
            plan = plans.get_template(session, name)
            created = plans.apply_plan(session, session.get(Patient, patient), plan, start)
            assert [s.order for s in created] == [last + i for i in range(1, len(plan.steps) + 1)]

        self._edit(apply, refused=busy)
        if busy:
            return
        with self.app.sessions() as session:
            new = [s for s in _steps(session, patient) if s.id not in before]
            template_days = [t.duration_days for t in session.scalar(
                select(PlanTemplate).where(PlanTemplate.name == name)).steps]
            assert [s.duration_days for s in new] == template_days
            assert new[0].is_active and new[0].start_date == start
            assert all(not s.is_active and s.start_date is None for s in new[1:])

    # --- the daily scan --------------------------------------------------------------------

    @rule()
    def scan(self) -> None:
        self._scan(auto_progress=False)

    @rule()
    def scan_with_auto_progress(self) -> None:
        self._scan(auto_progress=True)

    def _scan(self, *, auto_progress: bool) -> None:
        due = self._finished_step_ids()
        with self.app.sessions() as session:
            announced = {s.id for s in session.scalars(select(TreatmentStep).where(
                TreatmentStep.id.in_(due), TreatmentStep.notification_sent.is_(True)))}
        forecast = notify_finished_steps(self.app.sessions, self.today,
                                         auto_progress=auto_progress, dry_run=True)
        report = notify_finished_steps(self.app.sessions, self.today,
                                       auto_progress=auto_progress)
        assert report.failed == 0, [i.detail for i in report.items]
        assert {i.step.step_id for i in report.items} == due
        # The dry run just before foretold every email and every progression.
        assert [(i.step, i.email, bool(i.progress)) for i in forecast.items] == \
            [(i.step, i.email, bool(i.progress)) for i in report.items]
        for item in report.items:
            if item.step.step_id in announced:
                assert item.email == ALREADY_NOTIFIED
            else:
                expected = NEEDS_ATTENTION if item.step.recipient_problem else QUEUED
                assert item.email == expected
            assert bool(item.progress) == auto_progress
        with self.app.sessions() as session:
            for step in session.scalars(select(TreatmentStep).where(TreatmentStep.id.in_(due))):
                assert step.notification_sent
                if auto_progress:
                    assert step.is_completed and not step.is_skipped
        # Nothing finished is left unannounced; auto-progress leaves nothing finished at all.
        for step_id in self._finished_step_ids():
            assert not auto_progress, f"step {step_id} is still finished after auto-progress"
            assert step_id in due

    @rule(auto_progress=st.booleans())
    def dry_run_changes_nothing(self, auto_progress: bool) -> None:
        before = self._dump()
        report = notify_finished_steps(self.app.sessions, self.today,
                                       auto_progress=auto_progress, dry_run=True)
        assert self._dump() == before
        self.unchanged = True
        assert report.dry_run and report.failed == 0
        assert {i.step.step_id for i in report.items} == self._finished_step_ids()

    # --- photos ----------------------------------------------------------------------------

    @rule(patient=patients, confirm_early=st.booleans())
    def photo_arrives_for_active_step(self, patient: int, confirm_early: bool) -> None:
        with write_session(self.app.sessions) as session:
            step = progression.active_step(session, patient)
            if step is None:
                return
            finished = is_finished(step, self.today)
            expected_next = self._first_waiting(session, patient)
            result = progression.complete_after_photo(session, step, self.today,
                                                      confirm_early=confirm_early)
            if finished or confirm_early:
                self._check_advanced(session, result, step.id, expected_next, skipped=False)
            else:
                assert result is None
                assert step.is_active and not step.is_completed

    @rule(patient=patients, which=st.integers(0, 30), confirm_early=st.booleans())
    def photo_for_step_not_running_changes_nothing(self, patient: int, which: int,
                                                   confirm_early: bool) -> None:
        with self.app.sessions() as session:
            step = self._pick(session, patient, which)
            if step is None or step.is_active:
                return
            step_id = step.id
        before = self._dump()
        with write_session(self.app.sessions) as session:
            step = session.get(TreatmentStep, step_id)
            assert progression.complete_after_photo(session, step, self.today,
                                                    confirm_early=confirm_early) is None
        assert self._dump() == before
        self.unchanged = True

    # --- staff edits -------------------------------------------------------------------------

    @rule(patient=patients, which=STEP_PICK)
    def complete_early(self, patient: int, which: int | None) -> None:
        with self.app.sessions() as session:
            step = self._pick(session, patient, which)
            if step is None:
                return
            step_id, refused = step.id, not step.is_active

        def edit(session: Session) -> None:
            expected_next = self._first_waiting(session, patient)
            result = progression.complete_early(session, session.get(TreatmentStep, step_id),
                                                self.today)
            self._check_advanced(session, result, step_id, expected_next, skipped=False)

        self._edit(edit, refused=refused)

    @rule(patient=patients, which=STEP_PICK)
    def skip(self, patient: int, which: int | None) -> None:
        with self.app.sessions() as session:
            step = self._pick(session, patient, which)
            if step is None:
                return
            step_id, refused, was_active = step.id, step.is_completed, step.is_active
            active = progression.active_step(session, patient)
            active_id = active.id if active is not None else None

        def edit(session: Session) -> None:
            expected_next = self._first_waiting(session, patient)
            step = session.get(TreatmentStep, step_id)
            result = progression.skip_step(session, step, self.today)
            if was_active:
                self._check_advanced(session, result, step_id, expected_next, skipped=True)
            else:
                assert result is None
                assert step.is_completed and step.is_skipped and step.start_date is None
                now_active = progression.active_step(session, patient)
                assert (now_active.id if now_active is not None else None) == active_id

        self._edit(edit, refused=refused)

    @rule(patient=patients, which=STEP_PICK, days=st.integers(1, 15))
    def pause(self, patient: int, which: int | None, days: int) -> None:
        until = self.today + timedelta(days=days)
        with self.app.sessions() as session:
            step = self._pick(session, patient, which)
            if step is None:
                return
            step_id, due = step.id, step.due_date
            pause_from = step.paused_until if is_paused(step, self.today) else self.today
            refused = not step.is_active or (pause_from is not None and until <= pause_from)

        def edit(session: Session) -> None:
            step = session.get(TreatmentStep, step_id)
            progression.pause_step(session, step, until, self.today)
            assert step.paused_until == until and is_paused(step, self.today)
            assert pause_from is not None and due is not None
            assert step.due_date == due + (until - pause_from)

        self._edit(edit, refused=refused)

    @rule(patient=patients)
    def resume(self, patient: int) -> None:
        with self.app.sessions() as session:
            step = progression.active_step(session, patient)
            if step is None:
                return
            step_id, due, until = step.id, step.due_date, step.paused_until
            refused = not is_paused(step, self.today)

        def edit(session: Session) -> None:
            step = session.get(TreatmentStep, step_id)
            progression.resume_step(session, step, self.today)
            assert not is_paused(step, self.today)
            assert due is not None and until is not None
            assert step.due_date == due - (until - self.today)

        self._edit(edit, refused=refused)

    @rule(patient=patients, which=STEP_PICK, days=st.integers(0, 20))
    def set_duration(self, patient: int, which: int | None, days: int) -> None:
        with self.app.sessions() as session:
            step = self._pick(session, patient, which)
            if step is None:
                return
            step_id, refused = step.id, days < 1 or step.is_completed

        def edit(session: Session) -> None:
            step = session.get(TreatmentStep, step_id)
            progression.set_duration(session, step, days)
            assert step.duration_days == days

        self._edit(edit, refused=refused)

    @rule(patient=patients, which=STEP_PICK, position=st.integers(0, 5))
    def move_waiting_step(self, patient: int, which: int | None, position: int) -> None:
        """`which` picks among the waiting steps; None tries to move the active step."""
        with self.app.sessions() as session:
            waiting = progression.pending_steps(session, patient)
            slots = [s.order for s in waiting]
            if which is None:
                step = progression.active_step(session, patient)
            else:
                step = waiting[which % len(waiting)] if waiting else None
            if step is None:
                return
            step_id, waiting_ids = step.id, [s.id for s in waiting]
            refused = step_id not in waiting_ids or not 1 <= position <= len(waiting)

        def edit(session: Session) -> None:
            progression.move_step(session, session.get(TreatmentStep, step_id), position)
            after = progression.pending_steps(session, patient)
            assert [s.order for s in after] == slots
            expected = [i for i in waiting_ids if i != step_id]
            expected.insert(position - 1, step_id)
            assert [s.id for s in after] == expected

        self._edit(edit, refused=refused)

    @rule(patient=patients, days=st.integers(0, 20))
    def add_step(self, patient: int, days: int) -> None:
        with self.app.sessions() as session:
            starts_now = not _open_steps(session, patient)
            last = max((s.order for s in _steps(session, patient)), default=0)

        def edit(session: Session) -> None:
            step = progression.add_step(session, session.get(Patient, patient), "Extra step",
                                        days, "", self.today)
            assert step.order == last + 1 and step.is_active == starts_now
            assert step.start_date == (self.today if starts_now else None)

        self._edit(edit, refused=days < 1)

    @rule(patient=patients)
    def undo_last_progression(self, patient: int) -> None:
        with self.app.sessions() as session:
            steps = _steps(session, patient)
            current = next((s for s in steps if s.is_active), None)
            started_done = [s for s in steps if s.is_completed and s.start_date is not None
                            and (current is None or s.order < current.order)]
            previous_id = started_done[-1].id if started_done else None
            current_id = current.id if current is not None else None
            refused = previous_id is None or (current is not None and current.notification_sent)

        def edit(session: Session) -> None:
            back = progression.undo_last_progression(session, session.get(Patient, patient))
            assert back.id == previous_id
            assert back.is_active and not back.is_completed and not back.is_skipped
            if current_id is not None:
                current = session.get(TreatmentStep, current_id)
                assert current is not None
                assert not current.is_active and not current.is_completed
                assert current.start_date is None

        self._edit(edit, refused=refused)

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def database_keeps_the_treatment_rules(self) -> None:
        if self.unchanged:  # already checked, and the last step changed nothing
            self.unchanged = False
            return
        self._check_steps()
        self._check_outbox()
        with self.app.sessions() as session:
            assert rule_violations(session) == []

    def _check_steps(self) -> None:
        """One active step at most; steps run in order; stored due dates are right."""
        with self.app.sessions() as session:
            by_patient: dict[int, list[TreatmentStep]] = {}
            for step in session.scalars(select(TreatmentStep).order_by(
                    TreatmentStep.patient_id, TreatmentStep.order)):
                by_patient.setdefault(step.patient_id, []).append(step)
        for patient_id, steps in by_patient.items():
            active = [s for s in steps if s.is_active]
            waiting = [s for s in steps if not s.is_active and not s.is_completed]
            done = [s for s in steps if s.is_completed and not s.is_skipped]
            # Steps that ran and ended (completed, or skipped while active) have a start date;
            # a step skipped before it started has none.
            ran = [s for s in steps if s.is_completed and s.start_date is not None]
            assert all(s.start_date is not None for s in done), steps
            assert len(active) <= 1, f"patient {patient_id} has {len(active)} active steps"
            if not active:
                assert not waiting, f"patient {patient_id} has waiting steps but none active"
            for step in steps:
                # The stored due date is always the derived one.
                assert step.due_date == due_date_for(step.start_date, step.duration_days,
                                                     step.paused_days), step
                assert step.paused_days >= 0 and step.duration_days >= 1
                assert not step.is_skipped or step.is_completed
                assert (step.completed_at is not None) == step.is_completed, step
                assert not step.notification_sent or step.start_date is not None, step
            for step in active:
                assert step.start_date is not None and not step.is_completed
                assert step.due_date == step.start_date + timedelta(
                    days=step.duration_days + step.paused_days)
                # Steps run in order: every step that ran comes before the active one, the
                # waiting ones after it; only steps skipped before they started may sit later.
                assert all(d.order < step.order for d in done + ran), steps
                assert all(w.order > step.order for w in waiting), steps
            for step in waiting:
                assert step.start_date is None and step.paused_until is None, step
                assert step.paused_days == 0 and not step.notification_sent, step
                assert all(d.order < step.order for d in done), steps

    def _check_outbox(self) -> None:
        """Each step email at most once; 'finished' exactly for the announced steps."""
        with self.app.sessions() as session:
            rows = session.execute(select(Notification.kind, Notification.step_id,
                                          Notification.patient_id, Notification.status,
                                          Notification.recipient)).all()
            steps = {s.id: s for s in session.scalars(select(TreatmentStep))}
            contacts = {p.id: p for p in session.scalars(select(Patient))}
        per_step = Counter((kind, step_id) for kind, step_id, *_ in rows)
        assert all(n == 1 for n in per_step.values()), per_step
        announced = {step_id for (kind, step_id) in per_step
                     if kind == outbox.KIND_STEP_FINISHED}
        assert announced == {i for i, s in steps.items() if s.notification_sent}
        for kind, step_id, patient_id, status, recipient in rows:
            assert kind in (outbox.KIND_STEP_FINISHED, outbox.KIND_STEP_STARTED)
            step = steps[step_id]
            assert patient_id == step.patient_id
            if kind == outbox.KIND_STEP_STARTED:
                # Undo withdraws the unsent "started" email of the step it puts back.
                assert step.is_active or step.is_completed, step
            if kind == outbox.KIND_STEP_FINISHED and status == outbox.STATUS_CANCELLED:
                # Withdrawn: a photo or staff ended the step before the email went out.
                assert step.is_completed, step
                continue
            patient = contacts[patient_id]
            problem = outbox.recipient_problem(patient)
            assert status == (outbox.STATUS_NEEDS_ATTENTION if problem else outbox.STATUS_QUEUED)
            assert recipient == (patient.email or "")


class PostgresTreatmentRulesMachine(TreatmentRulesMachine):
    """The same machine on a PostgreSQL schema of its own, dropped after each run."""

    def database_url(self) -> str:
        base = os.environ[PG_ENV]
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(base)
        with self.admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={self.schema}"})
        return url.render_as_string(hide_password=False)

    def drop_database(self) -> None:
        super().drop_database()
        with self.admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.admin.dispose()


def test_random_rule_sequences_keep_treatment_invariants_on_sqlite() -> None:
    run_state_machine_as_test(TreatmentRulesMachine, settings=SQLITE_SETTINGS)


@pytest.mark.postgres
@pytest.mark.slow
def test_random_rule_sequences_keep_treatment_invariants_on_postgres(
        postgres_url: str) -> None:
    # The postgres_url fixture skips (fails in CI) without a reachable server; each run
    # of the machine then makes and drops a schema of its own next to the fixture's.
    run_state_machine_as_test(PostgresTreatmentRulesMachine, settings=POSTGRES_SETTINGS)
