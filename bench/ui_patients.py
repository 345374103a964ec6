"""Benchmark the Patients view on 100,000 patients against a naive all-rows QStandardItemModel.

Each variant runs in a child process of its own (so that peak RSS is that variant's alone);
this parent builds the data once, starts the children, checks that both show the same
patients and prints the numbers. Qt runs offscreen.

First paint: from creating the view until its table has painted the first rows. Keystroke:
each character of a query typed on its own, timed until the table has painted the filtered
rows; for our view from the moment its 200 ms debounce timer fires (the deliberate pause is
printed separately, with it included), for the naive one from the key press (it filters at
once, on the GUI thread). Our view shows the rows first and counts the matches after; the
time until that number shows is printed too. The RESULT line gives the mean time per
keystroke.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

# `python bench/ui_patients.py` puts bench/ on sys.path, not the repo root, and the package is
# not necessarily installed in the venv: make the checkout importable either way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _stall_probe import StallProbe
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from clinic_desktop.app import open_app
from clinic_desktop.config import sqlite_url
from clinic_desktop.db.engine import write_session
from clinic_desktop.db.models import Doctor, Patient, TreatmentStep
from clinic_desktop.demo import build_demo

# A fixed day keeps runs comparable; build_demo places every stage relative to it anyway.
TODAY = date(2025, 6, 2)
# What a receptionist types: a code prefix, and a surname with a non-ASCII letter.
QUERIES = ["P0001", "müller"]
DEBOUNCE_MS = 200  # PatientsView's deliberate pause after a keystroke (ui/patients.py)
TARGET_FIRST_PAINT_S = 1.0
TARGET_KEYSTROKE_MS = 50.0
TARGET_RSS_MB = 300.0
WAIT_S = 300.0  # give up on a result after this long (a broken run, not a slow one)
SHOWN = 200  # rows compared between the two ways: our first page


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far.

    On Linux from VmHWM in /proc/self/status, not ru_maxrss: a child started with vfork (as
    subprocess does) inherits the parent's peak in ru_maxrss at exec, here the ~190 MB of
    building the demo data. Elsewhere ru_maxrss (bytes on macOS, KiB on other systems)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --- child: one variant in this process -----------------------------------------------------

class Probe(StallProbe):
    """The stall probe, and when the table has painted a result."""

    def __init__(self, app: Any):
        super().__init__()
        self.app = app

    def arm(self, table: Any) -> None:
        """The result has just reached the table: from now on, wait for it to be painted."""
        viewport = table.viewport()
        if not hasattr(viewport, "_bench_painted"):
            from PySide6.QtCore import QEvent, QObject

            class Watch(QObject):
                def eventFilter(self, watched: Any, event: Any) -> bool:
                    if event.type() == QEvent.Type.Paint:
                        watched._bench_painted = True
                    return False

            self._watch = Watch()
            viewport.installEventFilter(self._watch)
        viewport._bench_painted = False

    def paint(self, table: Any) -> None:
        """Let Qt run what it posted since the result arrived (layout of the new rows, the
        paint it asked for); if that did not paint the table, paint it now. Either way the
        table is painted once after the result, as in the app."""
        viewport = table.viewport()
        if not viewport._bench_painted:
            self.app.processEvents()
        if not viewport._bench_painted:
            viewport.repaint()


def type_key(widget: Any, char: str) -> None:
    """One key press and release carrying `char` (QTest.keyClicks aborts on non-ASCII)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                 Qt.KeyboardModifier.NoModifier, char))


