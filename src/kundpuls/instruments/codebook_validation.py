"""Checks of a definition's codebook: indices, NPS/CSAT/CES items, the driver model, mirrors, thresholds.

Like :mod:`kundpuls.instruments.validation`, every check returns located
:class:`~kundpuls.errors.DefinitionError` objects (paths such as ``codebook.indices.NKI.items[1]``) so that
all problems are reported at once. The rules: indices over existing rating items (``scale_mean``) or
items with declared positive answers (``positive_share``), weights for exactly the index's items, the main
index exists, NPS on 0–10, CES on 1–7 (CES 2.0) or 1–5 (original), CSAT on a rating, a driver model
whose constructs, indicators and paths exist and form an acyclic model in which every driver reaches the
outcome, mirrored items are ratings, a comment threshold no lower than the anonymity threshold.
"""

from __future__ import annotations

from kundpuls.errors import DefinitionError
from kundpuls.instruments.codebook import Codebook, IndexDefinition
from kundpuls.instruments.exceptions import definition_error
from kundpuls.instruments.items import StoredItem, iter_items
from kundpuls.instruments.model import SurveyDefinition


def _is_rating(item: StoredItem | None) -> bool:
    return item is not None and item.kind == "numeric" and item.integer


def codebook_errors(definition: SurveyDefinition) -> list[DefinitionError]:
    """Every problem with the codebook of ``definition``."""
    codebook = definition.codebook
    items = {item.key: item for item in iter_items(definition)}
    errors: list[DefinitionError] = []
    for name, index in codebook.indices.items():
        errors += _index_errors(index, f"codebook.indices.{name}", items)
    if codebook.main_index is not None and codebook.main_index not in codebook.indices:
        errors.append(
            definition_error(
                "codebook.main_index",
                f"main index {codebook.main_index!r} is not an index",
                codebook.main_index,
            )
        )
    errors += _single_item_errors(codebook, items)
    errors += _driver_errors(codebook, items)
    seen: set[str] = set()
    for i, mirror in enumerate(codebook.mirrors):
        path = f"codebook.mirrors[{i}].item"
        item = items.get(mirror.item)
        if item is None:
            errors.append(definition_error(path, f"unknown item {mirror.item!r}", mirror.item))
        elif not _is_rating(item):
            errors.append(
                definition_error(path, f"mirrored item {mirror.item!r} is not a rating", mirror.item)
            )
        if mirror.item in seen:
            errors.append(definition_error(path, f"item {mirror.item!r} is mirrored twice", mirror.item))
        seen.add(mirror.item)
    comment = codebook.comment_anonymity_threshold
    if comment is not None and comment < codebook.anonymity_threshold:
        errors.append(
            definition_error(
                "codebook.comment_anonymity_threshold",
                f"{comment} is below the anonymity threshold {codebook.anonymity_threshold}; "
                "comments may only be protected more strictly",
                comment,
            )
        )
    return errors


