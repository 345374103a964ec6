"""The longest GUI-thread stall in Settings, Plan templates, the patient dialogs and the setup
wizard on a large clinic whose database is slow, against the same views doing that work on
the GUI thread.

    python bench/ui_stall.py                       # SQLite, another program writing
    python bench/ui_stall.py --db-url postgresql+psycopg://clinic:clinic@HOST/clinic_bench \
        --latency-ms 5                             # PostgreSQL 5 ms away each way, and busy

The clinic: the demo clinic with --patients patients (default 10,000) and PHOTOS photos of
one patient, imported as staff import them, built once (a PostgreSQL database must be empty
or built by an earlier run with as many patients). Opening that patient's page is measured
too, with a RESULT of its own (ui_stall_patient_photos): the page read the database in a
worker before, and decoded its thumbnails on the GUI thread. While
the views work, another process plays a second PC writing: every --gap-ms it holds a write
transaction for --hold-ms (SQLite: the database's write lock; PostgreSQL: the audit chain's
head row, which every recorded change takes at commit). With --latency-ms every byte to and
from PostgreSQL passes a relay that holds it that long each way (a LAN across buildings, a
VPN), as bench/smtp_throughput.py does for the mail server.

Each variant runs in a child process of its own, on real widgets shown offscreen: "ours" is
the app (TaskRunner's workers); "baseline" is the same code with TaskRunner.start running each
task where it is asked, on the GUI thread, which is how these views worked before issue 14
(they read and wrote inline). A QTimer ticks every TICK_MS on the GUI thread; the longest gap
between two ticks, from the action until its result is on screen, is the stall staff feel
(the tick itself is in it: an idle GUI thread shows TICK_MS). Each action runs --rounds times
in a run and its worst stall counts; of --runs runs per variant (taking turns) the best counts,
since other load on the machine stalls any program now and then. The RESULT is the worst
action.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

# `python bench/ui_stall.py` puts bench/ on sys.path, not the repo root, and the package is
# not necessarily installed in the venv: make the checkout importable either way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from clinic_desktop.app import open_app
from clinic_desktop.config import sqlite_url
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Patient
from clinic_desktop.demo import build_demo

TODAY = date(2025, 6, 2)  # a fixed day keeps runs comparable
PATIENT = "P00001"
PHOTOS = 200  # the patient page is opened for PATIENT with this many photos
# Its own RESULT: before issue 14 the page read the database in a worker already, and only
# decoded the thumbnails on the GUI thread; the baseline runs all of it there.
OPEN_PHOTOS = f"Patient page: open, {PHOTOS} photos"
TICK_MS = 10
WAIT_S = 120.0  # an action without an answer after this long is a broken run
TARGET_MS = 100.0  # the aim: no stall staff can feel


# --- the second PC --------------------------------------------------------------------------

def writer(db_url: str, data_dir: Path, hold: float, gap: float) -> None:
    """Hold a write transaction for `hold` seconds every `gap` seconds, until killed."""
    from clinic_desktop.audit import HEAD_ID
    from clinic_desktop.db.models import AuditChainHead

    context = open_app(data_dir, db_url, log_to_file=False)
    head = AuditChainHead.__table__
    while True:
        with write_session(context.sessions) as session:  # SQLite: BEGIN IMMEDIATE
            if session.get_bind().dialect.name != "sqlite":
                session.execute(select(head.c.seq).where(head.c.id == HEAD_ID)
                                .with_for_update())
            time.sleep(hold)
        time.sleep(gap)


# --- child: one variant in this process -----------------------------------------------------

class Heartbeat:
    """The longest gap between ticks of a GUI-thread timer. Waiting runs the event loop (it
    never spins: the workers need the GIL)."""

    def __init__(self) -> None:
        from clinic_desktop.ui.qt import QTimer

        self.last = 0.0
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def measure(self, act: Callable[[], Any],
                done: Callable[[Any], bool]) -> tuple[float, float]:
        """(longest stall, time until done), both in ms: `state = act()` (the state, or a
        dialog the action opened), then the event loop runs until `done(state)` holds."""
        from PySide6.QtCore import QEventLoop, QTimer

        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()
        started = time.perf_counter()
        state = act()
        finished: list[float] = []  # when done(state) first held

        def check_done() -> None:
            if not finished and done(state):
                finished.append(time.perf_counter())
                loop.quit()

        loop = QEventLoop()
        check = QTimer()
        check.setInterval(2)
        check.timeout.connect(check_done)
        check.start()
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        guard.start(int(WAIT_S * 1000))
        check_done()
        if not finished:
            loop.exec()
        check.stop()
        guard.stop()
        if not finished:
            raise TimeoutError(f"no answer after {WAIT_S:.0f}s")
        self._tick()
        self.timer.stop()
        return self.longest * 1000, (finished[0] - started) * 1000


Action = tuple[str, Callable[[int], Any], Callable[[Any], Any], Callable[[Any], bool]]


def actions(context: Any, runner: Any, told: list[str]) -> list[Action]:
    """(name, prepare(n) → state, act(state), done(state)) for every database touch of the
    four screens; only act (until done) is measured: what staff click, not what they typed.
    Dialogs have a parent, as in the app (Python's garbage collector must not delete them)."""
    from clinic_desktop.ui import patient as patient_module
    from clinic_desktop.ui.patient import PatientView
    from clinic_desktop.ui.patients import PatientDialog
    from clinic_desktop.ui.plans_view import PlansView, TemplateDialog
    from clinic_desktop.ui.qt import QDialog
    from clinic_desktop.ui.settings_view import SettingsView, TemplateEditor
    from clinic_desktop.ui.wizard import SetupWizard

    settings_view = SettingsView(context, runner)
    plans = PlansView(context, runner)
    patient = PatientView(context, runner)
    for view in (settings_view, plans, patient):
        view.resize(1280, 820)
        view.show()
    editor = settings_view.findChild(TemplateEditor)
    patient.show_patient(PATIENT)
    plans.refresh()
    patient_module.ApplyPlanDialog.exec = lambda dialog: (  # type: ignore[method-assign]
        told.append(f"plans offered: {dialog.template.count()}"),
        QDialog.DialogCode.Rejected)[1]

    def idle(_state: Any = None) -> bool:
        return bool(runner.pending() == 0)  # every answer delivered

    def accepted(dialog: Any) -> bool:
        return idle() and dialog.result() == QDialog.DialogCode.Accepted

    def settings_typed(n: int) -> None:
        settings_view.fields["clinic.phone"].setText(f"+44 20 7946 {n:04d}")

    def email_typed(n: int) -> None:
        editor.subject.setText(f"Step finished ({n})")
        editor.render_preview()  # now, not a moment after the typing, into the next action
        qt_wait(idle)

    def plan_typed(n: int) -> Any:
        dialog = TemplateDialog(context, runner, plans, plans.selected(), editing=True)
        dialog.description.setText(f"Aligner series, checked {n}")
        return dialog

    def patient_typed(n: int) -> Any:
        dialog = PatientDialog(context, runner, patient, code=PATIENT)
        qt_wait(lambda: dialog.loaded)
        dialog.phone.setText(f"+44 7700 9{n:05d}")
        return dialog

    def wizard_typed(n: int) -> Any:
        wizard = SetupWizard(context, runner, settings_view)
        wizard.name.setText(f"Bench Clinic {n}")
        return wizard

    nothing = lambda _n: None  # noqa: E731
    return [
        ("Settings: open", nothing, lambda _s: settings_view.refresh(), idle),
        ("Settings: save", settings_typed, lambda _s: settings_view.save(),
         lambda _s: idle() and settings_view.status.text() == "Settings saved."),
        ("Email template: open", nothing, lambda _s: editor.load(), idle),
        ("Email template: save", email_typed, lambda _s: editor.save(), idle),
        ("Plan templates: open", nothing, lambda _s: plans.refresh(), idle),
        ("Plan template: save", plan_typed, lambda dialog: dialog.save(), accepted),
        ("Patient dialog: open", nothing,
         lambda _s: PatientDialog(context, runner, patient, code=PATIENT),
         lambda dialog: dialog.loaded),
        ("Patient dialog: save", patient_typed, lambda dialog: dialog.save(), accepted),
        ("Patient page: Apply plan…", nothing, lambda _s: patient.apply_plan(), idle),
        ("Setup wizard: finish", wizard_typed, lambda wizard: wizard.apply(),
         lambda wizard: accepted(wizard) and not wizard.problems),
        (OPEN_PHOTOS, lambda _n: patient.show_patient("P00002"),
         lambda _s: patient.show_patient(PATIENT),
         lambda _s: idle() and len(patient.photos.photos) == PHOTOS),
    ]


def qt_wait(ready: Callable[[], bool]) -> None:
    """Run the event loop until `ready()` (setting up an action: not measured)."""
    from clinic_desktop.ui.qt import QApplication

    deadline = time.monotonic() + WAIT_S
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("setting up an action took too long")
        QApplication.processEvents()
        time.sleep(0.002)


def child(variant: str, data_dir: Path, db_url: str, rounds: int) -> None:
    from clinic_desktop.ui import patient, patients, plans_view, settings_view, wizard
    from clinic_desktop.ui.qt import QApplication
    from clinic_desktop.ui.tasks import TaskRunner

    class OnTheGuiThread(TaskRunner):
        """The views as they were: each task runs where it is asked, the callbacks at once."""

        def start(self, task: Any) -> None:
            task.run()

    app = QApplication([sys.argv[0]])
    context = open_app(data_dir, db_url, log_to_file=False)
    errors: list[str] = []
    told: list[str] = []
    for module in (patient, patients, plans_view, settings_view, wizard):  # no modal boxes
        for name, kept in (("show_error", errors), ("show_info", told)):
            if hasattr(module, name):
                setattr(module, name,
                        lambda _parent, message, _title="", kept=kept: kept.append(message))
    runner = TaskRunner() if variant == "ours" else OnTheGuiThread()
    heartbeat = Heartbeat()
    measured: dict[str, dict[str, float]] = {}
    try:
        steps = actions(context, runner, told)
        qt_wait(lambda: runner.pending() == 0)
        for n in range(rounds + 1):  # round 0 warms up (connections, imports): not counted
            for name, prepare, act, done in steps:
                state = prepare(n)
                qt_wait(lambda: runner.pending() == 0)
                try:
                    stall, took = heartbeat.measure(
                        lambda act=act, state=state: act(state) or state, done)
                except TimeoutError as exc:
                    faulthandler.dump_traceback()  # where the answer is stuck
                    raise SystemExit(f"{variant}: {name}: {exc}") from None
                if errors:
                    raise SystemExit(f"{variant}: {name} failed: {errors[-1]}")
                if n:
                    best = measured.setdefault(name, {"stall_ms": 0.0, "took_ms": 0.0})
                    best["stall_ms"] = max(best["stall_ms"], stall)
                    best["took_ms"] = max(best["took_ms"], took)
                qt_wait(lambda: runner.pending() == 0)
        print("CHILD " + json.dumps(measured), flush=True)
    finally:
        runner.shutdown()
        context.close()
        app.closeAllWindows()


# --- parent: data, the second PC, children, report ------------------------------------------

def patient_count(data_dir: Path, db_url: str) -> int:
    context = open_app(data_dir, db_url, log_to_file=False)
    try:
        with context.sessions() as session:
            return session.scalar(select(func.count()).select_from(Patient)) or 0
    finally:
        context.close()


def build(data_dir: Path, db_url: str, patients: int) -> float | None:
    """The demo clinic with `patients` patients and PHOTOS photos of PATIENT (imported as
    staff import them); None when an earlier run built it."""
    from PIL import Image

    from clinic_desktop.db.models import Photo
    from clinic_desktop.photos.importer import PhotoImporter

    found = patient_count(data_dir, db_url)
    if found and found != patients:
        raise SystemExit(f"the database holds {found} patients, not {patients}: use "
                         "another database")
    context = open_app(data_dir, db_url, log_to_file=False)
    try:
        started = time.perf_counter()
        if not found:
            with write_session(context.sessions) as session:
                build_demo(session, TODAY, patients)
        with context.sessions() as session:
            have = session.scalar(select(func.count()).select_from(Photo).join(Patient)
                                  .where(Patient.code == PATIENT)) or 0
        if found and have >= PHOTOS:
            return None
        importer = PhotoImporter.for_app(context, TODAY)
        with tempfile.TemporaryDirectory(prefix="bench-ui-stall-photos-") as folder:
            for n in range(have, PHOTOS):
                path = Path(folder) / f"{PATIENT}_{n:03d}.jpg"
                Image.effect_noise((1280, 960), 30 + n % 40).convert("RGB").save(path)
                outcome = importer.import_file(path, patient_code=PATIENT, taken=TODAY)
                if outcome.status != "imported":
                    raise SystemExit(f"photo {n} not imported: {outcome.line()}")
        return time.perf_counter() - started
    finally:
        context.close()


def run_child(variant: str, data_dir: Path, db_url: str, rounds: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
               "--data-dir", str(data_dir), "--db-url", db_url, "--rounds", str(rounds)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode or not lines:
        raise SystemExit(f"{variant} run failed ({done.returncode}):\n{done.stdout}\n"
                         f"{done.stderr}")
    return dict(json.loads(lines[-1][len("CHILD "):]))


def best(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per action, the run with the smallest worst stall (and its answer time)."""
    return {name: min((run[name] for run in runs), key=lambda r: r["stall_ms"])
            for name in runs[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10,
                        help="each action this many times in a run (the worst counts)")
    parser.add_argument("--runs", type=int, default=3,
                        help="child processes per variant, taking turns (the best run counts: "
                             "other load on the machine stalls any program now and then)")
    parser.add_argument("--db-url", help="a PostgreSQL database (default: SQLite in "
                                         "--data-dir)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="PostgreSQL only: delay each way through a relay")
    parser.add_argument("--hold-ms", type=float, default=200.0,
                        help="the second PC holds its write transaction this long")
    parser.add_argument("--gap-ms", type=float, default=300.0,
                        help="... every this many ms (0 hold: no second PC)")
    parser.add_argument("--data-dir", type=Path,
                        help="keep the SQLite clinic here, or reuse it (default: a temp folder)")
    parser.add_argument("--child", choices=["ours", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--second-pc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.second_pc:
        writer(args.db_url, args.data_dir, args.hold_ms / 1000, args.gap_ms / 1000)
        return 0
    if args.child:
        child(args.child, args.data_dir, args.db_url, args.rounds)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-ui-stall-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        db_url = args.db_url or sqlite_url(data_dir / "clinic.db")
        built = build(data_dir, db_url, args.patients)
        print(f"data: {args.patients} patients, "
              + (f"built in {built:.1f}s" if built is not None else "reused")
              + " (not part of the result)")
        view_url = db_url
        proxy = None
        if args.latency_ms:
            if db_url.startswith("sqlite"):
                raise SystemExit("--latency-ms needs --db-url (a PostgreSQL database)")
            from smtp_throughput import LatencyProxy

            url = make_url(db_url)
            proxy = LatencyProxy(url.port or 5432, args.latency_ms / 1000)
            view_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False)
        second_pc = None
        if args.hold_ms:
            second_pc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--second-pc",
                 "--data-dir", str(data_dir), "--db-url", db_url, "--hold-ms",
                 str(args.hold_ms), "--gap-ms", str(args.gap_ms)])
        runs: dict[str, list[dict[str, Any]]] = {"ours": [], "baseline": []}
        try:
            for n in range(args.runs):
                for variant in ("ours", "baseline") if n % 2 == 0 else ("baseline", "ours"):
                    runs[variant].append(run_child(variant, data_dir, view_url, args.rounds))
                    worst = max(v["stall_ms"] for v in runs[variant][-1].values())
                    print(f"  run {n + 1} {variant:8}: worst stall {worst:.0f} ms", flush=True)
        finally:
            if second_pc is not None:
                second_pc.kill()
                second_pc.wait()
            if proxy is not None:
                proxy.stop()

    ours, baseline = best(runs["ours"]), best(runs["baseline"])
    where = ("SQLite" if db_url.startswith("sqlite") else "PostgreSQL"
             + (f", {args.latency_ms:g} ms each way" if args.latency_ms else ""))
    load = (f"a second PC holding a write transaction {args.hold_ms:g} ms every "
            f"{args.gap_ms:g} ms" if args.hold_ms else "no other writer")
    print(f"\n{args.patients} patients on {where}; {load}; worst of {args.rounds} rounds, "
          f"best of {args.runs} runs")
    print(f"{'':34} {'stall ours':>10} {'baseline':>9} | {'answer ours':>11} {'baseline':>9}")
    for name in ours:
        o, b = ours[name], baseline[name]
        print(f"{name:34} {o['stall_ms']:8.0f}ms {b['stall_ms']:7.0f}ms | "
              f"{o['took_ms']:9.0f}ms {b['took_ms']:7.0f}ms")
    worst_ours = max(v["stall_ms"] for k, v in ours.items() if k != OPEN_PHOTOS)
    worst_base = max(v["stall_ms"] for k, v in baseline.items() if k != OPEN_PHOTOS)
    print(f"(a stall includes the {TICK_MS} ms heartbeat; answer: from the action until its "
          "result is on screen)")
    if worst_ours > TARGET_MS:
        print(f"NOTE: a stall of {worst_ours:.0f} ms, over the {TARGET_MS:.0f} ms aim")
    print(f"RESULT ui_stall ours={worst_ours:.0f}ms baseline={worst_base:.0f}ms "
          f"ratio={worst_base / worst_ours:.1f}")
    photos_ours, photos_base = ours[OPEN_PHOTOS]["stall_ms"], baseline[OPEN_PHOTOS]["stall_ms"]
    print(f"RESULT ui_stall_patient_photos ours={photos_ours:.0f}ms "
          f"baseline={photos_base:.0f}ms ratio={photos_base / photos_ours:.1f}")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
