"""The ``kundpuls`` command line."""
