"""A seeded synthetic response lake: 12 rating items (1–10) and NPS (0–10) over a 4-level unit tree.

The generator writes straight to the lake through the same path as a sync (:func:`append_batch`), one
calendar month at a time and in chunks of at most ``chunk_rows`` rows, so memory stays bounded whatever
``rows`` is. Responses follow a small known model: an organisation-wide latent satisfaction per
respondent, a unit effect, an age-group effect and item noise; NKI items (``nki1..3``) are driven by the
three areas Bemötande (``bem1..3``), Information (``inf1..3``) and Tillgänglighet (``til1..3``) with
weights :data:`TRUE_DRIVERS`, and NPS follows NKI. About 3–9 % of each item is missing ("vet ej").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kundpuls.analytics.lake.layout import month_from_index, month_index
from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.analytics.lake.sync import append_batch, create_lake
from kundpuls.analytics.lake.writer import remove_orphans, writer_lock
from kundpuls.analytics.unit_paths import path_segments
from kundpuls.errors import InvalidArgument

DEMO_SURVEY = "demo"
AREAS = {"bem": "Bemötande", "inf": "Information", "til": "Tillgänglighet"}
RATING_ITEMS = tuple(f"{area}{i}" for area in ("nki", *AREAS) for i in (1, 2, 3))
NPS_ITEM = "nps"
#: True effect of each area on NKI (latent scale) in the generating model.
TRUE_DRIVERS = {"bem": 0.45, "inf": 0.35, "til": 0.15}
AGE_GROUPS = ("16-29", "30-49", "50-64", "65+")
_AGE_SHARE = np.array([0.18, 0.32, 0.28, 0.22])
_AGE_EFFECT = np.array([-0.25, -0.1, 0.05, 0.3])
_AGE_WEIGHT = np.array([1.35, 1.05, 0.9, 0.85])
CHANNELS = ("link", "qr", "invitation", "sms")
_CHANNEL_SHARE = np.array([0.45, 0.2, 0.25, 0.1])
_COMMENTS = (
    "Mycket trevligt bemötande.",
    "Svårt att hitta information på webben.",
    "Lång väntetid i telefon.",
    "Snabb och tydlig hjälp, tack!",
    "Öppettiderna passar dåligt.",
    "Friendly staff, but the form was confusing.",
)


@dataclass(frozen=True)
class GenerateReport:
    """What :func:`generate_lake` wrote."""

    rows: int
    comments: int
    units: int
    months: int
    files: int


def demo_unit_paths(units: int = 1000) -> dict[str, str]:
    """A 4-level tree: one root, ``b`` departments, ``10·b`` sections, the rest leaf units.

    With ``units=1000``: 1 + 9 + 90 + 900. Codes are ``"1"…"<units>"``; returns ``{code: path}``.
    """
    if not isinstance(units, int) or units < 4:
        raise InvalidArgument(
            f"units: {units!r} must be an integer of at least 4", field="units", value=units
        )
    departments = max(1, round(units ** (1 / 3)) - 1)
    sections = min(departments * 10, max(1, (units - 1 - departments) // 2))
    leaves = units - 1 - departments - sections
    paths = {"1": "/1/"}
    codes = iter(range(2, units + 1))
    level2 = [str(next(codes)) for _ in range(departments)]
    for code in level2:
        paths[code] = f"/1/{code}/"
    level3 = []
    for i in range(sections):
        code = str(next(codes))
        paths[code] = f"{paths[level2[i % departments]]}{code}/"
        level3.append(code)
    for i in range(leaves):
        code = str(next(codes))
        paths[code] = f"{paths[level3[i % sections]]}{code}/"
    return paths


def demo_item_metadata() -> dict[str, dict[str, Any]]:
    """Item metadata of the demo survey (for the lake manifest)."""
    items: dict[str, dict[str, Any]] = {}
    for key in RATING_ITEMS:
        area = key[:3]
        label = "Nöjd Kund Index" if area == "nki" else AREAS[area]
        items[key] = {"min": 1, "max": 10, "kind": "rating", "label": f"{label} {key[3]}"}
    items[NPS_ITEM] = {"min": 0, "max": 10, "kind": "nps", "label": "Rekommendation (NPS)"}
    return items


def generate_lake(
    out_dir: str | os.PathLike[str],
    *,
    rows: int,
    seed: int = 0,
    survey: str = DEMO_SURVEY,
    units: int = 1000,
    months: int = 36,
    start: str = "2023-01",
    chunk_rows: int = 500_000,
    comment_share: float = 0.02,
    progress: Callable[[int], None] | None = None,
    filesystem: Any = None,
) -> GenerateReport:
    """Write ``rows`` synthetic responses of ``survey`` to the lake at ``out_dir`` (appending).

    Parameters
    ----------
    out_dir : str or path
        Lake folder (created if missing) or URI.
    rows : int
        Number of responses, spread evenly over ``months`` months from ``start``.
    seed : int
        Seed; the same arguments give the same lake content.
    units : int
        Units in the 4-level tree; responses go to the units without children.
    chunk_rows : int
        Largest number of rows held in memory and written per file.
    progress : callable, optional
        Called with the number of rows written so far.
    """
    for name, value, low in (("rows", rows, 1), ("months", months, 1), ("chunk_rows", chunk_rows, 1)):
        if not isinstance(value, int) or value < low:
            raise InvalidArgument(
                f"{name}: {value!r} must be an integer of at least {low}", field=name, value=value
            )
    if not 0 <= comment_share <= 1:
        raise InvalidArgument(
            f"comment_share: {comment_share!r} must lie in [0, 1]", field="comment_share", value=comment_share
        )
    rng = np.random.default_rng(seed)
    paths = demo_unit_paths(units)
    parents = {path_segments(p)[-2] for p in paths.values() if len(path_segments(p)) > 1}
    responding = np.array([c for c in paths if c not in parents], dtype=object)
    popularity = rng.lognormal(0.0, 0.8, size=len(responding))
    popularity /= popularity.sum()
    unit_effect = rng.normal(0.0, 0.45, size=len(responding))
    item_offset = rng.normal(0.0, 0.35, size=len(RATING_ITEMS))
    missing_rate = rng.uniform(0.03, 0.09, size=len(RATING_ITEMS) + 1)
    location = lake_location(out_dir, filesystem=filesystem)
    create_lake(location, survey_items={survey: demo_item_metadata()})
    first_month = month_index(start)
    per_month = np.full(months, rows // months, dtype=np.int64)
    per_month[: rows % months] += 1
    written = comments = 0
    with writer_lock(location):
        manifest = read_manifest(location)
        remove_orphans(location, manifest)
        next_id = (manifest.watermark or 0) + 1
        for m in range(months):
            month = month_from_index(first_month + m)
            remaining = int(per_month[m])
            while remaining > 0:
                size = min(remaining, chunk_rows)
                batch = _chunk(
                    rng,
                    size,
                    month,
                    next_id,
                    survey,
                    seed,
                    responding,
                    paths,
                    popularity,
                    unit_effect,
                    item_offset,
                    missing_rate,
                    m / max(months - 1, 1),
                    comment_share,
                )
                manifest, added = append_batch(location, manifest, batch)
                comments += added
                next_id += size
                remaining -= size
                written += size
                if progress is not None:
                    progress(written)
    files = len(manifest.table_files("responses", survey=survey))
    return GenerateReport(written, comments, len(paths), months, files)


def _chunk(
    rng: np.random.Generator,
    size: int,
    month: str,
    first_id: int,
    survey: str,
    seed: int,
    responding: np.ndarray,
    paths: dict[str, str],
    popularity: np.ndarray,
    unit_effect: np.ndarray,
    item_offset: np.ndarray,
    missing_rate: np.ndarray,
    trend: float,
    comment_share: float,
) -> pa.Table:
    unit = rng.choice(len(responding), size=size, p=popularity)
    age = rng.choice(len(AGE_GROUPS), size=size, p=_AGE_SHARE)
    base = unit_effect[unit] + _AGE_EFFECT[age] + 0.15 * trend
    general = rng.normal(0.0, 0.6, size=size)
    area_latent = {a: base + general + rng.normal(0.0, 0.7, size=size) for a in AREAS}
    nki_latent = (
        base + sum(w * area_latent[a] for a, w in TRUE_DRIVERS.items()) + rng.normal(0.0, 0.5, size=size)
    )
    latent = {"nki": nki_latent, **area_latent}
    columns: dict[str, Any] = {}
    for j, key in enumerate(RATING_ITEMS):
        x = 7.0 + item_offset[j] + 1.6 * latent[key[:3]] + rng.normal(0.0, 0.9, size=size)
        x = np.clip(np.rint(x), 1, 10)
        x[rng.random(size) < missing_rate[j]] = np.nan
        columns[f"item_{key}"] = pa.array(x, pa.float64(), from_pandas=True)
    nps = np.clip(np.rint(7.2 + 1.9 * nki_latent + rng.normal(0.0, 1.2, size=size)), 0, 10)
    nps[rng.random(size) < missing_rate[-1]] = np.nan
    columns[f"item_{NPS_ITEM}"] = pa.array(nps, pa.float64(), from_pandas=True)
    ids = np.arange(first_id, first_id + size, dtype=np.int64)
    month_start = datetime.fromisoformat(f"{month}-01T00:00:00").replace(tzinfo=UTC)
    # stay a day clear of month ends, so the Stockholm month equals the generated month
    offsets = rng.integers(86_400, 27 * 86_400, size=size) * 1_000_000
    stamp = np.int64(int(month_start.timestamp()) * 1_000_000) + np.sort(offsets)
    unit_dict = pa.array(list(responding), pa.string())
    path_dict = pa.array([paths[c] for c in responding], pa.string())
    comment = np.where(rng.random(size) < comment_share, rng.integers(0, len(_COMMENTS), size=size), -1)
    comment_dict = pa.array(list(_COMMENTS), pa.string())
    table = {
        "response_id": pa.array(ids),
        "submission_id": pc.binary_join_element_wise(
            f"{survey}-{seed}-", pc.cast(pa.array(ids), pa.string()), ""
        ),
        "survey_key": pa.array(np.full(size, survey, dtype=object), pa.string()),
        "survey_version": pa.array(np.ones(size, dtype=np.int32)),
        "unit_code": pc.take(unit_dict, pa.array(unit)),
        "unit_path": pc.take(path_dict, pa.array(unit)),
        "submitted_at": pa.array(stamp, pa.timestamp("us", tz="UTC")),
        "channel": pc.take(
            pa.array(list(CHANNELS)), pa.array(rng.choice(len(CHANNELS), size=size, p=_CHANNEL_SHARE))
        ),
        "language": pa.array(np.where(rng.random(size) < 0.9, "sv", "en").astype(object), pa.string()),
        "weight": pa.array(_AGE_WEIGHT[age]),
        **columns,
        "bg_age_group": pc.take(pa.array(list(AGE_GROUPS)), pa.array(age)),
        "comment_fritext": pc.if_else(
            pa.array(comment >= 0), pc.take(comment_dict, pa.array(np.maximum(comment, 0))), None
        ),
    }
    return pa.table(table)
