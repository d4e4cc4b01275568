"""The batched lake sync writes the very lake the record-by-record sync wrote, byte for byte.

The reference below is the sync as it was before the batches became columns: every response read through the
ORM, turned into one record (``answers`` / ``background`` / ``comments``) and handed to ``sync_lake`` as
records. Both syncs run over the same seeded responses of every demo survey (the patient survey's
positive-share dimensions included), in small batches that mix surveys, once with answers as the pages store
them and once with values of other types (numbers as text, choices as numbers, yes/no as 0/1, empty and
numeric comments) that the batched path converts value by value; every Parquet file and the manifest must be
the same.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kundpuls.analytics.lake.layout import submission_key
from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.positive_shares import derived_answers, share_dimensions
from kundpuls.analytics.unit_paths import path_from_segments, path_segments
from kundpuls.instruments import stored_items
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.lake_source import published_item_metadata, response_fetcher
from kundpuls.web.responses.models import Response
from kundpuls.web.surveys.models import Distribution, SurveyVersion
from kundpuls.web.surveys.queries import current_version, definition_of
from old_record_path import split_answers

pytestmark = [pytest.mark.django_db, pytest.mark.database]


def _record_fetch(after: int | None, limit: int) -> list[dict[str, Any]]:
    """The reference: the sync's fetch before this change, one record per response."""
    query = Response.objects.order_by("pk")
    if after is not None:
        query = query.filter(pk__gt=after)
    rows = list(
        query.values_list(
            "pk",
            "submission_id",
            "survey__lake_key",
            "version_id",
            "version__number",
            "unit_id",
            "unit__code",
            "submitted_at",
            "channel",
            "language",
            "answers",
        )[:limit]
    )
    codes = dict(Unit.objects.values_list("pk", "code"))
    paths = {
        pk: path_from_segments(codes[int(part)] for part in path_segments(path))
        for pk, path in Unit.objects.values_list("pk", "path")
    }
    records = []
    for (
        pk,
        submission,
        survey,
        version_id,
        number,
        unit_id,
        code,
        submitted,
        channel,
        language,
        stored,
    ) in rows:
        definition = definition_of(SurveyVersion.objects.get(pk=version_id))
        kinds = {item.key: item.kind for item in stored_items(definition)}
        answers, background, comments = split_answers(stored, kinds)
        dimensions = share_dimensions(definition)
        if dimensions:
            answers.update(derived_answers(dimensions, [stored])[0])
        records.append(
            {
                "response_id": pk,
                "submission_id": submission_key(submission),
                "survey": survey,
                "survey_version": number,
                "unit_code": code,
                "unit_path": paths[unit_id],
                "submitted_at": submitted,
                "channel": channel,
                "language": language,
                "answers": answers,
                "background": background,
                "comments": comments,
            }
        )
    return records


def _value(item: Any, rng: random.Random, *, odd: bool) -> Any:
    roll = rng.random()
    if roll < 0.08:
        return None
    if item.kind == "numeric":
        low = int(item.scale_min if item.scale_min is not None else 0)
        high = int(item.scale_max if item.scale_max is not None else 10)
        value = rng.randint(low, high)
        if odd and roll < 0.2:
            return str(value)
        return value + 0.5 if roll > 0.93 and high > low else value
    if item.kind == "choice":
        options = list(item.options or ["a", "b"])
        return rng.randrange(len(options)) if odd and roll < 0.3 else str(rng.choice(options))
    if item.kind == "boolean":
        return rng.randint(0, 1) if odd and roll < 0.3 else roll < 0.6
    if item.kind == "text":
        if odd and roll < 0.2:
            return rng.choice([0, 5])
        return rng.choice(["", "Bra bemötande.", 'Lång väntetid – "ring" tillbaka\n', "  "])
    return [rng.choice(list(item.options or ["a"]))] if item.options else None


def _seed(count: int, *, odd: bool) -> None:
    rng = random.Random(21)
    links = []
    for distribution in Distribution.objects.select_related("survey", "unit").order_by("pk"):
        version = current_version(distribution.survey)
        if version is not None:
            links.append((distribution, version, stored_items(definition_of(version))))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for _ in range(count):
        distribution, version, items = links[rng.randrange(len(links))]
        answers = {item.key: _value(item, rng, odd=odd) for item in items if rng.random() < 0.9}
        moment = start + timedelta(seconds=rng.randrange(400 * 86400), microseconds=rng.randrange(10**6))
        rows.append(
            Response(
                submission_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                survey=distribution.survey,
                version=version,
                distribution=distribution,
                unit=distribution.unit,
                channel=rng.choice(["web", "paper", "phone"]),
                language=rng.choice(["sv", "en"]),
                submitted_at=moment,
                answers=answers,
            )
        )
    Response.objects.bulk_create(rows)


def _contents(lake: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    files = {str(p.relative_to(lake)): p.read_bytes() for p in sorted(lake.rglob("*.parquet"))}
    manifest = read_manifest(lake_location(lake)).to_json()
    manifest.pop("updated_at")
    return files, manifest


@pytest.mark.parametrize("odd", [False, True], ids=["stored-by-the-pages", "values-of-other-types"])
def test_the_batched_sync_writes_the_lake_the_record_sync_wrote(tmp_path: Path, odd: bool) -> None:
    _seed(400, odd=odd)
    items = published_item_metadata()
    before = sync_lake(tmp_path / "records", _record_fetch, batch_size=97, survey_items=items)
    after = sync_lake(
        tmp_path / "batched", response_fetcher(settle_seconds=0), batch_size=97, survey_items=items
    )
    assert (after.responses, after.comments, after.watermark) == (
        before.responses,
        before.comments,
        before.watermark,
    )
    assert after.responses == 400 and after.comments > 0
    old_files, old_manifest = _contents(tmp_path / "records")
    new_files, new_manifest = _contents(tmp_path / "batched")
    assert new_manifest == old_manifest
    assert sorted(new_files) == sorted(old_files)
    assert [name for name in old_files if new_files[name] != old_files[name]] == []
