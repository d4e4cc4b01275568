from django.urls import path

from kundpuls.web.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.<str:fmt>", views.overview_export, name="overview_export"),
    path("metoder/", views.methods, name="methods"),
    path("enheter/<str:code>/", views.unit, name="unit"),
    path("enheter/<str:code>/rapport.pdf", views.unit_pdf, name="unit_pdf"),
    path("enheter/<str:code>/tabeller.<str:fmt>", views.unit_export, name="unit_export"),
]
