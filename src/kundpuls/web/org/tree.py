"""Tree arithmetic on (id, parent id) pairs: materialised paths, depths and cycle detection (no I/O)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

Node = TypeVar("Node", bound=Hashable)


def find_cycle(parent_of: Mapping[Node, Node | None], start: Node) -> list[Node] | None:
    """The cycle reached by following parents from ``start``, as a list closing on its first node, or None."""
    seen: dict[Node, int] = {}
    order: list[Node] = []
    node: Node | None = start
    while node is not None and node in parent_of:
        if node in seen:
            return [*order[seen[node] :], node]
        seen[node] = len(order)
        order.append(node)
        node = parent_of[node]
    return None


def materialise_paths(parent_of: Mapping[int, int | None]) -> dict[int, tuple[str, int]]:
    """``/root/…/id/`` path and depth (root = 0) of every node; ``parent_of`` must be acyclic."""
    result: dict[int, tuple[str, int]] = {}
    for start in parent_of:
        chain: list[int] = []
        node: int | None = start
        while node is not None and node not in result:
            chain.append(node)
            node = parent_of[node]
        path, depth = result[node] if node is not None else ("/", -1)
        for item in reversed(chain):
            path, depth = f"{path}{item}/", depth + 1
            result[item] = (path, depth)
    return result
