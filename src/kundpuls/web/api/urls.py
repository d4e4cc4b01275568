from django.urls import path

from kundpuls.web.api import views

app_name = "api"
urlpatterns = [
    path("", views.index, name="index"),
    path("openapi.json", views.openapi, name="openapi"),
    path("units/", views.units, name="units"),
    path("surveys/", views.surveys, name="surveys"),
    path("responses/", views.responses, name="responses"),
    path("results/<str:survey>/", views.overview, name="overview"),
    path("results/<str:survey>/units/<str:unit>/", views.unit_results, name="unit"),
]
