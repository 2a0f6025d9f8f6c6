from django.urls import path

from twinning.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.start, name="start"),
    path("check/", views.check, name="check"),
    path("<int:pk>/", views.review, name="review"),
    path("<int:pk>/import/", views.run, name="run"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invitations/resend-expired/", views.resend_expired, name="resend_expired"),
    path("invitations/<int:pk>/resend/", views.resend, name="resend"),
    path("welcome/<str:token>/", views.accept, name="accept"),
]
