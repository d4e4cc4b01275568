"""Use cases: combine analytics, stats and text into frozen result contracts."""
