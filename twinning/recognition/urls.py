from django.urls import path

from twinning.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.index, name="index"),
    path("apply/<int:twinning_pk>/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/submit/", views.submit_application, name="submit_application"),
    path("applications/<int:pk>/withdraw/", views.withdraw_application, name="withdraw_application"),
    path("evaluation/", views.evaluations, name="evaluations"),
    path("evaluation/<int:pk>/", views.evaluate, name="evaluate"),
    path("evaluation/<int:pk>/score/", views.score, name="score"),
    path("evaluation/<int:pk>/decide/", views.decide, name="decide"),
    path("international/", views.international, name="international"),
    path("school/", views.school, name="school"),
    path("school/request/", views.request_school_label, name="request_school_label"),
    path("school/award/", views.award_school_label, name="award_school_label"),
    path("school/refuse/", views.refuse_school_label, name="refuse_school_label"),
    path("awards/", views.awards, name="awards"),
    path("awards/categories/", views.add_category, name="add_category"),
    path("awards/<int:category_pk>/nominate/", views.nominate, name="nominate"),
    path("awards/<int:category_pk>/winner/", views.name_winner, name="name_winner"),
    path("awards/<int:category_pk>/not-winner/", views.unname_winner, name="unname_winner"),
]
