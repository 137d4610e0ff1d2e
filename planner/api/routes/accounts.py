"""API routes: accounts. Included from planner/api/urls.py under /api/v1/."""

from django.urls import path, re_path

from planner.api.views import accounts as views

urlpatterns = [
    path("auth/csrf", views.CsrfView.as_view(), name="accounts-csrf"),
    path("auth/signup", views.SignupView.as_view(), name="accounts-signup"),
    path("auth/login", views.LoginView.as_view(), name="accounts-login"),
    path("auth/logout", views.LogoutView.as_view(), name="accounts-logout"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="accounts-password-reset"),
    path(
        "auth/password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="accounts-password-reset-confirm",
    ),
    path("me", views.MeView.as_view(), name="accounts-me"),
    path("me/tokens/", views.ApiTokenListCreate.as_view(), name="accounts-token-list"),
    # Any segment, not <int:pk>: a malformed id gets the API's JSON 404 (see the view).
    re_path(
        r"^me/tokens/(?P<pk>[^/]+)/$", views.ApiTokenDetail.as_view(), name="accounts-token-detail"
    ),
]
