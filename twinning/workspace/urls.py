from django.urls import path

from twinning.workspace import views

app_name = "workspace"

urlpatterns = [
    path("<int:pk>/workspace/", views.home, name="home"),
    path("<int:pk>/forum/", views.forum, name="forum"),
    path("<int:pk>/forum/<int:thread_pk>/", views.thread, name="thread"),
    path("<int:pk>/media/", views.media, name="media"),
    path("<int:pk>/media/<int:item_pk>/file/", views.media_file, name="media_file"),
    path("<int:pk>/media/<int:item_pk>/album/", views.file_media, name="file_media"),
    path("<int:pk>/media/albums/", views.albums, name="albums"),
    path("<int:pk>/media/albums/<int:album_pk>/", views.album, name="album"),
    path("<int:pk>/media/albums/<int:album_pk>/rename/", views.rename_album, name="rename_album"),
    path("<int:pk>/media/albums/<int:album_pk>/up/", views.move_album_up, name="move_album_up"),
    path("<int:pk>/media/albums/<int:album_pk>/down/", views.move_album_down, name="move_album_down"),
    path("<int:pk>/media/albums/<int:album_pk>/delete/", views.delete_album, name="delete_album"),
    path("<int:pk>/media/<int:item_pk>/copy/<slug:name>/", views.media_variant, name="media_variant"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/plan/<int:activity_pk>/status/", views.activity_status, name="activity_status"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/members/", views.members, name="members"),
    path("<int:pk>/members/remove/", views.remove_pupil, name="remove_pupil"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/moderation/posts/<int:item_pk>/approve/", views.approve_post, name="approve_post"),
    path("<int:pk>/moderation/posts/<int:item_pk>/reject/", views.reject_post, name="reject_post"),
    path("<int:pk>/moderation/media/<int:item_pk>/approve/", views.approve_media, name="approve_media"),
    path("<int:pk>/moderation/media/<int:item_pk>/reject/", views.reject_media, name="reject_media"),
    path("<int:pk>/moderation/setting/", views.moderation_setting, name="moderation_setting"),
    path("<int:pk>/pages/", views.pages, name="pages"),
    path("<int:pk>/pages/new/", views.edit_page, name="new_page"),
    path("<int:pk>/pages/<int:page_pk>/", views.page, name="page"),
    path("<int:pk>/pages/<int:page_pk>/edit/", views.edit_page, name="edit_page"),
]
