from django.urls import path

from twinning.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/recompute/", views.recompute, name="recompute"),
    path("<int:pk>/guidance/done/", views.mark_done, name="mark_done"),
    path("limits/", views.policies, name="policies"),
    path("limits/<int:programme_pk>/", views.policy, name="policy"),
]
