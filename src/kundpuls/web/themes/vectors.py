"""The comment reader's vectors of every comment in the lake, encoded ahead of the pages that read them.

The results pages read a period's comments with :func:`kundpuls.text.reading.read_comments`, which needs
each comment's vector (:mod:`kundpuls.text.meaning`, about 25 ms of CPU a comment). The background warming
after each sync encodes the new comments of the periods it warms; :func:`encode_lake_comments` encodes the
whole lake at once (``kundpuls demo`` does it while it builds), so that no page waits for the encoder.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from kundpuls.analytics.lake.erasure import comment_texts
from kundpuls.analytics.lake.manifest import lake_location, manifest_exists
from kundpuls.text import meaning

CHUNK = 512
"""Comments encoded and stored at a time."""


def encode_lake_comments() -> dict[str, Any]:
    """Encode every distinct comment text of the lake into the vector store; returns how many there are."""
    location = lake_location(str(settings.KUNDPULS_LAKE_DIR))
    if not manifest_exists(location) or not meaning.available():
        return {"comments": 0}
    texts = list(dict.fromkeys(comment_texts(location)))
    for start in range(0, len(texts), CHUNK):
        meaning.encode(texts[start : start + CHUNK])
    return {"comments": len(texts)}
