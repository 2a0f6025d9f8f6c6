from django.urls import path

from twinning.showcase import views

app_name = "showcase"

urlpatterns = [
    path("programmes/<slug:slug>/", views.programme, name="programme"),
    path("programmes/<slug:slug>/logo/", views.logo, name="logo"),
    path("programmes/<slug:slug>/accent.css", views.accent, name="accent"),
    path("programmes/<slug:slug>/public-page/", views.edit_page, name="edit_page"),
    path("programmes/<slug:slug>/stories/queue/", views.queue, name="queue"),
    path("programmes/<slug:slug>/stories/<int:pk>/", views.story, name="story"),
    path("programmes/<slug:slug>/stories/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("programmes/<slug:slug>/stories/<int:pk>/approve/", views.approve, name="approve"),
    path("programmes/<slug:slug>/stories/<int:pk>/reject/", views.reject, name="reject"),
    path("showcase/", views.mine, name="mine"),
    path("showcase/twinnings/<int:pk>/story/", views.write, name="write"),
    path("showcase/stories/<int:pk>/remove/", views.remove, name="remove"),
]
