"""API routes: bundle. Included from planner/api/urls.py under /api/v1/."""

urlpatterns: list = []
