from django.urls import path

from twinning.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("limits/", views.policies, name="policies"),
    path("limits/<int:programme_pk>/", views.policy, name="policy"),
]
