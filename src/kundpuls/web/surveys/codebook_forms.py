"""The codebook's detail forms: one index's kind, item weights and positive answers; the driver model.

``CodebookForm`` (``editor_forms``) edits the list of indices; these forms edit what an index and the
driver (PLS path) model say beyond it, so that everything the definition file's ``codebook:`` can say
(docs/survey-definitions.md) the editor can say. Each form writes the stored form back: what it does not
edit stays as stored, and an unchanged form gives the stored definition back unchanged.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kundpuls.instruments import StoredItem

#: The most weight an item may get (weights are renormalised, so only their ratios count).
WEIGHT_MAX = 1000.0
#: Path rows of the driver model beyond the stored ones, and the most rows a form takes.
PATH_ROWS_SPARE = 2
PATH_ROWS_MAX = 60

KINDS = [
    ("scale_mean", _("Mean of the rating questions, 0–100")),
    ("positive_share", _("Share of positive answers")),
]
MODES = [("A", _("A (reflective)")), ("B", _("B (formative)"))]


def ordered(chosen: Iterable[str], stored: Iterable[Any], offered: Iterable[str]) -> list[str]:
    """``chosen`` in the stored order first (as strings), then the rest in the order offered."""
    chosen_set = set(chosen)
    before = [str(value) for value in stored if str(value) in chosen_set]
    return before + [value for value in offered if value in chosen_set and value not in before]


def answer_choices(item: StoredItem, language: str) -> list[tuple[str, str]]:
    """The answers of ``item`` that can count as positive, (value, label); none for text or multi-choice."""
    if item.kind == "choice" and item.options:
        texts = item.option_texts or ()
        return [
            (value, f"{texts[i].in_language(language)} ({value})" if i < len(texts) else value)
            for i, value in enumerate(item.options)
        ]
    if item.kind == "boolean":
        return [("true", gettext("Yes")), ("false", gettext("No"))]
    if item.kind == "numeric" and item.integer and item.scale_min is not None and item.scale_max is not None:
        low, high = int(item.scale_min), int(item.scale_max)
        ends = {
            low: item.min_label.in_language(language) if item.min_label else "",
            high: item.max_label.in_language(language) if item.max_label else "",
        }
        return [(str(v), f"{v} ({ends[v]})" if ends.get(v) else str(v)) for v in range(low, high + 1)]
    return []


def _stored_value(item: StoredItem, value: str) -> str | int | bool:
    if item.kind == "boolean":
        return value == "true"
    if item.kind == "numeric":
        return int(value)
    return value


def _shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shown_weight(value: float, language: str) -> str:
    text = repr(float(value))
    text = text[:-2] if text.endswith(".0") else text
    return text.replace(".", ",") if language == "sv" else text


class IndexDetailForm(forms.Form):
    """One index: its kind, the weight of each item (all empty: equal weights) and the positive answers."""

    kind = forms.ChoiceField(label=_("How the index is counted"), choices=KINDS, widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        name: str,
        index: dict[str, Any],
        items: dict[str, StoredItem],
        language: str = "sv",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.name = name
        self.stored = index
        self.keys: list[str] = list(index.get("items", []))
        self.items = items
        self.answer_fields: dict[str, str] = {}
        for i, key in enumerate(self.keys):
            item = items.get(key)
            shown = f"{item.text.in_language(language)[:70]} ({key})" if item else key
            self.fields[f"weight_{i}"] = forms.CharField(
                label=_("Weight of %(item)s") % {"item": shown}, required=False, max_length=20
            )
            choices = answer_choices(item, language) if item else []
            if choices:
                self.fields[f"positive_{i}"] = forms.MultipleChoiceField(
                    label=_("Positive answers to %(item)s") % {"item": shown},
                    required=False,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                )
                self.answer_fields[key] = f"positive_{i}"
        if not self.is_bound:
            self.initial = self.initial_values(language)

    def initial_values(self, language: str) -> dict[str, Any]:
        weights = self.stored.get("weights", "equal")
        positive = self.stored.get("positive", {})
        initial: dict[str, Any] = {"kind": self.stored.get("kind", "scale_mean")}
        for i, key in enumerate(self.keys):
            if isinstance(weights, dict) and key in weights:
                initial[f"weight_{i}"] = _shown_weight(weights[key], language)
            initial[f"positive_{i}"] = [_shown_value(v) for v in positive.get(key, [])]
        return initial

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{i}"] for i in range(len(self.keys))]

    def positive_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.answer_fields.values()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights: dict[str, float] = {}
        missing: list[int] = []
        for i, key in enumerate(self.keys):
            raw = (data.get(f"weight_{i}") or "").strip()
            if not raw:
                missing.append(i)
                continue
            try:
                value = float(raw.replace(",", ".").replace(" ", ""))
            except ValueError:
                self.add_error(
                    f"weight_{i}",
                    gettext("“%(value)s” is not a number (write for example 0,5).") % {"value": raw},
                )
                continue
            if not math.isfinite(value) or not 0 < value <= WEIGHT_MAX:
                self.add_error(
                    f"weight_{i}",
                    gettext("The weight %(value)s must be above 0 and at most %(most)d.")
                    % {"value": raw, "most": int(WEIGHT_MAX)},
                )
                continue
            weights[key] = value
        if weights and missing:
            for i in missing:
                self.add_error(
                    f"weight_{i}",
                    gettext("Give %(key)s a weight too, or empty every weight for equal weights.")
                    % {"key": self.keys[i]},
                )
        self.weights = weights
        kind = data.get("kind")
        for key, name in self.answer_fields.items():
            chosen = data.get(name) or []
            if kind == "scale_mean" and chosen:
                self.add_error(
                    name,
                    gettext(
                        "Positive answers count only in an index of positive shares; "
                        "%(key)s has %(values)s ticked."
                    )
                    % {"key": key, "values": ", ".join(chosen)},
                )
            if kind == "positive_share" and not chosen:
                self.add_error(name, gettext("Tick at least one positive answer to %(key)s.") % {"key": key})
        return data

    def index(self) -> dict[str, Any]:
        """The stored index with the form's kind, weights and positive answers."""
        result = copy.deepcopy(self.stored)
        kind = self.cleaned_data["kind"]
        result["kind"] = kind
        result["weights"] = dict(self.weights) if self.weights else "equal"
        positive: dict[str, list[Any]] = {}
        if kind == "positive_share":
            for key, name in self.answer_fields.items():
                offered = [value for value, _label in self.fields[name].choices]  # type: ignore[attr-defined]
                chosen = ordered(self.cleaned_data.get(name) or [], [], offered)
                positive[key] = [_stored_value(self.items[key], value) for value in chosen]
        if positive:
            result["positive"] = positive
        else:
            result.pop("positive", None)
        return result


