"""``kundpuls webhooks add|list|remove|deliveries``: other systems hear about events (docs/webhooks.md).

``add URL --event response.stored [--event …] --unit CODE`` registers an address for the events of a
unit's subtree and prints the secret that signs its deliveries — once: keep it with the receiver.
``deliveries`` lists the latest attempts (status, attempts, the receiver's last answer, the next try).
"""

from __future__ import annotations

from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError, NotFound

webhooks_app = typer.Typer(
    help="Webhooks: signerade POST till andra system / signed POSTs of events to other systems.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@webhooks_app.command("add")
def add_command(
    url: Annotated[str, typer.Argument(help="Mottagarens adress / the receiver's http(s) address.")],
    event: Annotated[
        list[str],
        typer.Option(
            "--event", help="response.stored, case.opened, case.closed eller/or goal.changed (repeatable)."
        ),
    ],
    unit: Annotated[
        str, typer.Option("--unit", help="Enhetskod: händelser i dess delträd / unit's subtree.")
    ],
    json: JsonOption = False,
) -> None:
    """Registrera en adress / register an address for events (the secret is shown once)."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.org.models import Unit
    from kundpuls.web.webhooks.actions import add_webhook

    try:
        scope = Unit.objects.filter(code=unit).first()
        if scope is None:
            raise NotFound(f"unit: no unit {unit!r}")
        events = [e.strip() for value in event for e in value.split(",") if e.strip()]
        webhook = add_webhook(url, events, unit=scope, actor=CLI)
    except NotFound as exc:
        fail(exc, as_json=json, code=1)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    document = {
        "id": webhook.pk,
        "url": webhook.url,
        "unit": unit,
        "events": webhook.events,
        "secret": webhook.secret,
    }
    if json:
        emit_json(document)
    else:
        typer.echo(f"Webhook {webhook.pk}: {webhook.url} ({', '.join(webhook.events)}, {unit})")
        typer.echo(f"Hemlighet / secret (visas en gång / shown once): {webhook.secret}")


@webhooks_app.command("list")
def list_command(json: JsonOption = False) -> None:
    """Lista adresserna / list the registered addresses."""
    setup_django()
    from kundpuls.web.webhooks.queries import webhook_rows

    rows = webhook_rows()
    if json:
        emit_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']}\t{row['url']}\t{row['unit']}\t{', '.join(row['events'])}")


@webhooks_app.command("remove")
def remove_command(
    webhook_id: Annotated[int, typer.Argument(help="Webhookens id / the webhook's id (see list).")],
    json: JsonOption = False,
) -> None:
    """Sluta skicka till en adress / stop sending to an address (its log is kept)."""
    setup_django()
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.webhooks.actions import remove_webhook
    from kundpuls.web.webhooks.models import Webhook

    webhook = Webhook.objects.filter(pk=webhook_id, removed_at__isnull=True).select_related("unit").first()
    if webhook is None:
        fail(NotFound(f"webhook: no active webhook {webhook_id}"), as_json=json, code=1)
    remove_webhook(webhook, actor=CLI)
    if json:
        emit_json({"id": webhook_id, "removed": True})
    else:
        typer.echo(f"Webhook {webhook_id} borttagen / removed")


@webhooks_app.command("deliveries")
def deliveries_command(
    webhook_id: Annotated[
        int | None, typer.Option("--webhook", help="Bara denna / only this webhook.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="Högst / at most.")] = 100,
    json: JsonOption = False,
) -> None:
    """De senaste leveranserna / the latest deliveries and their attempts."""
    setup_django()
    from kundpuls.web.webhooks.queries import delivery_rows

    rows = delivery_rows([webhook_id] if webhook_id is not None else None, limit=limit)
    if json:
        emit_json(rows)
        return
    for row in rows:
        answer = row["last_status_code"] or row["last_error"] or "–"
        typer.echo(
            f"{row['event_id']}\t{row['event']}\t{row['status']}\t{row['attempts']}\t{answer}\t{row['url']}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(webhooks_app, name="webhooks")
