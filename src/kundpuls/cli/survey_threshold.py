"""The anonymity threshold ``kundpuls analyze`` applies: the same rule as every page, report and download.

The threshold of a survey is the larger of ``KUNDPULS_ANONYMITY_THRESHOLD`` and the survey's codebook
(:func:`kundpuls.reports.anonymity.survey_thresholds`). A lake holds no codebook, so:

* for the web's own lake (``--lake`` left out, or naming the configured ``KUNDPULS_LAKE_DIR``) the codebook
  is the survey's published version in the database, and the setting is the web's;
* for any other lake (``kundpuls lake generate``, a copy) no codebook is known: the setting alone holds.

``--threshold`` may raise the threshold, never lower it: a lower value is refused with both values named.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kundpuls.errors import ConfigurationError, InvalidArgument

if TYPE_CHECKING:
    from kundpuls.instruments import SurveyDefinition


def _web_lake(lake: str) -> bool:
    """True when ``lake`` is the lake the web writes (so its database holds the surveys' codebooks)."""
    from django.apps import apps

    if apps.ready:
        from django.conf import settings

        configured = Path(settings.KUNDPULS_LAKE_DIR)
    else:
        from kundpuls.config import lake_dir

        configured = lake_dir()
    return "://" not in lake and Path(lake).expanduser().resolve() == configured.expanduser().resolve()


def _web_setting_and_definition(survey: str) -> tuple[int, SurveyDefinition | None] | None:
    """The web's setting and ``survey``'s published definition; None when no database is configured."""
    from django.apps import apps

    if not apps.ready:
        from kundpuls.config import get_config

        try:
            url = get_config().database_url
        except ConfigurationError:  # no secret key, no server configured: there is no database to ask
            return None
        if url.startswith("sqlite:") and not Path(url.removeprefix("sqlite:///")).is_file():
            return None
        from kundpuls.cli.django_setup import setup_django

        setup_django()
    from django.conf import settings
    from django.db import DatabaseError

    from kundpuls.errors import NotFound
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.queries import current_version, results_definition, survey_by_key

    setting = int(settings.KUNDPULS_ANONYMITY_THRESHOLD)
    try:
        found = survey_by_key(survey, actor=CLI)  # KEY or ORG:KEY; a key two organisations use is refused
        version = current_version(found)
    except NotFound:  # a survey the database does not know (a lake of its own): no codebook
        return setting, None
    except DatabaseError:  # a database that was never migrated: no codebook to read
        return None
    return setting, results_definition(found, version) if version is not None else None


def lake_survey_key(lake: str, survey: str) -> str:
    """The name ``survey`` (``KEY`` or ``ORG:KEY``) has in ``lake``: for the web's own lake the survey's
    lake key (unique across organisations), for any other lake ``survey`` as given."""
    web = _web_setting_and_definition(survey) if _web_lake(lake) else None
    return web[1].key if web is not None and web[1] is not None else survey


def analysis_threshold(lake: str, survey: str, asked: int | None) -> tuple[int, str]:
    """``(threshold, where it comes from)`` for ``kundpuls analyze --lake L --survey S [--threshold T]``.

    Raises
    ------
    InvalidArgument
        When ``asked`` is below the resolved threshold (the message names ``--threshold`` and both values).
    """
    from kundpuls.config import anonymity_threshold
    from kundpuls.reports.anonymity import survey_thresholds

    web = _web_setting_and_definition(survey) if _web_lake(lake) else None
    setting, definition = web if web is not None else (anonymity_threshold(os.environ), None)
    resolved = survey_thresholds(definition, setting=setting).groups
    source = (
        f"the larger of KUNDPULS_ANONYMITY_THRESHOLD={setting} and survey {survey!r}'s codebook "
        f"{definition.codebook.anonymity_threshold}"
        if definition is not None
        else f"KUNDPULS_ANONYMITY_THRESHOLD={setting} (no codebook of survey {survey!r} for this lake)"
    )
    if asked is None:
        return resolved, source
    if asked < resolved:
        raise InvalidArgument(
            f"--threshold: {asked} is below the anonymity threshold {resolved} ({source}); "
            f"give {resolved} or more, or leave --threshold out",
            field="threshold",
            value=asked,
        )
    return asked, f"--threshold {asked} (at least {resolved}: {source})"


def survey_codebook(lake: str, survey: str) -> SurveyDefinition:
    """``survey``'s published definition for the web's own lake (its codebook names the indices).

    Raises
    ------
    InvalidArgument
        For any other lake, or a survey with no published version: no codebook is known.
    """
    web = _web_setting_and_definition(survey) if _web_lake(lake) else None
    if web is None or web[1] is None:
        raise InvalidArgument(
            f"--indices: no published codebook of survey {survey!r} for the lake {lake!r}; "
            "indices are known for the web's own lake (leave --lake out)",
            field="indices",
            value=survey,
        )
    return web[1]
