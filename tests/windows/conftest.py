"""The Windows suite: the app's Windows binaries under Wine (CLINIC_DESKTOP_WINE_TEST=1).

Slow on a first run (it downloads the embeddable Windows CPython and the Windows wheels, about
150 MB, into the cache: see winebox.cache_dir), so an everyday run skips it; .ci/run installs
Wine and sets the switch. A missing Wine with the switch set is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import winebox

ENABLED = os.environ.get(winebox.ENV_SWITCH) == "1"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f"Windows under Wine: set {winebox.ENV_SWITCH}=1 "
                            "(.ci/run does, after installing Wine)")
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.slow)
            if not ENABLED:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def wine_prefix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[winebox.WinePrefix]:
    wine64 = winebox.find_wine64()
    if wine64 is None:
        pytest.fail(f"{winebox.ENV_SWITCH}=1 but Wine is not installed: apt-get install "
                    "--no-install-recommends wine64 wine")
    prefix = winebox.new_prefix(wine64, tmp_path_factory.mktemp("wine"))
    yield prefix
    prefix.stop()


@pytest.fixture(scope="session")
def windows_python(wine_prefix: winebox.WinePrefix,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[winebox.WindowsPython]:
    python = winebox.prepare_python(wine_prefix)
    winebox.install_project(python, tmp_path_factory.mktemp("project"))
    keeper = winebox.hold_desktop(python)
    yield python
    keeper.kill()  # not communicate(): the desktop it started holds the other end of its pipes
    keeper.wait()
    for pipe in (keeper.stdout, keeper.stderr):
        if pipe is not None:
            pipe.close()