def _index_errors(index: IndexDefinition, path: str, items: dict[str, StoredItem]) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    seen: set[str] = set()
    for i, key in enumerate(index.items):
        where = f"{path}.items[{i}]"
        item = items.get(key)
        if key in seen:
            errors.append(definition_error(where, f"item {key!r} is listed twice", key))
        seen.add(key)
        if item is None:
            errors.append(definition_error(where, f"unknown item {key!r}", key))
        elif index.kind == "scale_mean" and not _is_rating(item):
            errors.append(
                definition_error(
                    where,
                    f"index {index.name!r} is over non-numeric item {key!r} ({item.question_type}); "
                    "a scale_mean index needs rating items",
                    key,
                )
            )
        elif index.kind == "positive_share" and item.kind in ("text", "choices"):
            errors.append(
                definition_error(
                    where, f"item {key!r} ({item.question_type}) cannot have positive answers", key
                )
            )
    if index.weights is not None:
        for key in index.weights:
            if key not in index.items:
                errors.append(
                    definition_error(
                        f"{path}.weights.{key}", f"weight for {key!r}, which is not an item", key
                    )
                )
        for key in index.items:
            if key not in index.weights:
                errors.append(definition_error(f"{path}.weights", f"no weight for item {key!r}", key))
    if index.min_answered is not None and index.min_answered > len(index.items):
        errors.append(
            definition_error(
                f"{path}.min_answered",
                f"min_answered {index.min_answered} is more than the {len(index.items)} items",
                index.min_answered,
            )
        )
    if index.kind == "scale_mean" and index.positive:
        errors.append(
            definition_error(f"{path}.positive", "positive answers apply only to kind positive_share")
        )
    if index.kind == "positive_share":
        for key in index.items:
            if key not in index.positive:
                errors.append(
                    definition_error(f"{path}.positive", f"no positive answers given for item {key!r}", key)
                )
        for key, values in index.positive.items():
            if key not in index.items:
                errors.append(
                    definition_error(f"{path}.positive.{key}", f"{key!r} is not an item of the index", key)
                )
                continue
            item = items.get(key)
            if item is not None:
                errors += _positive_value_errors(item, values, f"{path}.positive.{key}")
    return errors


def _positive_value_errors(item: StoredItem, values: tuple[object, ...], path: str) -> list[DefinitionError]:
    errors = []
    for i, value in enumerate(values):
        if item.kind == "choice":
            ok = isinstance(value, str) and value in (item.options or ())
        elif item.kind == "boolean":
            ok = isinstance(value, bool)
        elif item.kind == "numeric":
            ok = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and item.scale_min is not None
                and item.scale_max is not None
                and item.scale_min <= value <= item.scale_max
            )
        else:
            ok = False
        if not ok:
            errors.append(
                definition_error(f"{path}[{i}]", f"{value!r} is not a possible answer of {item.key!r}", value)
            )
    return errors


def _single_item_errors(codebook: Codebook, items: dict[str, StoredItem]) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    rules = {
        "nps": ({(0, 10)}, "NPS needs a 0–10 rating"),
        "ces": ({(1, 7), (1, 5)}, "CES needs a 1–7 (CES 2.0) or 1–5 (original CES) rating"),
        "csat": (None, "CSAT needs a rating"),
    }
    for name, (scales, rule) in rules.items():
        key = getattr(codebook, name)
        if key is None:
            continue
        item = items.get(key)
        path = f"codebook.{name}"
        if item is None:
            errors.append(definition_error(path, f"unknown item {key!r}", key))
        elif not _is_rating(item) or item.part is not None:
            errors.append(definition_error(path, f"{rule}; {key!r} is {item.question_type}", key))
        elif scales is not None and (item.scale_min, item.scale_max) not in scales:
            errors.append(
                definition_error(path, f"{rule}; {key!r} is on {item.scale_min:g}–{item.scale_max:g}", key)
            )
    return errors


