from django.urls import path

from twinning.api import views

app_name = "api"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.new_token, name="new_token"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
]
