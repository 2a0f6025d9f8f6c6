from django.urls import path

from twinning.home import views

# No namespace: "home" and "dashboard" are the site's own two names, used everywhere.
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