def _driver_errors(codebook: Codebook, items: dict[str, StoredItem]) -> list[DefinitionError]:
    model = codebook.driver_model
    if model is None:
        return []
    path = "codebook.driver_model"
    errors: list[DefinitionError] = []
    names = set(model.constructs)
    reported: set[str] = set()
    for role, name in [("outcome", model.outcome)] + [
        (f"drivers[{i}]", d) for i, d in enumerate(model.drivers)
    ]:
        if name not in names:
            reported.add(name)
            hint = "" if name in codebook.indices else f" (and {name!r} is not an index either)"
            errors.append(
                definition_error(f"{path}.{role}", f"{name!r} is not a construct of the model{hint}", name)
            )
    if model.outcome in model.drivers:
        errors.append(
            definition_error(f"{path}.drivers", f"the outcome {model.outcome!r} cannot also be a driver")
        )
    owner: dict[str, str] = {}
    for name, construct in model.constructs.items():
        for i, key in enumerate(construct.indicators):
            where = f"{path}.constructs.{name}.indicators[{i}]"
            item = items.get(key)
            if item is None:
                errors.append(definition_error(where, f"unknown item {key!r}", key))
            elif not _is_rating(item):
                errors.append(
                    definition_error(where, f"indicator {key!r} is not a rating ({item.question_type})", key)
                )
            if key in owner:
                errors.append(
                    definition_error(where, f"indicator {key!r} is already in construct {owner[key]!r}", key)
                )
            owner.setdefault(key, name)
    edges: set[tuple[str, str]] = set()
    for i, (source, target) in enumerate(model.paths):
        where = f"{path}.paths[{i}]"
        for end in (source, target):
            if end not in names and end not in reported:
                errors.append(definition_error(where, f"{end!r} is not a construct of the model", end))
        if source == target:
            errors.append(definition_error(where, f"path from {source!r} to itself", source))
        if (source, target) in edges:
            errors.append(definition_error(where, f"path {source!r} → {target!r} is listed twice"))
        edges.add((source, target))
    if _has_cycle(edges):
        errors.append(
            definition_error(f"{path}.paths", "the paths form a cycle; a path model must be acyclic")
        )
    else:
        for i, driver in enumerate(model.drivers):
            if driver in names and model.outcome in names and not _reaches(driver, model.outcome, edges):
                errors.append(
                    definition_error(
                        f"{path}.drivers[{i}]", f"driver {driver!r} has no path to {model.outcome!r}", driver
                    )
                )
    connected = {end for edge in edges for end in edge}
    for name in model.constructs:
        if name not in connected:
            errors.append(
                definition_error(f"{path}.constructs.{name}", f"construct {name!r} is on no path", name)
            )
    return errors


def _has_cycle(edges: set[tuple[str, str]]) -> bool:
    graph: dict[str, list[str]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for following in graph.get(node, []):
            mark = state.get(following, 0)
            if mark == 1 or (mark == 0 and visit(following)):
                return True
        state[node] = 2
        return False

    return any(state.get(node, 0) == 0 and visit(node) for node in list(graph))


def _reaches(source: str, target: str, edges: set[tuple[str, str]]) -> bool:
    frontier = [source]
    seen = {source}
    while frontier:
        node = frontier.pop()
        for start, end in edges:
            if start == node and end not in seen:
                if end == target:
                    return True
                seen.add(end)
                frontier.append(end)
    return False


def mirror_errors(staff: SurveyDefinition, customer: SurveyDefinition) -> list[DefinitionError]:
    """Problems with the staff survey's mirrored items against a customer survey.

    Each mirror (whose ``customer_survey`` is empty or equals ``customer.key``) must point at a rating of
    the customer survey on the same scale as the staff item, so that ``gap = idx_staff − idx_customer``
    compares like with like (docs/methods.md §9.3).
    """
    staff_items = {item.key: item for item in iter_items(staff)}
    customer_items = {item.key: item for item in iter_items(customer)}
    errors: list[DefinitionError] = []
    for i, mirror in enumerate(staff.codebook.mirrors):
        if mirror.customer_survey not in (None, customer.key):
            continue
        path = f"codebook.mirrors[{i}].customer_item"
        mine = staff_items.get(mirror.item)
        theirs = customer_items.get(mirror.customer_item)
        if theirs is None:
            errors.append(
                definition_error(
                    path, f"{customer.key!r} has no item {mirror.customer_item!r}", mirror.customer_item
                )
            )
        elif not _is_rating(theirs):
            errors.append(
                definition_error(path, f"{mirror.customer_item!r} is not a rating", mirror.customer_item)
            )
        elif mine is not None and (mine.scale_min, mine.scale_max) != (theirs.scale_min, theirs.scale_max):
            errors.append(
                definition_error(
                    path,
                    f"{mirror.item!r} is on {mine.scale_min:g}–{mine.scale_max:g} but "
                    f"{mirror.customer_item!r} is on {theirs.scale_min:g}–{theirs.scale_max:g}; "
                    "mirrored items need the same scale",
                    mirror.customer_item,
                )
            )
    return errors
