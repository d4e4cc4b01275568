"""Which top-level definitions of a package some real code reaches, by the AST (tests/test_no_dead_code.py).

Standard library ``ast`` only. Every module of the package and of the user trees (benchmarks/, scripts/) is
parsed once; names are resolved, not matched as words, so a comment, a docstring, a string or an unrelated
attribute of the same name is no use. A definition ``name`` of module ``M`` is *reached* when

* another module refers to it: ``from M import name`` (relative too, and through a package ``__init__`` that
  re-exports it, when the package's name is itself used), or ``import M`` / ``import M as x`` (also inside a
  function) and then ``x.name``; an ``__init__``'s own re-export is no use by itself;
* a string where frameworks resolve dotted paths names it whole: ``"kundpuls.web.x.y.Name"`` in settings,
  urls or apps (docstrings are not scanned), or an entry point of pyproject.toml names it
  (``"kundpuls.cli.main:main"``); import-linter contracts name modules only and do not count;
* or code of its own module refers to it by a real ``Name`` or ``Attribute`` and that code runs: the
  module-level statements (a module is imported for them) or a definition that is itself reached. This is a
  transitive closure inside the module: a helper used only by a dead function of its module is dead too.
  Uses from other modules count whether or not their user is reached (the guard stays one hop across
  modules; a chain of dead code over two modules shows up once its head is removed).

Decorated definitions whose decorator registers them (``@register.filter``, ``@receiver``, ``@app.command``
...) are reached by the framework when the module is imported, so they count as used by module-level code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?$")
# A decorator whose last attribute is one of these hands the function to a framework at import time.
REGISTERING_DECORATORS = {
    "register",
    "filter",
    "simple_tag",
    "inclusion_tag",
    "tag",
    "receiver",
    "command",
    "callback",
    "display",
    "action",
    "task",
    "shared_task",
}
Key = tuple[str, str]  # (module, top-level name)


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module
    definitions: dict[str, ast.AST] = field(default_factory=dict)  # every top-level def/class, private too
    nodes: dict[int, list[ast.AST]] = field(
        default_factory=dict
    )  # each top-level statement's nodes, walked once
    bindings: dict[str, str] = field(default_factory=dict)  # local name -> dotted target of an import


def module_name(path: Path, base: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(base).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def load(files: Iterable[tuple[Path, Path]]) -> dict[str, Module]:
    """Parse ``(path, base)`` pairs; a module's name is its path relative to ``base``."""
    modules = {}
    for path, base in files:
        name, is_package = module_name(path, base)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = Module(name, path, is_package, tree)
        module.nodes = {id(stmt): list(ast.walk(stmt)) for stmt in tree.body}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                module.definitions[node.name] = node
        modules[name] = module
    for module in modules.values():
        module.bindings = _bindings(module)
    return modules


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _bindings(module: Module) -> dict[str, str]:
    """Every name an import binds anywhere in the module (lazy imports in functions too), to its target."""
    bound: dict[str, str] = {}
    every = [node for nodes in module.nodes.values() for node in nodes]
    for node in every:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    first = alias.name.split(".")[0]
                    bound[first] = first
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in every:  # ``export = export_module``: an alias of an imported name
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            parts = _dotted(node.value)
            if parts and parts[0] in bound and node.targets[0].id not in bound:
                bound[node.targets[0].id] = ".".join([bound[parts[0]], *parts[1:]])
    return bound


def _docstrings(module: Module) -> set[int]:
    found = set()
    for node in [module.tree, *(node for nodes in module.nodes.values() for node in nodes)]:
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _dotted(node: ast.AST) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``; None for anything that is not a plain dotted name."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return None if inner is None else [*inner, node.attr]
    return None


