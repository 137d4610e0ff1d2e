from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from planner.models.accounts import ApiToken, hash_token, new_token
from tests.api.accounts.factories import ApiTokenFactory
from tests.factories import UserFactory

LIST = reverse("accounts-token-list")


def _detail(token: ApiToken) -> str:
    return reverse("accounts-token-detail", kwargs={"pk": token.pk})


def _with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.mark.django_db
def test_token_create_shows_the_secret_once(signed_in, user):
    response = signed_in.post(LIST, {"name": " laptop "}, format="json")

    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    raw = body["token"]
    row = ApiToken.objects.get()
    assert body == {
        "id": row.pk,
        "name": "laptop",
        "hint": raw[:8],
        "created_at": body["created_at"],
        "token": raw,
    }
    assert raw.startswith("bw_")
    assert len(raw) > 40
    assert (row.user, row.key_hash, row.hint) == (user, hash_token(raw), raw[:8])
    listed = signed_in.get(LIST).json()["results"]
    assert listed == [
        {
            "id": row.pk,
            "name": "laptop",
            "hint": raw[:8],
            "created_at": body["created_at"],
            "last_used_at": None,
        }
    ]
    assert raw not in str(signed_in.get(_detail(row)).json())


@pytest.mark.django_db
def test_token_authenticates_api_requests(signed_in, user):
    raw = signed_in.post(LIST, {"name": "script"}, format="json").json()["token"]

    response = _with_token(raw).get(reverse("accounts-me"))

    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_token_revoked_stops_working_at_once(signed_in, user):
    created = signed_in.post(LIST, {"name": "script"}, format="json").json()
    script = _with_token(created["token"])
    assert script.get(reverse("accounts-me")).status_code == 200

    revoked = signed_in.delete(reverse("accounts-token-detail", kwargs={"pk": created["id"]}))

    assert revoked.status_code == 204
    assert not ApiToken.objects.filter(pk=created["id"]).exists()
    after = script.get(reverse("accounts-me"))
    assert after.status_code == 403  # session auth comes first: DRF sends 403, not 401
    assert after.json() == {"detail": "Invalid or revoked token.", "errors": {}}


@pytest.mark.django_db
def test_token_unknown_secret_is_refused(api):
    response = _with_token(new_token()).get(reverse("accounts-me"))

    assert response.json() == {"detail": "Invalid or revoked token.", "errors": {}}


@pytest.mark.django_db
def test_token_of_a_deactivated_user_stops_working_at_once(user):
    ApiTokenFactory(user=user, raw=(raw := new_token()))
    script = _with_token(raw)
    assert script.get(reverse("accounts-me")).status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    response = script.get(reverse("accounts-me"))
    assert response.status_code == 403  # as for a revoked token
    assert response.json() == {"detail": "Invalid or revoked token.", "errors": {}}


@pytest.mark.django_db
def test_token_authenticates_its_own_user_with_the_fields_read_from_the_row(user):
    other = UserFactory()
    ApiTokenFactory(user=other)
    token = ApiTokenFactory(user=user, raw=(raw := new_token()))

    body = _with_token(raw).get(reverse("accounts-me")).json()

    assert body == {
        "id": user.pk,
        "email": user.email,
        "display_name": "Ada Lovelace",
        "date_joined": body["date_joined"],
    }
    assert body["date_joined"].startswith(str(user.date_joined.date()))
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
def test_token_create_duplicate_name_is_refused(signed_in, user):
    ApiTokenFactory(user=user, name="laptop")
    ApiTokenFactory(user=UserFactory(), name="ci")  # names are unique per user only

    duplicate = signed_in.post(LIST, {"name": "laptop"}, format="json")
    other_users_name = signed_in.post(LIST, {"name": "ci"}, format="json")

    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == {"name": ["You already have a token with this name."]}
    assert other_users_name.status_code == 201
    assert sorted(user.api_tokens.values_list("name", flat=True)) == ["ci", "laptop"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_token_create_bad_name_is_refused(signed_in, name):
    response = signed_in.post(LIST, {"name": name}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_of_another_user_is_not_found(signed_in, user):
    theirs = ApiTokenFactory(user=UserFactory(), name="theirs")

    seen = signed_in.get(_detail(theirs))
    deleted = signed_in.delete(_detail(theirs))
    listed = signed_in.get(LIST).json()

    assert (seen.status_code, deleted.status_code) == (404, 404)
    assert seen.json() == deleted.json() == {"detail": "Not found.", "errors": {}}
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert listed["count"] == 0


@pytest.mark.django_db
def test_token_missing_is_not_found(signed_in):
    response = signed_in.delete(reverse("accounts-token-detail", kwargs={"pk": 987654}))

    assert response.json() == {"detail": "Not found.", "errors": {}}


@pytest.mark.django_db
def test_token_cannot_create_or_revoke_tokens(user):
    own = ApiTokenFactory(user=user, raw=(raw := new_token()))
    other = ApiTokenFactory(user=user, name="other")
    script = _with_token(raw)

    created = script.post(LIST, {"name": "escalate"}, format="json")
    revoked = script.delete(_detail(other))
    listed = script.get(LIST)

    message = "Create and revoke API tokens from a signed-in session, not with a token."
    assert (created.status_code, revoked.status_code) == (403, 403)
    assert created.json() == revoked.json() == {"detail": message, "errors": {}}
    assert sorted(ApiToken.objects.values_list("pk", flat=True)) == sorted([own.pk, other.pk])
    assert listed.json()["count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_token_list_anonymous_is_forbidden(api, method):
    response = getattr(api, method)(LIST, {"name": "x"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


@pytest.mark.django_db
def test_token_list_newest_first_only_mine(signed_in, user):
    older = ApiTokenFactory(user=user, name="older")
    newer = ApiTokenFactory(user=user, name="newer")
    ApiTokenFactory(user=UserFactory(), name="not mine")

    results = signed_in.get(LIST).json()["results"]

    assert [t["id"] for t in results] == [newer.pk, older.pk]


@pytest.mark.django_db
def test_token_list_queries_do_not_grow_with_rows(signed_in, user):
    def list_queries(rows: int) -> int:
        ApiToken.objects.all().delete()
        ApiTokenFactory.create_batch(rows, user=user)
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(LIST)
        assert response.json()["count"] == rows
        assert len(response.json()["results"]) == rows
        return len(queries)

    assert list_queries(1) == list_queries(50)


@pytest.mark.django_db
@pytest.mark.parametrize("token_id", ["null,null", "12a", "٣", str(10**30)])
@pytest.mark.parametrize("method", ["get", "delete"])
def test_token_malformed_or_huge_id_is_a_json_not_found(signed_in, user, method, token_id):
    ApiTokenFactory(user=user)

    response = getattr(signed_in, method)(f"{LIST}{token_id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}
    assert ApiToken.objects.count() == 1
