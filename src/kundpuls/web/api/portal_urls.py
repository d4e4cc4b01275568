from django.urls import path

from kundpuls.web.api import pages

app_name = "api_tokens"
urlpatterns = [
    path("", pages.tokens, name="list"),
    path("<int:pk>/aterkalla/", pages.revoke, name="revoke"),
]
