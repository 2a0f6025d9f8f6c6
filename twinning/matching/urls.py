from django.urls import path

from twinning.matching import views

app_name = "matching"

urlpatterns = [
    path("profile/", views.edit_profile, name="profile"),
    path("search/", views.search, name="search"),
    path("request/<int:pk>/", views.request_partnership, name="request"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/accept/", views.accept_proposal, name="accept_proposal"),
    path("proposals/<int:pk>/decline/", views.decline_proposal, name="decline_proposal"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/pairs/<int:pair_pk>/rule/", views.cohort_rule, name="cohort_rule"),
    path("cohorts/<int:pk>/pair/", views.cohort_pair, name="cohort_pair"),
    path("cohorts/<int:pk>/rerun/", views.cohort_rerun, name="cohort_rerun"),
    path("cohorts/<int:pk>/approve/", views.cohort_approve, name="cohort_approve"),
]
