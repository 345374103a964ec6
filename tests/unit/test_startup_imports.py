"""A command loads only what it needs: `--version` no database layer, and opening a database
already at the newest schema no alembic (a tenth of a second on every start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import io, sys
from contextlib import redirect_stdout
from clinic_desktop.cli import main
with redirect_stdout(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as done:  # argparse's --version
        code = done.code
print(code, sorted(m for m in ("sqlalchemy", "alembic", "jinja2", "PIL", "apscheduler")
                   if m in sys.modules))
"""


def loaded(*args: str) -> tuple[int, list[str]]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                            text=True, timeout=120, check=True)
    code, modules = result.stdout.strip().split(" ", 1)
    return int(code), eval(modules)  # a list of names, printed by the probe above


def test_version_loads_no_database_layer() -> None:
    assert loaded("--version") == (0, [])


def test_a_database_at_the_newest_schema_opens_without_alembic(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    assert loaded("--data-dir", data, "patients", "list")[0] == 0  # made and upgraded
    code, modules = loaded("--data-dir", data, "patients", "list")
    assert code == 0 and "sqlalchemy" in modules and "alembic" not in modules


def test_a_patients_status_loads_only_the_database_layer(tmp_path: Path) -> None:
    """`status --patient CODE` (what a script or a phone call asks) needs the models and a
    query: not the scheduler, the email renderer, the image library or alembic."""
    data = str(tmp_path / "data")
    assert loaded("--data-dir", data, "demo", "--patients", "1")[0] == 0
    code, modules = loaded("--data-dir", data, "status", "--patient", "P00001")
    assert code == 0 and modules == ["sqlalchemy"]
