from django.urls import path

from twinning.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("programmes/<slug:slug>/", views.programme_report, name="programme_report"),
    path("programmes/<slug:slug>/export.csv", views.programme_export_csv, name="programme_export_csv"),
    path("programmes/<slug:slug>/export.xlsx", views.programme_export_xlsx, name="programme_export_xlsx"),
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results.csv", views.survey_results_csv, name="survey_results_csv"),
    path("surveys/<int:pk>/results.xlsx", views.survey_results_xlsx, name="survey_results_xlsx"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
]
