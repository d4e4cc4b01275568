"""``kundpuls api token create|list|revoke``: personal API tokens for programs that read results."""

from __future__ import annotations

from typing import Annotated

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import KundpulsError, NotFound

api_app = typer.Typer(help="API för program / the API for programs (docs/api.md).", no_args_is_help=True)
token_app = typer.Typer(help="API-nycklar / API tokens.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@token_app.command("create")
def create_command(
    email: Annotated[str, typer.Option("--email", help="The person the program acts for.")],
    name: Annotated[str, typer.Option("--name", help="What uses the token, e.g. 'Power BI'.")],
    json: JsonOption = False,
) -> None:
    """Create a token; it is printed this once (only its hash is stored)."""
    setup_django()
    from kundpuls.web.accounts.models import User
    from kundpuls.web.api.actions import create_token
    from kundpuls.web.org.actors import CLI

    try:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise NotFound(f"email: no user {email!r}")
        token, secret = create_token(user, name, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    if json:
        emit_json({"id": token.pk, "user": user.email, "name": token.name, "token": secret})
    else:
        typer.echo(f"{secret}\n(id {token.pk}, {user.email}, {token.name}; visas bara nu / shown only now)")


@token_app.command("list")
def list_command(json: JsonOption = False) -> None:
    """Every token: id, person, name, created, last used, revoked (never the secret)."""
    setup_django()
    from kundpuls.web.api.models import ApiToken

    rows = [
        {
            "id": t.pk,
            "user": t.user.email,
            "name": t.name,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in ApiToken.objects.select_related("user")
    ]
    if json:
        emit_json({"tokens": rows})
        return
    for row in rows:
        state = "revoked" if row["revoked_at"] else f"last used {row['last_used_at'] or 'never'}"
        typer.echo(f"{row['id']}: {row['user']} · {row['name']} · {state}")


@token_app.command("revoke")
def revoke_command(
    token_id: Annotated[int, typer.Argument(help="The token's id (kundpuls api token list).")],
    json: JsonOption = False,
) -> None:
    """Revoke a token at once (programs using it get 401)."""
    setup_django()
    from kundpuls.web.api.actions import revoke_token
    from kundpuls.web.org.actors import CLI

    try:
        token = revoke_token(token_id, actor=CLI)
    except KundpulsError as exc:
        fail(exc, as_json=json)
    result = {"id": token.pk, "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}
    if json:
        emit_json(result)
    else:
        typer.echo(f"{token.pk}: revoked {result['revoked_at']}")


def register(app: typer.Typer) -> None:
    api_app.add_typer(token_app, name="token")
    app.add_typer(api_app, name="api")
