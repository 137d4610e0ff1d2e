from __future__ import annotations

import io
import struct
import uuid
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageChops, ImageStat

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

TOO_MANY_PIXELS = "The image has more than 50,000,000 pixels; send a smaller one."
CANNOT_DECODE = "The file is not a readable image: it is damaged or cut short."
HEIC_REFUSED = (
    "HEIC photos cannot be checked here; send JPEG (on iPhone: Settings, Camera, Formats, "
    "Most Compatible)."
)


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


def _pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


@pytest.mark.parametrize(
    ("make", "content_type"),
    [(png_bytes, "image/png"), (jpeg_bytes, "image/jpeg"), (webp_bytes, "image/webp")],
)
def test_photo_upload_of_each_accepted_type_is_stored_and_streamed_back(
    api, conference, conversation_id, make, content_type
):
    data = make()

    response = upload(api, conference, conversation_id, data, content_type)

    assert response.status_code == 201
    body = response.json()
    assert body["content_type"] == content_type
    assert body["url"] == photo_url(conference, conversation_id, body["id"])
    fetched = api.get(body["url"])
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == content_type
    stored = streamed(fetched)
    assert body["size"] == len(stored)
    # Re-encoded, so not the same bytes, but the same picture (these three are lossless here:
    # solid colours).
    assert _pixels(stored) == _pixels(data)
    photo = ConversationPhoto.objects.get(pk=body["id"])
    assert photo.image.name.startswith("photos/")
    assert default_storage.exists(photo.image.name)


def test_photo_camera_jpeg_round_trips_as_the_same_picture(api, conference, conversation_id):
    picture = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    data = _encoded(picture, "JPEG", quality=95)

    response = upload(api, conference, conversation_id, data, "image/jpeg")

    assert response.status_code == 201
    stored = streamed(api.get(response.json()["url"]))
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (640, 480), "RGB")
        difference = ImageChops.difference(image, picture).convert("L")
        assert ImageStat.Stat(difference).mean[0] < 3


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height``: a decompression bomb's shape
    (the real one was 24 KB for 100000 x 100000) without the bytes to back it."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + 3 * min(width, 4096)) * 8, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _no_files(media) -> bool:
    return not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (10_000, 5_001)],
    ids=["10-gigapixel", "just-over-50-MP"],
)
def test_photo_decompression_bomb_is_refused_before_decoding(
    api, conference, conversation_id, media, width, height
):
    data = _png_claiming(width, height)

    response = upload(api, conference, conversation_id, data, "image/png")

    assert len(data) < 64 * 1024
    assert response.status_code == 400
    assert response.json() == {"detail": TOO_MANY_PIXELS, "errors": {"image": [TOO_MANY_PIXELS]}}
    assert ConversationPhoto.objects.count() == 0
    assert _no_files(media)


def test_photo_with_html_appended_is_stored_without_it(api, conference, conversation_id, media):
    data = png_bytes(4, 3) + b"<html><script>alert(document.cookie)</script></html>"

    response = upload(api, conference, conversation_id, data, "image/png")

    assert response.status_code == 201
    stored = streamed(api.get(response.json()["url"]))
    assert b"<html" not in stored
    assert b"script" not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")  # the PNG ends where its last chunk does
    assert _pixels(stored) == _pixels(png_bytes(4, 3))
    on_disk = [p.read_bytes() for p in media.rglob("*") if p.is_file()]
    assert on_disk == [stored]


def test_photo_exif_location_is_dropped_and_orientation_applied(api, conference, conversation_id):
    # A portrait photo as phones store it: landscape pixels plus "rotate 90° clockwise".
    picture = Image.new("RGB", (64, 48), (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, 8, 48))  # a blue band on the left edge
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 22.0, 7.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 53.0, 12.0),
    }
    data = _encoded(picture, "JPEG", quality=95, exif=exif)
    with Image.open(io.BytesIO(data)) as sent:  # the test's own image does carry a location
        assert ExifTags.IFD.GPSInfo in sent.getexif()

    response = upload(api, conference, conversation_id, data, "image/jpeg")

    assert response.status_code == 201
    stored = streamed(api.get(response.json()["url"]))
    with Image.open(io.BytesIO(stored)) as image:
        exif_after = image.getexif()
        assert ExifTags.IFD.GPSInfo not in exif_after
        assert exif_after.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert dict(exif_after) == {}
        assert b"Exif" not in stored
        assert image.size == (48, 64)  # upright now
        top_row = [image.getpixel((x, 2)) for x in (2, 45)]
    # The band that was on the left is on top after a 90° clockwise turn.
    assert [blue > 150 for _, _, blue in top_row] == [True, True]


def test_photo_larger_than_the_edge_limit_is_scaled_down(api, conference, conversation_id):
    data = _encoded(Image.new("RGB", (5000, 100), (0, 128, 0)), "PNG")

    response = upload(api, conference, conversation_id, data, "image/png")

    assert response.status_code == 201
    stored = streamed(api.get(response.json()["url"]))
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (4096, 82)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (png_bytes(64, 64)[:60], "image/png"),
        (png_bytes(64, 64)[:33], "image/png"),
        (jpeg_bytes()[:-40], "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\xff" * 8, "image/webp"),
    ],
    ids=["png-cut-in-pixels", "png-header-only", "jpeg-cut", "png-garbage", "webp-garbage"],
)
def test_photo_that_cannot_be_decoded_is_400(
    api, conference, conversation_id, media, data, content_type
):
    response = upload(api, conference, conversation_id, data, content_type)

    assert response.status_code == 400
    assert response.json()["errors"] == {"image": [CANNOT_DECODE]}
    assert ConversationPhoto.objects.count() == 0
    assert _no_files(media)


def test_photo_heic_is_refused_with_a_reason(api, conference, conversation_id, media):
    response = upload(api, conference, conversation_id, heic_bytes(), "image/heic")

    assert response.status_code == 400
    assert response.json()["errors"] == {"image": [HEIC_REFUSED]}
    assert ConversationPhoto.objects.count() == 0


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
    assert response.json()["errors"] == {"image": ["Not a JPEG, PNG or WebP image."]}


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
    kept = streamed(api.get(photo_url(conference, conversation_id, photo_id)))
    assert _pixels(kept) == _pixels(png_bytes())
    assert sum(1 for _ in media.rglob("*.png")) == 1


def test_photo_of_another_user_is_404_and_stays(api, other_api, conference, conversation_id):
    photo_id = upload(api, conference, conversation_id, png_bytes(), "image/png").json()["id"]

    fetched = other_api.get(photo_url(conference, conversation_id, photo_id))
    deleted = other_api.delete(photo_url(conference, conversation_id, photo_id))
    added = upload(other_api, conference, conversation_id, png_bytes(), "image/png")

    assert (fetched.status_code, deleted.status_code, added.status_code) == (404, 404, 404)
    assert fetched.json() == {"detail": "Not found.", "errors": {}}
    assert ConversationPhoto.objects.filter(pk=photo_id).exists()
    kept = streamed(api.get(photo_url(conference, conversation_id, photo_id)))
    assert _pixels(kept) == _pixels(png_bytes())


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
