"""API routes: bundle. Included from planner/api/urls.py under /api/v1/."""

from django.urls import path

from planner.api.views.bundle import BundleView

urlpatterns: list = [
    path("conferences/<slug:slug>/bundle", BundleView.as_view(), name="bundle-detail"),
]
