"""Unit paths: a unit and its ancestors in one string, root first (``/a/b/c/``).

Two kinds of path share this form, and variable names say which one they hold:

* in the database (``Unit.path``) the segments are **primary keys** (``/1/4/17/``): a subtree is one indexed
  prefix query, and renaming a unit's code changes no path;
* in the lake and everything read from it the segments are **unit codes** (``/KOMMUN/OMSORG/HEMT/``), so the
  Parquet files can be read without the database. ``responses.lake_source`` turns the one into the other.

These functions split and join either kind; validation of code paths lives in ``lake_layout``.
"""

from __future__ import annotations

from collections.abc import Iterable


def path_segments(path: str) -> list[str]:
    """``"/a/b/c/"`` -> ``["a", "b", "c"]``, root first; ``""`` or ``"/"`` -> ``[]``."""
    return [segment for segment in path.strip("/").split("/") if segment]


def path_from_segments(segments: Iterable[str | int]) -> str:
    """``["a", "b"]`` -> ``"/a/b/"``; no segments -> ``""`` (no path)."""
    parts = [str(segment) for segment in segments]
    return "/" + "/".join(parts) + "/" if parts else ""


def parent_path(path: str) -> str:
    """The path of a unit's parent (``""`` for a root)."""
    segments = path_segments(path)
    return path_from_segments(segments[:-1]) if len(segments) > 1 else ""
