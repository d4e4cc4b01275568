"""QR codes and A5 posters for a unit's open link, in the survey's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from kundpuls.config import get_config
from kundpuls.errors import InvalidArgument, NotFound
from kundpuls.render.poster import PosterText, survey_poster
from kundpuls.render.qr import qr_code
from kundpuls.web.surveys.models import Distribution
from kundpuls.web.surveys.queries import current_version, definition_of

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def distribution_file(distribution: Distribution, kind: str, *, language: str = "sv") -> bytes:
    """The QR code (``svg``/``png``) or A5 poster (``pdf``) of ``distribution``."""
    url = f"{get_config().base_url}{distribution.public_path}"
    if kind in {"svg", "png"}:
        return qr_code(url, kind=kind)  # type: ignore[arg-type]
    if kind != "pdf":
        raise InvalidArgument(
            _("format: expected svg, png or pdf, got %(value)r") % {"value": kind}, field="format", value=kind
        )
    version = current_version(distribution.survey)
    language = language if language in ("sv", "en") else "sv"
    with translation.override(language):  # the poster speaks the survey's language, not the page's
        heading = _("What do you think?")
        hint = _("Scan the code with your phone's camera or type the address:")
    title = definition_of(version).title.in_language(language) if version else distribution.survey.title
    return survey_poster(
        PosterText(
            heading=heading,
            lead=title,
            unit=distribution.unit.name,
            url=url,
            scan_hint=hint,
            language=language,
        )
    )


def distribution_download(survey_key: str, unit_code: str, kind: str) -> bytes:
    distribution = (
        Distribution.objects.select_related("survey", "unit")
        .filter(survey__key=survey_key, unit__code=unit_code, closed_at__isnull=True)
        .order_by("channel")
        .first()
    )
    if distribution is None:
        raise NotFound(
            _("unit: survey %(key)r has no open distribution for %(unit)r")
            % {"key": survey_key, "unit": unit_code}
        )
    return distribution_file(distribution, kind)
