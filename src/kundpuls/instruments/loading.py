"""Reading definitions from YAML or JSON, building the model, and writing it back.

:func:`parse_definition` is the one entry point that turns raw data into a validated
:class:`~kundpuls.instruments.model.SurveyDefinition`: first the JSON Schema (structure), then the model is
built (conditions parsed, defaults filled in), then the meaning is checked
(:mod:`kundpuls.instruments.validation`). Every problem of a stage is collected and raised as one
:class:`~kundpuls.instruments.exceptions.DefinitionErrors`.

:func:`definition_to_dict` writes the canonical stored form (defaults written out), so
``parse_definition(definition_to_dict(d)) == d``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kundpuls.errors import DefinitionError
from kundpuls.instruments.codebook import Codebook, Construct, DriverModel, IndexDefinition, Mirror
from kundpuls.instruments.exceptions import DefinitionErrors, ExpressionError, definition_error
from kundpuls.instruments.expressions import parse_expression
from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.model import (
    BackgroundQuestion,
    Block,
    Condition,
    ConsentQuestion,
    ContactField,
    KanoQuestion,
    MatrixItem,
    MatrixQuestion,
    MultipleChoiceQuestion,
    Option,
    Page,
    PriceQuestion,
    Question,
    RatingQuestion,
    Scale,
    SingleChoiceQuestion,
    SurveyDefinition,
    TextQuestion,
    YesNoQuestion,
)
from kundpuls.instruments.presets import (
    BACKGROUND_PRESETS,
    DEFAULT_ANONYMITY_THRESHOLD,
    DEFAULT_DONT_KNOW_TEXT,
    DEFAULT_PRICE_TEXTS,
    DEFAULT_TEXT_LENGTH,
    INTENT_PARTS,
    PRICE_PARTS,
)
from kundpuls.instruments.structure import structural_errors
from kundpuls.instruments.validation import semantic_errors
from kundpuls.yaml_input import load_yaml

# ----------------------------------------------------------------------------------------------- reading


def read_yaml(text: str) -> Any:
    """Parse YAML text with the one bounded loader (``kundpuls.yaml_input``): DefinitionError on problems."""
    return load_yaml(text)


def read_json(text: str) -> Any:
    """Parse JSON text; syntax errors become a DefinitionError naming line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise DefinitionError(f"{where}: {error.msg}", field=where, value=None) from error


