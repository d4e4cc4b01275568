from django.urls import path

from kundpuls.web.goals import views

app_name = "goals"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("enheter/<str:code>/", views.unit_goals, name="unit"),
    path("enheter/<str:code>/andra/", views.unit_act, name="act"),
    path("enheter/<str:code>/produktivitet.svg", views.productivity_svg, name="chart"),
]
