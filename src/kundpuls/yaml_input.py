"""The one way Kundpuls reads YAML: safe, bounded, and with errors that name the field.

Survey definitions, alert rules, theme taxonomies, PLS model files and the package's own data all pass
through :func:`load_yaml`. On top of PyYAML's ``SafeLoader`` (no Python objects) it refuses:

* text longer than ``MAX_YAML_CHARS`` (1,000,000 characters — a large survey definition is about 60,000);
* **alias bombs**: anchors and aliases stay allowed (the templates reuse a scale with ``&skala`` and
  ``*skala``), but at most ``MAX_ALIASES`` aliases, which together may expand to at most ``MAX_ALIAS_NODES``
  nodes. The count is taken while composing, before anything is built, so a 500-byte "billion laughs"
  document is refused in microseconds instead of holding a worker for seconds and gigabytes;
* a mapping with the same key twice (a silent overwrite otherwise).

Every problem is a :class:`YamlInputError` (a :class:`~kundpuls.errors.DefinitionError`) whose message starts
with the field, then the line and column (``definition: not valid YAML at line 3, column 5: …``; ``line``
holds the line for callers that word their own message); no message ever quotes an expanded value.
"""

from __future__ import annotations

from typing import Any

import yaml

from kundpuls.errors import DefinitionError

MAX_YAML_CHARS = 1_000_000
MAX_ALIASES = 100
MAX_ALIAS_NODES = 10_000


class YamlInputError(DefinitionError):
    """YAML that cannot be read within the limits; ``line`` is the 1-based line of the problem (or None)."""

    def __init__(self, message: str, *, field: str, line: int | None = None) -> None:
        super().__init__(message, field=field, value=None)
        self.line = line


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` with an alias budget (counted at composition) and unique mapping keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0
        self.alias_nodes = 0
        self.node_sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                self.alias_count += 1
                self.alias_nodes += self._size(target)
                if self.alias_count > MAX_ALIASES:
                    raise yaml.composer.ComposerError(
                        None, None, f"more than {MAX_ALIASES} aliases (*name)", event.start_mark
                    )
                if self.alias_nodes > MAX_ALIAS_NODES:
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"aliases (*name) expand to more than {MAX_ALIAS_NODES:,} values",
                        event.start_mark,
                    )
        return super().compose_node(parent, index)

    def _size(self, node: yaml.Node) -> int:
        """Values in ``node`` once its aliases are expanded (memoised, so shared nodes count in one walk)."""
        known = self.node_sizes.get(id(node))
        if known is not None:
            return known
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self._size(k) + self._size(v) for k, v in node.value)
        self.node_sizes[id(node)] = size
        return size


def _construct_unique_mapping(loader: _BoundedLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    loader.flatten_mapping(node)
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str | int | float | bool) or key is None:
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
                )
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_BoundedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_yaml(text: str, *, field: str | None = None, max_chars: int = MAX_YAML_CHARS) -> Any:
    """Parse YAML ``text`` safely within the limits above; problems raise :class:`YamlInputError`.

    ``field`` names what is read (``"definition"``, ``"rules"``); it starts every message and is the
    error's ``field``. Without it the error's field is the line and column.
    """
    if len(text) > max_chars:
        name = field or "YAML"
        raise YamlInputError(
            f"{name}: the text is longer than {max_chars:,} characters ({len(text):,})", field=name
        )
    try:
        return yaml.load(text, Loader=_BoundedLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        problem = str(getattr(error, "problem", None) or error)[:200]
        message = f"{field}: not valid YAML at {where}: {problem}" if field else f"{where}: {problem}"
        raise YamlInputError(message, field=field or where, line=mark.line + 1 if mark else None) from error
