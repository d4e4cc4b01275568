"""The respondent's progress, carried in a signed hidden field instead of a server session.

Nothing is stored until the last page is sent, so a visit that is abandoned leaves no row behind, and any
number of web workers can serve the next page. The signature (Django's signing with the secret key) makes
a tampered or forged state a clear error, never a stored response.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from django.core import signing

SALT = "kundpuls.collect.state.v1"
MAX_AGE_SECONDS = 14 * 24 * 3600  # a respondent may leave a survey open for two weeks


class BadState(Exception):
    """The hidden state is missing, tampered with, expired or belongs to another survey."""


@dataclass(frozen=True)
class RespondentState:
    submission_id: uuid.UUID
    distribution_id: int
    version_id: int
    page: str
    language: str
    answers: dict[str, Any] = field(default_factory=dict)

    def dumps(self) -> str:
        payload = {
            "s": self.submission_id.hex,
            "d": self.distribution_id,
            "v": self.version_id,
            "p": self.page,
            "l": self.language,
            "a": self.answers,
        }
        return signing.dumps(payload, salt=SALT, compress=True)

    def at(self, page: str, answers: dict[str, Any] | None = None) -> RespondentState:
        return replace(self, page=page, answers=self.answers if answers is None else answers)

    @staticmethod
    def new(distribution_id: int, version_id: int, page: str, language: str) -> RespondentState:
        return RespondentState(uuid.uuid4(), distribution_id, version_id, page, language, {})

    @staticmethod
    def loads(token: str, *, distribution_id: int) -> RespondentState:
        """The state of a posted form for the distribution ``distribution_id`` (else :class:`BadState`)."""
        state = RespondentState.read(token)
        if state.distribution_id != distribution_id:
            raise BadState("other_survey")
        return state

    @staticmethod
    def read(token: str) -> RespondentState:
        """The state of a posted form, its signature and age checked (not yet which survey it belongs to)."""
        try:
            payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
            state = RespondentState(
                submission_id=uuid.UUID(hex=payload["s"]),
                distribution_id=int(payload["d"]),
                version_id=int(payload["v"]),
                page=str(payload["p"]),
                language=str(payload["l"]),
                answers=dict(payload["a"]),
            )
        except signing.SignatureExpired as exc:
            raise BadState("expired") from exc
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise BadState("bad_signature") from exc
        return state
