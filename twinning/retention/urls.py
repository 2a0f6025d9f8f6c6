from django.urls import path

from twinning.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.defaults, name="defaults"),
    # Before the NSOs' addresses, so that a programme's is never read as an NSO's.
    path("programme/<slug:slug>/", views.programme_policy, name="programme_policy"),
    path("programme/<slug:slug>/change/", views.programme_edit, name="programme_edit"),
    path("programme/<slug:slug>/next-run/", views.programme_dry_run, name="programme_dry_run"),
    path("<slug:slug>/", views.policy, name="policy"),
    path("<slug:slug>/change/", views.edit, name="edit"),
    path("<slug:slug>/next-run/", views.dry_run, name="dry_run"),
]
