from django.urls import path

from twinning.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/<int:twinning_pk>/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("evaluation/", views.evaluations, name="evaluations"),
    path("evaluation/<int:pk>/", views.evaluate, name="evaluate"),
    path("international/", views.international, name="international"),
    path("school/", views.school, name="school"),
    path("awards/", views.awards, name="awards"),
]
