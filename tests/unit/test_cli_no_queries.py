"""The command line asks the core and prints: it builds no query of its own and reads no
table itself (issue 17), so a rule about what a list shows lives in one place for the window
and the commands."""

from __future__ import annotations

import ast
from pathlib import Path

import clinic_desktop.cli

CLI = Path(clinic_desktop.cli.__file__).parent
# What building or running a query takes: SQLAlchemy's query builders and the models, and
# the session's and connection's ways of running one.
QUERY_IMPORTS = {"select", "text", "func", "update", "delete", "insert"}
QUERY_CALLS = {"execute", "scalar", "scalars", "exec_driver_sql", "query"}


def queries_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # `if TYPE_CHECKING:` imports name types for annotations; they run nothing.
    for_types = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                 and ast.unparse(node.test) == "TYPE_CHECKING" for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and node.module and id(node) not in for_types:
            if node.module.startswith("clinic_desktop.db.models"):
                found.append(f"{where} imports the models")
            if node.module.startswith("sqlalchemy"):
                found += [f"{where} imports sqlalchemy's {a.name}" for a in node.names
                          if a.name in QUERY_IMPORTS]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in QUERY_CALLS:
                found.append(f"{where} runs a query (.{node.func.attr})")
            elif node.func.attr == "get" and ast.unparse(node.func.value) == "session":
                found.append(f"{where} reads a row (session.get)")
    return found


def test_the_command_line_runs_no_query_of_its_own() -> None:
    assert [problem for path in sorted(CLI.glob("*.py")) for problem in queries_in(path)] == []


def test_the_check_finds_a_query(tmp_path: Path) -> None:
    """The test above can fail: a command that reads a table itself is caught."""
    module = tmp_path / "listing.py"
    module.write_text("from typing import TYPE_CHECKING\n"
                      "if TYPE_CHECKING:\n"
                      "    from clinic_desktop.db.models import Photo\n"
                      "from sqlalchemy import select\n"
                      "from clinic_desktop.db.models import Patient\n"
                      "def cmd(session):\n"
                      "    return session.scalars(select(Patient)), session.get(Patient, 1)\n",
                      encoding="utf-8")
    assert queries_in(module) == [
        "listing.py:4 imports sqlalchemy's select", "listing.py:5 imports the models",
        "listing.py:7 runs a query (.scalars)", "listing.py:7 reads a row (session.get)"]
