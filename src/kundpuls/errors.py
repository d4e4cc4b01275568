"""The one exception tree of Kundpuls.

Every error Kundpuls raises on purpose is a :class:`KundpulsError`. Subclasses also subclass the standard
library exception a Python programmer would expect, so ``except ValueError`` keeps working::

    KundpulsError
    ├── ConfigurationError (RuntimeError)   a setting is missing or malformed
    ├── ValidationError (ValueError)        input data is wrong; names the field and the value
    │   ├── InvalidArgument                 a function argument is out of its domain
    │   ├── ImportRowsError                 a file import with one or more bad rows (all-or-nothing)
    │   └── DefinitionError                 a survey definition, model file or rule set is invalid
    ├── InsufficientData (ValueError)       too few observations to compute a statistic
    ├── ConvergenceError (ArithmeticError)  an iterative estimator failed outright
    ├── NotFound (LookupError)              a named unit, survey, user … does not exist
    └── PermissionDenied (PermissionError)  the actor may not do this

Statistical caveats that still give a usable answer (small n, an iteration cap reached) are warnings of
class :class:`KundpulsWarning`, not exceptions.

Messages name the argument or field and the offending value, e.g. ``"scale: min 5 must be below max 1"``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from dataclasses import dataclass

BRIEF_CHARS = 80
MAX_LISTED_ERRORS = 50
_BRIEF = reprlib.Repr()
_BRIEF.maxlevel = 3
_BRIEF.maxtuple = _BRIEF.maxlist = _BRIEF.maxdict = _BRIEF.maxset = 4
_BRIEF.maxstring = _BRIEF.maxother = 70


def brief(value: object, limit: int = BRIEF_CHARS) -> str:
    """``repr(value)`` for an error message, at most ``limit`` characters, built without expanding it.

    A value from an upload may be huge (an alias bomb is billions of items once expanded); ``reprlib``
    stops after a few items and levels, so quoting it costs the same as quoting a short one.
    """
    text = _BRIEF.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class KundpulsError(Exception):
    """Base class of every error Kundpuls raises on purpose."""


class ConfigurationError(KundpulsError, RuntimeError):
    """A setting is missing or malformed; raised at start-up, never later."""


class ValidationError(KundpulsError, ValueError):
    """Input data is wrong. The message names the field and the value."""

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class Ambiguous(ValidationError):
    """A key names objects of more than one organisation; the message names the ``ORG:KEY`` forms.

    ``key`` is the key as given and ``organisations`` the organisations it names, as ``(code, name)`` (empty
    when the choice is not between ``ORG:KEY`` forms), so that a page can offer each form as a link.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        key: str | None = None,
        organisations: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message, field=field, value=value)
        self.key = key
        self.organisations = organisations


class InvalidArgument(ValidationError):
    """A function argument is outside its domain (bad scale, mismatched lengths …)."""


class DefinitionError(ValidationError):
    """A survey definition, model file or rule set is invalid; ``field`` is the path of the node."""


def clip(text: str, limit: int = BRIEF_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters (the last one an ellipsis when cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an imported file (row numbers count the header as row 1).

    ``value`` and ``column`` are kept to at most ``BRIEF_CHARS`` characters: a 100,000-character cell is
    quoted by its beginning, so no error message, page or JSON document grows with the upload.
    """

    row: int
    column: str
    value: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", clip(str(self.value)))
        object.__setattr__(self, "column", clip(str(self.column)))

    def __str__(self) -> str:
        return f"rad {self.row}, kolumn {self.column!r}, värde {self.value!r}: {self.message}"


class ImportRowsError(ValidationError):
    """A file import found bad rows; nothing was imported.

    ``errors`` lists every bad row; ``listed`` the first ``MAX_LISTED_ERRORS`` of them and ``unlisted`` how
    many more there are — what a message, a page or a JSON answer shows.
    """

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        self.listed = self.errors[:MAX_LISTED_ERRORS]
        self.unlisted = len(self.errors) - len(self.listed)
        lines = "\n".join(str(e) for e in self.listed)
        more = f"\n… och {self.unlisted} fel till / and {self.unlisted} more" if self.unlisted else ""
        super().__init__(f"{len(self.errors)} fel, inget importerades:\n{lines}{more}")


class InsufficientData(KundpulsError, ValueError):
    """Too few (non-missing) observations to compute the statistic at all."""


class ConvergenceError(KundpulsError, ArithmeticError):
    """An iterative estimator failed outright (as opposed to a warning at the iteration cap)."""


class NotFound(KundpulsError, LookupError):
    """A named object (unit, survey, user …) does not exist."""


class PermissionDenied(KundpulsError, PermissionError):
    """The actor is not allowed to do this."""


class KundpulsWarning(UserWarning):
    """A statistical caveat: small n, an iteration cap reached, a suppressed group."""


class SmallSampleWarning(KundpulsWarning):
    """The sample is small enough that the interval is unreliable."""


class ConvergenceWarning(KundpulsWarning):
    """An iterative estimator stopped at its iteration cap before meeting its tolerance."""
