from django.urls import path

from twinning.meetings import views

app_name = "meetings"

urlpatterns = [
    path("twinnings/<int:pk>/meetings/", views.twinning_meetings, name="twinning"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/", views.detail, name="detail"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/accept/", views.accept, name="accept"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/decline/", views.decline, name="decline"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/cancel/", views.cancel, name="cancel"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/record/", views.record, name="record"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/join/", views.join, name="join"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/room/retry/", views.retry_room, name="retry_room"),
    path("twinnings/<int:pk>/meetings/<int:meeting_pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("meetings/", views.overview, name="overview"),
    path("meetings/calendar/", views.feed_settings, name="feed"),
    path("meetings/calendar/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("schools/<int:school_pk>/calendar/", views.school_calendar, name="school_calendar"),
    path("schools/<int:school_pk>/calendar/hours/", views.save_school_hours, name="save_school_hours"),
    path("schools/<int:school_pk>/calendar/terms/", views.add_term, name="add_term"),
    path("schools/<int:school_pk>/calendar/terms/remove/", views.remove_term, name="remove_term"),
    path("schools/<int:school_pk>/calendar/closures/", views.add_closure, name="add_closure"),
    path("schools/<int:school_pk>/calendar/closures/remove/", views.remove_closure, name="remove_closure"),
]
