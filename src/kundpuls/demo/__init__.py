"""Synthetic demo organisation and responses generated from known models (seeded)."""