def run_ours(app: Any, context: Any, queries: list[str]) -> dict[str, Any]:
    """The real PatientsView: a page of 200 rows from a worker thread, search debounced."""
    from clinic_desktop.ui.patients import PatientsView
    from clinic_desktop.ui.tasks import TaskRunner

    probe = Probe(app)
    tasks = TaskRunner()
    rss_before = peak_rss_mb()

    started = time.perf_counter()
    view = PatientsView(context, tasks)
    probe.arm(view.table)
    view.model.modelReset.connect(lambda: probe.arm(view.table))
    view.resize(1280, 820)
    view.show()
    view.refresh()  # what MainWindow.show_page does when the Patients page is opened
    probe.wait_for(lambda: view.model.rowCount() > 0, WAIT_S, view.model.modelReset)
    probe.paint(view.table)
    first_paint = time.perf_counter() - started
    probe.wait_for(lambda: view.model.total == len(view.model.rows)
                   or view.model.total > len(view.model.rows) + 1,  # counted
                   WAIT_S, view.model.loaded)

    # When the debounce timer fires, the view calls model.search: stamp that moment.
    query_started: list[float] = []
    search = view.model.search

    def stamped_search(text: str) -> None:
        query_started.append(time.perf_counter())
        search(text)

    view.model.search = stamped_search  # type: ignore[method-assign]
    loaded: list[int] = []
    view.model.loaded.connect(loaded.append)
    # The rows are shown when the model resets; the number of matches follows (`loaded`).
    shown: list[bool] = []
    view.model.modelReset.connect(lambda: shown.append(True))

    keystrokes = []
    results = {}
    for query in queries:
        if view.search.text():
            loaded.clear()
            view.search.setText("")  # back to the full list (not measured)
            probe.wait_for(lambda: bool(loaded), WAIT_S, view.model.loaded)
            probe.paint(view.table)
        for n, char in enumerate(query, 1):
            loaded.clear()
            shown.clear()
            query_started.clear()
            probe.start()
            pressed = time.perf_counter()
            type_key(view.search, char)
            probe.wait_for(lambda: bool(shown), WAIT_S, view.model.modelReset)
            probe.paint(view.table)
            painted = time.perf_counter()
            freeze = probe.stop()
            probe.wait_for(lambda: bool(loaded), WAIT_S, view.model.loaded)
            counted = time.perf_counter()
            assert view.search.text() == query[:n]
            keystrokes.append({
                "text": query[:n], "matches": view.model.total,
                "ms": (painted - query_started[0]) * 1000,  # without the deliberate debounce
                "with_debounce_ms": (painted - pressed) * 1000,
                "freeze_ms": freeze * 1000,
                "count_ms": (counted - query_started[0]) * 1000,
            })
        results[query] = {"total": view.model.total,
                          "codes": [view.model.code_at(r)
                                    for r in range(min(SHOWN, view.model.rowCount()))]}
    tasks.shutdown()
    view.close()
    return {"first_paint_s": first_paint, "rss_before_mb": rss_before,
            "rows_loaded": len(view.model.rows), "keystrokes": keystrokes, "results": results}


def all_rows(session: Any) -> list[list[str]]:
    """Every patient with the same seven columns our view shows, in one query (the naive way
    at its best: no query per patient)."""
    active = aliased(TreatmentStep)
    query = (select(Patient.code, Patient.first_name, Patient.last_name, Patient.email,
                    Patient.phone, Doctor.name, active.order, active.name, active.due_date)
             .outerjoin(Doctor, Doctor.id == Patient.doctor_id)
             .outerjoin(active, and_(active.patient_id == Patient.id,
                                     active.is_active.is_(True)))
             .order_by(Patient.code))
    return [[code, f"{first} {last}".strip(), email or "", phone or "", doctor or "",
             f"{order} {step}" if order is not None else "", due.isoformat() if due else ""]
            for code, first, last, email, phone, doctor, order, step, due
            in session.execute(query)]


def run_naive(app: Any, context: Any, queries: list[str]) -> dict[str, Any]:
    """Load every patient into a QStandardItemModel on the GUI thread; filter with a
    QSortFilterProxyModel on all columns at each keystroke."""
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from clinic_desktop.ui.patients import HEADERS
    from clinic_desktop.ui.widgets import heading, hint, make_table

    probe = Probe(app)
    rss_before = peak_rss_mb()

    started = time.perf_counter()
    view = QWidget()
    layout = QVBoxLayout(view)
    layout.addWidget(heading("Patients"))
    search = QLineEdit()
    layout.addWidget(search)
    count = hint("")
    layout.addWidget(count)
    source = QStandardItemModel(0, len(HEADERS))
    source.setHorizontalHeaderLabels(HEADERS)
    with context.sessions() as session:
        for n, row in enumerate(all_rows(session)):
            # insertRow at the end = appendRow, which in PySide6 6.12 drops a reference to
            # None per call and aborts the interpreter after some thousands of rows.
            source.insertRow(n, [QStandardItem(value) for value in row])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(source)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)  # any column
    table = make_table(proxy, view)  # type: ignore[arg-type]
    layout.addWidget(table, 1)

    def on_text(text: str) -> None:
        proxy.setFilterFixedString(text.strip())
        count.setText(f"{proxy.rowCount()} patient(s)")

    search.textChanged.connect(on_text)
    on_text("")
    view.resize(1280, 820)
    view.show()
    table.resizeColumnsToContents()
    probe.arm(table)
    probe.paint(table)
    first_paint = time.perf_counter() - started

    keystrokes = []
    results = {}
    for query in queries:
        search.setText("")
        probe.arm(table)
        probe.paint(table)
        for n, char in enumerate(query, 1):
            probe.start()
            pressed = time.perf_counter()
            type_key(search, char)  # filters synchronously, on the GUI thread
            probe.arm(table)
            probe.paint(table)
            painted = time.perf_counter()
            freeze = probe.stop()
            assert search.text() == query[:n]
            ms = (painted - pressed) * 1000
            keystrokes.append({"text": query[:n], "matches": proxy.rowCount(), "ms": ms,
                               "count_ms": ms,
                               "with_debounce_ms": ms, "freeze_ms": freeze * 1000})
        results[query] = {"total": proxy.rowCount(),
                          "codes": [proxy.index(r, 0).data()
                                    for r in range(min(SHOWN, proxy.rowCount()))]}
    view.close()
    return {"first_paint_s": first_paint, "rss_before_mb": rss_before,
            "rows_loaded": source.rowCount(), "keystrokes": keystrokes, "results": results}


