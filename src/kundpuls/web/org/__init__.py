"""The organisation: the unit tree (with history), roles on units, and the one permission function."""
