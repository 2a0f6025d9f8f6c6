from django.urls import path

from twinning.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.index, name="index"),
    path("organise/", views.organise, name="organise"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.offering, name="offering"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("<int:pk>/sessions/<int:session_pk>/", views.session_edit, name="session_edit"),
    path("<int:pk>/sessions/<int:session_pk>/remove/", views.session_remove, name="session_remove"),
    path("<int:pk>/sessions/<int:session_pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/certificates/issue/", views.issue, name="issue"),
    path("<int:pk>/materials/", views.material_add, name="material_add"),
    path("<int:pk>/materials/<int:material_pk>/", views.material, name="material"),
    path("<int:pk>/materials/<int:material_pk>/remove/", views.material_remove, name="material_remove"),
    path("certificates/<int:certificate_pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:certificate_pk>/revoke/", views.revoke, name="revoke"),
    # Public: printed on every certificate, answered without signing in.
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
