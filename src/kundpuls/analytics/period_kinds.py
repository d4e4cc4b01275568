"""The period kinds, in one place: what the engines aggregate by, and what reports and pages offer.

A module of its own (no pyarrow) so that commands and forms can name the kinds without loading an engine.
"""

#: Every period kind the engines aggregate by (``kundpuls analyze --by``).
PERIOD_KINDS = ("month", "quarter", "year", "rolling12", "all")
#: The period kinds reports, pages and the API offer: calendar periods, which split time without overlap
#: (rolling windows overlap, so a change between two of them is not a change between two groups).
REPORT_PERIOD_KINDS = ("month", "quarter", "year")
