"""The one way views run work in the background, `tasks.op(work, parent)…run()`: the answer
comes back on the GUI thread, the busy controls are greyed until it does, and a failure is a
sentence (shown over the parent unless the view takes it), never a traceback."""

from __future__ import annotations

import threading
from typing import Any

from clinic_desktop.errors import RuleError
from clinic_desktop.ui.qt import QPushButton, QWidget

WAIT = 10_000  # ms


def test_the_answer_comes_back_on_the_gui_thread_and_the_buttons_wait_for_it(
        qtbot: Any, tasks: Any, messages: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    save, delete = QPushButton("Save", parent), QPushButton("Delete", parent)
    release = threading.Event()
    ran_on: list[threading.Thread] = []
    answers: list[tuple[int, threading.Thread, bool]] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        assert release.wait(WAIT / 1000)
        return 42

    tasks.op(work, parent).success(lambda n: answers.append(
        (n, threading.current_thread(), save.isEnabled()))).busy(save, delete).run()
    qtbot.waitUntil(lambda: ran_on != [], timeout=WAIT)
    assert not save.isEnabled() and not delete.isEnabled() and tasks.running(save)
    release.set()
    qtbot.waitUntil(lambda: answers != [], timeout=WAIT)
    assert answers == [(42, threading.main_thread(), True)]
    assert ran_on[0] is not threading.main_thread()
    assert save.isEnabled() and delete.isEnabled() and tasks.pending() == 0
    assert messages.shown == []


def test_a_failure_is_a_sentence_over_the_parent_or_given_to_the_view(
        qtbot: Any, tasks: Any, messages: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def refused() -> None:
        raise RuleError("P00123 has no active step.")

    def broken() -> None:
        raise KeyError("step")

    tasks.op(refused, parent).success(lambda _: messages.shown.append(("ok", "", ""))).run()
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=WAIT)
    assert messages.errors == ["P00123 has no active step."]

    taken: list[str] = []
    tasks.op(broken, parent).failure(taken.append).run()
    tasks.op(broken).run()  # no parent, no callback: the log has it, nothing pops up
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=WAIT)
    assert taken == ["Something unexpected went wrong (KeyError: 'step'). The details are in "
                     "the log file."]
    assert messages.errors == ["P00123 has no active step."]


def test_what_closed_windows_leave_is_freed_on_the_gui_thread_not_by_a_worker(
        qtbot: Any, tasks: Any) -> None:
    """A widget in a reference cycle is freed by Python's cycle collector, which runs in the
    thread that allocates when a threshold is passed: a worker destroying a widget crashes
    Qt. A stand-in for such a widget records the thread that frees it."""
    freed_on: list[threading.Thread] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            freed_on.append(threading.current_thread())

    Cycle()  # garbage from here on, that only the cycle collector can free
    answers: list[list[list[int]]] = []
    tasks.op(lambda: [[] for _ in range(50_000)]).success(answers.append).run()  # kept
    qtbot.waitUntil(lambda: answers != [] and freed_on != [], timeout=WAIT)
    assert freed_on == [threading.main_thread()]


def test_an_answer_for_a_closed_window_is_dropped(qtbot: Any, tasks: Any,
                                                   messages: Any) -> None:
    """Staff close a dialog (the email template editor, a patient) while its worker still
    reads: the answer finds its widgets gone and is let go, with no error in front of them."""
    release = threading.Event()
    answers: list[object] = []
    for outcome in ("answer", "failure"):
        parent = QWidget()
        label = QPushButton("Preview", parent)

        def work(outcome: str = outcome) -> str:
            assert release.wait(WAIT / 1000)
            if outcome == "failure":
                raise RuleError("Not valid yet.")
            return outcome

        tasks.op(work, parent).success(lambda text, label=label: (
            answers.append(text), label.setText(text))).busy(label).run()
        parent.deleteLater()  # the window closes; Qt deletes it and its children
        qtbot.waitUntil(lambda parent=parent: not _alive(parent), timeout=WAIT)
    release.set()
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=WAIT)
    assert answers == [] and messages.shown == [] and messages.errors == []


def _alive(widget: QWidget) -> bool:
    try:
        widget.objectName()
    except RuntimeError:  # "Internal C++ object already deleted"
        return False
    return True
