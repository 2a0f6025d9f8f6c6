from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from twinning.api.v1 import api as api_v1
from twinning.common import views as common_views

urlpatterns = [
    path("", include("twinning.home.urls")),
    path("accounts/", include("twinning.accounts.urls")),
    path("", include("twinning.schools.urls")),
    path("matching/", include("twinning.matching.urls")),
    path("twinnings/", include("twinning.twinnings.urls")),
    path("twinnings/", include("twinning.workspace.urls")),
    path("consent/", include("twinning.consent.urls")),
    path("", include("twinning.meetings.urls")),
    path("coordination/", include("twinning.coordination.urls")),
    path("library/", include("twinning.library.urls")),
    path("reports/", include("twinning.reporting.urls")),
    path("learning/", include("twinning.learning.urls")),
    path("labels/", include("twinning.recognition.urls")),
    path("communities/", include("twinning.communities.urls")),
    path("api/v1/", api_v1.urls),
    path("api/", include("twinning.api.urls")),
    path("onboarding/", include("twinning.onboarding.urls")),
    path("notifications/", common_views.notifications, name="notifications"),
    path("notifications/e-mail/", common_views.mail_settings, name="mail_settings"),
    path("notifications/e-mail/new-links/", common_views.renew_unsubscribe_links, name="renew_unsubscribe_links"),
    path("unsubscribe/<str:token>/", common_views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/<str:token>/undo/", common_views.unsubscribe_undo, name="unsubscribe_undo"),
    path("privacy/", common_views.privacy_notice, name="privacy_notice"),
    path("privacy/retention/", include("twinning.retention.urls")),
    path("", include("twinning.showcase.urls")),
    path("health/", common_views.health, name="health"),
    # The installable app: its service worker at the root (its scope is the whole site), its manifest
    # in each language, and the page shown offline for a page not saved on the device.
    path("sw.js", common_views.service_worker, name="service_worker"),
    path("manifest/<str:language>.webmanifest", common_views.web_manifest, name="web_manifest"),
    path("offline/", common_views.offline, name="offline"),
    path("ready/", common_views.ready, name="ready"),
    # The admin site signs in through the site's own page: the same throttle and second step.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]

# Rendered without the database: an outage is a translated 503 with Retry-After, not a bare 500.
handler500 = "twinning.common.views.server_error"
