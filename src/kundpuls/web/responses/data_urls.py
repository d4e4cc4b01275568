from django.urls import path

from kundpuls.web.responses import data_views

app_name = "responsedata"
urlpatterns = [
    path("<str:key>/import/", data_views.history_import, name="import"),
    path("<str:key>/export/", data_views.respondent_export, name="export"),
]
