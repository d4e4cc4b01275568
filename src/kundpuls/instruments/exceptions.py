"""Errors of the survey model, all subclasses of :mod:`kundpuls.errors` classes.

- :class:`DefinitionErrors` (a :class:`~kundpuls.errors.DefinitionError`) lists *every* problem found in a
  definition, each a :class:`~kundpuls.errors.DefinitionError` whose ``field`` is the path of the node
  (``pages[0].blocks[1].questions[2].scale``), so a person can fix a file in one go.
- :class:`ExpressionError` is one problem in a show-if condition, with the 0-based ``position``.
- :class:`AnswerErrors` (a :class:`~kundpuls.errors.ValidationError`) lists every problem in an answer
  set; each :class:`AnswerError` names the item key (``field``), the value and an error ``code`` whose
  Swedish and English texts live in :mod:`kundpuls.instruments.messages`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kundpuls.errors import DefinitionError, ValidationError
from kundpuls.instruments.messages import render_hint, render_message


class DefinitionErrors(DefinitionError):
    """Every problem found in one survey definition (``errors``), raised as one exception."""

    def __init__(self, errors: Sequence[DefinitionError]) -> None:
        self.errors: list[DefinitionError] = list(errors)
        lines = "\n".join(f"- {_located(error)}" for error in self.errors)
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"survey definition has {count} {noun}:\n{lines}", field=None, value=None)

    def paths(self) -> list[str]:
        """The path of every problem, in the order found."""
        return [error.field or "" for error in self.errors]


def _located(error: DefinitionError) -> str:
    message = str(error)
    if error.field and not message.startswith(error.field):
        return f"{error.field}: {message}"
    return message


def definition_error(path: str, message: str, value: object = None) -> DefinitionError:
    """A :class:`DefinitionError` whose message starts with the path of the node."""
    return DefinitionError(f"{path}: {message}" if path else message, field=path, value=value)


class ExpressionError(DefinitionError):
    """A show-if condition that does not parse or does not type-check.

    ``position`` is the 0-based offset into ``source`` of the first offending character; the message
    says the column (1-based) and shows the condition with a caret under that column.
    """

    def __init__(self, reason: str, *, source: str, position: int = 0, field: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.position = position
        text = f"{reason} at column {position + 1} of condition {source!r}"
        if field:
            text = f"{field}: {text}"
        super().__init__(text, field=field, value=source)

    def at(self, field: str) -> ExpressionError:
        """The same error located at the definition path ``field``."""
        return ExpressionError(self.reason, source=self.source, position=self.position, field=field)

    def pointer(self) -> str:
        """Two lines: the condition and a caret under the offending column."""
        return f"{self.source}\n{' ' * self.position}^"


class AnswerError(ValidationError):
    """One problem with one answer: ``field`` is the item key, ``value`` the raw value, ``code`` the kind.

    ``str(error)`` is Swedish; :meth:`message` gives either language.
    """

    def __init__(self, code: str, *, field: str, value: object, params: Mapping[str, object] | None = None):
        self.code = code
        self.params: dict[str, object] = dict(params or {})
        super().__init__(
            render_message(code, "sv", key=field, value=value, **self.params), field=field, value=value
        )

    def message(self, language: str = "sv") -> str:
        """The message in ``language`` (``"sv"`` or ``"en"``; anything else gives Swedish)."""
        return render_message(self.code, language, key=self.field, value=self.value, **self.params)

    def hint(self, language: str = "sv") -> str:
        """The plain message for the respondent, without key and value."""
        return render_hint(self.code, language, **self.params)


class AnswerErrors(ValidationError):
    """Every problem in one answer set (``errors``), raised as one exception."""

    def __init__(self, errors: Sequence[AnswerError]) -> None:
        self.errors: list[AnswerError] = list(errors)
        lines = "\n".join(f"- {error}" for error in self.errors)
        super().__init__(f"{len(self.errors)} fel i svaren:\n{lines}", field=None, value=None)

    def messages(self, language: str = "sv") -> dict[str, list[str]]:
        """Messages per item key, in ``language``, for showing next to each question."""
        by_key: dict[str, list[str]] = {}
        for error in self.errors:
            by_key.setdefault(error.field or "", []).append(error.message(language))
        return by_key

    def codes(self) -> dict[str, list[str]]:
        """Error codes per item key."""
        by_key: dict[str, list[str]] = {}
        for error in self.errors:
            by_key.setdefault(error.field or "", []).append(error.code)
        return by_key
