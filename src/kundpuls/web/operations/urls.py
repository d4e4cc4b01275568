from django.urls import path

from kundpuls.web.operations import views

app_name = "operations"
urlpatterns = [path("", views.status, name="status")]
