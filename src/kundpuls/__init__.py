"""Kundpuls: listen to customers, understand them honestly, act on what they say.

The package is layered (see ``docs/architecture.md``): pure maths in :mod:`kundpuls.stats`, comment
analysis in :mod:`kundpuls.text`, the survey model in :mod:`kundpuls.instruments`, the response lake and
its engines in :mod:`kundpuls.analytics`, and the Django project in :mod:`kundpuls.web`. Importing this
package imports none of them, so ``import kundpuls`` stays fast.
"""

__version__ = "0.1.0"
