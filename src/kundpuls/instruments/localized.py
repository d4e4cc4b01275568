"""Texts in Swedish and English: Swedish is required, English is optional and falls back to Swedish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Language = Literal["sv", "en"]

#: The languages a definition may carry, Swedish first.
LANGUAGES: tuple[Language, ...] = ("sv", "en")


@dataclass(frozen=True)
class LocalizedText:
    """A text shown to a respondent or a staff member, in Swedish (required) and English (optional).

    Examples
    --------
    >>> LocalizedText("Hur nöjd är du?", "How satisfied are you?").in_language("en")
    'How satisfied are you?'
    >>> LocalizedText("Vet ej").in_language("en")
    'Vet ej'
    """

    sv: str
    en: str | None = None

    def in_language(self, language: str) -> str:
        """The text in ``language``; Swedish when there is no English text or the language is unknown."""
        if language == "en" and self.en:
            return self.en
        return self.sv

    def as_dict(self) -> dict[str, str]:
        """The text as stored in a definition: ``{"sv": ..., "en": ...}`` (``en`` only when present)."""
        if self.en is None:
            return {"sv": self.sv}
        return {"sv": self.sv, "en": self.en}
