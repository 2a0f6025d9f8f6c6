from django.urls import path

from twinning.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.defaults, name="defaults"),
    path("<slug:slug>/", views.policy, name="policy"),
    path("<slug:slug>/change/", views.edit, name="edit"),
    path("<slug:slug>/next-run/", views.dry_run, name="dry_run"),
]
