"""The staff portal's own pages: the organisation overview, a unit's page and the navigation.

These pages put together what several apps hold (the unit tree, open survey links, what a person may edit),
so they sit above the apps in the web layers (``pyproject.toml``, docs/architecture.md) instead of inside one.
"""
