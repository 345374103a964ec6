"""The Windows build's pinned versions (packaging/windows-constraints.txt) cover every
requirement and satisfy it: a dependency changed in pyproject.toml without running
`python packaging/lock_windows.py` fails here, not in a release build."""

from __future__ import annotations

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from windows.winebox import LOCK


def test_every_requirement_is_pinned_to_a_version_it_accepts() -> None:
    pins = {}  # LOCK: packaging/lock_windows.py, loaded once, for this and the Wine tests
    for line in LOCK.LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    for text in LOCK.requirements():
        wanted = Requirement(text)
        pinned = pins.get(canonicalize_name(wanted.name))
        assert pinned is not None, f"{wanted.name} is not in {LOCK.LOCK.name}: run lock_windows.py"
        assert wanted.specifier.contains(pinned, prereleases=True), (
            f"{wanted.name}=={pinned} does not satisfy {text!r}: run lock_windows.py")
