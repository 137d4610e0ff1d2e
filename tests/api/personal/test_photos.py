from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from planner.models import ConversationPhoto, PosterConversation
from planner.services.logbook import MAX_PHOTO_BYTES
from tests.api.personal.conftest import (
    conversation_body,
    heic_bytes,
    jpeg_bytes,
    png_bytes,
    url,
    webp_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation_id(api, conference, media):
    entry_id = uuid.uuid4()
    response = api.put(
        url("personal-conversation-detail", conference, conversation_id=entry_id),
        conversation_body(),
        format="json",
    )
    assert response.status_code == 201
    return entry_id


def photos_url(conference, conversation_id) -> str:
    return url("personal-conversation-photo-list", conference, conversation_id=conversation_id)


def photo_url(conference, conversation_id, photo_id) -> str:
    return url(
        "personal-conversation-photo-detail",
        conference,
        conversation_id=conversation_id,
        photo_id=photo_id,
    )


def upload(client, conference, conversation_id, data: bytes, content_type: str, **extra):
    image = SimpleUploadedFile("IMG_0001", data, content_type=content_type)
    return client.post(
        photos_url(conference, conversation_id), {"image": image, **extra}, format="multipart"
    )


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (png_bytes, "image/png"),
        (jpeg_bytes, "image/jpeg"),
        (webp_bytes, "image/webp"),
        (heic_bytes, "image/heic"),
    ],
)
def test_photo_upload_of_each_accepted_type_is_stored_and_streamed_back(
    api, conference, conversation_id, make, content_type
):
    data = make()

    response = upload(api, conference, conversation_id, data, content_type)

    assert response.status_code == 201
    body = response.json()
    assert (body["content_type"], body["size"]) == (content_type, len(data))
    assert body["url"] == photo_url(conference, conversation_id, body["id"])
    fetched = api.get(body["url"])
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == content_type
    assert streamed(fetched) == data
    photo = ConversationPhoto.objects.get(pk=body["id"])
    assert photo.image.name.startswith("photos/")
    assert default_storage.exists(photo.image.name)


def test_photo_upload_moves_updated_at_but_not_the_version(api, conference, conversation_id):
    before = PosterConversation.objects.get(pk=conversation_id)

    response = upload(api, conference, conversation_id, png_bytes(), "image/png")

    after = PosterConversation.objects.get(pk=conversation_id)
    assert after.version == before.version == 1
    assert after.updated_at > before.updated_at
    listed = api.get(
        url("personal-conversation-detail", conference, conversation_id=conversation_id)
    ).json()
    assert [p["id"] for p in listed["photos"]] == [response.json()["id"]]


def test_photo_declared_type_must_match_the_bytes(api, conference, conversation_id):
    response = upload(api, conference, conversation_id, png_bytes(), "image/jpeg")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "image": ["The file is image/png but was sent as image/jpeg."]
    }
    assert ConversationPhoto.objects.count() == 0


def test_photo_that_is_not_an_image_is_400(api, conference, conversation_id):
    response = upload(api, conference, conversation_id, b"<svg onload=alert(1)>", "image/png")

    assert response.status_code == 400
    assert response.json()["errors"] == {"image": ["Not a JPEG, PNG, WebP or HEIC image."]}


def test_photo_over_10_mb_is_400(api, conference, conversation_id):
    data = png_bytes() + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(png_bytes()))

    response = upload(api, conference, conversation_id, data, "image/png")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["image"]
    assert ConversationPhoto.objects.count() == 0


def test_photo_upload_with_a_client_id_is_idempotent(api, conference, conversation_id, media):
    photo_id = uuid.uuid4()

    first = upload(api, conference, conversation_id, png_bytes(), "image/png", id=str(photo_id))
    again = upload(api, conference, conversation_id, png_bytes(), "image/png", id=str(photo_id))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert first.json()["id"] == str(photo_id)
    assert ConversationPhoto.objects.count() == 1
    assert sum(1 for _ in media.rglob("*.png")) == 1


def test_photo_id_reused_for_other_bytes_is_409_and_keeps_the_first(
    api, conference, conversation_id, media
):
    photo_id = uuid.uuid4()
    upload(api, conference, conversation_id, png_bytes(), "image/png", id=str(photo_id))

    response = upload(
        api, conference, conversation_id, png_bytes(3, 3), "image/png", id=str(photo_id)
    )

    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["id"]
    assert streamed(api.get(photo_url(conference, conversation_id, photo_id))) == png_bytes()
    assert sum(1 for _ in media.rglob("*.png")) == 1


def test_photo_of_another_user_is_404_and_stays(api, other_api, conference, conversation_id):
    photo_id = upload(api, conference, conversation_id, png_bytes(), "image/png").json()["id"]

    fetched = other_api.get(photo_url(conference, conversation_id, photo_id))
    deleted = other_api.delete(photo_url(conference, conversation_id, photo_id))
    added = upload(other_api, conference, conversation_id, png_bytes(), "image/png")

    assert (fetched.status_code, deleted.status_code, added.status_code) == (404, 404, 404)
    assert fetched.json() == {"detail": "Not found.", "errors": {}}
    assert ConversationPhoto.objects.filter(pk=photo_id).exists()
    assert streamed(api.get(photo_url(conference, conversation_id, photo_id))) == png_bytes()


def test_photo_delete_removes_the_row_and_the_file(
    api, conference, conversation_id, django_capture_on_commit_callbacks
):
    photo_id = upload(api, conference, conversation_id, png_bytes(), "image/png").json()["id"]
    name = ConversationPhoto.objects.get(pk=photo_id).image.name

    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(photo_url(conference, conversation_id, photo_id))

    assert response.status_code == 204
    assert not ConversationPhoto.objects.filter(pk=photo_id).exists()
    assert not default_storage.exists(name)
    assert api.get(photo_url(conference, conversation_id, photo_id)).status_code == 404


def test_photo_of_a_deleted_conversation_is_404(api, conference, conversation_id):
    photo_id = upload(api, conference, conversation_id, png_bytes(), "image/png").json()["id"]
    api.delete(url("personal-conversation-detail", conference, conversation_id=conversation_id))

    assert api.get(photo_url(conference, conversation_id, photo_id)).status_code == 404
    assert upload(api, conference, conversation_id, png_bytes(), "image/png").status_code == 404


def test_photo_is_served_to_an_image_request_with_safe_headers(api, conference, conversation_id):
    photo_id = upload(api, conference, conversation_id, jpeg_bytes(), "image/jpeg").json()["id"]

    response = api.get(
        photo_url(conference, conversation_id, photo_id), headers={"Accept": "image/avif,image/*"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    missing = api.get(
        photo_url(conference, conversation_id, uuid.uuid4()), headers={"Accept": "image/*"}
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Not found."
