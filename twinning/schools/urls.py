from django.urls import path

from twinning.schools import programme_views, views

app_name = "schools"

urlpatterns = [
    path("join/", views.signup, name="signup"),
    path("join/find-school/", views.signup_find_school, name="signup_find_school"),
    path("join/with-account/", views.signup_with_account, name="signup_with_account"),
    path(
        "join/with-account/find-school/",
        views.signup_with_account_find_school,
        name="signup_with_account_find_school",
    ),
    path("join/sent/", views.signup_sent, name="signup_sent"),
    path("join/schools/", views.signup_school_search, name="signup_school_search"),
    path("join/again/", views.resubmit, name="resubmit"),
    path("validation/", views.validation_queue, name="queue"),
    path("validation/teachers/<int:pk>/", views.teacher_for_validation, name="teacher_validation"),
    path("validation/teachers/<int:pk>/approve/", views.approve_teacher, name="approve_teacher"),
    path("validation/teachers/<int:pk>/reject/", views.reject_teacher, name="reject_teacher"),
    path("validation/schools/<int:pk>/approve/", views.approve_school, name="approve_school"),
    path("validation/schools/<int:pk>/reject/", views.reject_school, name="reject_school"),
    path("principal/teachers/<int:pk>/vouch/", views.vouch_for_teacher, name="vouch"),
    path("nso/<int:pk>/settings/", views.nso_settings, name="nso_settings"),
    path("schools/", views.school_directory, name="directory"),
    path("schools/<int:pk>/", views.school_detail, name="detail"),
    path("schools/<int:pk>/edit/", views.edit_school, name="edit"),
    path("programmes/<slug:slug>/pairing-rules/", views.programme_rules, name="programme_rules"),
    path("schools/<int:pk>/programmes/join/", programme_views.request_membership, name="request_membership"),
    path("membership-requests/", programme_views.membership_queue, name="membership_queue"),
    path("membership-requests/<int:pk>/approve/", programme_views.approve_membership, name="approve_membership"),
    path("membership-requests/<int:pk>/refuse/", programme_views.refuse_membership, name="refuse_membership"),
    path("programmes/<slug:slug>/members/", programme_views.programme_members, name="programme_members"),
    path(
        "programmes/<slug:slug>/members/<int:school_pk>/remove/",
        programme_views.remove_member,
        name="remove_member",
    ),
]
