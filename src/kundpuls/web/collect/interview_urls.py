from django.urls import path

from kundpuls.web.collect import interview

app_name = "interview"
urlpatterns = [
    path("<str:key>/", interview.choose_unit, name="start"),
    path("<str:key>/<str:unit_code>/", interview.interview, name="walk"),
]
