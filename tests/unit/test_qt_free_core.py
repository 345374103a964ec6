"""The core must run without Qt: importing any core module never loads PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import clinic_desktop


def core_modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(clinic_desktop.__path__,
                                                         "clinic_desktop.")]
    # __main__ runs the program when imported; it is not a library module.
    return [n for n in names if not n.startswith("clinic_desktop.ui")
            and ".migrations" not in n and not n.endswith("__main__")]


def test_importing_every_core_module_does_not_load_pyside6() -> None:
    modules = core_modules()
    assert "clinic_desktop.cli" in modules and "clinic_desktop.domain.due_scan" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}:\n"
            "    importlib.import_module(name)\n"
            "loaded = [m for m in sys.modules if m.startswith('PySide6')]\n"
            "print(loaded)\n"
            "sys.exit(1 if loaded else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
