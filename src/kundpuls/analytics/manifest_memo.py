"""The lake's manifest parsed once per content, not once per read.

Every results read starts from the manifest (:func:`kundpuls.analytics.rollup.open_lake`, the results
cache's key), and a page makes many: parsing its JSON into a :class:`Manifest` costs in proportion to the
lake's files (a millisecond per hundred or so), so a lake of years paid it several times per page. A
manifest is replaced whole (written aside, then renamed over the old one), so its bytes say which
manifest it is: :func:`parsed_manifest` reads the bytes — cheap — and parses them only when they differ
from those it parsed last for the same lake. A manifest that changed is therefore always read afresh.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from kundpuls.analytics.lake.layout import MANIFEST_NAME
from kundpuls.analytics.lake.manifest import (
    LakeLocation,
    Manifest,
    manifest_exists,
    read_manifest,
)

_LOCK = threading.Lock()
_PARSED: OrderedDict[tuple[str, bytes], Manifest] = OrderedDict()
MAX_MANIFESTS = 8


def parsed_manifest(location: LakeLocation) -> Manifest:
    """The manifest of ``location``, as :func:`~kundpuls.analytics.lake.manifest.read_manifest` reads it
    (:class:`~kundpuls.errors.NotFound` without one), parsed only when its bytes changed."""
    if not manifest_exists(location):
        return read_manifest(location)  # raises NotFound, as it says
    with location.filesystem.open_input_stream(location.path(MANIFEST_NAME)) as stream:
        raw = stream.read()
    key = (str(location.root), hashlib.blake2b(raw, digest_size=20).digest())
    with _LOCK:
        found = _PARSED.get(key)
        if found is not None:
            _PARSED.move_to_end(key)
            return found
    manifest = Manifest.from_json(json.loads(raw.decode("utf-8")))
    with _LOCK:
        _PARSED[key] = manifest
        while len(_PARSED) > MAX_MANIFESTS:
            _PARSED.popitem(last=False)
    return manifest
