"""The modules of webapp/ import each other without a circle, and the service packages keep their order.

A circle is any chain of imports, at the top of a module or inside a function, that comes back to where it
started. `from package import name` counts as an import of package.name when that is a module, else of the
package itself; a package's parent is not counted (Python runs it first, whoever imports it)."""
import ast
from pathlib import Path

import pytest

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
SERVICE_ORDER = ["performance", "notifications", "places", "volunteers", "cases", "organizing", "partners"]


def module_names(root: Path) -> dict[str, Path]:
    modules = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.relative_to(root).parts:
            continue
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same tree it imports."""
    modules = module_names(root)
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_webapp_is_in_an_import_circle():
    assert circles(import_graph(WEBAPP)) == []


def planted(tmp_path, files: dict[str, str]) -> Path:
    """A made-up webapp/ tree of the given files (path inside webapp/ -> source)."""
    root = tmp_path / "webapp"
    for relative, source in {"__init__.py": "", **files}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(source)
    return root


def test_a_planted_circle_is_found(tmp_path):
    root = planted(tmp_path, {"services/__init__.py": "",
                              "services/claims.py": "def sheet():\n    from webapp.services.patrols import last\n",
                              "services/patrols.py": "from webapp.services import claims\n",
                              "services/alone.py": "from . import claims\n"})
    assert circles(import_graph(root)) == [["webapp.services.claims", "webapp.services.patrols"]]


def test_relative_imports_are_followed(tmp_path):
    root = planted(tmp_path, {"area/__init__.py": "from .routes import bp\n",
                              "area/routes.py": "from . import forms\nfrom .. import area\n",
                              "area/forms.py": ""})
    graph = import_graph(root)
    assert graph["webapp.area"] == {"webapp.area.routes"}
    assert graph["webapp.area.routes"] == {"webapp.area.forms", "webapp.area"}
    assert circles(graph) == [["webapp.area", "webapp.area.routes"]]


@pytest.mark.parametrize("package", SERVICE_ORDER)
def test_a_service_package_calls_only_the_packages_before_it(package):
    allowed = {f"webapp.services.{p}" for p in SERVICE_ORDER[:SERVICE_ORDER.index(package) + 1]}
    graph = import_graph(WEBAPP)
    calls = {(module, target) for module, targets in graph.items() if module.startswith(f"webapp.services.{package}")
             for target in targets if target.startswith("webapp.services.")
             and ".".join(target.split(".")[:3]) not in allowed}
    assert calls == set()


def test_every_service_module_is_in_a_package_of_the_order():
    top = {name.split(".")[2] for name in module_names(WEBAPP) if name.startswith("webapp.services.")}
    assert top == set(SERVICE_ORDER) | {"demo"}
