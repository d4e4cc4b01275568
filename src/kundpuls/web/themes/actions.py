"""Changes to the taxonomy (every change stores a new revision and an audit event) and discovery runs.

A theme that an alert rule or a follow-up case uses is never removed silently: :func:`save_taxonomy`
refuses a revision without it and names the rules and cases (:class:`ThemeInUse`). A quality manager
renames the label or edits the terms instead; to retire the theme, first change the rules that use it.
Cases keep their root causes as history, so a theme named by a case stays in the taxonomy.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from kundpuls.errors import DefinitionError, InvalidArgument, ValidationError
from kundpuls.text.taxonomy import TERM_KINDS, Taxonomy, merge_theme_terms, parse_taxonomy, taxonomy_problems
from kundpuls.text.tokens import LANGUAGES
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor, actor_label, user_of
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import current_version, results_definition
from kundpuls.web.themes import queries
from kundpuls.web.themes.models import DiscoveryRun, DiscoveryStatus, TaxonomyRevision
from kundpuls.web.themes.problems import TaxonomyInvalid
from kundpuls.yaml_input import YamlInputError, load_yaml

if TYPE_CHECKING:
    from kundpuls.text.discovery import ThemeProposal

MAX_YAML_BYTES = 1_000_000


class ThemeInUse(ValidationError):
    """Removing themes that alert rules or cases use; ``usage`` says where."""

    def __init__(self, usage: Mapping[str, queries.ThemeUsage]) -> None:
        self.usage = dict(usage)
        parts = []
        for key, where in sorted(self.usage.items()):
            found = []
            if where.rules:
                found.append(gettext("alert rules %(rules)s") % {"rules": ", ".join(where.rules)})
            if where.cases:
                shown = ", ".join(f"#{n}" for n in where.cases[:10])
                more = len(where.cases) - 10
                extra = gettext(" and %(n)d more") % {"n": more} if more > 0 else ""
                found.append(gettext("cases %(cases)s") % {"cases": shown + extra})
            parts.append(
                gettext("themes.%(key)s: the theme is used by %(where)s and cannot be removed")
                % {"key": key, "where": gettext(" and ").join(found)}
            )
        first = sorted(self.usage)[0]
        super().__init__("; ".join(parts), field=f"themes.{first}", value=first)


def validated(data: object) -> Taxonomy:
    """Parse a taxonomy mapping, raising :class:`TaxonomyInvalid` with every problem."""
    problems = taxonomy_problems(data)
    if problems:
        raise TaxonomyInvalid(problems)
    return parse_taxonomy(data)


def taxonomy_from_text(text: str) -> Taxonomy:
    """Parse uploaded YAML (or JSON) text; errors name the node path (``(root)`` for bad YAML)."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise DefinitionError(
            gettext("(root): the file is larger than %(n)d bytes") % {"n": MAX_YAML_BYTES}, field="(root)"
        )
    try:
        data = load_yaml(text, field="(root)")
    except YamlInputError as exc:
        where = gettext(" on line %(line)d") % {"line": exc.line} if exc.line is not None else ""
        raise DefinitionError(
            gettext("(root): not valid YAML%(where)s") % {"where": where}, field="(root)", value=None
        ) from exc
    return validated(data)


def _changes(before: Taxonomy, after: Taxonomy) -> dict[str, list[str]]:
    old, new = before.to_mapping()["themes"], after.to_mapping()["themes"]
    return {
        "added": [k for k in new if k not in old],
        "removed": [k for k in old if k not in new],
        "changed": [k for k in new if k in old and new[k] != old[k]],
    }


@transaction.atomic
def save_taxonomy(
    organisation: Unit,
    taxonomy: Taxonomy,
    *,
    actor: Actor,
    note: str = "",
    action: str = "themes.save",
    **details: Any,
) -> TaxonomyRevision:
    """Store ``taxonomy`` as ``organisation``'s new revision in force (refused when it removes a theme in
    use in that organisation).

    Only a taxonomy editor of ``organisation`` may
    (:func:`kundpuls.web.themes.queries.require_taxonomy_editor`).
    """
    queries.require_taxonomy_editor(actor, organisation)
    before = queries.taxonomy_in_force(organisation)
    changes = _changes(before, taxonomy)
    if changes["removed"]:
        usage = {k: u for k, u in queries.theme_usage(organisation, changes["removed"]).items() if u}
        if usage:
            raise ThemeInUse(usage)
    if taxonomy.fingerprint == before.fingerprint and queries.current_revision(organisation) is not None:
        raise InvalidArgument(
            gettext("taxonomy: nothing changed compared with the taxonomy in force"), field="taxonomy"
        )
    stored = TaxonomyRevision.objects.filter(organisation=organisation)
    number = (stored.aggregate(top=Max("number"))["top"] or 0) + 1
    user = user_of(actor)
    revision = TaxonomyRevision.objects.create(
        organisation=organisation,
        number=number,
        text=taxonomy.to_yaml(),
        note=note.strip()[:300],
        created_by=user,
        created_by_label="" if user is not None else actor_label(actor),
    )
    record_audit(
        actor,
        action,
        f"taxonomy {organisation.code} r{number}",
        note=note.strip()[:300],
        **changes,
        **details,
    )
    return revision


def import_text(organisation: Unit, text: str, *, actor: Actor, note: str = "") -> TaxonomyRevision:
    """Validate uploaded YAML and store it as ``organisation``'s new revision."""
    return save_taxonomy(
        organisation, taxonomy_from_text(text), actor=actor, note=note, action="themes.import"
    )


