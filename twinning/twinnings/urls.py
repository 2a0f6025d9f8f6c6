from django.urls import path

from twinning.twinnings import views

app_name = "twinnings"

urlpatterns = [
    path("", views.twinning_list, name="list"),
    path("propose/<int:school_pk>/", views.propose, name="propose"),
    path("rematch/", views.rematch, name="rematch"),
    path("teachers/<int:teacher_pk>/left/", views.teacher_left, name="teacher_left"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/contacts/", views.contacts, name="contacts"),
    path("<int:pk>/invite/", views.invite, name="invite"),
]
