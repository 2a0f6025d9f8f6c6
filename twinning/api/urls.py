from django.urls import path

from twinning.api import oauth, views

app_name = "api"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.new_token, name="new_token"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("clients/", views.clients, name="clients"),
    path("clients/new/", views.new_client, name="new_client"),
    path("clients/<int:pk>/revoke/", views.revoke_client, name="revoke_client"),
    path("oauth/token", oauth.token, name="oauth_token"),
]
