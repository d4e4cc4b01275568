"""Alert rules as a form: rules with a key, a label and conditions picked from the survey's items.

The form reads and writes the stored format of ``rules.py`` (``{"rules": [{key, label, when: [...]}]}``),
which ``actions.save_rules`` validates; a spare rule row and a spare condition row per rule let a person
add without JavaScript, and emptying a row removes it. A comment-theme condition is shown and written with
the theme's name in the taxonomy in force ("Bemötande"); its key ("bemotande") is accepted too, and stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_RULES = 30
MAX_CONDITIONS = 6
OPERATORS = [
    ("", "—"),
    ("at_most", _("is at most")),
    ("at_least", _("is at least")),
    ("equals", _("equals")),
    ("theme", _("has the comment theme")),
    ("nps", _("is an NPS detractor (0–6)")),
]


def _number_or_text(raw: str) -> Any:
    raw = raw.strip()
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return raw
    return int(number) if number.is_integer() else number


class AlertRulesForm(forms.Form):
    """Rules: ``rule_key_i``, ``rule_label_i``; their conditions: ``op_i_j``, ``item_i_j``, ``value_i_j``."""

    def __init__(
        self,
        *args: Any,
        stored: dict[str, Any],
        items: list[tuple[str, str]],
        themes: Sequence[tuple[str, str, Sequence[str]]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.themes = list(themes)
        """The taxonomy's themes in force: (key, name in the page's language, its names in every language)."""
        rules = list(stored.get("rules", []))
        self.rule_count = min(len(rules) + 1, MAX_RULES)
        self.condition_counts = [
            min(len(rules[i].get("when", [])) + 1 if i < len(rules) else 2, MAX_CONDITIONS)
            for i in range(self.rule_count)
        ]
        if self.is_bound:
            self.rule_count = min(max(self.rule_count, _bound(self.data, "rule_key_")), MAX_RULES)
            while len(self.condition_counts) < self.rule_count:
                self.condition_counts.append(2)
        choices = [("", "—"), *items]
        initial: dict[str, Any] = {}
        for i in range(self.rule_count):
            n = i + 1
            self.fields[f"rule_key_{i}"] = forms.RegexField(
                label=_("Key of rule %(n)d") % {"n": n},
                regex=r"^[a-z0-9_]{1,64}$",
                required=False,
                max_length=64,
                error_messages={"invalid": _("Lower-case letters, digits and _ only.")},
            )
            self.fields[f"rule_label_{i}"] = forms.CharField(
                label=_("Name of rule %(n)d") % {"n": n}, required=False, max_length=200
            )
            rule = rules[i] if i < len(rules) else {}
            label = rule.get("label", "")
            initial[f"rule_key_{i}"] = rule.get("key", "")
            initial[f"rule_label_{i}"] = label.get("sv", "") if isinstance(label, dict) else label
            for j in range(self.condition_counts[i]):
                m = j + 1
                self.fields[f"op_{i}_{j}"] = forms.ChoiceField(
                    label=_("Rule %(n)d, condition %(m)d: test") % {"n": n, "m": m},
                    choices=OPERATORS,
                    required=False,
                )
                self.fields[f"item_{i}_{j}"] = forms.ChoiceField(
                    label=_("Rule %(n)d, condition %(m)d: question") % {"n": n, "m": m},
                    choices=choices,
                    required=False,
                )
                self.fields[f"value_{i}_{j}"] = forms.CharField(
                    label=_("Rule %(n)d, condition %(m)d: value") % {"n": n, "m": m},
                    required=False,
                    max_length=200,
                )
                when = rule.get("when", [])
                if j < len(when):
                    condition = when[j]
                    if "nps" in condition:
                        initial[f"op_{i}_{j}"] = "nps"
                    else:
                        op = next(
                            (o for o in ("at_most", "at_least", "equals", "theme") if o in condition), ""
                        )
                        value = condition.get(op, "")
                        initial |= {
                            f"op_{i}_{j}": op,
                            f"item_{i}_{j}": condition.get("item", ""),
                            f"value_{i}_{j}": self.theme_name(value) if op == "theme" else value,
                        }
        if not self.is_bound:
            self.initial = initial

    def _themes_written(self, written: str) -> list[str]:
        """The keys of the themes ``written`` names: by a name in any language or by its key (case and
        Unicode normalisation aside: "Bemötande" pasted with a separate accent is "Bemötande")."""
        folded = unicodedata.normalize("NFC", written).strip().casefold()
        by_key = [k for k, _, _ in self.themes if k.casefold() == folded]
        if by_key:  # a key is exact: it wins over another theme's name that reads the same
            return by_key
        return [
            k
            for k, _, names in self.themes
            if folded in {unicodedata.normalize("NFC", n).casefold() for n in names}
        ]

    def theme_name(self, key: Any) -> Any:
        """The name of the theme ``key`` in the page's language where that name says this theme alone
        (saved back it gives the same key); else the key itself, as for a key that is no theme."""
        name = next((name for k, name, _ in self.themes if k == key), None)
        return name if name is not None and self._themes_written(name) == [key] else key

    def theme_key(self, written: str) -> str:
        """The key of the one theme ``written`` names; ``written`` itself if none (validation names it)."""
        keys = self._themes_written(written)
        return keys[0] if len(keys) == 1 else written.strip()

    def theme_names(self) -> list[str]:
        """The names to write, in the page's language (a theme whose name is not its own: its key)."""
        return [str(self.theme_name(k)) for k, _, _ in self.themes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.rule_count):
            for j in range(self.condition_counts[i]):
                if data.get(f"op_{i}_{j}") != "theme":
                    continue
                written = (data.get(f"value_{i}_{j}") or "").strip()
                keys = self._themes_written(written)
                if len(keys) > 1:
                    self.add_error(
                        f"value_{i}_{j}",
                        _("“%(value)s” is the name of several themes (%(keys)s): write the theme's key.")
                        % {"value": written, "keys": ", ".join(keys)},
                    )
        return data

    def rule_rows(self) -> list[dict[str, Any]]:
        rows = []
        for i in range(self.rule_count):
            rows.append(
                {
                    "number": i + 1,
                    "key": self[f"rule_key_{i}"],
                    "label": self[f"rule_label_{i}"],
                    "conditions": [
                        (self[f"op_{i}_{j}"], self[f"item_{i}_{j}"], self[f"value_{i}_{j}"])
                        for j in range(self.condition_counts[i])
                    ],
                }
            )
        return rows

    def rules(self) -> dict[str, Any]:
        """The stored format from the cleaned data (empty rows left out)."""
        data = self.cleaned_data
        rules = []
        self.row_of: list[tuple[int, list[int]]] = []  # stored rule -> (form row, its condition rows)
        for i in range(self.rule_count):
            key = (data.get(f"rule_key_{i}") or "").strip()
            when = []
            condition_rows = []
            for j in range(self.condition_counts[i]):
                op = data.get(f"op_{i}_{j}") or ""
                if op:
                    condition_rows.append(j)
                if op == "nps":
                    when.append({"nps": "detractor"})
                elif op:
                    value = (data.get(f"value_{i}_{j}") or "").strip()
                    parsed = self.theme_key(value) if op == "theme" else _number_or_text(value)
                    when.append({"item": data.get(f"item_{i}_{j}") or "", op: parsed})
            if not key and not when:
                continue
            rule: dict[str, Any] = {"key": key}
            label = (data.get(f"rule_label_{i}") or "").strip()
            if label:
                rule["label"] = {"sv": label}
            rule["when"] = when
            rules.append(rule)
            self.row_of.append((i, condition_rows))
        return {"rules": rules}


def _bound(data: Any, prefix: str) -> int:
    numbers = [
        int(name[len(prefix) :]) for name in data if name.startswith(prefix) and name[len(prefix) :].isdigit()
    ]
    return max(numbers) + 1 if numbers else 0


def field_for(form: AlertRulesForm, path: str | None) -> str | None:
    """The form field of a rule problem's path (``rules[1].when[0].item`` → ``item_<row>_<row>``)."""
    match = re.match(r"^rules\[(\d+)\](?:\.(key|label|when)(?:\[(\d+)\](?:\.(\w+))?)?)?", path or "")
    if match is None or int(match.group(1)) >= len(form.row_of):
        return None
    row, conditions = form.row_of[int(match.group(1))]
    part, index, name = match.group(2), match.group(3), match.group(4)
    if part in ("key", "label") or part is None:
        return f"rule_{part or 'key'}_{row}"
    if index is None or int(index) >= len(conditions):
        return f"op_{row}_0"
    column = conditions[int(index)]
    if name == "item" or name is None:
        return f"item_{row}_{column}" if name else f"op_{row}_{column}"
    if name == "nps":
        return f"op_{row}_{column}"
    return f"value_{row}_{column}"