class DriverModelForm(forms.Form):
    """The driver (PLS path) model: outcome, drivers, each construct's indicators and mode, the paths.

    The constructs offered are the indices and any construct the stored model names; a construct's
    indicators default to its index's questions. With no outcome chosen the survey has no driver model.
    """

    outcome = forms.ChoiceField(label=_("Outcome (what the drivers explain)"), required=False)
    drivers = forms.MultipleChoiceField(
        label=_("Drivers"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        codebook: dict[str, Any],
        ratings: list[tuple[str, str]],
        language: str = "sv",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stored: dict[str, Any] = codebook.get("driver_model") or {}
        indices = codebook.get("indices", {})
        stored_constructs = self.stored.get("constructs", {})
        self.names = list(dict.fromkeys([*indices, *stored_constructs]))
        self.rating_keys = [key for key, _label in ratings]
        labels = {n: (indices[n].get("label") or {}).get(language) for n in indices}
        named = [(n, f"{n} ({labels[n]})" if labels.get(n) else n) for n in self.names]
        self.fields["outcome"].choices = [("", gettext("— no driver model —")), *named]  # type: ignore[attr-defined]
        self.fields["drivers"].choices = named  # type: ignore[attr-defined]
        for j, name in enumerate(self.names):
            self.fields[f"mode_{j}"] = forms.ChoiceField(
                label=_("Measurement mode of %(name)s") % {"name": name}, choices=MODES
            )
            self.fields[f"indicators_{j}"] = forms.MultipleChoiceField(
                label=_("Questions measuring %(name)s") % {"name": name},
                required=False,
                choices=ratings,
                widget=forms.CheckboxSelectMultiple,
            )
        stored_paths = self.stored.get("paths", [])
        self.path_count = len(stored_paths) + PATH_ROWS_SPARE
        if self.is_bound:
            bound = [int(k.rsplit("_", 1)[1]) + 1 for k in self.data if k.startswith("path_from_")]
            self.path_count = min(max([self.path_count, *bound]), PATH_ROWS_MAX)
        path_choices = [("", "—"), *named]
        for k in range(self.path_count):
            self.fields[f"path_from_{k}"] = forms.ChoiceField(
                label=_("Path %(n)d from") % {"n": k + 1}, required=False, choices=path_choices
            )
            self.fields[f"path_to_{k}"] = forms.ChoiceField(
                label=_("Path %(n)d to") % {"n": k + 1}, required=False, choices=path_choices
            )
        if not self.is_bound:
            self.initial = self._initial(indices, stored_constructs, stored_paths)

    def _initial(
        self, indices: dict[str, Any], constructs: dict[str, Any], paths: list[list[str]]
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "outcome": self.stored.get("outcome", ""),
            "drivers": list(self.stored.get("drivers", [])),
        }
        for j, name in enumerate(self.names):
            construct = constructs.get(name)
            initial[f"mode_{j}"] = construct.get("mode", "A") if construct else "A"
            initial[f"indicators_{j}"] = list(
                construct["indicators"] if construct else indices.get(name, {}).get("items", [])
            )
        for k, (source, target) in enumerate(paths):
            initial[f"path_from_{k}"] = source
            initial[f"path_to_{k}"] = target
        return initial

    def construct_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(name, self[f"mode_{j}"], self[f"indicators_{j}"]) for j, name in enumerate(self.names)]

    def path_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"path_from_{k}"], self[f"path_to_{k}"]] for k in range(self.path_count)]

    def _paths(self) -> list[tuple[int, str, str]]:
        data = self.cleaned_data
        return [
            (k, data.get(f"path_from_{k}") or "", data.get(f"path_to_{k}") or "")
            for k in range(self.path_count)
            if data.get(f"path_from_{k}") or data.get(f"path_to_{k}")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome") or ""
        drivers = data.get("drivers") or []
        if not outcome:
            if drivers:
                self.add_error("outcome", gettext("Choose the outcome the drivers explain."))
            return data
        if not drivers:
            self.add_error("drivers", gettext("Choose at least one driver."))
        for k, source, target in self._paths():
            if not source or not target:
                self.add_error(
                    f"path_from_{k}" if not source else f"path_to_{k}",
                    gettext("A path needs both ends; path %(n)d has only %(end)s.")
                    % {"n": k + 1, "end": source or target},
                )
        for j, name in enumerate(self.names):
            if name in self.used() and not data.get(f"indicators_{j}"):
                self.add_error(
                    f"indicators_{j}",
                    gettext("Tick at least one question measuring %(name)s.") % {"name": name},
                )
        return data

    def used(self) -> list[str]:
        """The constructs the model names (outcome, drivers, path ends), in the order offered."""
        data = self.cleaned_data
        named = {data.get("outcome") or "", *(data.get("drivers") or [])}
        named |= {end for _k, source, target in self._paths() for end in (source, target)}
        return [name for name in self.names if name in named]

    def field_of_construct(self, name: str) -> str | None:
        return f"indicators_{self.names.index(name)}" if name in self.names else None

    def driver_model(self) -> dict[str, Any] | None:
        """The stored form of the model (``None``: no driver model)."""
        data = self.cleaned_data
        outcome = data.get("outcome") or ""
        if not outcome:
            return None
        stored_constructs = self.stored.get("constructs", {})
        constructs: dict[str, Any] = {}
        for name in ordered(self.used(), stored_constructs, self.names):
            j = self.names.index(name)
            stored = stored_constructs.get(name, {}).get("indicators", [])
            constructs[name] = {
                "indicators": ordered(data.get(f"indicators_{j}") or [], stored, self.rating_keys),
                "mode": data.get(f"mode_{j}") or "A",
            }
        drivers = ordered(data.get("drivers") or [], self.stored.get("drivers", []), self.names)
        paths = [[source, target] for _k, source, target in self._paths()]
        return {
            "outcome": outcome,
            "drivers": drivers,
            "constructs": constructs,
            "paths": paths or [[driver, outcome] for driver in drivers],
        }
