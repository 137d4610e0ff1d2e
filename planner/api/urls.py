from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from planner.api.views.conference import ConferenceViewSet
from planner.api.views.imports import ImportRunDetail, ImportRunListCreate

router = DefaultRouter(trailing_slash="/?")
router.register("conferences", ConferenceViewSet, basename="conference")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Our templates add the CSP nonce to drf-spectacular's inline style and script.
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="schema", template_name="planner/api_docs/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("conferences/<slug:slug>/imports/", ImportRunListCreate.as_view(), name="import-run-list"),
    path(
        "conferences/<slug:slug>/imports/<int:pk>/",
        ImportRunDetail.as_view(),
        name="import-run-detail",
    ),
    path("", include("planner.api.routes.accounts")),
    path("", include("planner.api.routes.program")),
    path("", include("planner.api.routes.bundle")),
    path("", include("planner.api.routes.personal")),
    *router.urls,
]
