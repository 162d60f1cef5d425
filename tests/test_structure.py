"""The codebase keeps one home for each idea: apps form layers, modules stay small.

Layers, lowest first. A module may import from its own layer and the layers below,
never above; the import graph of all modules has no cycle. `portal` is the project:
its helper modules (text, export, http, template tags) sit below every app, its site
modules (settings, URLs, site-wide views, WSGI) above them all.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("portal", "sources", "cities", "practices", "benchmarks", "api")
LAYERS = (
    (
        "portal.text",
        "portal.export",
        "portal.export_sql",
        "portal.fairuse",
        "portal.http",
        "portal.markup",
        "portal.templatetags",
        "portal.verification",
        "portal.translated",
    ),
    ("sources",),
    ("cities",),
    ("practices",),
    ("benchmarks",),
    ("api",),  # the read API, built on every app below; the site's URLs route to it
    ("portal",),  # everything else in portal: settings, urls, views, sitemaps, wsgi
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules():
    """{dotted name: path} of every project module outside migrations."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def layer(module):
    # The longest matching prefix decides (portal.text before portal).
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1]


def imports_of(name, path, known):
    """Project modules imported anywhere in the file, functions included."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph():
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_no_module_imports_from_a_layer_above_its_own(graph):
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if layer(target) > layer(module)
    )
    assert upward == []


def test_the_import_graph_has_no_cycle(graph):
    # Depth-first search; a grey node met again closes a cycle.
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "grey"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "grey":
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "black"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_graph_sees_imports_inside_functions():
    # The walker must see what the rules forbid, including imports inside functions.
    known = {"portal.text": None, "practices.models": None, "practices.x": None}
    source = "def f():\n    from practices.models import Practice\n"
    path = ROOT / "tests" / "_structure_probe.py"
    path.write_text(source)
    try:
        assert imports_of("practices.x", path, known) == {"practices.models"}
    finally:
        path.unlink()


def test_no_module_or_function_is_too_long():
    too_long = []
    for name, path in modules().items():
        text = path.read_text()
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []
