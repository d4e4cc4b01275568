"""The invitation and reminder mails, in the recipient's language, with the personal and unsubscribe links."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from kundpuls.web.invitations.bounce_reference import message_id_for
from kundpuls.web.invitations.models import Invitation, InvitationContact
from kundpuls.web.invitations.tokens import token_for
from kundpuls.web.surveys.queries import current_version, definition_of


def survey_link(invitation: Invitation) -> str:
    return f"{settings.KUNDPULS_BASE_URL}/i/{token_for(invitation.submission_id)}/"


def unsubscribe_link(invitation: Invitation) -> str:
    return f"{survey_link(invitation)}avregistrera/"


def build_message(
    invitation: Invitation, contact: InvitationContact, *, step: int, delivery_id: int | None = None
) -> EmailMessage:
    """The mail of ``step`` (0: the invitation, 1…: reminders) for one recipient.

    With ``delivery_id`` its ``Message-ID`` names the delivery, so a bounce can be matched to it later
    (:mod:`kundpuls.web.invitations.bounces`).
    """
    language = invitation.language if invitation.language in {"sv", "en"} else "sv"
    version = current_version(invitation.survey)
    title = invitation.survey.title
    if version is not None:
        title = definition_of(version).title.in_language(language)
    context = {
        "name": contact.name,
        "title": title,
        "unit": invitation.unit.name,
        "link": survey_link(invitation),
        "reference": invitation.reference,
        "unsubscribe": unsubscribe_link(invitation),
        "reminder": step > 0,
        "closes_at": invitation.expires_at,
    }
    with translation.override(language):
        subject = render_to_string("invitations/mail_subject.txt", context).strip()
        body = render_to_string("invitations/mail_body.txt", context)
    headers = {
        "List-Unsubscribe": f"<{context['unsubscribe']}>",
        "Content-Language": language,
        "Auto-Submitted": "auto-generated",
    }
    if delivery_id is not None:
        headers["Message-ID"] = message_id_for(delivery_id)
    sender = settings.DEFAULT_FROM_EMAIL
    return EmailMessage(subject=subject, body=body, from_email=sender, to=[contact.email], headers=headers)
