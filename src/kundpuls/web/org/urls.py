from django.urls import path

from kundpuls.web.org import views

app_name = "org"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("enheter/<str:code>/", views.unit_detail, name="unit"),
]
