"""The template library: ready-made survey definitions in Swedish and English, each with its codebook.

Templates are YAML files in ``kundpuls/instruments/templates/``; the file name (without ``.yaml``) is the
template key. :func:`list_templates` describes them, :func:`load_template` returns a validated
:class:`~kundpuls.instruments.model.SurveyDefinition`, :func:`template_text` the YAML text (to copy and
edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kundpuls.errors import NotFound
from kundpuls.instruments.loading import definition_from_yaml
from kundpuls.instruments.localized import LocalizedText
from kundpuls.instruments.model import SurveyDefinition

_PACKAGE = "kundpuls.instruments"
_FOLDER = "templates"


@dataclass(frozen=True)
class TemplateInfo:
    """A template as listed: key, title, intro, number of pages and questions, the main index."""

    key: str
    title: LocalizedText
    intro: LocalizedText | None
    pages: int
    questions: int
    main_index: str | None


def template_keys() -> list[str]:
    """The keys of all templates, sorted."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )


def template_text(key: str) -> str:
    """The YAML text of template ``key``.

    Raises
    ------
    NotFound
        When there is no such template (the message lists the keys there are).
    """
    if key not in template_keys():
        raise NotFound(f"template {key!r} does not exist; templates: {', '.join(template_keys())}")
    return resources.files(_PACKAGE).joinpath(_FOLDER, f"{key}.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=32)
def load_template(key: str) -> SurveyDefinition:
    """The validated definition of template ``key`` (its survey key equals the template key)."""
    return definition_from_yaml(template_text(key))


def list_templates() -> list[TemplateInfo]:
    """Every template with its title and size, sorted by key."""
    infos = []
    for key in template_keys():
        definition = load_template(key)
        infos.append(
            TemplateInfo(
                key=key,
                title=definition.title,
                intro=definition.intro,
                pages=len(definition.pages),
                questions=sum(1 for _ in definition.questions()),
                main_index=definition.codebook.main_index,
            )
        )
    return infos
