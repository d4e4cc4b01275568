from django.urls import path

from kundpuls.web.surveys import codebook_views, editor_views, mirror_views, section_views, views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("ny/", views.survey_new, name="new"),
    path("skapa/", editor_views.editor_start, name="editor_start"),
    path("utskick/<int:pk>/<str:kind>/", views.distribution_download, name="download"),
    path("<str:key>/", views.survey_detail, name="detail"),
    path("<str:key>/forhandsgranska/", views.survey_preview, name="preview"),
    path("<str:key>/publicera/", views.survey_publish, name="publish"),
    path("<str:key>/oppna/", views.survey_open, name="open"),
    path("<str:key>/stang/", views.survey_close, name="close"),
    path("<str:key>/versioner/", editor_views.versions, name="versions"),
    path("<str:key>/definition.yaml", editor_views.definition_file, name="definition_file"),
    path("<str:key>/oppna-igen/", views.survey_reopen, name="reopen"),
    path("<str:key>/redigera/", editor_views.editor, name="editor"),
    path("<str:key>/redigera/andra/", editor_views.editor_change, name="editor_change"),
    path("<str:key>/redigera/fraga/<str:question>/", editor_views.editor_question, name="editor_question"),
    path("<str:key>/redigera/sida/<str:page>/", editor_views.editor_page, name="editor_page"),
    path("<str:key>/redigera/avsnitt/<str:block>/", editor_views.editor_block, name="editor_block"),
    path("<str:key>/redigera/nytt-avsnitt/", section_views.editor_add_section, name="editor_add_section"),
    path(
        "<str:key>/redigera/avsnitt/<str:block>/dela/",
        section_views.editor_split_section,
        name="editor_split_section",
    ),
    path(
        "<str:key>/redigera/avsnitt/<str:block>/ta-bort/",
        section_views.editor_remove_section,
        name="editor_remove_section",
    ),
    path("<str:key>/redigera/kodbok/", editor_views.editor_codebook, name="editor_codebook"),
    path("<str:key>/redigera/kodbok/index/<str:name>/", codebook_views.editor_index, name="editor_index"),
    path(
        "<str:key>/redigera/kodbok/drivarmodell/",
        codebook_views.editor_driver_model,
        name="editor_driver_model",
    ),
    path("<str:key>/redigera/kodbok/speglingar/", mirror_views.editor_mirrors, name="editor_mirrors"),
]