def child(variant: str, data_dir: Path, queries: list[str]) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    context = open_app(data_dir, sqlite_url(data_dir / "clinic.db"), log_to_file=False)
    try:
        run = run_ours if variant == "ours" else run_naive
        measured = run(app, context, queries)
    finally:
        context.close()
    measured["peak_rss_mb"] = peak_rss_mb()
    print("CHILD " + json.dumps(measured), flush=True)


# --- parent: data, children, report ---------------------------------------------------------

def patient_count(data_dir: Path) -> int:
    # An explicit URL everywhere, so CLINIC_DESKTOP_DB_URL can never point the benchmark at
    # real data.
    app = open_app(data_dir, sqlite_url(data_dir / "clinic.db"), log_to_file=False)
    try:
        with app.sessions() as session:
            return session.scalar(select(func.count()).select_from(Patient)) or 0
    finally:
        app.close()


def build(data_dir: Path, patients: int) -> float | None:
    """Demo clinic with `patients` patients in data_dir; None when an earlier run built it."""
    if (data_dir / "clinic.db").exists():
        found = patient_count(data_dir)
        if found != patients:
            raise SystemExit(f"{data_dir} holds {found} patients, not {patients}: "
                             "use another --data-dir")
        return None
    app = open_app(data_dir, sqlite_url(data_dir / "clinic.db"), log_to_file=False)
    try:
        started = time.perf_counter()
        with write_session(app.sessions) as session:
            build_demo(session, TODAY, patients)
        return time.perf_counter() - started
    finally:
        app.close()


