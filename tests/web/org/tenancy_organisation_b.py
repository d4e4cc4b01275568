"""Organisation B for the tenancy attackers: one object of every kind Kundpuls stores, in the region (RGX),
each marked ``ZZB``, and a snapshot of every row of B an attacker could change.

Used by the route walk (``test_tenancy_walk.py``) and the action walk (``test_action_tenancy.py``): a
person of organisation A (the municipality, EXK) must neither see (the marker) nor change (the snapshot)
any of it.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.utils import timezone

from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.web.accounts.models import User
from kundpuls.web.api.actions import create_token
from kundpuls.web.api.models import ApiToken
from kundpuls.web.cases.models import AlertRuleSet, Case, CaseNote
from kundpuls.web.goals.models import Goal, ImprovementAction, UnitCost
from kundpuls.web.invitations.models import Invitation
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.models import Role, Unit
from kundpuls.web.paper.models import PaperEntry, PaperForm
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.themes.actions import validated
from kundpuls.web.themes.models import DiscoveryRun, TaxonomyRevision
from kundpuls.web.webhooks.models import Webhook, WebhookDelivery, WebhookEvent

MARKER = "ZZB"


def make_organisation_b() -> dict[str, Any]:
    """One object of every kind in organisation B (the region), each marked ``ZZB``."""
    region = Unit.objects.get(code="RGX")
    unit = Unit.objects.get(code="RGX-VC-CEN")
    Unit.objects.filter(pk=unit.pk).update(name=f"Vårdcentralen {MARKER}")
    survey = Survey.objects.get(key="patient", organisation=region)
    Survey.objects.filter(pk=survey.pk).update(title=f"Patientenkät {MARKER}")
    version = survey.versions.filter(published_at__isnull=False).order_by("-number").first()
    distribution = Distribution.objects.filter(survey=survey, unit=unit, closed_at__isnull=True).first()
    assert version is not None and distribution is not None
    response = Response.objects.create(
        submission_id=uuid.uuid4(),
        survey=survey,
        version=version,
        distribution=distribution,
        unit=unit,
        channel="link",
        answers={"kommentar": f"svar {MARKER}"},
        submitted_at=timezone.now(),
    )
    now = timezone.now()
    case = Case.objects.create(
        response=response, unit=unit, survey=survey, opened_at=now, due_date=date(2026, 12, 10)
    )
    CaseNote.objects.create(case=case, text=f"anteckning {MARKER}", at=now)
    AlertRuleSet.objects.update_or_create(survey=survey, defaults={"rules": {}})
    goal = Goal.objects.create(unit=unit, survey=survey, metric="nps", period="2026", target=10.0)
    improvement = ImprovementAction.objects.create(
        unit=unit,
        survey=survey,
        driver="information",
        title=f"åtgärd {MARKER}",
        started=date(2026, 1, 1),
        due_date=date(2026, 6, 30),
    )
    UnitCost.objects.create(unit=unit, period="2026", cost=1000, volume=10)
    webhook = Webhook.objects.create(url=f"https://{MARKER.lower()}.example/hook", unit=region, events=[])
    event = WebhookEvent.objects.create(
        event_id=uuid.uuid4(), kind="goal.changed", subject=f"goal:{goal.pk}", unit_path=unit.path,
        data={"unit": unit.code}, created_at=now,
    )  # fmt: skip
    delivery = WebhookDelivery.objects.create(webhook=webhook, event=event, next_attempt_at=now)
    person = User.objects.get(email="analytiker.region@kundpuls.example")
    token, _ = create_token(person, f"nyckel {MARKER}", actor=DEMO)
    themes = default_taxonomy().to_mapping()
    first = next(iter(themes["themes"]))
    themes["themes"][first]["label"] = {"sv": f"Tema {MARKER}", "en": f"Theme {MARKER}"}
    revision = TaxonomyRevision.objects.create(
        organisation=region, number=1, text=validated(themes).to_yaml()
    )
    run = DiscoveryRun.objects.create(survey=survey, unit=unit, proposals=[{"key": MARKER.lower()}])
    invitation = Invitation.objects.create(
        survey=survey, distribution=distribution, unit=unit, token_hash=uuid.uuid4().hex
    )
    paper = Distribution.objects.create(survey=survey, unit=unit, channel="paper")
    form = PaperForm.objects.create(form_id="ZZBB-2026", distribution=paper, version=version, language="sv")
    closed = Distribution.objects.create(survey=survey, unit=unit, channel="qr", closed_at=now)
    return {
        "region": region,
        "unit": unit,
        "survey": survey,
        "version": version,
        "distribution": distribution,
        "closed_distribution": closed,
        "paper_distribution": paper,
        "paper_form": form,
        "response": response,
        "case": case,
        "goal": goal,
        "improvement": improvement,
        "webhook": webhook,
        "delivery": delivery,
        "person": person,
        "token": token,
        "revision": revision,
        "theme": first,
        "run": run,
        "invitation": invitation,
    }


def snapshot_b(b: dict[str, Any]) -> dict[str, Any]:
    """Every row of B an attacker could change (values, so any change shows)."""
    region, unit = b["region"], b["unit"]
    in_b = {"unit__path__startswith": region.path}
    of_b = {"survey__organisation": region}
    paper_in_b = {"distribution__unit__path__startswith": region.path}
    return {
        "surveys": list(Survey.objects.filter(organisation=region).values()),
        "versions": list(b["survey"].versions.values()),
        "distributions": list(Distribution.objects.filter(**in_b).values()),
        "distributions of B's surveys": list(Distribution.objects.filter(**of_b).values()),
        "responses": list(Response.objects.filter(**in_b).values()),
        "responses to B's surveys": list(Response.objects.filter(**of_b).values()),
        "cases": list(Case.objects.filter(**in_b).values()),
        "notes": list(CaseNote.objects.filter(case__unit__path__startswith=region.path).values()),
        "rules": list(AlertRuleSet.objects.filter(survey__organisation=region).values()),
        "goals": list(Goal.objects.filter(**in_b).values()),
        "goals on B's surveys": list(Goal.objects.filter(**of_b).values()),
        "actions": list(ImprovementAction.objects.filter(**in_b).values()),
        "actions on B's surveys": list(ImprovementAction.objects.filter(**of_b).values()),
        "costs": list(UnitCost.objects.filter(**in_b).values()),
        "webhooks": list(Webhook.objects.filter(**in_b).values()),
        "deliveries": list(
            WebhookDelivery.objects.filter(webhook__in=Webhook.objects.filter(**in_b)).values()
        ),
        "tokens": list(ApiToken.objects.filter(user=b["person"]).values()),
        "taxonomy": list(TaxonomyRevision.objects.filter(organisation=region).values()),
        "runs": list(DiscoveryRun.objects.filter(unit=unit).values()),
        "invitations": list(Invitation.objects.filter(**in_b).values()),
        "paper forms": list(PaperForm.objects.filter(**paper_in_b).values()),
        "paper entries": list(PaperEntry.objects.filter(**paper_in_b).values()),
        "units": list(Unit.objects.filter(path__startswith=region.path).values()),
        "roles": list(Role.objects.filter(**in_b).values()),
    }
