"""The PLS path model specification: blocks (constructs and their indicators) and the inner paths.

A model is plain data, the same shape as the YAML model files::

    constructs:
      Image: {indicators: [IMAG1, IMAG2, IMAG3], mode: A}
      Satisfaction: {indicators: [CUSA1, CUSA2, CUSA3], mode: A}
    paths:
      - [Image, Satisfaction]

:func:`model_from_mapping` validates such a mapping and returns a frozen :class:`ModelSpec`; every error is
a :class:`~kundpuls.errors.DefinitionError` whose ``field`` is the path of the offending node
(``constructs.Image.mode``, ``paths[3][1]`` …).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from kundpuls.errors import DefinitionError
from kundpuls.yaml_input import load_yaml

Mode = Literal["A", "B"]
MODES: tuple[str, ...] = ("A", "B")


@dataclass(frozen=True)
class Block:
    """One construct: its name, its indicators (column names) and its measurement mode.

    Mode A ("reflective", correlation weights) takes each weight proportional to the covariance of the
    indicator with the construct's inner proxy; mode B ("formative", regression weights) regresses the
    inner proxy on the block's indicators.
    """

    name: str
    indicators: tuple[str, ...]
    mode: Mode = "A"


@dataclass(frozen=True)
class ModelSpec:
    """A validated PLS path model: blocks in declaration order and directed paths ``(from, to)``.

    The inner model must be acyclic (a recursive model), every construct must take part in at least one
    path, and every indicator may belong to one block only.
    """

    blocks: tuple[Block, ...]
    paths: tuple[tuple[str, str], ...]

    @property
    def constructs(self) -> tuple[str, ...]:
        """Construct names in declaration order."""
        return tuple(b.name for b in self.blocks)

    @property
    def indicators(self) -> tuple[str, ...]:
        """All indicators, block after block."""
        return tuple(i for b in self.blocks for i in b.indicators)

    def block(self, name: str) -> Block:
        """The block of construct ``name``."""
        for b in self.blocks:
            if b.name == name:
                return b
        raise DefinitionError(f"construct {name!r} is not in the model", field="constructs", value=name)

    def predecessors(self, name: str) -> tuple[str, ...]:
        """Constructs with a path into ``name``, in declaration order."""
        sources = {f for f, t in self.paths if t == name}
        return tuple(c for c in self.constructs if c in sources)

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Constructs explained by at least one other construct."""
        targets = {t for _, t in self.paths}
        return tuple(c for c in self.constructs if c in targets)

    @property
    def path_matrix(self) -> np.ndarray:
        """``P[k, j] = 1`` when there is a path from construct ``k`` to construct ``j``."""
        index = {c: k for k, c in enumerate(self.constructs)}
        matrix = np.zeros((len(self.blocks), len(self.blocks)))
        for f, t in self.paths:
            matrix[index[f], index[t]] = 1.0
        return matrix

    @property
    def block_of_indicator(self) -> np.ndarray:
        """For each indicator (in :attr:`indicators` order) the position of its construct."""
        return np.array([k for k, b in enumerate(self.blocks) for _ in b.indicators], dtype=np.intp)

    def to_mapping(self) -> dict[str, Any]:
        """The plain mapping (YAML shape) of this model; ``model_from_mapping`` inverts it."""
        return {
            "constructs": {b.name: {"indicators": list(b.indicators), "mode": b.mode} for b in self.blocks},
            "paths": [[f, t] for f, t in self.paths],
        }


def model_from_yaml(text: str) -> ModelSpec:
    """Parse and validate a YAML model document (see the module docstring for the shape)."""
    return model_from_mapping(load_yaml(text, field="model"))


def model_from_mapping(document: Any) -> ModelSpec:
    """Validate a model mapping ``{constructs: {NAME: {indicators, mode}}, paths: [[FROM, TO], ...]}``.

    Raises
    ------
    DefinitionError
        With ``field`` set to the path of the offending node.
    """
    if not isinstance(document, Mapping):
        raise DefinitionError(
            "model: must be a mapping with 'constructs' and 'paths'",
            field="model",
            value=type(document).__name__,
        )
    unknown = sorted(set(document) - {"constructs", "paths"})
    if unknown:
        raise DefinitionError(f"model: unknown key {unknown[0]!r}", field=str(unknown[0]), value=unknown[0])
    blocks = _parse_blocks(document.get("constructs"))
    paths = _parse_paths(document.get("paths"), {b.name for b in blocks})
    _check_structure(blocks, paths)
    return ModelSpec(blocks=blocks, paths=paths)


