"""The survey model (pure): definitions, their JSON Schema, validation, templates and codebooks.

The public API, all importable from ``kundpuls.instruments``:

Definitions
    :func:`load_definition` (path or mapping), :func:`parse_definition` (raw data),
    :func:`definition_from_yaml`, :func:`definition_from_json`, :func:`definition_to_dict`,
    :func:`definition_to_json`; errors are :class:`DefinitionErrors` (every problem, each with its path);
    :func:`language_errors` (texts without English in a survey offered in English: a draft may have them,
    a published version not).
Answers
    :func:`validate_answers`, :func:`validate_page_answers` → :class:`ValidatedAnswers`
    (``answers`` to store, ``contact`` to store apart); errors are :class:`AnswerErrors`.
Pages
    :func:`first_page_key`, :func:`next_page_key`, :func:`previous_page_key`, :func:`visible_blocks`,
    :func:`visible_questions`, :func:`is_page_shown`, :func:`progress`, :func:`page_item_keys`.
Items and codebook
    :func:`stored_items`, :func:`contact_fields`, :func:`kano_pairs`, :func:`price_modules`,
    :func:`background_items`; ``definition.codebook`` (:class:`Codebook`); :func:`mirror_errors`.
Versions
    :func:`compare_versions`, :func:`check_new_version` → :class:`VersionComparison`.
Templates
    :func:`list_templates`, :func:`load_template`, :func:`template_text`, :func:`template_keys`.
Schema
    :func:`definition_json_schema`.
"""

from kundpuls.instruments.answers import ValidatedAnswers, validate_answers, validate_page_answers
from kundpuls.instruments.codebook import Codebook, Construct, DriverModel, IndexDefinition, Mirror
from kundpuls.instruments.codebook_validation import mirror_errors
from kundpuls.instruments.exceptions import AnswerError, AnswerErrors, DefinitionErrors, ExpressionError
from kundpuls.instruments.items import (
    StoredItem,
    background_items,
    contact_fields,
    kano_pairs,
    price_modules,
    stored_items,
)
from kundpuls.instruments.library import (
    TemplateInfo,
    list_templates,
    load_template,
    template_keys,
    template_text,
)
from kundpuls.instruments.loading import (
    definition_from_json,
    definition_from_yaml,
    definition_to_dict,
    definition_to_json,
    load_definition,
    parse_definition,
)
from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.model import SurveyDefinition
from kundpuls.instruments.pages import (
    VisibleBlock,
    first_page_key,
    is_page_shown,
    next_page_key,
    page_item_keys,
    previous_page_key,
    progress,
    visible_blocks,
    visible_questions,
)
from kundpuls.instruments.presets import DONT_KNOW
from kundpuls.instruments.schema import definition_json_schema
from kundpuls.instruments.validation import language_errors
from kundpuls.instruments.versions import (
    VersionChange,
    VersionComparison,
    check_new_version,
    compare_versions,
)

__all__ = [
    "DONT_KNOW",
    "AnswerError",
    "AnswerErrors",
    "Codebook",
    "Construct",
    "DefinitionErrors",
    "DriverModel",
    "ExpressionError",
    "IndexDefinition",
    "LocalizedText",
    "Mirror",
    "StoredItem",
    "SurveyDefinition",
    "TemplateInfo",
    "ValidatedAnswers",
    "VersionChange",
    "VersionComparison",
    "VisibleBlock",
    "background_items",
    "check_new_version",
    "compare_versions",
    "contact_fields",
    "definition_from_json",
    "definition_from_yaml",
    "definition_json_schema",
    "definition_to_dict",
    "definition_to_json",
    "first_page_key",
    "is_page_shown",
    "kano_pairs",
    "language_errors",
    "list_templates",
    "load_definition",
    "load_template",
    "mirror_errors",
    "next_page_key",
    "page_item_keys",
    "parse_definition",
    "previous_page_key",
    "price_modules",
    "progress",
    "stored_items",
    "template_keys",
    "template_text",
    "validate_answers",
    "validate_page_answers",
    "visible_blocks",
    "visible_questions",
]
