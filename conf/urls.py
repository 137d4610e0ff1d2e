from django.contrib import admin
from django.urls import include, path, re_path

from planner import feeds, views

admin.site.site_header = "Boardwalk organizer admin"
admin.site.site_title = "Boardwalk admin"
admin.site.index_title = "Conferences and programs"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("csp-report", views.csp_report, name="csp-report"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("planner.api.urls")),
    path("feeds/conference/<slug:slug>.ics", feeds.conference_ics, name="feed-conference"),
    path(
        "feeds/conference/<slug:slug>/track/<int:track_id>.ics",
        feeds.track_ics,
        name="feed-track",
    ),
    path("feeds/conference/<slug:slug>/room/<int:room_id>.ics", feeds.room_ics, name="feed-room"),
    path("feeds/conference/<slug:slug>/kind/<slug:kind>.ics", feeds.kind_ics, name="feed-kind"),
    # The private feed: 256-bit urlsafe tokens are 43 characters.
    re_path(r"^feeds/(?P<token>[A-Za-z0-9_\-]{43})\.ics$", feeds.private_ics, name="feed-private"),
    # The one-click unsubscribe link of reminder e-mails (a django.core.signing token).
    path("unsubscribe/<str:token>", views.email_unsubscribe, name="email-unsubscribe"),
    path("", views.pwa_shell, name="pwa-shell"),
    # Client-side routes of the PWA (anything that is not an API, admin, feed or file path).
    re_path(
        r"^(?!api/|admin/|feeds/|static/|media/|assets/|unsubscribe/)[\w\-/]+/?$",
        views.pwa_shell,
        name="pwa-route",
    ),
]

handler400 = "planner.views.bad_request"
handler404 = "planner.views.not_found"
handler500 = "planner.views.server_error"
