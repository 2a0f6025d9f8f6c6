from django.urls import path

from twinning.consent import views

app_name = "consent"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("pupils/<int:pk>/", views.pupil, name="pupil"),
    path("pupils/<int:pk>/send/", views.send_link, name="send_link"),
    path("pupils/<int:pk>/paper/", views.paper_form, name="paper_form"),
    path("pupils/<int:pk>/paper/record/", views.record_paper, name="record_paper"),
    path("forms/<int:pk>/scan/", views.scan, name="scan"),
    # The family's link: a random token, nothing in it names the pupil.
    path("f/<str:token>/", views.family, name="family"),
    path("f/<str:token>/answer/", views.family_answer, name="family_answer"),
    path("f/<str:token>/withdraw/", views.family_withdraw, name="family_withdraw"),
    path("f/<str:token>/new-link/", views.family_ask, name="family_ask"),
]
