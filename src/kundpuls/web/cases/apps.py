from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "kundpuls.web.cases"
    label = "cases"
    verbose_name = _("Follow-up cases")

    def ready(self) -> None:
        from kundpuls.web.cases.erasure import CaseTombstones
        from kundpuls.web.cases.responses_stored import open_cases_after_commit
        from kundpuls.web.cases.theme_usage import theme_usage_in_cases
        from kundpuls.web.responses.erasure import PARTICIPANTS
        from kundpuls.web.responses.signals import responses_stored
        from kundpuls.web.themes.queries import USAGE_PROVIDERS

        if theme_usage_in_cases not in USAGE_PROVIDERS:
            USAGE_PROVIDERS.append(theme_usage_in_cases)
        if not any(isinstance(p, CaseTombstones) for p in PARTICIPANTS):
            PARTICIPANTS.append(CaseTombstones())
        responses_stored.connect(open_cases_after_commit, dispatch_uid="cases.open_cases_after_commit")
