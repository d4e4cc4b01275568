"""Discovery runs: propose themes from the comments a person may read, and accept them into the taxonomy.

A run is computed while the person waits (a bounded, seeded sample: see
:mod:`kundpuls.reports.theme_discovery` for the measured cost) and stored with its proposals, so that each
proposal can be reviewed and accepted later. Accepting makes a new taxonomy revision and an audit event.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from kundpuls.errors import InvalidArgument
from kundpuls.reports.theme_discovery import propose_themes
from kundpuls.text.discovery import ThemeProposal
from kundpuls.text.taxonomy import merge_theme_terms, taxonomy_problems
from kundpuls.web.org.actors import Actor, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, definition_of
from kundpuls.web.themes import actions, queries
from kundpuls.web.themes.models import DiscoveryRun, DiscoveryStatus, TaxonomyRevision
from kundpuls.web.themes.problems import TaxonomyInvalid


def _require(actor: Actor, unit: Unit) -> None:
    """A taxonomy editor who may read the comments of ``unit``."""
    queries.require_taxonomy_editor(actor)
    require(actor, Capability.VIEW_COMMENTS, unit)


def run_discovery(survey: Survey, unit: Unit, *, actor: Actor, period: str = "") -> DiscoveryRun:
    """Propose themes from the releasable comments of ``unit``'s subtree in ``survey`` and store the run."""
    _require(actor, unit)
    version = current_version(survey)
    if version is None:
        raise InvalidArgument(
            gettext("survey: %(key)s has no published version") % {"key": survey.key},
            field="survey",
            value=survey.key,
        )
    started = time.perf_counter()
    number = queries.revision_number()
    run = DiscoveryRun(
        survey=survey, unit=unit, period=period, revision=number or None, created_by=user_of(actor)
    )
    try:
        result = propose_themes(
            str(settings.KUNDPULS_LAKE_DIR),
            definition_of(version),
            unit.code,
            taxonomy=queries.taxonomy_in_force(),
            period=period or None,
        )
    except (InvalidArgument, LookupError) as exc:  # a period without data, a unit without responses
        run.status = DiscoveryStatus.FAILED
        run.message = str(exc)
    else:
        run.comments, run.analysed, run.hidden_periods = (
            result.comments,
            result.analysed,
            result.hidden_periods,
        )
        run.message = result.reason
        run.proposals = [{**asdict(p), "outcome": None} for p in result.proposals]
    run.seconds = round(time.perf_counter() - started, 3)
    run.save()
    return run


def _proposal(run: DiscoveryRun, index: int) -> tuple[dict[str, Any], ThemeProposal]:
    if not 0 <= index < len(run.proposals):
        raise InvalidArgument(
            gettext("proposal: run %(run)d has no proposal %(index)d") % {"run": run.pk, "index": index + 1},
            field="proposal",
            value=index + 1,
        )
    stored = run.proposals[index]
    if stored.get("outcome"):
        raise InvalidArgument(
            gettext("proposal: proposal %(index)d has already been accepted") % {"index": index + 1},
            field="proposal",
            value=index + 1,
        )
    proposal = ThemeProposal(
        key=str(stored["key"]),
        top_terms=tuple(stored["top_terms"]),
        stems=tuple(stored["stems"]),
        weights=tuple(float(w) for w in stored["weights"]),
        examples=tuple(stored["examples"]),
        n=int(stored["n"]),
        language="en" if stored["language"] == "en" else "sv",
    )
    return stored, proposal


def _kept_words(proposal: ThemeProposal, words: Sequence[str] | None) -> list[str]:
    kept = [w for w in (words if words is not None else proposal.top_terms) if w in proposal.top_terms]
    if not kept:
        raise InvalidArgument(
            gettext("words: keep at least one of the proposed terms"), field="words", value=[]
        )
    return kept


@transaction.atomic
def accept(
    run: DiscoveryRun,
    index: int,
    *,
    actor: Actor,
    key: str,
    label: Mapping[str, str] | None = None,
    words: Sequence[str] | None = None,
) -> TaxonomyRevision:
    """Accept proposal ``index`` of ``run``: as a new theme ``key`` (``label`` needed) or, when ``key`` is
    an existing theme, by adding its terms to that theme. Stores a new revision and an audit event."""
    _require(actor, run.unit)
    run = DiscoveryRun.objects.select_for_update().get(pk=run.pk)
    stored, proposal = _proposal(run, index)
    current = queries.taxonomy_in_force()
    is_new = key not in current.keys
    labels = {lang: text.strip() for lang, text in (label or {}).items() if text and text.strip()}
    if is_new and not labels.get("sv"):
        raise InvalidArgument(
            gettext("themes.%(key)s.label.sv: a new theme needs a Swedish label") % {"key": key},
            field=f"themes.{key}.label.sv",
            value=None,
        )
    if is_new:
        problems = taxonomy_problems({"themes": {key: {"label": "x", "sv": {"words": ["x"]}}}})
        if any(p.code == "theme_key" for p in problems):
            raise TaxonomyInvalid([p for p in problems if p.code == "theme_key"])
    merged = merge_theme_terms(
        current,
        key,
        language=proposal.language,
        words=_kept_words(proposal, words),
        label=labels if is_new else None,
    )
    revision = actions.save_taxonomy(
        merged,
        actor=actor,
        note=gettext("Discovered theme accepted (discovery %(run)d, proposal %(index)d)")
        % {"run": run.pk, "index": index + 1},
        action="themes.discovery.accept" if is_new else "themes.discovery.merge",
        theme=key,
        discovery=run.pk,
        proposal=index + 1,
    )
    stored["outcome"] = {"action": "new" if is_new else "merge", "theme": key, "revision": revision.number}
    run.save(update_fields=["proposals"])
    return revision
