"""A URL configuration that puts the workspace's front page elsewhere (test_addresses)."""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, pk):
    return HttpResponse("")


workspace = ([path("elsewhere/<int:pk>/", _page, name="home")], "workspace")
urlpatterns = [path("", include(workspace))]
