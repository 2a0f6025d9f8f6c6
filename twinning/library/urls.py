from django.urls import path

from twinning.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("new/submit/", views.new_submit, name="new_submit"),
    path("review/", views.review, name="review"),
    path("<int:pk>/", views.activity, name="activity"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/add-to-plan/", views.add_to_plan, name="add_to_plan"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/versions/<int:number>/publish/", views.publish, name="publish"),
    path("<int:pk>/versions/<int:number>/return/", views.return_version, name="return"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.detach, name="detach"),
]
