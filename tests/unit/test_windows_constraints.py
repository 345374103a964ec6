"""The Windows build's pinned versions (packaging/windows-constraints.txt) cover every
requirement and satisfy it: a dependency changed in pyproject.toml without running
`python packaging/lock_windows.py` fails here, not in a release build."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def test_every_requirement_is_pinned_to_a_version_it_accepts() -> None:
    spec = importlib.util.spec_from_file_location("lock_windows",
                                                  ROOT / "packaging" / "lock_windows.py")
    assert spec is not None and spec.loader is not None
    lock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lock)
    pins = {}
    for line in lock.LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    for text in lock.requirements():
        wanted = Requirement(text)
        pinned = pins.get(canonicalize_name(wanted.name))
        assert pinned is not None, f"{wanted.name} is not in {lock.LOCK.name}: run lock_windows.py"
        assert wanted.specifier.contains(pinned, prereleases=True), (
            f"{wanted.name}=={pinned} does not satisfy {text!r}: run lock_windows.py")
