from django.urls import path

from twinning.workspace import views

app_name = "workspace"

urlpatterns = [
    path("<int:pk>/workspace/", views.home, name="home"),
    path("<int:pk>/forum/", views.forum, name="forum"),
    path("<int:pk>/forum/<int:thread_pk>/", views.thread, name="thread"),
]
