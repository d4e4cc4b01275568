from django.urls import path

from kundpuls.web.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<int:pk>/ta-bort/", views.webhook_remove, name="remove"),
]
