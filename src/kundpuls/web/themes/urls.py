from django.urls import path

from kundpuls.web.themes import views

app_name = "themes"
urlpatterns = [
    path("", views.theme_list, name="list"),
    path("nytt/", views.theme_new, name="new"),
    path("tema/<slug:key>/", views.theme_edit, name="edit"),
    path("tema/<slug:key>/ta-bort/", views.theme_remove, name="remove"),
    path("teman.yaml", views.download, name="download"),
    path("ladda-upp/", views.upload, name="upload"),
    path("historik/", views.history, name="history"),
    path("historik/<int:number>/teman.yaml", views.download, name="revision_download"),
    path("historik/<int:number>/aterstall/", views.restore, name="restore"),
    path("upptack/", views.discover, name="discover"),
    path("upptack/<int:pk>/", views.discovery_run, name="discovery"),
    path("upptack/<int:pk>/forslag/<int:index>/", views.discovery_accept, name="accept"),
]
