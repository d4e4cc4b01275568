from django.urls import path

from kundpuls.web.paper import views

app_name = "paper"
urlpatterns = [
    path("<str:key>/<str:unit_code>/", views.paper_entry, name="entry"),
    path("<str:key>/<str:unit_code>/utskrift/", views.print_forms, name="print"),
]
