"""No import circles between the project's modules, except the Celery pairs: a services module queues its
task and the task module calls the service back (always through imports inside functions).

Imports are read from the source (module level and inside functions alike), so a circle hidden behind a
function-level import counts too."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["zhongyuan_cppcc", "members", "proposals", "opinions", "consultations"]


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    def known(name: str | None) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(filter(None, (known(alias.name) for alias in node.names)))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"  # `from pkg import module` names a module
                    targets.add(sub if sub in modules else known(base))
        targets.discard(None)
        targets.discard(name)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_graph_sees_function_level_imports():
    graph = _graph(_modules())
    # proposals.reminders.tasks imports its services at module level and the services queue the tasks from
    # inside functions: both directions must be seen.
    assert "proposals.reminders.sending" in graph["proposals.reminders.tasks"]
    assert "proposals.reminders.tasks" in graph["proposals.reminders.sending"]


def test_the_only_import_circles_are_services_and_their_celery_tasks():
    graph = _graph(_modules())
    circles = _cycles(graph)
    assert all(any(m.endswith(".tasks") for m in circle) for circle in circles), circles
    without_tasks = {name: {t for t in targets if not t.endswith(".tasks")}
                     for name, targets in graph.items() if not name.endswith(".tasks")}
    assert _cycles(without_tasks) == [], "import circle outside the Celery services↔tasks pairs"
