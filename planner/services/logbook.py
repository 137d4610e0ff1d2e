"""Writes to an attendee's logbook: poster conversations, meetups and conversation photos.

Entries are written offline and replayed, so every write is idempotent by the client's UUID:

- creating an entry that does not exist makes it (version 1);
- a write whose values equal the stored entry changes nothing (a replay), whatever version
  it names, so a lost response can be fetched again by sending the same write;
- any other write to an existing entry is an edit and must name the version it was based on:
  none → ``VersionRequired`` (409), another one → ``VersionMismatch`` (412); both carry the
  server's current copy and never overwrite it. An accepted edit bumps the version; an edit
  of a tombstone based on its current version restores it;
- an entry of another attendee (another user, or the same user at another conference)
  answers NotFound and is left untouched.

Every logbook write of one attendee runs under a lock on the attendee row, and stamps
``updated_at`` strictly after every earlier entry of that attendee. The changes feed pages
by ``(updated_at, type, id)``, so a write can never commit "behind" a cursor that a device
already holds (which plain ``auto_now`` stamps allow when two writes race or clocks differ).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, cast

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from planner import rows
from planner.exceptions import BoardwalkError, Conflict, NotFound, ValidationFailed
from planner.images import photo_reencode
from planner.models import (
    Attendee,
    Booth,
    ConversationPhoto,
    Meal,
    Meetup,
    Oral,
    Poster,
    PosterConversation,
    Session,
)
from planner.models.logs import MEETUP_PLACES, LogEntry

logger = logging.getLogger(__name__)

EntryType = Literal["conversation", "meetup"]
LOG_MODELS: dict[str, type[PosterConversation] | type[Meetup]] = {
    "conversation": PosterConversation,
    "meetup": Meetup,
}
CONVERSATION_FIELDS = (
    "poster_id",
    "poster_title",
    "talked_to",
    "talked_at",
    "qa",
    "rating",
    "tags",
    "notes",
    "follow_up",
    "follow_up_done",
)
MEETUP_FIELDS = (
    "other_id",
    "source",
    "contact_name",
    "contact_affiliation",
    "contact_email",
    "contact_details",
    "met_at",
    *(f"{place}_id" for place in MEETUP_PLACES),
    "notes",
    "follow_up",
    "follow_up_done",
)
ENTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "conversation": CONVERSATION_FIELDS,
    "meetup": MEETUP_FIELDS,
}
_PLACE_MODELS = {"session": Session, "oral": Oral, "poster": Poster, "booth": Booth, "meal": Meal}

MAX_PHOTO_BYTES = 10 * 1024 * 1024
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_PHOTO_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
}
HEIC_REFUSED = (
    "HEIC photos cannot be checked here; send JPEG (on iPhone: Settings, Camera, Formats, "
    "Most Compatible)."
)


# --- errors that carry the server's copy ----------------------------------------------------


class StaleEntry(Conflict):
    """The write was refused because of the entry's current state, which it carries so the
    client can merge. ``status_code`` is what the API answers (409 unless overridden)."""

    status_code = 409

    def __init__(self, message: str, *, current: LogEntry | None, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.current = current


class VersionRequired(StaleEntry):
    """An edit of an existing entry that names no base version."""


class VersionMismatch(StaleEntry):
    """An edit or delete based on a version the server no longer has (412)."""

    status_code = 412


class AlreadyMet(StaleEntry):
    """A second meetup with the same attendee: the existing one is ``current``."""


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryWrite:
    entry: PosterConversation | Meetup
    created: bool
    changed: bool


@dataclass(frozen=True)
class PhotoWrite:
    photo: ConversationPhoto
    created: bool


# --- shared machinery ------------------------------------------------------------------------


def _lock_logbook(attendee: Attendee) -> None:
    """Serialize this attendee's logbook writes (other attendees are not held up), and note
    the newest entry's time for _next_stamp: one statement for both.

    Plain SQL because this runs on every offline write (the benchmark's hot path): the ORM
    spent more time building this query than the database spent running it. Only the
    attendee row is locked (other attendees of the conference are not held up)."""
    conversations = PosterConversation._meta.db_table
    meetups = Meetup._meta.db_table
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT (SELECT MAX(updated_at) FROM {conversations} WHERE attendee_id = %s), "  # noqa: S608 - table names from models
        f"(SELECT MAX(updated_at) FROM {meetups} WHERE attendee_id = %s) "
        f"FROM {Attendee._meta.db_table} WHERE id = %s{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [attendee.pk, attendee.pk, attendee.pk])
        row = cursor.fetchone() or (None, None)
    newest = [_as_instant(value) for value in row if value is not None]
    attendee._logbook_newest = max(newest) if newest else None


def _as_instant(value: Any) -> dt.datetime:
    """A MAX(updated_at) from raw SQL: PostgreSQL gives an aware datetime, SQLite a string."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _next_stamp(attendee: Attendee) -> dt.datetime:
    """Now, or just after the attendee's newest entry if the clock is behind it (another
    web process's clock, or two writes in the same microsecond). Call under the lock, which
    read the newest time; each stamp raises it for the next write in this transaction."""
    if not hasattr(attendee, "_logbook_newest"):
        _lock_logbook(attendee)
    stamp = timezone.now()
    newest = attendee._logbook_newest
    if newest is not None and newest >= stamp:
        stamp = newest + dt.timedelta(microseconds=1)
    attendee._logbook_newest = stamp
    return stamp


def _same(entry: LogEntry, fields: Mapping[str, Any]) -> bool:
    return not entry.is_deleted and all(getattr(entry, k) == v for k, v in fields.items())


def _check_references(*, kind: str, attendee: Attendee, fields: Mapping[str, Any]) -> None:
    """Everything an entry points at belongs to the attendee's conference."""
    conference_id = attendee.conference_id
    if kind == "conversation":
        poster_id = fields.get("poster_id")
        if (
            poster_id is not None
            and not Poster.objects.filter(pk=poster_id, conference_id=conference_id).exists()
        ):
            raise ValidationFailed("No such poster in this conference.", field="poster")
        return
    other_id = fields.get("other_id")
    if other_id is not None:
        if other_id == attendee.pk:
            raise ValidationFailed("You cannot log a meetup with yourself.", field="other")
        if not Attendee.objects.filter(pk=other_id, conference_id=conference_id).exists():
            raise ValidationFailed("No such attendee at this conference.", field="other")
    for place, model in _PLACE_MODELS.items():
        place_id = fields.get(f"{place}_id")
        if (
            place_id is not None
            and not model._default_manager.filter(pk=place_id, conference_id=conference_id).exists()
        ):
            raise ValidationFailed(f"No such {place} in this conference.", field=place)


def _check_unique_scan(
    *, attendee: Attendee, entry_id: uuid.UUID, fields: Mapping[str, Any]
) -> None:
    other_id = fields.get("other_id")
    if other_id is None:
        return
    existing = (
        Meetup.objects.filter(attendee=attendee, other_id=other_id, deleted_at__isnull=True)
        .exclude(pk=entry_id)
        .order_by()
        .first()
    )
    if existing is not None:
        raise AlreadyMet(
            "You already logged a meetup with this attendee; edit that one.",
            current=existing,
            field="other",
        )


def _locked_entry(model: type[LogEntry], entry_id: uuid.UUID) -> Any:
    return (
        model._default_manager.select_for_update(of=("self",))
        .filter(pk=entry_id)
        .order_by("pk")
        .first()
    )


def _upsert(
    *,
    kind: str,
    attendee: Attendee,
    entry_id: uuid.UUID,
    fields: Mapping[str, Any],
    base_version: int | None,
) -> EntryWrite:
    model = LOG_MODELS[kind]
    unknown = set(fields) - set(ENTRY_FIELDS[kind])
    if unknown:
        raise ValueError(f"Not {kind} fields: {sorted(unknown)}")
    # A PUT carries the whole entry: what it leaves out goes back to the default.
    values = {name: fields.get(name, _default(model, name)) for name in ENTRY_FIELDS[kind]}
    _check_references(kind=kind, attendee=attendee, fields=values)
    _lock_logbook(attendee)
    entry = None
    if kind == "meetup" and values.get("other_id") is not None:
        # Only a new meetup is checked against the attendee's others here (an edit is below).
        entry = _locked_entry(model, entry_id)
        if entry is None:
            _check_unique_scan(attendee=attendee, entry_id=entry_id, fields=values)
    if entry is None:
        # Insert first: the common offline write is new, and an id that exists (a replay, an
        # edit, someone else's entry) answers no row instead of an error in a savepoint.
        stamp = _next_stamp(attendee)
        entry = model(
            id=entry_id,
            attendee=attendee,
            version=1,
            created_at=stamp,
            updated_at=stamp,
            **values,
        )
        if rows.insert_unless_exists(entry):
            return EntryWrite(entry=entry, created=True, changed=True)
        # The id exists (or another transaction inserted it first and committed: theirs
        # stands). Gone again by now only if its attendee was deleted meanwhile: an id that
        # is not this attendee's, as below.
        entry = _locked_entry(model, entry_id)
        if entry is None:
            raise NotFound("Not found.")
    if entry.attendee_id != attendee.pk:
        raise NotFound("Not found.")
    if _same(entry, values):
        return EntryWrite(entry=entry, created=False, changed=False)
    if base_version is None:
        raise VersionRequired(
            "This entry exists: send the version your edit is based on "
            '(If-Match: "<version>" or base_version).',
            current=entry,
            field="base_version",
        )
    if base_version != entry.version:
        raise VersionMismatch(
            f"Edited from version {base_version}, but the entry is at version {entry.version}.",
            current=entry,
        )
    if kind == "meetup":
        _check_unique_scan(attendee=attendee, entry_id=entry_id, fields=values)
    stamp = _next_stamp(attendee)
    changes = {**values, "version": entry.version + 1, "deleted_at": None, "updated_at": stamp}
    # A queryset update does not apply auto_now, so the stamp stands as computed.
    model._default_manager.filter(pk=entry.pk).update(**changes)
    for name, value in changes.items():
        setattr(entry, name, value)
    return EntryWrite(entry=entry, created=False, changed=True)


def _default(model: type[LogEntry], attname: str) -> Any:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return field.get_default()


def _tombstone(
    *, kind: str, attendee: Attendee, entry_id: uuid.UUID, base_version: int | None
) -> PosterConversation | Meetup:
    model = LOG_MODELS[kind]
    _lock_logbook(attendee)
    entry = _locked_entry(model, entry_id)
    if entry is None or entry.attendee_id != attendee.pk:
        raise NotFound("Not found.")
    if entry.is_deleted:
        return entry  # a replayed delete
    if base_version is not None and base_version != entry.version:
        raise VersionMismatch(
            f"Deleting version {base_version}, but the entry is at version {entry.version}.",
            current=entry,
        )
    stamp = _next_stamp(attendee)
    changes = {"deleted_at": stamp, "updated_at": stamp, "version": entry.version + 1}
    model._default_manager.filter(pk=entry.pk).update(**changes)
    for name, value in changes.items():
        setattr(entry, name, value)
    return entry


# --- conversations and meetups -----------------------------------------------------------------


@transaction.atomic
def conversation_upsert(
    *,
    attendee: Attendee,
    conversation_id: uuid.UUID,
    fields: Mapping[str, Any],
    base_version: int | None,
) -> EntryWrite:
    """Create or edit a poster conversation by its client UUID (rules in the module doc).

    ``fields`` are model attribute names (``poster_id``, ``talked_at``, …); absent ones take
    their defaults. Side effects: inserts or updates one PosterConversation (new version,
    ``updated_at``); none for a replay. Raises ValidationFailed (poster not in the
    conference), NotFound (another attendee's id), VersionRequired, VersionMismatch."""
    return _upsert(
        kind="conversation",
        attendee=attendee,
        entry_id=conversation_id,
        fields=fields,
        base_version=base_version,
    )


@transaction.atomic
def conversation_delete(
    *, attendee: Attendee, conversation_id: uuid.UUID, base_version: int | None = None
) -> PosterConversation:
    """Tombstone a poster conversation: it stays in the changes feed with ``deleted``.

    Side effects: sets ``deleted_at``, bumps version and ``updated_at``; none when already
    deleted. Photos are kept (a restore brings them back). Raises NotFound,
    VersionMismatch (when ``base_version`` is given and stale)."""
    entry = _tombstone(
        kind="conversation",
        attendee=attendee,
        entry_id=conversation_id,
        base_version=base_version,
    )
    return cast(PosterConversation, entry)


@transaction.atomic
def meetup_upsert(
    *,
    attendee: Attendee,
    meetup_id: uuid.UUID,
    fields: Mapping[str, Any],
    base_version: int | None,
) -> EntryWrite:
    """Create or edit a meetup by its client UUID (rules in the module doc).

    Side effects: inserts or updates one Meetup; none for a replay. Raises ValidationFailed
    (``other`` or the place not in the conference, or oneself), AlreadyMet (another meetup
    of this attendee already names ``other``), NotFound, VersionRequired, VersionMismatch."""
    return _upsert(
        kind="meetup",
        attendee=attendee,
        entry_id=meetup_id,
        fields=fields,
        base_version=base_version,
    )


@transaction.atomic
def meetup_delete(
    *, attendee: Attendee, meetup_id: uuid.UUID, base_version: int | None = None
) -> Meetup:
    """Tombstone a meetup. Side effects and errors as ``conversation_delete``."""
    entry = _tombstone(
        kind="meetup", attendee=attendee, entry_id=meetup_id, base_version=base_version
    )
    return cast(Meetup, entry)


# --- batch sync --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncWrite:
    """One validated write of a batch. ``fields`` as for the upserts; None for a delete."""

    op: Literal["put", "delete"]
    type: EntryType
    id: uuid.UUID
    base_version: int | None
    fields: Mapping[str, Any] | None


@dataclass(frozen=True)
class SyncOutcome:
    write: SyncWrite
    entry: PosterConversation | Meetup | None = None
    created: bool = False
    error: BoardwalkError | None = None


@transaction.atomic
def logbook_sync(*, attendee: Attendee, writes: Sequence[SyncWrite]) -> list[SyncOutcome]:
    """Apply writes in order, each in its own savepoint: a refused write is rolled back and
    reported, and never spoils the others. Later writes see earlier ones (a create then an
    edit of the same id in one batch works). A value the database refuses (DataError; or
    text SQLite's driver cannot encode) refuses that write alone, as ValidationFailed: the
    caller validates, this keeps a gap in validation from sticking a client's offline queue.

    Side effects: those of each upsert/delete."""
    outcomes: list[SyncOutcome] = []
    for write in writes:
        try:
            with transaction.atomic():
                outcomes.append(_apply(attendee=attendee, write=write))
        except BoardwalkError as error:
            outcomes.append(SyncOutcome(write=write, error=error))
        except (DataError, UnicodeEncodeError):
            logger.warning("Sync write %s refused by the database", write.id, exc_info=True)
            refused = ValidationFailed("The database refused a value of this write.")
            outcomes.append(SyncOutcome(write=write, error=refused))
    return outcomes


def _apply(*, attendee: Attendee, write: SyncWrite) -> SyncOutcome:
    if write.op == "delete":
        entry = _tombstone(
            kind=write.type, attendee=attendee, entry_id=write.id, base_version=write.base_version
        )
        return SyncOutcome(write=write, entry=entry)
    result = _upsert(
        kind=write.type,
        attendee=attendee,
        entry_id=write.id,
        fields=write.fields or {},
        base_version=write.base_version,
    )
    return SyncOutcome(write=write, entry=result.entry, created=result.created)


# --- photos -----------------------------------------------------------------------------------


def sniff_image_type(head: bytes) -> str | None:
    """The image type the leading bytes prove, or None. Never trusts a declared type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        # ISO BMFF: major brand, minor version, then compatible brands up to the box size.
        box_size = int.from_bytes(head[:4], "big")
        brands = [head[8:12]] + [
            head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)
        ]
        if _HEIF_BRANDS.intersection(brands):
            return "image/heic"
    return None


def _checked_type(upload: UploadedFile, declared: str) -> str:
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed("The image is empty.", field="image")
    if size > MAX_PHOTO_BYTES:
        raise ValidationFailed(
            f"The image is {size:,} bytes; the limit is {MAX_PHOTO_BYTES:,}.", field="image"
        )
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    actual = sniff_image_type(head)
    if actual is None:
        raise ValidationFailed("Not a JPEG, PNG or WebP image.", field="image")
    if actual == "image/heic":
        # Recognised, but Pillow cannot decode it, so it can be neither checked nor re-encoded.
        raise ValidationFailed(HEIC_REFUSED, field="image")
    if declared.split(";")[0].strip().lower() != actual:
        raise ValidationFailed(
            f"The file is {actual} but was sent as {declared or 'no type'}.", field="image"
        )
    return actual


def _sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _stored_sha256(photo: ConversationPhoto) -> str:
    with photo.image.open("rb") as stored:
        return _sha256(stored.chunks())


def _owned_conversation(*, attendee: Attendee, conversation_id: uuid.UUID) -> PosterConversation:
    conversation = (
        PosterConversation.objects.select_for_update(of=("self",))
        .filter(pk=conversation_id, attendee=attendee, deleted_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if conversation is None:
        raise NotFound("Not found.")
    return conversation


def _touch(*, attendee: Attendee, conversation: PosterConversation) -> None:
    """A photo change is a change of the conversation for the changes feed, but not an edit:
    the version stays, so the client's pending edits of the text are not refused."""
    stamp = _next_stamp(attendee)
    PosterConversation.objects.filter(pk=conversation.pk).update(updated_at=stamp)
    conversation.updated_at = stamp


def _replayed_photo(
    *, existing: ConversationPhoto, conversation: PosterConversation, digest: str
) -> PhotoWrite:
    if existing.conversation_id != conversation.pk:
        if existing.conversation.attendee_id == conversation.attendee_id:
            raise Conflict("This photo id belongs to another of your conversations.", field="id")
        raise NotFound("Not found.")
    if _stored_sha256(existing) != digest:
        raise Conflict("Another image was already uploaded with this photo id.", field="id")
    return PhotoWrite(photo=existing, created=False)


@transaction.atomic
def conversation_photo_add(
    *,
    attendee: Attendee,
    conversation_id: uuid.UUID,
    upload: UploadedFile,
    content_type: str,
    photo_id: uuid.UUID | None = None,
) -> PhotoWrite:
    """Attach an image to a conversation. The type (JPEG, PNG or WebP) is proven by the
    file's leading bytes and must equal the declared ``content_type``; at most 10 MB and
    ``PHOTO_MAX_PIXELS`` pixels (checked before decoding). Only the re-encoded image is
    stored (:func:`planner.images.photo_reencode`: upright, no metadata such as the location,
    nothing appended, at most ``PHOTO_MAX_EDGE`` pixels along its longer edge).

    Idempotent by ``photo_id``: the same bytes again return the stored photo; other bytes
    under that id are a Conflict. Side effects: writes the file to the default storage
    (removed again if the row cannot be saved here; a caller's own transaction that rolls
    back later leaves it for a sweep of files without a row), inserts a ConversationPhoto, moves the
    conversation's ``updated_at`` (not its version). Raises NotFound (not the attendee's
    conversation, or deleted), ValidationFailed (``image``), Conflict (``id``)."""
    checked = _checked_type(upload, content_type)
    upload.seek(0)
    encoded = photo_reencode(upload.read(), content_type=checked)
    # Of the stored bytes: re-encoding is deterministic, so a replay of the same upload
    # matches the stored file.
    digest = _sha256([encoded.data])
    _lock_logbook(attendee)
    conversation = _owned_conversation(attendee=attendee, conversation_id=conversation_id)
    photo_id = photo_id or uuid.uuid4()
    existing = (
        ConversationPhoto.objects.filter(pk=photo_id)
        .select_related("conversation")
        .order_by()
        .first()
    )
    if existing is not None:
        return _replayed_photo(existing=existing, conversation=conversation, digest=digest)
    photo = ConversationPhoto(
        id=photo_id,
        conversation=conversation,
        content_type=encoded.content_type,
        size=len(encoded.data),
    )
    # The stored name is ours (id + extension): the client's file name never reaches a path.
    photo.image.save(
        f"{photo_id}{_PHOTO_EXTENSIONS[encoded.content_type]}",
        ContentFile(encoded.data),
        save=False,
    )
    stored_name = photo.image.name
    kept = False
    try:
        with transaction.atomic():
            photo.save(force_insert=True)
        _touch(attendee=attendee, conversation=conversation)
        kept = True
    except IntegrityError:
        # The same photo id uploaded at the same moment: the first upload stands.
        existing = (
            ConversationPhoto.objects.filter(pk=photo_id)
            .select_related("conversation")
            .order_by()
            .first()
        )
        if existing is None:
            raise
        return _replayed_photo(existing=existing, conversation=conversation, digest=digest)
    finally:
        if not kept:
            default_storage.delete(stored_name)
    return PhotoWrite(photo=photo, created=True)


@transaction.atomic
def conversation_photo_delete(
    *, attendee: Attendee, conversation_id: uuid.UUID, photo_id: uuid.UUID
) -> None:
    """Remove a photo. Side effects: deletes the row, and the file once the transaction
    commits; moves the conversation's ``updated_at``. Raises NotFound."""
    _lock_logbook(attendee)
    conversation = _owned_conversation(attendee=attendee, conversation_id=conversation_id)
    photo = (
        ConversationPhoto.objects.filter(pk=photo_id, conversation=conversation).order_by().first()
    )
    if photo is None:
        raise NotFound("Not found.")
    name = photo.image.name
    photo.delete()
    transaction.on_commit(partial(default_storage.delete, name))
    _touch(attendee=attendee, conversation=conversation)
