from django.urls import path

from kundpuls.web.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("ny/", views.survey_new, name="new"),
    path("utskick/<int:pk>/<str:kind>/", views.distribution_download, name="download"),
    path("<slug:key>/", views.survey_detail, name="detail"),
    path("<slug:key>/forhandsgranska/", views.survey_preview, name="preview"),
    path("<slug:key>/publicera/", views.survey_publish, name="publish"),
    path("<slug:key>/oppna/", views.survey_open, name="open"),
    path("<slug:key>/stang/", views.survey_close, name="close"),
]
