"""The manifest is parsed once per content: the same bytes give the same object, new bytes a new one."""

from __future__ import annotations

import json

import pytest

from kundpuls.analytics.lake.layout import MANIFEST_NAME
from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.manifest_memo import parsed_manifest
from kundpuls.analytics.rollup import open_lake
from kundpuls.errors import ConfigurationError, NotFound

from .conftest import ITEMS, ListSource, make_records


def test_the_same_manifest_is_parsed_once_and_a_new_one_read_afresh(tmp_path):
    records = make_records(120, seed=81)
    sync_lake(tmp_path, ListSource(records[:60]), survey_items={"demo": ITEMS})
    location = lake_location(tmp_path)
    first = parsed_manifest(location)
    assert parsed_manifest(location) is first
    assert first == read_manifest(location)
    sync_lake(tmp_path, ListSource(records), survey_items={"demo": ITEMS})
    second = open_lake(tmp_path)[1]
    assert second.generation > first.generation
    assert second == read_manifest(location)
    assert open_lake(tmp_path)[1] is second


def test_a_lake_of_another_schema_version_is_still_refused(tmp_path):
    sync_lake(tmp_path, ListSource(make_records(30, seed=82)), survey_items={"demo": ITEMS})
    open_lake(tmp_path)
    path = tmp_path / MANIFEST_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema_version"] = 999
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="999"):
        open_lake(tmp_path)


def test_a_folder_without_a_lake_is_not_found(tmp_path):
    with pytest.raises(NotFound):
        parsed_manifest(lake_location(tmp_path / "nothing"))
