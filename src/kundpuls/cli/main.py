"""The ``kundpuls`` command: one Typer application; each topic registers its commands from its own module.

A topic module exposes ``register(app: typer.Typer) -> None``. Commands that need the database call
:func:`kundpuls.cli.django_setup.setup_django` inside the command, so pure commands (``pls``, ``text``,
``report`` from a file) work without any server or database.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="kundpuls",
    help="Kundpuls – kunddialog, ärlig statistik och uppföljning. / customer dialogue, honest statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Topic modules, registered in this order. A module listed here must exist.
TOPICS: tuple[str, ...] = (
    "kundpuls.cli.server",
    "kundpuls.cli.units",
    "kundpuls.cli.surveys",
    "kundpuls.cli.sync",
    "kundpuls.cli.analytics",
    "kundpuls.cli.invitations",
    "kundpuls.cli.pls",
    "kundpuls.cli.text",
    "kundpuls.cli.cases",
    "kundpuls.cli.responses",
    "kundpuls.cli.goals",
    "kundpuls.cli.report",
    "kundpuls.cli.api",
    "kundpuls.cli.jobs",
    "kundpuls.cli.backup",
    "kundpuls.cli.webhooks",
    "kundpuls.cli.reference",
)


def _register_all() -> None:
    for name in TOPICS:
        module = importlib.import_module(name)
        module.register(app)


def main() -> None:
    """Entry point of the ``kundpuls`` console script."""
    _register_all()
    app()


if __name__ == "__main__":
    main()
