from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaperConfig(AppConfig):
    name = "kundpuls.web.paper"
    label = "paper"
    verbose_name = _("Paper questionnaires")

    def ready(self) -> None:
        from kundpuls.web.paper.erasure import WaitingPaperEntries
        from kundpuls.web.responses.erasure import PARTICIPANTS

        if not any(isinstance(p, WaitingPaperEntries) for p in PARTICIPANTS):
            PARTICIPANTS.append(WaitingPaperEntries())
