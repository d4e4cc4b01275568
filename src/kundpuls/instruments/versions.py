"""Comparing survey versions: what may change in a new version, so results join across versions on keys.

A published version is immutable (the web layer stores it so); a new version is a new definition. Its
stored item keys are the columns results are joined on across versions, so a key must keep its meaning:

- **refused** (``incompatible``): a different survey key; a stored key whose answer type changes (a
  rating becomes a choice …); a rating whose scale changes (1–10 → 1–5) or turns round (end labels
  swapped); a price whose currency changes. The explanation always says: use a new key.
- **allowed, noted** (``changed``): options added or removed, "vet ej" added or removed, required or
  show-if changed, length limits, a rating moved into a matrix with the same scale.
- **allowed** (``text_changed``, ``added``, ``removed``): text edits, new and dropped questions.
- **allowed, warned** (``codebook_changed``): an index over other items, another main index or NPS item;
  its trend across the two versions is then not comparable.

:func:`check_new_version` compares a new version with *all* earlier ones, so a key dropped in one
version cannot come back later with another meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kundpuls.errors import DefinitionError
from kundpuls.instruments.exceptions import DefinitionErrors
from kundpuls.instruments.items import StoredItem, item_map
from kundpuls.instruments.model import SurveyDefinition

ChangeKind = Literal["added", "removed", "text_changed", "changed", "codebook_changed", "incompatible"]

_FAMILIES = {
    "rating": "rating",
    "matrix": "rating",
    "single_choice": "choice",
    "background": "choice",
}


@dataclass(frozen=True)
class VersionChange:
    """One difference between two versions: its kind, the stored key (or codebook entry), why."""

    kind: ChangeKind
    key: str
    message: str


@dataclass(frozen=True)
class VersionComparison:
    """All differences between an old and a new version; ``compatible`` when none is refused."""

    changes: tuple[VersionChange, ...]

    @property
    def compatible(self) -> bool:
        """Whether the new version may be published as a version of the same survey."""
        return not self.incompatible

    @property
    def incompatible(self) -> list[VersionChange]:
        """The refused changes."""
        return [change for change in self.changes if change.kind == "incompatible"]

    def of_kind(self, kind: ChangeKind) -> list[VersionChange]:
        """The changes of one kind."""
        return [change for change in self.changes if change.kind == kind]

    def raise_if_incompatible(self) -> None:
        """Raise :class:`DefinitionErrors` listing every refused change (``field`` = the key)."""
        if self.incompatible:
            raise DefinitionErrors(
                [DefinitionError(f"{c.key}: {c.message}", field=c.key, value=None) for c in self.incompatible]
            )


def compare_versions(old: SurveyDefinition, new: SurveyDefinition) -> VersionComparison:
    """Compare two versions of one survey item by item (see the module text for the rules)."""
    changes: list[VersionChange] = []
    if old.key != new.key:
        changes.append(
            VersionChange(
                "incompatible",
                "key",
                f"survey key changed from {old.key!r} to {new.key!r}; a new version keeps the survey key",
            )
        )
    old_items, new_items = item_map(old), item_map(new)
    for key, item in new_items.items():
        if key in old_items:
            changes += _item_changes(old_items[key], item)
        else:
            changes.append(VersionChange("added", key, f"new {item.question_type} item {key!r}"))
    for key, item in old_items.items():
        if key not in new_items:
            changes.append(
                VersionChange("removed", key, f"{item.question_type} item {key!r} is no longer asked")
            )
    changes += _codebook_changes(old, new)
    return VersionComparison(tuple(changes))


def check_new_version(previous: Sequence[SurveyDefinition], new: SurveyDefinition) -> VersionComparison:
    """Compare ``new`` with the latest of ``previous`` and each reused key with its last earlier use.

    ``previous`` lists the published versions, oldest first. A key that was dropped and comes back must
    mean what it meant when it was last asked.

    Raises
    ------
    InvalidArgument
        When ``previous`` is empty.
    """
    if not previous:
        from kundpuls.errors import InvalidArgument

        raise InvalidArgument("previous: at least one earlier version is needed", field="previous", value=[])
    comparison = compare_versions(previous[-1], new)
    latest = item_map(previous[-1])
    last_seen: dict[str, StoredItem] = {}
    for version in previous[:-1]:
        last_seen.update(item_map(version))
    changes = list(comparison.changes)
    for key, item in item_map(new).items():
        if key in latest or key not in last_seen:
            continue
        for change in _item_changes(last_seen[key], item):
            if change.kind == "incompatible":
                changes.append(
                    VersionChange(
                        "incompatible", key, f"{change.message} (compared with its last use, earlier)"
                    )
                )
    return VersionComparison(tuple(changes))


def _scale_text(item: StoredItem) -> str:
    return f"{item.scale_min:g}–{item.scale_max:g}"


def _item_changes(old: StoredItem, new: StoredItem) -> list[VersionChange]:
    key = new.key
    use_new = "use a new key for the new question"
    old_family = _FAMILIES.get(old.question_type, old.question_type)
    new_family = _FAMILIES.get(new.question_type, new.question_type)
    if old_family != new_family or old.kind != new.kind or old.part != new.part:
        return [
            VersionChange(
                "incompatible",
                key,
                f"type changed from {old.question_type} to {new.question_type}; {use_new}",
            )
        ]
    changes: list[VersionChange] = []
    if old.kind == "numeric" and old.integer:
        if (old.scale_min, old.scale_max) != (new.scale_min, new.scale_max):
            return [
                VersionChange(
                    "incompatible",
                    key,
                    f"scale changed from {_scale_text(old)} to {_scale_text(new)}; answers on different "
                    f"scales cannot be joined; {use_new}",
                )
            ]
        if (
            old.min_label is not None
            and new.min_label is not None
            and old.max_label is not None
            and new.max_label is not None
            and old.min_label.sv == new.max_label.sv
            and old.max_label.sv == new.min_label.sv
            and old.min_label.sv != old.max_label.sv
        ):
            return [VersionChange("incompatible", key, f"scale turned round (end labels swapped); {use_new}")]
        if old.min_label != new.min_label or old.max_label != new.max_label:
            changes.append(VersionChange("text_changed", key, "scale end labels edited"))
    if old.unit != new.unit:
        return [
            VersionChange("incompatible", key, f"currency changed from {old.unit} to {new.unit}; {use_new}")
        ]
    if old.options != new.options and old.options is not None and new.options is not None:
        added = [value for value in new.options if value not in old.options]
        removed = [value for value in old.options if value not in new.options]
        if added:
            changes.append(VersionChange("changed", key, f"options added: {', '.join(added)}"))
        if removed:
            changes.append(
                VersionChange(
                    "changed", key, f"options removed: {', '.join(removed)} (old answers keep them)"
                )
            )
    if old.options and new.options and old.option_texts and new.option_texts:
        before = dict(zip(old.options, old.option_texts, strict=True))
        for value, option_text in zip(new.options, new.option_texts, strict=True):
            if value in before and before[value] != option_text:
                changes.append(
                    VersionChange(
                        "text_changed",
                        key,
                        f"text of option {value!r} edited; check that it means the same "
                        "(else use a new value)",
                    )
                )
    if old.text != new.text:
        changes.append(
            VersionChange("text_changed", key, "question text edited; check that the meaning is the same")
        )
    if old.allows_dont_know != new.allows_dont_know:
        state = "added" if new.allows_dont_know else "removed"
        changes.append(VersionChange("changed", key, f'"vet ej" answer {state}; the answered base may shift'))
    if old.question_type != new.question_type:
        changes.append(
            VersionChange("changed", key, f"moved from a {old.question_type} to a {new.question_type}")
        )
    return changes


def _codebook_changes(old: SurveyDefinition, new: SurveyDefinition) -> list[VersionChange]:
    changes: list[VersionChange] = []
    before, after = old.codebook, new.codebook
    for name in before.indices.keys() & after.indices.keys():
        a, b = before.indices[name], after.indices[name]
        if (a.items, a.kind, a.weights, a.positive) != (b.items, b.kind, b.weights, b.positive):
            changes.append(
                VersionChange(
                    "codebook_changed",
                    f"codebook.indices.{name}",
                    f"index {name!r} is computed differently; its trend does not compare across the versions",
                )
            )
    for name in ("main_index", "nps", "csat", "ces"):
        if getattr(before, name) != getattr(after, name):
            changes.append(
                VersionChange(
                    "codebook_changed",
                    f"codebook.{name}",
                    f"{name} changed from {getattr(before, name)!r} to {getattr(after, name)!r}",
                )
            )
    return changes
