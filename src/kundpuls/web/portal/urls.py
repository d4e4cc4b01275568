from django.urls import path

from kundpuls.web.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("enheter/<str:code>/", views.unit_detail, name="unit"),
]
