"""Shared output helpers for CLI commands: one JSON document on stdout for ``--json``, errors to stderr."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer

from kundpuls.errors import ImportRowsError, KundpulsError


def emit_json(document: Any) -> None:
    """Write one JSON document to stdout (UTF-8, non-ASCII kept, dates as ISO strings)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=_default) + "\n")


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def fail(error: KundpulsError | str, *, as_json: bool = False, code: int = 2) -> NoReturn:
    """Report an error (to stdout as JSON with ``--json``, else to stderr) and exit with ``code``."""
    message = str(error)
    if as_json:
        payload: dict[str, Any] = {"error": message}
        if isinstance(error, ImportRowsError):
            payload["errors"] = [e.__dict__ for e in error.listed]
            payload["more_errors"] = error.unlisted
        emit_json(payload)
    elif isinstance(error, ImportRowsError):
        typer.echo(f"{len(error.errors)} fel – inget importerades / errors – nothing imported:", err=True)
        for row_error in error.listed:
            typer.echo(f"  {row_error}", err=True)
        if error.unlisted:
            typer.echo(f"  … och {error.unlisted} fel till / and {error.unlisted} more", err=True)
    else:
        typer.echo(f"Fel / error: {message}", err=True)
    raise typer.Exit(code)
