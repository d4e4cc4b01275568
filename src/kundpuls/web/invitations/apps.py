from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "kundpuls.web.invitations"
    label = "invitations"
    verbose_name = _("Invitations")

    def ready(self) -> None:
        from kundpuls.web.invitations.erasure import InvitedPeople
        from kundpuls.web.responses.erasure import PARTICIPANTS

        if not any(isinstance(p, InvitedPeople) for p in PARTICIPANTS):
            PARTICIPANTS.append(InvitedPeople())