def run_child(variant: str, data_dir: Path, queries: list[str]) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
               "--data-dir", str(data_dir), "--queries", *queries]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode or not lines:
        raise SystemExit(f"{variant} run failed ({done.returncode}):\n{done.stdout}\n"
                         f"{done.stderr}")
    return json.loads(lines[-1][len("CHILD "):])


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best (minimum) time of each measurement over the runs, highest peak RSS."""
    keystrokes = []
    for position, first in enumerate(runs[0]["keystrokes"]):
        same = [run["keystrokes"][position] for run in runs]
        keystrokes.append({"text": first["text"], "matches": first["matches"],
                           **{key: min(k[key] for k in same)
                              for key in ("ms", "with_debounce_ms", "freeze_ms",
                                          "count_ms")}})
    return {"first_paint_s": min(run["first_paint_s"] for run in runs),
            "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
            "rss_before_mb": max(run["rss_before_mb"] for run in runs),
            "rows_loaded": runs[0]["rows_loaded"], "keystrokes": keystrokes,
            "results": runs[0]["results"]}


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=100_000,
                        help="demo patients (default 100000)")
    parser.add_argument("--runs", type=int, default=3,
                        help="child processes per variant (best of; peak RSS is the highest)")
    parser.add_argument("--data-dir", type=Path,
                        help="build the demo clinic here and keep it, or reuse it if an "
                             "earlier run built it there (default: a temporary folder)")
    parser.add_argument("--queries", nargs="+", default=QUERIES, help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child(args.child, args.data_dir, args.queries)
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-ui-patients-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        built = build(data_dir, args.patients)
        print(f"data: {args.patients} patients, "
              + (f"built in {built:.1f}s" if built is not None else f"reused from {data_dir}")
              + " (not part of the result)")
        runs: dict[str, list[dict[str, Any]]] = {"ours": [], "naive": []}
        for n in range(args.runs):
            # Take turns at going first, so that other load on the machine hits both alike.
            for variant in ("ours", "naive") if n % 2 == 0 else ("naive", "ours"):
                runs[variant].append(run_child(variant, data_dir, args.queries))
                got = runs[variant][-1]
                print(f"  run {n + 1} {variant:5}: first paint {got['first_paint_s']:.3f}s, "
                      f"keystroke mean {mean([k['ms'] for k in got['keystrokes']]):.1f}ms, "
                      f"peak RSS {got['peak_rss_mb']:.0f}MB", flush=True)

    ours, naive = combine(runs["ours"]), combine(runs["naive"])
    # Same patients or the timing means nothing: same count, same first page in code order.
    for query in args.queries:
        a, b = ours["results"][query], naive["results"][query]
        assert a["total"] == b["total"], f"{query!r}: ours {a['total']}, naive {b['total']}"
        assert a["codes"] == b["codes"], f"{query!r}: the first rows differ"
        assert a["total"], f"{query!r} finds nobody: the data does not exercise the search"

    print(f"\nbest of {args.runs} runs per variant (peak RSS: highest); "
          f"rows held by the model: ours {ours['rows_loaded']}, naive {naive['rows_loaded']}")
    print(f"{'typed':>8} {'matches':>8} | {'ours ms':>8} {'+debounce':>9} {'freeze':>7} "
          f"{'counted':>8} | {'naive ms':>8} {'freeze':>7}")
    for o, b in zip(ours["keystrokes"], naive["keystrokes"], strict=True):
        print(f"{o['text']:>8} {o['matches']:>8} | {o['ms']:8.1f} {o['with_debounce_ms']:9.1f} "
              f"{o['freeze_ms']:7.1f} {o['count_ms']:8.1f} | {b['ms']:8.1f} {b['freeze_ms']:7.1f}")

    ours_ms = [k["ms"] for k in ours["keystrokes"]]
    naive_ms = [k["ms"] for k in naive["keystrokes"]]
    ours_key, naive_key = mean(ours_ms), mean(naive_ms)
    rows = [
        ("first paint", f"{ours['first_paint_s']:.3f}s", f"{naive['first_paint_s']:.3f}s",
         naive["first_paint_s"] / ours["first_paint_s"]),
        (f"keystroke, mean (ours without the {DEBOUNCE_MS} ms debounce)", f"{ours_key:.1f}ms",
         f"{naive_key:.1f}ms", naive_key / ours_key),
        ("keystroke, median", f"{statistics.median(ours_ms):.1f}ms",
         f"{statistics.median(naive_ms):.1f}ms",
         statistics.median(naive_ms) / statistics.median(ours_ms)),
        ("keystroke, worst", f"{max(ours_ms):.1f}ms", f"{max(naive_ms):.1f}ms",
         max(naive_ms) / max(ours_ms)),
        ("keystroke incl. debounce, mean",
         f"{mean([k['with_debounce_ms'] for k in ours['keystrokes']]):.1f}ms",
         f"{naive_key:.1f}ms",
         naive_key / mean([k["with_debounce_ms"] for k in ours["keystrokes"]])),
        ("keystroke until the number of matches shows, mean",
         f"{mean([k['count_ms'] for k in ours['keystrokes']]):.1f}ms", f"{naive_key:.1f}ms",
         naive_key / mean([k["count_ms"] for k in ours["keystrokes"]])),
        ("longest GUI freeze in a keystroke",
         f"{max(k['freeze_ms'] for k in ours['keystrokes']):.1f}ms",
         f"{max(k['freeze_ms'] for k in naive['keystrokes']):.1f}ms",
         max(k["freeze_ms"] for k in naive["keystrokes"])
         / max(k["freeze_ms"] for k in ours["keystrokes"])),
        ("peak RSS", f"{ours['peak_rss_mb']:.0f}MB", f"{naive['peak_rss_mb']:.0f}MB",
         naive["peak_rss_mb"] / ours["peak_rss_mb"]),
        ("RSS before the view (Python, Qt, SQLAlchemy)", f"{ours['rss_before_mb']:.0f}MB",
         f"{naive['rss_before_mb']:.0f}MB", naive["rss_before_mb"] / ours["rss_before_mb"]),
    ]
    print(f"\n{'':52} {'ours':>9} {'naive':>9} {'ratio':>7}")
    for label, a, b, ratio in rows:
        print(f"{label:52} {a:>9} {b:>9} {ratio:7.2f}")
    print("(ratio = naive / ours; > 1 means our view wins)")

    if ours["first_paint_s"] > TARGET_FIRST_PAINT_S:
        print(f"NOTE: first paint {ours['first_paint_s']:.2f}s, over the "
              f"{TARGET_FIRST_PAINT_S:.0f}s aim")
    if ours_key > TARGET_KEYSTROKE_MS:
        print(f"NOTE: {ours_key:.0f}ms per keystroke, over the {TARGET_KEYSTROKE_MS:.0f}ms aim")
    if ours["peak_rss_mb"] > TARGET_RSS_MB:
        print(f"NOTE: peak RSS {ours['peak_rss_mb']:.0f}MB, over the {TARGET_RSS_MB:.0f}MB aim")
    print(f"RESULT ui_patients ours={ours_key:.1f}ms baseline={naive_key:.1f}ms "
          f"ratio={naive_key / ours_key:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