class Resolver:
    def __init__(self, modules: dict[str, Module]) -> None:
        self.modules = modules

    def resolve(self, dotted: str, seen: frozenset[str] = frozenset()) -> Key | None:
        """The definition a dotted path names, following package re-exports; None if it names none."""
        parts = dotted.replace(":", ".").split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.modules.get(".".join(parts[:cut]))
            if module is None:
                continue
            name, rest = parts[cut], parts[cut + 1 :]
            if name in module.definitions:
                return (module.name, name)
            if name in module.bindings and dotted not in seen:
                target = ".".join([module.bindings[name], *rest])
                return self.resolve(target, seen | {dotted})
            return None
        return None

    def references(self, module: Module, node: ast.AST, skip: set[int]) -> Iterator[Key]:
        """Every definition ``node``'s code names: Names, dotted Attributes, framework strings, imports."""
        for child in module.nodes.get(id(node)) or ast.walk(node):
            if isinstance(child, ast.Attribute | ast.Name) and isinstance(child.ctx, ast.Load):
                yield from self._names(module, child)
            elif isinstance(child, ast.Constant) and isinstance(child.value, str) and id(child) not in skip:
                if DOTTED.match(child.value) and (key := self.resolve(child.value)):
                    yield key
            elif isinstance(child, ast.ImportFrom) and not module.is_package:
                source = _absolute(module, child)
                for alias in child.names:
                    if key := self.resolve(f"{source}.{alias.name}"):
                        yield key

    def _names(self, module: Module, node: ast.Attribute | ast.Name) -> Iterator[Key]:
        parts = _dotted(node)
        if parts is None:
            return
        head = parts[0]
        if head in module.bindings:
            # every prefix: ``views.index`` names ``views.index``; ``x.Model.objects`` names ``x.Model``
            key = self.resolve(".".join([module.bindings[head], *parts[1:]]))
            if key is None and len(parts) > 1:
                key = self.resolve(".".join([module.bindings[head], *parts[1:2]]))
            if key:
                yield key
        elif head in module.definitions:
            yield (module.name, head)

    def edges(self) -> tuple[set[Key], dict[Key, set[Key]]]:
        """The roots (used by module-level code or from another module) and each definition's uses."""
        roots: set[Key] = set()
        uses: dict[Key, set[Key]] = {}
        for module in self.modules.values():
            skip = _docstrings(module)
            for stmt in module.tree.body:
                source: Key | None = None
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    source = (module.name, stmt.name)
                    if _registered(stmt):
                        roots.add(source)
                    # decorators run at import: module-level code
                    roots.update(t for d in stmt.decorator_list for t in self.references(module, d, skip))
                for target in self.references(module, stmt, skip):
                    if target[0] != module.name or source is None:
                        roots.add(target)
                    elif target != source:
                        uses.setdefault(source, set()).add(target)
        return roots, uses

    def reached(self, allowed: Callable[[str], bool], entry_points: Iterable[str] = ()) -> set[Key]:
        """The closure from the roots; a definition ``allowed`` by name or named by an entry point
        (``"pkg.module:function"``) is a root too (and reaches its uses)."""
        roots, uses = self.edges()
        roots |= {key for point in entry_points if (key := self.resolve(point.strip()))}
        roots |= {(m.name, name) for m in self.modules.values() for name in m.definitions if allowed(name)}
        done: set[Key] = set()
        todo = list(roots)
        while todo:
            key = todo.pop()
            if key in done:
                continue
            done.add(key)
            todo.extend(uses.get(key, ()))
        return done


def _registered(node: ast.stmt) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return False
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        parts = _dotted(target)
        if parts and parts[-1] in REGISTERING_DECORATORS:
            return True
    return False


def public_unreached(
    package: list[tuple[Path, Path]],
    users: list[tuple[Path, Path]],
    allowed: Callable[[str], bool],
    entry_points: Iterable[str] = (),
) -> list[tuple[Path, str]]:
    """Public top-level definitions of ``package`` that nothing reaches (names ``allowed`` are roots)."""
    modules = load([*package, *users])
    reached = Resolver(modules).reached(allowed, entry_points)
    own = {module_name(path, base)[0] for path, base in package}
    return sorted(
        (module.path, name)
        for module in modules.values()
        if module.name in own
        for name in module.definitions
        if not name.startswith("_") and (module.name, name) not in reached
    )
