from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "kundpuls.web.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from kundpuls.web.responses.signals import responses_created
        from kundpuls.web.webhooks.events import responses_created_receiver

        responses_created.connect(responses_created_receiver, dispatch_uid="webhooks.responses_created")
