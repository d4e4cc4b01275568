from django.urls import path

from kundpuls.web.surveys import editor_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("ny/", views.survey_new, name="new"),
    path("skapa/", editor_views.editor_start, name="editor_start"),
    path("utskick/<int:pk>/<str:kind>/", views.distribution_download, name="download"),
    path("<slug:key>/", views.survey_detail, name="detail"),
    path("<slug:key>/forhandsgranska/", views.survey_preview, name="preview"),
    path("<slug:key>/publicera/", views.survey_publish, name="publish"),
    path("<slug:key>/oppna/", views.survey_open, name="open"),
    path("<slug:key>/stang/", views.survey_close, name="close"),
    path("<slug:key>/versioner/", editor_views.versions, name="versions"),
    path("<slug:key>/definition.yaml", editor_views.definition_file, name="definition_file"),
    path("<slug:key>/oppna-igen/", views.survey_reopen, name="reopen"),
    path("<slug:key>/redigera/", editor_views.editor, name="editor"),
    path("<slug:key>/redigera/andra/", editor_views.editor_change, name="editor_change"),
    path("<slug:key>/redigera/fraga/<str:question>/", editor_views.editor_question, name="editor_question"),
    path("<slug:key>/redigera/sida/<str:page>/", editor_views.editor_page, name="editor_page"),
    path("<slug:key>/redigera/kodbok/", editor_views.editor_codebook, name="editor_codebook"),
]
