from django.urls import path  # noqa: F401

from twinning.library import views  # noqa: F401

app_name = "library"

urlpatterns: list = []
