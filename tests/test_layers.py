"""Dependencies point one way: ui -> reports -> models, and inside models/ from each
subpackage only to those before it in MODEL_LAYERS (docs/architecture.md).

models/ and reports/ never import Qt; models/ imports neither reports nor ui; reports/ does
not import ui; neither ui/ nor reports/ holds SQL or ORM queries (models/ answers them).
Checked on the source with `ast`, so an import hidden inside a function counts too.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_PACKAGES = {"PySide6", "PySide2", "shiboken6", "shiboken2", "PyQt5", "PyQt6", "sip"}
SQL_TEXT = re.compile(r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b"
                      r"|\bUPDATE\s+\w+\s+SET\b|\bCREATE\s+(TABLE|INDEX)\b|\bPRAGMA\b")


# Model-class methods that read or write the database (a peewee Model is a capitalised name).
ORM_QUERIES = {"select", "get", "get_or_none", "get_by_id", "create", "insert", "insert_many",
               "update", "delete", "delete_by_id", "replace", "raw"}


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module a file imports, absolute names (relative imports resolved)."""
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source, filename=str(path))
    package = list(path.relative_to(ROOT).parent.parts)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__")):
            found.add(node.args[0].value)
    return found


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules if m}


def sql_in_ui(path: Path, source: str | None = None) -> list[str]:
    """SQL in a ui/ (or reports/) file: execute_sql calls, sqlite3 imports, SQL statements
    in strings, ORM queries on a model class."""
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source, filename=str(path))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("execute_sql", "executescript"):
            problems.append(f"line {node.lineno}: {node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and SQL_TEXT.search(node.value):
            problems.append(f"line {node.lineno}: SQL text {node.value[:40]!r}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ORM_QUERIES and isinstance(node.func.value, ast.Name)
              and node.func.value.id[:1].isupper() and not node.func.value.id.isupper()):
            problems.append(f"line {node.lineno}: ORM query {node.func.value.id}.{node.func.attr}")
    if "sqlite3" in top_level(imported_modules(path, source)):
        problems.append("imports sqlite3")
    return problems


# models/ subpackages, lowest first: each imports only those before it (and itself).
MODEL_LAYERS = ("common", "db", "ledger", "queries", "letters", "contact", "prevention",
                "negotiation", "collection", "exchange", "demo")


def model_layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "models" else None


def layer_violations(path: Path, source: str | None = None) -> list[str]:
    """Imports from a models/ file that reach a later layer, or that are unknown."""
    own = path.relative_to(ROOT).parts[1]
    rank = MODEL_LAYERS.index(own)
    found = []
    for module in sorted(imported_modules(path, source)):
        layer = model_layer(module)
        if layer is None or layer == own:
            continue
        if layer not in MODEL_LAYERS:
            if (ROOT / "models" / layer).is_dir():
                found.append(f"{module}: package {layer} is not in MODEL_LAYERS")
        elif MODEL_LAYERS.index(layer) > rank:
            found.append(f"{module} ({layer} comes after {own})")
    return found


def test_models_is_made_of_the_layers():
    packages = {p.name for p in (ROOT / "models").iterdir()
                if p.is_dir() and p.name != "__pycache__"}
    assert packages == set(MODEL_LAYERS)
    assert [p.name for p in (ROOT / "models").glob("*.py")] == ["__init__.py"]


def test_each_model_layer_imports_only_the_ones_before_it():
    offenders = {str(p.relative_to(ROOT)): layer_violations(p)
                 for p in python_files("models")
                 if "migrations" not in p.parts and len(p.relative_to(ROOT).parts) > 2}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycle_between_model_modules():
    """Not even one hidden inside a function: a cycle means two modules hold one rule."""
    graph = {}
    for path in python_files("models"):
        if "migrations" in path.parts or path.name == "__init__.py":
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        graph[name] = set()
    for name in graph:
        path = ROOT / (name.replace(".", "/") + ".py")
        for module in imported_modules(path):
            if module in graph and module != name:
                graph[name].add(module)
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_packages_are_there():
    assert len(python_files("models")) >= 10
    assert python_files("reports") and python_files("ui")


@pytest.mark.parametrize("package", ["models", "reports"])
def test_no_qt_below_the_ui(package):
    offenders = {str(p.relative_to(ROOT)): sorted(top_level(imported_modules(p)) & QT_PACKAGES)
                 for p in python_files(package)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_models_import_neither_reports_nor_ui():
    offenders = {str(p.relative_to(ROOT)):
                 sorted(top_level(imported_modules(p)) & {"reports", "ui"})
                 for p in python_files("models")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_reports_do_not_import_ui():
    offenders = {str(p.relative_to(ROOT)): sorted(top_level(imported_modules(p)) & {"ui"})
                 for p in python_files("reports")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ui_holds_no_sql():
    offenders = {str(p.relative_to(ROOT)): sql_in_ui(p) for p in python_files("ui")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_reports_hold_no_sql():
    """reports/ turns data into PDFs: every query it needs is a models/ function."""
    offenders = {str(p.relative_to(ROOT)): sql_in_ui(p) for p in python_files("reports")}
    assert {k: v for k, v in offenders.items() if v} == {}


# The detectors themselves, on made-up files: a checker that sees nothing proves nothing.

def test_detector_sees_hidden_and_relative_imports():
    fake = ROOT / "models" / "fake.py"
    source = ("import os\n"
              "def later():\n    from PySide6.QtWidgets import QLabel\n"
              "from ..ui import main_window\n"
              "import importlib\nimportlib.import_module('shiboken6')\n")
    found = top_level(imported_modules(fake, source))
    assert {"PySide6", "ui", "shiboken6"} <= found
    assert "models" in top_level(imported_modules(fake, "from . import money\n"))


def test_detector_sees_a_later_layer():
    fake = ROOT / "models" / "ledger" / "fake.py"
    assert layer_violations(fake, "def f():\n    from models.collection.dunning import x\n")
    assert layer_violations(fake, "from models.db.connection import database\n") == []


def test_detector_sees_sql_in_ui():
    fake = ROOT / "ui" / "fake.py"
    assert sql_in_ui(fake, "rows = db.execute_sql('x')\n")
    assert sql_in_ui(fake, "Q = '''SELECT name\n  FROM client'''\n")
    assert sql_in_ui(fake, "import sqlite3\n")
    assert sql_in_ui(fake, "label = _('Select a client from the list')\n") == []
    assert sql_in_ui(fake, "client = Client.get_or_none(Client.id == 3)\n")
    assert sql_in_ui(fake, "rows = Invoice.select().where(Invoice.client == 3)\n")
    assert sql_in_ui(fake, "name = CHANNELS.get(code, code)\n") == []  # a dict, not a model


# Outside the database layer (models/db), SQL goes through peewee (execute_sql or the ORM);
# the raw sqlite3 connection only where peewee has no equivalent, for speed.
# Bulk writes (the import, the demo) reach the raw connections through models/db/bulk.py.
RAW_CONNECTION_ALLOWED: dict[str, str] = {}


def raw_connection_uses(path: Path, source: str | None = None) -> list[str]:
    source = path.read_text(encoding="utf-8") if source is None else source
    found = [f"line {node.lineno}: .{node.func.attr}()" for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in ("connection", "sqlite_connection")]
    found += [f"line {node.lineno}: sqlite_connection" for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Name) and node.id == "sqlite_connection"]
    if "sqlite3" in top_level(imported_modules(path, source)):
        found.append("imports sqlite3")
    return found


def test_the_raw_sqlite_connection_stays_in_the_database_layer():
    offenders = {}
    for folder in ("models", "cli", "reports", "ui"):
        for path in python_files(folder):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("models/db/") or relative in RAW_CONNECTION_ALLOWED:
                continue
            if found := raw_connection_uses(path):
                offenders[relative] = found
    assert offenders == {}


def test_the_raw_connection_check_finds_a_use():
    fake = ROOT / "models" / "queries" / "fake.py"  # never written: the source is given
    assert raw_connection_uses(fake, "rows = database.obj.connection().execute('x')\n")
    assert raw_connection_uses(fake, "import sqlite3\n")
    assert not raw_connection_uses(fake, "rows = database.execute_sql('x')\n")