def load_definition(source: str | Path | Mapping[str, Any]) -> SurveyDefinition:
    """Load and validate a definition from a file path (``.yaml``, ``.yml``, ``.json``) or a mapping.

    Raises
    ------
    DefinitionErrors
        Listing every problem with its path.
    DefinitionError
        For a file that is not valid YAML/JSON or cannot be read.
    """
    if isinstance(source, Mapping):
        return parse_definition(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(f"cannot read {str(path)!r}: {error}", field=str(path), value=None) from error
    data = read_json(text) if path.suffix.lower() == ".json" else read_yaml(text)
    return parse_definition(data)


def definition_from_yaml(text: str) -> SurveyDefinition:
    """Parse and validate a definition written in YAML."""
    return parse_definition(read_yaml(text))


def definition_from_json(text: str) -> SurveyDefinition:
    """Parse and validate a definition written in JSON (the stored form of a survey version)."""
    return parse_definition(read_json(text))


def parse_definition(data: object, *, stored: bool = False, draft: bool = False) -> SurveyDefinition:
    """Validate raw definition data (from YAML or JSON) and build the model.

    ``stored=True`` reads a version stored before (``semantic_errors(..., authoring=False)`` in
    :mod:`kundpuls.instruments.validation`): rules added for new definitions do not make it unreadable.
    ``draft=True`` (and ``stored=True``, which reads drafts too) lets a survey offered in English lack
    English texts; publishing a version requires them (``validation.language_errors``).

    Raises
    ------
    DefinitionErrors
        Every problem found, each a DefinitionError whose ``field`` is the path of the node.
    """
    problems = structural_errors(data)
    if problems:
        raise DefinitionErrors(problems)
    builder = _Builder()
    definition = builder.definition(data)  # type: ignore[arg-type]  # the schema guarantees a mapping
    problems = builder.errors + semantic_errors(
        definition, authoring=not stored, complete=not (stored or draft)
    )
    if problems:
        raise DefinitionErrors(problems)
    return definition


# ----------------------------------------------------------------------------------------------- building


class _Builder:
    """Builds the model from schema-valid data, parsing conditions and collecting their errors."""

    def __init__(self) -> None:
        self.errors: list[DefinitionError] = []

    def definition(self, data: Mapping[str, Any]) -> SurveyDefinition:
        pages = tuple(self.page(page, f"pages[{i}]") for i, page in enumerate(data["pages"]))
        return SurveyDefinition(
            key=data["key"],
            title=_text(data["title"]),
            intro=_optional_text(data.get("intro")),
            outro=_optional_text(data.get("outro")),
            languages=tuple(data.get("languages", ["sv"])),
            format_version=data.get("format_version", 1),
            pages=pages,
            codebook=self.codebook(data.get("codebook", {})),
        )

    def condition(self, source: str | None, path: str) -> Condition | None:
        if source is None:
            return None
        try:
            return Condition(source, parse_expression(source))
        except ExpressionError as error:
            self.errors.append(error.at(f"{path}.show_if"))
            return None

    def page(self, data: Mapping[str, Any], path: str) -> Page:
        return Page(
            key=data["key"],
            title=_optional_text(data.get("title")),
            intro=_optional_text(data.get("intro")),
            show_if=self.condition(data.get("show_if"), path),
            blocks=tuple(self.block(block, f"{path}.blocks[{i}]") for i, block in enumerate(data["blocks"])),
        )

    def block(self, data: Mapping[str, Any], path: str) -> Block:
        return Block(
            key=data["key"],
            title=_optional_text(data.get("title")),
            intro=_optional_text(data.get("intro")),
            show_if=self.condition(data.get("show_if"), path),
            questions=tuple(
                self.question(question, f"{path}.questions[{i}]")
                for i, question in enumerate(data["questions"])
            ),
        )

    def question(self, data: Mapping[str, Any], path: str) -> Question:
        kind = data["type"]
        dont_know = data.get("dont_know", False)
        common: dict[str, Any] = {
            "key": data["key"],
            "text": _text(data["text"]),
            "help": _optional_text(data.get("help")),
            "required": data.get("required", False),
            "show_if": self.condition(data.get("show_if"), path),
            "dont_know": DEFAULT_DONT_KNOW_TEXT if dont_know is True else _optional_text(dont_know or None),
        }
        if kind == "rating":
            return RatingQuestion(scale=_scale(data["scale"]), **common)
        if kind == "single_choice":
            return SingleChoiceQuestion(options=_options(data["options"]), **common)
        if kind == "multiple_choice":
            return MultipleChoiceQuestion(
                options=_options(data["options"]),
                min_choices=data.get("min_choices", 1),
                max_choices=data.get("max_choices"),
                **common,
            )
        if kind == "yes_no":
            return YesNoQuestion(**common)
        if kind == "text":
            return TextQuestion(
                max_length=data.get("max_length", DEFAULT_TEXT_LENGTH),
                multiline=data.get("multiline", True),
                **common,
            )
        if kind == "matrix":
            return MatrixQuestion(
                scale=_scale(data["scale"]),
                items=tuple(MatrixItem(key=item["key"], text=_text(item["text"])) for item in data["items"]),
                **common,
            )
        if kind == "background":
            return self.background(data, path, common)
        if kind == "kano":
            return KanoQuestion(
                functional=_text(data["functional"]), dysfunctional=_text(data["dysfunctional"]), **common
            )
        if kind == "price":
            intent = data.get("intent", True)
            given = data.get("texts", {})
            parts = PRICE_PARTS + (INTENT_PARTS if intent else ())
            texts = {
                part: _text(given[part]) if part in given else DEFAULT_PRICE_TEXTS[part] for part in parts
            }
            for part in given:
                if part not in parts:
                    self.errors.append(
                        definition_error(
                            f"{path}.texts.{part}", "text for a part that is not asked (intent: false)"
                        )
                    )
            return PriceQuestion(
                product=_text(data["product"]),
                currency=data.get("currency", "SEK"),
                intent=intent,
                texts=texts,
                **common,
            )
        # consent (the schema allows no other type)
        return ConsentQuestion(
            purpose=_text(data["purpose"]),
            contact_fields=tuple(
                ContactField(
                    key=item["key"],
                    kind=item["kind"],
                    text=_text(item["text"]),
                    required=item.get("required", False),
                )
                for item in data.get("contact_fields", [])
            ),
            **common,
        )

    def background(self, data: Mapping[str, Any], path: str, common: dict[str, Any]) -> BackgroundQuestion:
        preset = data.get("preset")
        if preset is not None and "options" in data:
            self.errors.append(
                definition_error(f"{path}.options", f"give either preset ({preset!r}) or options, not both")
            )
        if preset is not None:
            options = tuple(Option(value=value, text=text) for value, text in BACKGROUND_PRESETS[preset])
        elif "options" in data:
            options = _options(data["options"])
        else:
            self.errors.append(
                definition_error(f"{path}.options", "a background question needs options or a preset")
            )
            options = ()
        return BackgroundQuestion(variable=data["variable"], preset=preset, options=options, **common)

    def codebook(self, data: Mapping[str, Any]) -> Codebook:
        indices = {name: _index(name, spec) for name, spec in data.get("indices", {}).items()}
        driver = data.get("driver_model")
        return Codebook(
            indices=indices,
            main_index=data.get("main_index"),
            nps=data.get("nps"),
            csat=data.get("csat"),
            ces=data.get("ces"),
            driver_model=_driver_model(driver, indices) if driver is not None else None,
            anonymity_threshold=data.get("anonymity_threshold", DEFAULT_ANONYMITY_THRESHOLD),
            comment_anonymity_threshold=data.get("comment_anonymity_threshold"),
            mirrors=tuple(
                Mirror(
                    item=m["item"], customer_item=m["customer_item"], customer_survey=m.get("customer_survey")
                )
                for m in data.get("mirrors", [])
            ),
        )


def _text(data: Mapping[str, str]) -> LocalizedText:
    return LocalizedText(sv=data["sv"], en=data.get("en"))


def _optional_text(data: Mapping[str, str] | None) -> LocalizedText | None:
    return None if data is None else _text(data)


def _scale(data: Mapping[str, Any]) -> Scale:
    return Scale(
        min=data["min"],
        max=data["max"],
        min_label=_text(data["min_label"]),
        max_label=_text(data["max_label"]),
    )


def _options(data: list[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(Option(value=item["value"], text=_text(item["text"])) for item in data)


def _index(name: str, data: Mapping[str, Any]) -> IndexDefinition:
    weights = data.get("weights", "equal")
    return IndexDefinition(
        name=name,
        items=tuple(data["items"]),
        label=_optional_text(data.get("label")),
        kind=data.get("kind", "scale_mean"),
        weights=None if weights == "equal" else {key: float(value) for key, value in weights.items()},
        positive={key: tuple(values) for key, values in data.get("positive", {}).items()},
        min_answered=data.get("min_answered"),
    )


def _driver_model(data: Mapping[str, Any], indices: Mapping[str, IndexDefinition]) -> DriverModel:
    drivers = tuple(data["drivers"])
    outcome = data["outcome"]
    if "constructs" in data:
        constructs = {
            name: Construct(indicators=tuple(spec["indicators"]), mode=spec.get("mode", "A"))
            for name, spec in data["constructs"].items()
        }
    else:
        constructs = {
            name: Construct(indicators=indices[name].items, mode="A")
            for name in (*drivers, outcome)
            if name in indices
        }
    if "paths" in data:
        paths = tuple((pair[0], pair[1]) for pair in data["paths"])
    else:
        paths = tuple((driver, outcome) for driver in drivers)
    return DriverModel(outcome=outcome, drivers=drivers, constructs=constructs, paths=paths)


# ----------------------------------------------------------------------------------------------- writing


def definition_to_dict(definition: SurveyDefinition) -> dict[str, Any]:
    """The canonical stored form of ``definition`` (JSON-ready; every default written out)."""
    data: dict[str, Any] = {
        "format_version": definition.format_version,
        "key": definition.key,
        "title": definition.title.as_dict(),
    }
    if definition.intro:
        data["intro"] = definition.intro.as_dict()
    if definition.outro:
        data["outro"] = definition.outro.as_dict()
    data["languages"] = list(definition.languages)
    data["pages"] = [_page_dict(page) for page in definition.pages]
    data["codebook"] = _codebook_dict(definition.codebook)
    return data


def definition_to_json(definition: SurveyDefinition) -> str:
    """The canonical stored form as JSON text (UTF-8 characters kept, stable key order)."""
    return json.dumps(definition_to_dict(definition), ensure_ascii=False, indent=2)


def _titled(node: Page | Block) -> dict[str, Any]:
    data: dict[str, Any] = {"key": node.key}
    if node.title:
        data["title"] = node.title.as_dict()
    if node.intro:
        data["intro"] = node.intro.as_dict()
    if node.show_if:
        data["show_if"] = node.show_if.source
    return data


def _page_dict(page: Page) -> dict[str, Any]:
    data = _titled(page)
    data["blocks"] = [_block_dict(block) for block in page.blocks]
    return data


def _block_dict(block: Block) -> dict[str, Any]:
    data = _titled(block)
    data["questions"] = [question_to_dict(question) for question in block.questions]
    return data


def _scale_dict(scale: Scale) -> dict[str, Any]:
    return {
        "min": scale.min,
        "max": scale.max,
        "min_label": scale.min_label.as_dict(),
        "max_label": scale.max_label.as_dict(),
    }


def _options_list(options: tuple[Option, ...]) -> list[dict[str, Any]]:
    return [{"value": option.value, "text": option.text.as_dict()} for option in options]


def question_to_dict(question: Question) -> dict[str, Any]:
    """The stored form of one question."""
    data: dict[str, Any] = {"type": question.type, "key": question.key, "text": question.text.as_dict()}
    if question.help:
        data["help"] = question.help.as_dict()
    data["required"] = question.required
    if question.show_if:
        data["show_if"] = question.show_if.source
    if question.dont_know:
        data["dont_know"] = question.dont_know.as_dict()
    if isinstance(question, RatingQuestion):
        data["scale"] = _scale_dict(question.scale)
    elif isinstance(question, SingleChoiceQuestion):
        data["options"] = _options_list(question.options)
    elif isinstance(question, MultipleChoiceQuestion):
        data["options"] = _options_list(question.options)
        data["min_choices"] = question.min_choices
        if question.max_choices is not None:
            data["max_choices"] = question.max_choices
    elif isinstance(question, TextQuestion):
        data["max_length"] = question.max_length
        data["multiline"] = question.multiline
    elif isinstance(question, MatrixQuestion):
        data["scale"] = _scale_dict(question.scale)
        data["items"] = [{"key": item.key, "text": item.text.as_dict()} for item in question.items]
    elif isinstance(question, BackgroundQuestion):
        data["variable"] = question.variable
        if question.preset is not None:
            data["preset"] = question.preset
        else:
            data["options"] = _options_list(question.options)
    elif isinstance(question, KanoQuestion):
        data["functional"] = question.functional.as_dict()
        data["dysfunctional"] = question.dysfunctional.as_dict()
    elif isinstance(question, PriceQuestion):
        data["product"] = question.product.as_dict()
        data["currency"] = question.currency
        data["intent"] = question.intent
        data["texts"] = {part: text.as_dict() for part, text in question.texts.items()}
    elif isinstance(question, ConsentQuestion):
        data["purpose"] = question.purpose.as_dict()
        data["contact_fields"] = [
            {"key": f.key, "kind": f.kind, "text": f.text.as_dict(), "required": f.required}
            for f in question.contact_fields
        ]
    return data


def _codebook_dict(codebook: Codebook) -> dict[str, Any]:
    data: dict[str, Any] = {"anonymity_threshold": codebook.anonymity_threshold}
    if codebook.comment_anonymity_threshold is not None:
        data["comment_anonymity_threshold"] = codebook.comment_anonymity_threshold
    if codebook.main_index is not None:
        data["main_index"] = codebook.main_index
    if codebook.indices:
        data["indices"] = {name: _index_dict(index) for name, index in codebook.indices.items()}
    for name in ("nps", "csat", "ces"):
        value = getattr(codebook, name)
        if value is not None:
            data[name] = value
    if codebook.driver_model is not None:
        model = codebook.driver_model
        data["driver_model"] = {
            "outcome": model.outcome,
            "drivers": list(model.drivers),
            **model.as_model_file(),
        }
    if codebook.mirrors:
        data["mirrors"] = [
            {"item": m.item, "customer_item": m.customer_item}
            | ({"customer_survey": m.customer_survey} if m.customer_survey else {})
            for m in codebook.mirrors
        ]
    return data


def _index_dict(index: IndexDefinition) -> dict[str, Any]:
    data: dict[str, Any] = {"items": list(index.items)}
    if index.label:
        data["label"] = index.label.as_dict()
    data["kind"] = index.kind
    data["weights"] = "equal" if index.weights is None else dict(index.weights)
    if index.positive:
        data["positive"] = {key: list(values) for key, values in index.positive.items()}
    if index.min_answered is not None:
        data["min_answered"] = index.min_answered
    return data
