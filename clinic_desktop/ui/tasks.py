"""Run work off the GUI thread, one way for every view (as Anki's `CollectionOp`):

    self.tasks.op(work, self).success(show).busy(self.save_button).run()

Workers get plain values (ids, paths), call the core (which opens its own database session),
and never touch widgets; the callbacks run on the GUI thread (queued signal connections). The
`busy` widgets are disabled until the answer arrives: a button pressed twice does not save
twice. A failure is a sentence: given to `failure(cb)`, or else shown over the op's parent.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError

from clinic_desktop.db.engine import unanswered_problem
from clinic_desktop.errors import ClinicError
from clinic_desktop.ui.i18n import translate
from clinic_desktop.ui.qt import (
    QObject,
    QRunnable,
    QThreadPool,
    QTimer,
    QWidget,
    Signal,
    Slot,
    is_alive,
)
from clinic_desktop.ui.widgets import show_error
from clinic_desktop.ui.words import core_text

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Created on the GUI thread; its slots are therefore called there (queued), whatever
    thread emits. A plain function as the receiver would run on the worker thread instead.

    It also holds the task's function until the answer is delivered, so that the last
    reference to it, and to the widgets its closure may hold, goes on the GUI thread: a
    widget freed by a worker thread leaves its timers registered with the GUI thread's event
    loop, which then calls into freed memory (a crash, at some later moment)."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                 on_error: Callable[[str], None]):
        super().__init__()
        self.fn: Callable[[], Any] | None = fn
        self._on_done, self._on_error = on_done, on_error
        self.done.connect(self._deliver)
        self.failed.connect(self._fail)

    @Slot(object)
    def _deliver(self, result: Any) -> None:
        self._on_done(result)

    @Slot(str)
    def _fail(self, message: str) -> None:
        self._on_error(core_text(message))  # the core's sentence, in the app's language


class _Task(QRunnable):
    """Runs the relay's function on a worker thread. It keeps no reference of its own to the
    function or the relay once it has answered (see _Relay)."""

    def __init__(self, relay: _Relay):
        super().__init__()
        self.relay: _Relay | None = relay

    def run(self) -> None:
        relay, self.relay = self.relay, None
        assert relay is not None and relay.fn is not None
        try:
            result = relay.fn()
        except ClinicError as exc:
            relay.failed.emit(str(exc))
        except OperationalError as exc:  # a server gone, a locked or missing database file
            log.warning("Background task: the database did not answer: %s", exc)
            relay.failed.emit(unanswered_problem(exc))
        except Exception as exc:
            log.exception("Background task failed")
            relay.failed.emit(translate(
                "tasks", "Something unexpected went wrong ({problem}). The details are in the "
                "log file.").format(problem=f"{type(exc).__name__}: {exc}"))
        else:
            relay.done.emit(result)


class _CollectorOnGuiThread(QObject):
    """Python's cycle collector runs in whichever thread allocates when a threshold is passed.
    A widget in a reference cycle (a closure of its own connected to its signal is enough) is
    then destroyed by a worker thread, and Qt crashes, at once or at some later moment. While
    workers may run, the automatic collector is off and this collects on the GUI thread
    instead, each generation when the count the collector would have used is passed (as
    Spyder's and pyqtgraph's GarbageCollector do)."""

    INTERVAL_MS = 500
    _holders = 0  # runners alive: the last one to stop turns automatic collection back on

    def __init__(self, parent: QObject):
        super().__init__(parent)
        if _CollectorOnGuiThread._holders == 0:
            gc.disable()
        _CollectorOnGuiThread._holders += 1
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    @Slot()
    def collect(self) -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):  # the oldest due generation (it takes the younger too)
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        if not self._timer.isActive():
            return
        self._timer.stop()
        gc.collect()  # what the workers left, here on the GUI thread
        _CollectorOnGuiThread._holders -= 1
        if _CollectorOnGuiThread._holders == 0:
            gc.enable()


class Op:
    """One piece of background work, described, then `run()`: `fn` in a worker, then
    `success(result)` or the failure's sentence on the GUI thread. Don't touch widgets in
    `fn`; hand it plain values taken from them first."""

    def __init__(self, runner: TaskRunner, fn: Callable[[], Any], parent: QWidget | None):
        self._runner, self._fn, self._parent = runner, fn, parent
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[str], None] | None = None
        self._busy: tuple[QWidget, ...] = ()

    def success(self, callback: Callable[[Any], None]) -> Op:
        """Called with `fn`'s result."""
        self._success = callback
        return self

    def failure(self, callback: Callable[[str], None]) -> Op:
        """Called with the sentence instead of showing it over the parent."""
        self._failure = callback
        return self

    def busy(self, *widgets: QWidget) -> Op:
        """Disabled until the answer (enabled again before the callback, which may disable
        them for its own reasons)."""
        self._busy = widgets
        return self

    def run(self) -> None:
        failure, parent = self._failure, self._parent
        if failure is None and parent is not None:
            def failure(message: str) -> None:
                show_error(parent, message)
        self._runner._start(self._fn, self._success, failure, self._busy, self._parent)


class TaskRunner(QObject):
    """Owns the worker pool; `shutdown()` waits for running tasks (no QThread left alive)."""

    def __init__(self, parent: QObject | None = None, threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()
        self._busy: dict[QWidget, int] = {}  # widget → tasks that keep it disabled
        self._collector = _CollectorOnGuiThread(self)

    def op(self, fn: Callable[[], Any], parent: QWidget | None = None) -> Op:
        """`fn` to run in a worker; a failure is shown over `parent` unless `failure` takes
        it (without either, it is only logged)."""
        return Op(self, fn, parent)

    def _start(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None,
               on_error: Callable[[str], None] | None, busy: tuple[QWidget, ...],
               owner: QWidget | None = None) -> None:
        def release() -> bool:
            """Let go of the task; False when the window it answers was closed meanwhile
            (its widgets are gone: the answer has nowhere to go)."""
            relay.fn = None  # the function's last reference goes here, on the GUI thread
            self._relays.discard(relay)
            relay.deleteLater()  # and the relay's, whoever drops the wrapper last
            for widget in busy:
                self._busy[widget] -= 1
                if not self._busy[widget]:
                    del self._busy[widget]
                    if is_alive(widget):
                        widget.setEnabled(True)
            gone = [w for w in (owner, *busy) if w is not None and not is_alive(w)]
            if gone:
                log.debug("An answer for a closed window was dropped")
            return not gone

        def finish_ok(result: Any) -> None:
            if release() and on_done is not None:
                on_done(result)

        def finish_error(message: str) -> None:
            if release() and on_error is not None:
                on_error(message)

        for widget in busy:
            self._busy[widget] = self._busy.get(widget, 0) + 1
            widget.setEnabled(False)
        relay = _Relay(fn, finish_ok, finish_error)
        self._relays.add(relay)  # keep it alive until the answer has been delivered
        self.start(_Task(relay))

    def start(self, task: QRunnable) -> None:
        """Where the work runs: a worker thread of the pool."""
        self.pool.start(task)

    def pending(self) -> int:
        """Tasks whose answer has not been delivered yet."""
        return len(self._relays)

    def running(self, widget: QWidget) -> bool:
        """A task that keeps `widget` disabled has not answered yet."""
        return widget in self._busy

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()
        self._collector.stop()
