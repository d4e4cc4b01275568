from django.urls import path

from kundpuls.web.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/atgard/", views.case_act, name="act"),
    path("ni-sa-vi-gjorde/<str:code>/", views.summary, name="summary"),
    path("regler/<str:key>/", views.rules_edit, name="rules"),
]
