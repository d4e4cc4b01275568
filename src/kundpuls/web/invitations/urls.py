from django.urls import path

from kundpuls.web.invitations import views

app_name = "invitations"
urlpatterns = [
    path("i/<str:token>/", views.invitation_page, name="page"),
    path("i/<str:token>/tack/", views.thanks, name="thanks"),
    path("i/<str:token>/avregistrera/", views.unsubscribe, name="unsubscribe"),
    path("portal/inbjudningar/<str:key>/", views.status_page, name="status"),
    path("portal/inbjudningar/<str:key>/skicka/", views.send, name="send"),
]
