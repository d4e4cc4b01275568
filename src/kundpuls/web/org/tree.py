"""Tree arithmetic on (node, parent) pairs: cycle detection before anything is stored (no I/O)."""

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
