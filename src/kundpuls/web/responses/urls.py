from django.urls import path

from kundpuls.web.responses import views

app_name = "responses"
urlpatterns = [
    path("", views.erasure, name="erasure"),
]
