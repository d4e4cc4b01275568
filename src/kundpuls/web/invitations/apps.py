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

        from kundpuls.web.invitations.references import answered_on_any_channel, invitation_of_reference
        from kundpuls.web.responses.references import RESOLVERS
        from kundpuls.web.responses.signals import responses_created

        if invitation_of_reference not in RESOLVERS:
            RESOLVERS.append(invitation_of_reference)
        responses_created.connect(answered_on_any_channel, dispatch_uid="invitations-answered-on-any-channel")
