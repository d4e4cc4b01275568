"""Surveys: versioned definitions (immutable once published) and their distributions to units."""
