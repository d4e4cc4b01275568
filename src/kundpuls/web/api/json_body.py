"""A cheap look at a JSON body before it is parsed: how deeply its arrays and objects nest.

``json.loads`` recurses once per level, so ``[[[[…]]]]`` 100,000 levels deep ends in a ``RecursionError``
(a 500) after the whole body was read. :func:`json_depth` counts the levels with one regular-expression scan
(strings skipped, so brackets inside text do not count) and stops as soon as ``limit`` is passed; the API
refuses anything deeper than ``MAX_JSON_DEPTH`` before parsing. A batch of responses needs 4 levels.
"""

from __future__ import annotations

import re

MAX_JSON_DEPTH = 32
# A string (closing quote optional, so an unterminated one ends the scan instead of being retried at every
# quote — linear time), or one bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]', re.DOTALL)


def json_depth(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The deepest nesting of ``body``, counted up to ``limit + 1`` (then the scan stops)."""
    depth = deepest = 0
    for token in _TOKENS.finditer(body):
        first = token.group()[:1]
        if first in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif first in (b"]", b"}"):
            depth -= 1
    return deepest
