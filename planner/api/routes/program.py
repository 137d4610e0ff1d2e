"""API routes: program. Included from planner/api/urls.py under /api/v1/."""

from django.urls import path

from planner.api.views import program as views
from planner.api.views.badges import PublicFeedDetail, PublicFeedList

_c = "conferences/<slug:slug>/"

urlpatterns: list = [
    path(f"{_c}rooms/", views.RoomList.as_view(), name="program-room-list"),
    path(f"{_c}tracks/", views.TrackList.as_view(), name="program-track-list"),
    path(f"{_c}sessions/", views.SessionList.as_view(), name="program-session-list"),
    path(f"{_c}sessions/<int:pk>/", views.SessionDetail.as_view(), name="program-session-detail"),
    path(f"{_c}papers/", views.PaperList.as_view(), name="program-paper-list"),
    path(f"{_c}papers/<int:pk>/", views.PaperDetail.as_view(), name="program-paper-detail"),
    path(f"{_c}posters/", views.PosterList.as_view(), name="program-poster-list"),
    path(f"{_c}booths/", views.BoothList.as_view(), name="program-booth-list"),
    path(f"{_c}meals/", views.MealList.as_view(), name="program-meal-list"),
    path(f"{_c}now/", views.NowView.as_view(), name="program-now"),
    path(f"{_c}feeds/", PublicFeedList.as_view(), name="program-feed-list"),
    path(f"{_c}feeds/<str:key>/", PublicFeedDetail.as_view(), name="program-feed-detail"),
]
