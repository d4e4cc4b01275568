"""Responses: stored exactly once per submission, with contact details kept apart."""
