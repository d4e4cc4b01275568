from django.urls import path

from kundpuls.web.responses import data_views

app_name = "responsedata"
urlpatterns = [
    path("<slug:key>/import/", data_views.history_import, name="import"),
    path("<slug:key>/export/", data_views.respondent_export, name="export"),
]
