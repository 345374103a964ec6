"""The core's layers import one way (docs/architecture.md): no folder imports a folder that
imports it back, only the window and the command line reach Qt, and the window reads and writes
through the core (no models, no queries, no transactions of its own). Read from the source with
`ast`, so nothing is imported and function-level imports count as much as module-level ones."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import clinic_desktop

PACKAGE = Path(clinic_desktop.__file__).parent
# The command line (the cli/ package) and __main__ are entry points, which may start the
# window.
ENTRY = "cli"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    target: str  # the imported module (or package.name)
    names: tuple[str, ...] = ()  # what `from target import …` takes from it


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def folder(module: str) -> str:
    """A module's place in the picture: its folder under clinic_desktop/ (db/migrations apart:
    Alembic loads those files by path, so nothing imports them), or for a top-level module
    the module itself, __main__ counting as the command line."""
    parts = module.split(".")[1:]
    if not parts:
        return "clinic_desktop"
    if (PACKAGE / parts[0]).is_dir():
        return "db/migrations" if parts[:2] == ["db", "migrations"] else parts[0]
    if parts[0] == "__main__":
        return ENTRY
    return parts[0]


def imports_of(path: Path) -> list[Import]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from clinic_desktop import settings` imports the module clinic_desktop.settings
            found += [Import(module, node.lineno, f"{base}.{alias.name}")
                      for alias in node.names] if base == "clinic_desktop" else \
                [Import(module, node.lineno, base, tuple(a.name for a in node.names))]
    return found


@cache  # read once for the tests of this file
def all_imports() -> list[Import]:
    return [i for path in sorted(PACKAGE.rglob("*.py")) for i in imports_of(path)]


def folder_cycles(imports: list[Import]) -> list[list[str]]:
    """The groups of folders that reach each other (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for i in imports:
        if i.target.startswith("clinic_desktop.") and folder(i.module) != folder(i.target):
            graph[folder(i.module)].add(folder(i.target))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_folders_were_found() -> None:
    imports = all_imports()
    folders = {folder(i.module) for i in imports}
    assert {"db", "domain", "notify", "photos", "mail", "ui", ENTRY, "settings"} <= folders
    assert any(i.module == "clinic_desktop.notify.outbox" and i.target == "clinic_desktop.settings"
               for i in imports)
    # a function-level import is seen
    assert any(i.module == "clinic_desktop.cli.desktop" and i.target == "clinic_desktop.ui.app"
               for i in imports)


def shortest_loop(imports: list[Import], group: list[str]) -> list[Import]:
    """One import per step of the shortest way from the group's first folder back to it."""
    steps: dict[str, dict[str, Import]] = defaultdict(dict)
    for i in imports:
        here = folder(i.module)
        there = folder(i.target) if i.target.startswith("clinic_desktop.") else ""
        if here in group and there in group and here != there:
            steps[here].setdefault(there, i)
    start = group[0]
    paths: dict[str, list[Import]] = {start: []}
    queue = [start]
    for here in queue:
        for there, i in sorted(steps[here].items()):
            if there == start:
                return [*paths[here], i]
            if there not in paths:
                paths[there] = [*paths[here], i]
                queue.append(there)
    return []


def test_no_folder_imports_a_folder_that_imports_it_back() -> None:
    imports = all_imports()
    cycles = folder_cycles(imports)
    said = [f"{', '.join(group)}, for one:\n" + "\n".join(
        f"  {i.module}:{i.line} imports {i.target}" for i in shortest_loop(imports, group))
        for group in cycles]
    assert not cycles, "These folders import each other:\n" + "\n".join(said)


def test_only_the_window_and_the_command_line_import_qt() -> None:
    reaching = [f"{i.module}:{i.line} imports {i.target}" for i in all_imports()
                if folder(i.module) not in ("ui", ENTRY)
                and (i.target.split(".")[0] == "PySide6"
                     or i.target.startswith("clinic_desktop.ui"))]
    assert reaching == []


def test_a_loop_between_folders_is_found_and_named() -> None:
    loop = [Import("clinic_desktop.domain.a", 3, "clinic_desktop.notify.b"),
            Import("clinic_desktop.notify.b", 5, "clinic_desktop.settings"),
            Import("clinic_desktop.settings", 9, "clinic_desktop.domain.a"),
            Import("clinic_desktop.notify.b", 6, "clinic_desktop.db.models")]
    assert folder_cycles(loop) == [["domain", "notify", "settings"]]
    assert [i.line for i in shortest_loop(loop, ["domain", "notify", "settings"])] == [3, 5, 9]
    assert folder_cycles(loop[1:]) == []


def queries_in_the_window(imports: list[Import]) -> list[str]:
    """Where a ui/ module takes the database into its own hands: the models, write_session,
    SQLAlchemy beyond its exceptions (ui/tasks.py turns those into sentences)."""
    def own_query(i: Import) -> bool:
        return (i.target.startswith("clinic_desktop.db.models")
                or (i.target == "clinic_desktop.db" and "models" in i.names)
                or (i.target == "clinic_desktop.db.engine" and "write_session" in i.names)
                or (i.target.split(".")[0] == "sqlalchemy" and i.target != "sqlalchemy.exc"))
    return [f"{i.module}:{i.line} imports {i.target} {' '.join(i.names)}".rstrip()
            for i in imports if folder(i.module) == "ui" and own_query(i)]


def test_the_window_reads_and_writes_only_through_the_core() -> None:
    assert queries_in_the_window(all_imports()) == []


def test_a_view_that_queries_the_database_itself_is_named() -> None:
    view = "clinic_desktop.ui.view"
    imports = [Import(view, 3, "clinic_desktop.db.models", ("Photo",)),
               Import(view, 4, "clinic_desktop.db.engine", ("write_session",)),
               Import(view, 5, "sqlalchemy", ("select",)),
               Import(view, 6, "clinic_desktop.db", ("models",)),
               Import("clinic_desktop.ui.tasks", 7, "sqlalchemy.exc", ("OperationalError",)),
               Import("clinic_desktop.ui.tasks", 8, "clinic_desktop.db.engine",
                      ("unanswered_problem",)),
               Import("clinic_desktop.domain.steps", 9, "clinic_desktop.db.models", ("Patient",))]
    assert queries_in_the_window(imports) == [
        "clinic_desktop.ui.view:3 imports clinic_desktop.db.models Photo",
        "clinic_desktop.ui.view:4 imports clinic_desktop.db.engine write_session",
        "clinic_desktop.ui.view:5 imports sqlalchemy select",
        "clinic_desktop.ui.view:6 imports clinic_desktop.db models"]
    # the names come from the source: ui/tasks.py takes only a sentence from db.engine
    assert ("clinic_desktop.db.engine", ("unanswered_problem",)) in [
        (i.target, i.names) for i in imports_of(PACKAGE / "ui" / "tasks.py")]
