"""Text a person types into a form field that is stored as it is (a case note, a token's name).

:func:`checked_text` strips it and refuses, naming the field, what could not be stored or read back
whole: a NUL character (PostgreSQL refuses it in text, and SQLite would keep it) and more characters than
the field holds. Nothing is cut silently: a note of two million characters is refused, not truncated.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kundpuls.errors import InvalidArgument


def checked_text(text: str, *, field: str, limit: int) -> str:
    """``text`` stripped, or :class:`InvalidArgument` naming ``field`` when it holds NUL or is too long."""
    if "\x00" in text:
        raise InvalidArgument(
            _("%(field)s: the text contains a NUL character, which cannot be stored") % {"field": field},
            field=field,
            value=text[:40],
        )
    stripped = text.strip()
    if len(stripped) > limit:
        raise InvalidArgument(
            _("%(field)s: %(length)d characters is more than the %(limit)d this field holds")
            % {"field": field, "length": len(stripped), "limit": limit},
            field=field,
            value=stripped[:40],
        )
    return stripped
