"""Running Kundpuls: ``demo``, ``serve``, ``migrate``, ``createadmin``, ``check``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from kundpuls.cli.django_setup import setup_django
from kundpuls.cli.output import emit_json, fail
from kundpuls.errors import ConfigurationError, KundpulsError


def migrate(json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False) -> None:
    """Create or upgrade the database schema (safe to run again)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if json else 1)
    if json:
        emit_json({"migrated": True})


def createadmin(
    email: Annotated[str, typer.Option(help="E-mail address to log in with.")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file instead of asking.")
    ] = None,
) -> None:
    """Create an administrator (or reset one), asking for the password unless a file gives it."""
    setup_django()
    from kundpuls.web.org.actions import create_admin
    from kundpuls.web.org.actors import CLI

    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    else:
        password = typer.prompt("Lösenord / password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_admin(email, password, name=name, actor=CLI)
    except KundpulsError as exc:
        fail(exc)
    typer.echo(f"Administratör klar / administrator ready: {user.email}")


def check(
    deploy: Annotated[bool, typer.Option("--deploy", help="Also run Django's production checks.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the configuration, the database connection, migrations and (with --deploy) security settings."""
    setup_django()
    from django.core import checks
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from kundpuls.config import get_config

    config = get_config()
    messages = checks.run_checks(include_deployment_checks=deploy)
    problems: list[dict[str, Any]] = [
        {"id": m.id, "level": int(m.level), "message": str(m.msg)}
        for m in messages
        if m.level >= checks.WARNING
    ]
    try:
        executor = MigrationExecutor(connection)
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        database = "ok"
    except Exception as exc:  # a database that cannot be reached is the answer, not a crash
        pending, database = -1, f"error: {type(exc).__name__}: {exc}"
    report: dict[str, Any] = {
        "database": database,
        "database_vendor": connection.vendor,
        "pending_migrations": pending,
        "debug": config.debug,
        "demo": config.demo,
        "data_dir": str(config.data_dir),
        "problems": problems,
    }
    ok = database == "ok" and pending == 0 and not any(p["level"] >= checks.ERROR for p in problems)
    report["status"] = "ok" if ok else "error"
    if json:
        emit_json(report)
    else:
        for key, value in report.items():
            if key != "problems":
                typer.echo(f"{key}: {value}")
        for p in problems:
            typer.echo(f"  [{p['id']}] {p['message']}")
    if not ok:
        raise typer.Exit(1)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    threads: Annotated[int, typer.Option(help="Threads per worker.")] = 4,
) -> None:
    """Serve Kundpuls with the production server (gunicorn), static files included.

    The address is recorded in the data folder (``server_address``), so links, QR codes and posters made
    by later commands point here unless KUNDPULS_BASE_URL says otherwise.
    """
    _record_address(host, port)
    setup_django()
    from django.core.management import call_command

    # Static files are served from their collected, hashed copies; collect them first (idempotent).
    call_command("collectstatic", interactive=False, verbosity=0)
    from kundpuls.web.server import run_gunicorn

    run_gunicorn(host=host, port=port, workers=workers, threads=threads)


def _record_address(host: str, port: int) -> None:
    """Record the address a server starts on, before the configuration is read (it becomes the base URL)."""
    from kundpuls.config import get_config, record_server_address, server_url

    try:
        record_server_address(server_url(host, port))
    except (ConfigurationError, OSError) as exc:
        fail(str(exc))
    get_config.cache_clear()


def _demo_environment() -> None:
    """Demo mode with a generated secret kept in the data dir (unless the environment gives one)."""
    from kundpuls.config import ensure_demo_secret_key

    os.environ["KUNDPULS_DEMO"] = "1"
    try:
        ensure_demo_secret_key()
    except OSError as exc:
        fail(f"KUNDPULS_DATA_DIR: cannot write the demo's secret key: {exc}")


def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server afterwards.")
    ] = True,
    json: Annotated[bool, typer.Option("--json", help="Print what was loaded as JSON.")] = False,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth",
            help="Also write the truth behind the demo data to this JSON file: every unit's, month's, "
            "quarter's, year's and index's true value and change, the drivers by true strength, the demo "
            "goals' true states.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Set up the demo (database, demo organisation, users, data) and serve it (default 127.0.0.1:8000)."""
    _demo_environment()
    if serve_after:
        _record_address(host, port)
    setup_django()
    from django.core.management import call_command

    from kundpuls.demo.organisation import DEMO_PASSWORD, USERS
    from kundpuls.web.demo_setup import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    loaded = load_demo(progress=not json)
    if truth is not None:
        _write_demo_truth(truth)
        loaded["truth"] = str(truth)
    logins = [
        {"email": u.email, "password": DEMO_PASSWORD, "role": u.role, "persona": u.persona} for u in USERS
    ]
    if json:
        emit_json({"loaded": loaded, "url": f"http://{host}:{port}/", "logins": logins})
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Demo-inloggningar / demo logins (fungerar bara i demoläge / demo mode only)")
        table.add_column("e-post / e-mail", no_wrap=True)
        table.add_column("roll / role", no_wrap=True)
        table.add_column("vem / who")
        for login in logins:
            table.add_row(login["email"], login["role"], login["persona"])
        console = Console()
        console.print(table)
        console.print(f"Lösenord för alla / password for all: [bold]{DEMO_PASSWORD}[/bold]")
        if serve_after:
            console.print(
                f"Kundpuls körs på / runs at [bold]http://{host}:{port}/[/bold]  (Ctrl-C avslutar / stops)"
            )
        else:
            console.print("Demon är laddad / demo loaded; [bold]kundpuls demo[/bold] startar / serves it")
    if serve_after:
        serve(host=host, port=port)


def _write_demo_truth(path: Path) -> None:
    """The demo's truth (:func:`kundpuls.web.responses.demo.demo_truth`) with the demo goals, as JSON."""
    from kundpuls.demo.truth import write_truth
    from kundpuls.web.goals.demo import GOALS
    from kundpuls.web.responses.demo import demo_truth

    goals: dict[str, list[tuple[str, str, float]]] = {}
    for unit, metric, survey, target in GOALS:
        if survey is not None and metric.startswith("index:"):
            goals.setdefault(survey, []).append((unit, metric.removeprefix("index:"), float(target)))
    try:
        write_truth(path, {"surveys": demo_truth(period_kinds=("month", "quarter", "year"), goals=goals)})
    except OSError as error:
        fail(f"--truth: cannot write {str(path)!r}: {error.strerror}")


def version_command(
    json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """The installed Kundpuls release (its changes: CHANGELOG.md; upgrade with ``kundpuls migrate``)."""
    from kundpuls.config import release_version

    release = release_version()
    emit_json({"version": release}) if json else typer.echo(f"Kundpuls {release}")


def register(app: typer.Typer) -> None:
    app.command("version")(version_command)
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("migrate")(migrate)
    app.command("createadmin")(createadmin)
    app.command("check")(check)
