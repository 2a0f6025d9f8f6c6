from django.urls import path

from twinning.communities import views

app_name = "communities"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.community, name="community"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/threads/", views.threads, name="threads"),
    path("<int:pk>/threads/<int:thread_pk>/", views.thread, name="thread"),
    path("<int:pk>/threads/<int:thread_pk>/pin/", views.pin, name="pin"),
    path("<int:pk>/posts/<int:post_pk>/hide/", views.hide, name="hide"),
    path("<int:pk>/resources/", views.resources, name="resources"),
    path("<int:pk>/resources/<int:resource_pk>/file/", views.resource_file, name="resource_file"),
    path("<int:pk>/resources/<int:resource_pk>/remove/", views.remove_resource, name="remove_resource"),
    path("<int:pk>/resources/<int:resource_pk>/folder/", views.file_resource, name="file_resource"),
    path("<int:pk>/resources/folders/", views.folders, name="folders"),
    path("<int:pk>/resources/folders/<int:folder_pk>/", views.folder, name="folder"),
    path("<int:pk>/resources/folders/<int:folder_pk>/rename/", views.rename_folder, name="rename_folder"),
    path("<int:pk>/resources/folders/<int:folder_pk>/up/", views.move_folder_up, name="move_folder_up"),
    path("<int:pk>/resources/folders/<int:folder_pk>/down/", views.move_folder_down, name="move_folder_down"),
    path("<int:pk>/resources/folders/<int:folder_pk>/delete/", views.delete_folder, name="delete_folder"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/<int:member_pk>/moderator/", views.make_moderator, name="make_moderator"),
    path("<int:pk>/members/<int:member_pk>/member/", views.make_member, name="make_member"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.remove_member, name="remove_member"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/requests/<int:request_pk>/accept/", views.accept_request, name="accept_request"),
    path("<int:pk>/requests/<int:request_pk>/decline/", views.decline_request, name="decline_request"),
    path("<int:pk>/invitations/<int:invitation_pk>/accept/", views.accept_invitation, name="accept_invitation"),
    path("<int:pk>/invitations/<int:invitation_pk>/decline/", views.decline_invitation, name="decline_invitation"),
    path("<int:pk>/invitations/<int:invitation_pk>/withdraw/", views.withdraw_invitation, name="withdraw_invitation"),
]
