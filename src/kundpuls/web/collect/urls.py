from django.urls import path

from kundpuls.web.collect import views

app_name = "collect"
urlpatterns = [
    path("<str:token>/", views.survey_page, name="survey"),
    path("<str:token>/tack/<str:receipt>/", views.thanks, name="thanks"),
]
