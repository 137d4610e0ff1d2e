from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from planner.api.views.conference import ConferenceViewSet
from planner.api.views.imports import ImportRunDetail, ImportRunListCreate

# What ReDoc needs beyond the site's policy (tests/e2e/test_csp.py proves each; the rest of
# its styles carry the nonce, passed to Redoc.init): the perfect-scrollbar stylesheet its
# bundle inserts before it can be given a nonce, by hash (a new drf-spectacular-sidecar
# may change it: the browser test then names the new hash), an empty <style> it creates
# first; its search index runs in a worker made from a blob: URL; and its sidebar always
# shows Redocly's logo from their CDN (no option turns it off; the only third-party load).
REDOC_CSP = {
    "img-src": ["https://cdn.redoc.ly"],
    "style-src": [
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ],
    "worker-src": ["blob:"],
}

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
    path(
        "redoc/",
        csp_update(REDOC_CSP)(
            SpectacularRedocView.as_view(
                url_name="schema", template_name="planner/api_docs/redoc.html"
            )
        ),
        name="api-redoc",
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