def _parse_blocks(node: Any) -> tuple[Block, ...]:
    if not isinstance(node, Mapping) or not node:
        raise DefinitionError(
            "constructs: must be a non-empty mapping of construct names to blocks",
            field="constructs",
            value=node,
        )
    blocks: list[Block] = []
    owner: dict[str, str] = {}
    for name, spec in node.items():
        where = f"constructs.{name}"
        if not isinstance(name, str) or not name.strip():
            raise DefinitionError(
                f"{where}: a construct name must be a non-empty string", field=where, value=name
            )
        if not isinstance(spec, Mapping):
            raise DefinitionError(
                f"{where}: must be a mapping with 'indicators' and 'mode'", field=where, value=spec
            )
        extra = sorted(set(spec) - {"indicators", "mode"})
        if extra:
            raise DefinitionError(
                f"{where}: unknown key {extra[0]!r}", field=f"{where}.{extra[0]}", value=extra[0]
            )
        indicators = spec.get("indicators")
        if not isinstance(indicators, Sequence) or isinstance(indicators, str) or not indicators:
            raise DefinitionError(
                f"{where}.indicators: must be a non-empty list of column names",
                field=f"{where}.indicators",
                value=indicators,
            )
        for pos, indicator in enumerate(indicators):
            at = f"{where}.indicators[{pos}]"
            if not isinstance(indicator, str) or not indicator.strip():
                raise DefinitionError(
                    f"{at}: an indicator must be a non-empty string", field=at, value=indicator
                )
            if indicator in owner:
                raise DefinitionError(
                    f"{at}: indicator {indicator!r} already belongs to {owner[indicator]!r}",
                    field=at,
                    value=indicator,
                )
            owner[indicator] = name
        mode = spec.get("mode", "A")
        if mode not in MODES:
            raise DefinitionError(
                f"{where}.mode: must be 'A' or 'B', not {mode!r}", field=f"{where}.mode", value=mode
            )
        blocks.append(Block(name=name, indicators=tuple(indicators), mode=mode))
    return tuple(blocks)


def _parse_paths(node: Any, names: set[str]) -> tuple[tuple[str, str], ...]:
    if not isinstance(node, Sequence) or isinstance(node, str) or not node:
        raise DefinitionError(
            "paths: must be a non-empty list of [FROM, TO] pairs", field="paths", value=node
        )
    paths: list[tuple[str, str]] = []
    for pos, pair in enumerate(node):
        at = f"paths[{pos}]"
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise DefinitionError(f"{at}: must be a pair [FROM, TO]", field=at, value=pair)
        for side, name in enumerate(pair):
            if name not in names:
                raise DefinitionError(
                    f"{at}[{side}]: unknown construct {name!r}", field=f"{at}[{side}]", value=name
                )
        source, target = pair[0], pair[1]
        if source == target:
            raise DefinitionError(
                f"{at}: a construct cannot explain itself ({source!r})", field=at, value=list(pair)
            )
        if (source, target) in paths:
            raise DefinitionError(
                f"{at}: duplicate path {source!r} -> {target!r}", field=at, value=list(pair)
            )
        paths.append((source, target))
    return tuple(paths)


def _check_structure(blocks: tuple[Block, ...], paths: tuple[tuple[str, str], ...]) -> None:
    connected = {f for f, _ in paths} | {t for _, t in paths}
    for block in blocks:
        if block.name not in connected:
            raise DefinitionError(
                f"constructs.{block.name}: takes part in no path",
                field=f"constructs.{block.name}",
                value=block.name,
            )
    # Kahn's algorithm: a recursive (acyclic) inner model is required for OLS path estimation.
    incoming = {b.name: {f for f, t in paths if t == b.name} for b in blocks}
    done: set[str] = set()
    while len(done) < len(blocks):
        ready = [c for c, sources in incoming.items() if c not in done and sources <= done]
        if not ready:
            cycle = sorted(c for c in incoming if c not in done)
            raise DefinitionError(
                f"paths: the inner model has a cycle through {cycle}", field="paths", value=cycle
            )
        done.update(ready)
