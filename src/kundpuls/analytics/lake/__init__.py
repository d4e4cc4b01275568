"""The response lake: Parquet files of responses with a manifest, written append-only and read by the engines.

``layout`` (schema, paths, partitioning), ``manifest`` (the lake's table of contents, committed atomically),
``records`` (a stored response as a lake row), ``writer`` and ``sync`` (appending new responses from a
source), ``erasure`` (removing responses for good), ``migration`` (moving a lake to a new layout). See
``docs/analytics.md``. Importing the package imports none of them.
"""
