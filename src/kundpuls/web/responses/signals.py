"""What the responses app announces to the apps above it (which it must not import).

``responses_stored`` is sent once the transaction that stored responses has committed, with
``response_ids`` (the new responses' primary keys, only those whose respondent consented to follow-up). The
cases app opens follow-up cases from it (:mod:`kundpuls.web.cases.responses_stored`).

``responses_created`` is sent *inside* the transaction that stores new responses, with ``submission_ids``
(of every new response), so that what listens records its part atomically with them: the webhooks app writes
its ``response.stored`` events (:mod:`kundpuls.web.webhooks.events`).
"""

from __future__ import annotations

from django.dispatch import Signal

responses_stored = Signal()
responses_created = Signal()
