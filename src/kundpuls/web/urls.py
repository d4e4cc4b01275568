from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kundpuls.web.health import healthz
from kundpuls.web.operations import metrics as operations_metrics

admin.site.site_header = "Kundpuls"
admin.site.site_title = "Kundpuls"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:overview", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("metrics", operations_metrics.metrics, name="metrics"),  # Prometheus, behind a token (issue 21)
    path("s/", include("kundpuls.web.collect.urls")),  # early: most requests are respondent pages
    path("konto/", include("kundpuls.web.accounts.urls")),
    path("portal/", include("kundpuls.web.portal.urls")),
    path("portal/enkater/", include("kundpuls.web.surveys.urls")),
    path("portal/arenden/", include("kundpuls.web.cases.urls")),
    path("portal/mal/", include("kundpuls.web.goals.urls")),
    path("portal/resultat/", include("kundpuls.web.dashboards.urls")),
    path("portal/teman/", include("kundpuls.web.themes.urls")),
    path("portal/dataskydd/", include("kundpuls.web.responses.urls")),
    path("portal/svarsdata/", include("kundpuls.web.responses.data_urls")),  # import and export (issue 20)
    path("portal/webhooks/", include("kundpuls.web.webhooks.urls")),
    path("portal/telefon/", include("kundpuls.web.collect.interview_urls")),  # phone interviews (issue 20)
    path("portal/papper/", include("kundpuls.web.paper.urls")),  # paper questionnaires typed in (issue 20)
    path("api/v1/", include("kundpuls.web.api.urls")),
    path("portal/api-nycklar/", include("kundpuls.web.api.portal_urls")),
    path("portal/drift/", include("kundpuls.web.operations.urls")),
    path("", include("kundpuls.web.invitations.urls")),  # /i/<token>/ and /portal/inbjudningar/ (issue 4)
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