def restore(organisation: Unit, number: int, *, actor: Actor) -> TaxonomyRevision:
    """Store the text of an older revision as a new revision (history is never rewritten)."""
    queries.require_taxonomy_editor(actor, organisation)
    old = queries.revision(organisation, number)
    note = gettext("Restored revision %(n)d") % {"n": number}
    return save_taxonomy(
        organisation,
        taxonomy_from_text(old.text),
        actor=actor,
        note=note,
        action="themes.restore",
        restored=number,
    )


def _lines(text: str | Iterable[str]) -> list[str]:
    items = text.splitlines() if isinstance(text, str) else list(text)
    return [" ".join(s.split()) for s in items if s.strip()]


def theme_node(
    *,
    label: Mapping[str, str],
    terms: Mapping[str, Mapping[str, str | Iterable[str]]],
    description: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The mapping of one theme from form values (term lists as one term per line)."""
    node: dict[str, Any] = {"label": {lang: text.strip() for lang, text in label.items() if text.strip()}}
    if not node["label"].get("sv"):
        node["label"]["sv"] = ""  # reported as themes.<key>.label.sv: is required
    if description:
        kept = {lang: text.strip() for lang, text in description.items() if text.strip()}
        if kept:
            node["description"] = kept
    for lang in LANGUAGES:
        spec = {kind: _lines(terms.get(lang, {}).get(kind, "")) for kind in TERM_KINDS}
        spec = {kind: items for kind, items in spec.items() if items}
        if spec:
            node[lang] = spec
    return node


def save_theme(
    organisation: Unit, key: str, node: Mapping[str, Any], *, actor: Actor, new: bool, note: str = ""
) -> TaxonomyRevision:
    """Add theme ``key`` (``new``) or replace its content; validated like an uploaded file."""
    queries.require_taxonomy_editor(actor, organisation)
    data = copy.deepcopy(queries.taxonomy_in_force(organisation).to_mapping())
    themes = data["themes"]
    if new and key in themes:
        raise InvalidArgument(
            gettext("themes.%(key)s: a theme with this key already exists") % {"key": key},
            field=f"themes.{key}",
            value=key,
        )
    if not new and key not in themes:
        raise InvalidArgument(
            gettext("themes.%(key)s: no such theme") % {"key": key}, field=f"themes.{key}", value=key
        )
    themes[key] = dict(node)
    action = "themes.add" if new else "themes.edit"
    return save_taxonomy(organisation, validated(data), actor=actor, note=note, action=action, theme=key)


def remove_theme(organisation: Unit, key: str, *, actor: Actor, note: str = "") -> TaxonomyRevision:
    """Remove theme ``key`` (refused, naming the rules and cases, when it is in use)."""
    queries.require_taxonomy_editor(actor, organisation)
    data = copy.deepcopy(queries.taxonomy_in_force(organisation).to_mapping())
    if key not in data["themes"]:
        raise InvalidArgument(
            gettext("themes.%(key)s: no such theme") % {"key": key}, field=f"themes.{key}", value=key
        )
    del data["themes"][key]
    return save_taxonomy(
        organisation, validated(data), actor=actor, note=note, action="themes.remove", theme=key
    )


# ------------------------------------------------------------------------------------ discovery runs
# Propose themes from the comments a person may read, and accept them into the taxonomy. A run is computed
# while the person waits (a bounded, seeded sample: see :mod:`kundpuls.reports.theme_discovery` for the
# measured cost) and stored with its proposals, so that each proposal can be reviewed and accepted later.
# Accepting makes a new taxonomy revision and an audit event.


def _require_discoverer(actor: Actor, survey: Survey, unit: Unit) -> None:
    """A taxonomy editor of ``survey``'s organisation who may read the comments of ``unit``, a unit of
    that organisation."""
    queries.require_taxonomy_editor(actor, survey.organisation)
    require(actor, Capability.VIEW_COMMENTS, unit)
    if organisation_id(unit) != survey.organisation_id:
        raise InvalidArgument(
            gettext("unit: %(unit)s is not a unit of the organisation of survey %(key)r")
            % {"unit": unit.code, "key": survey.key},
            field="unit",
            value=unit.code,
        )


def run_discovery(survey: Survey, unit: Unit, *, actor: Actor, period: str = "") -> DiscoveryRun:
    """Propose themes from the releasable comments of ``unit``'s subtree in ``survey`` and store the run."""
    _require_discoverer(actor, survey, unit)
    version = current_version(survey)
    if version is None:
        raise InvalidArgument(
            gettext("survey: %(key)s has no published version") % {"key": survey.key},
            field="survey",
            value=survey.key,
        )
    from kundpuls.reports.theme_discovery import propose_themes  # NMF: loaded when a run starts

    started = time.perf_counter()
    number = queries.revision_number(survey.organisation)
    run = DiscoveryRun(
        survey=survey, unit=unit, period=period, revision=number or None, created_by=user_of(actor)
    )
    try:
        result = propose_themes(
            str(settings.KUNDPULS_LAKE_DIR),
            results_definition(survey, version),
            unit.code,
            taxonomy=queries.taxonomy_in_force(survey.organisation),
            threshold_setting=settings.KUNDPULS_ANONYMITY_THRESHOLD,
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
    from kundpuls.text.discovery import ThemeProposal

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
def accept_proposal(
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
    _require_discoverer(actor, run.survey, run.unit)
    run = DiscoveryRun.objects.select_for_update().get(pk=run.pk)
    stored, proposal = _proposal(run, index)
    organisation = run.survey.organisation
    current = queries.taxonomy_in_force(organisation)
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
    revision = save_taxonomy(
        organisation,
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
