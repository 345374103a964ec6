"""The UI benches' stall probe: a GUI-thread heartbeat, and waiting on the event loop.

A QTimer ticks every TICK_MS on the GUI thread; the longest gap between two ticks is the
longest time the window did not answer (an idle thread shows TICK_MS: the tick is in it).
The most CPU time the GUI thread spent between two ticks is kept too: on a loaded machine a
gap also holds time the thread waited for a core, or for Python's lock held by a worker.
Waiting always runs the event loop and never spins: the app's workers need Python's lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

TICK_MS = 10
POLL_MS = 2  # how often a wait looks at its condition


class StallProbe:
    def __init__(self, tick_ms: int = TICK_MS) -> None:
        from PySide6.QtCore import QTimer

        self.last = self.last_cpu = 0.0
        self.longest = self.longest_cpu = 0.0
        self.timer = QTimer()
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.longest = max(self.longest, now - self.last)
        self.longest_cpu = max(self.longest_cpu, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def start(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.longest = self.longest_cpu = 0.0
        self.timer.start()

    def stop(self) -> float:
        """The longest stall since start(), in seconds."""
        self._tick()
        self.timer.stop()
        return self.longest

    def wait_for(self, ready: Callable[[], bool], timeout_s: float,
                 signal: Any = None) -> float:
        """Run the event loop until `ready()` holds (looked at every POLL_MS, and at once
        when `signal` fires); the moment it first held (perf_counter). TimeoutError after
        `timeout_s`."""
        from PySide6.QtCore import QEventLoop, QTimer

        held: list[float] = []
        loop = QEventLoop()

        def check(*_args: Any) -> None:
            if not held and ready():
                held.append(time.perf_counter())
                loop.quit()

        poll = QTimer()
        poll.setInterval(POLL_MS)
        poll.timeout.connect(check)
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        if signal is not None:
            signal.connect(check)
        check()
        try:
            if not held:
                poll.start()
                guard.start(int(timeout_s * 1000))
                loop.exec()
        finally:
            poll.stop()
            guard.stop()
            if signal is not None:
                signal.disconnect(check)
        if not held:
            raise TimeoutError(f"no result after {timeout_s:.0f}s")
        return held[0]

    def settle(self, ms: int) -> None:
        """Run the event loop for `ms` more (what a view does after its answer: filling a
        list in parts, painting)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def measure(self, act: Callable[[], Any], done: Callable[[Any], bool],
                timeout_s: float, settle_ms: int = 0) -> tuple[float, float, float]:
        """(longest stall, time until done, most GUI-thread CPU between two ticks), in ms:
        `state = act()`, then the event loop runs until `done(state)` holds, and `settle_ms`
        longer (counted in the stall)."""
        self.start()
        started = time.perf_counter()
        state = act()
        finished = self.wait_for(lambda: done(state), timeout_s)
        if settle_ms:
            self.settle(settle_ms)
        return self.stop() * 1000, (finished - started) * 1000, self.longest_cpu * 1000
