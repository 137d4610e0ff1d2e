"""Reads of an attendee's logbook, and the changes feed that lets a second device catch up.

The feed's order is ``(updated_at, type, id)``: a total order (ids are unique per type), so
a cursor naming the last row seen resumes exactly after it even when many rows share one
``updated_at`` (a batch, a bulk import). The services stamp ``updated_at`` strictly
increasing per attendee under a lock, so no write can commit behind a cursor already given.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from planner.exceptions import NotFound, ValidationFailed
from planner.models import Attendee, ConversationPhoto, Meetup, PosterConversation

CHANGE_TYPES = ("conversation", "meetup")  # in feed order at equal timestamps
DEFAULT_CHANGES_LIMIT = 100
MAX_CHANGES_LIMIT = 500
_CURSOR_VERSION = "1"
CURSOR_INVALID = "Not a cursor from this feed."


def conversation_list(
    *, attendee: Attendee, include_deleted: bool = False
) -> QuerySet[PosterConversation]:
    """The attendee's poster conversations, newest first, with their photos."""
    conversations = PosterConversation.objects.filter(attendee=attendee)
    if not include_deleted:
        conversations = conversations.filter(deleted_at__isnull=True)
    return conversations.prefetch_related("photos").order_by("-talked_at", "id")


def conversation_get(*, attendee: Attendee, conversation_id: uuid.UUID) -> PosterConversation:
    """One of the attendee's conversations, tombstones included (they say ``deleted``)."""
    conversation = (
        conversation_list(attendee=attendee, include_deleted=True)
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise NotFound("Not found.")
    return conversation


def meetup_list(*, attendee: Attendee, include_deleted: bool = False) -> QuerySet[Meetup]:
    meetups = Meetup.objects.filter(attendee=attendee)
    if not include_deleted:
        meetups = meetups.filter(deleted_at__isnull=True)
    return meetups.order_by("-met_at", "id")


def meetup_get(*, attendee: Attendee, meetup_id: uuid.UUID) -> Meetup:
    meetup = meetup_list(attendee=attendee, include_deleted=True).filter(pk=meetup_id).first()
    if meetup is None:
        raise NotFound("Not found.")
    return meetup


def conversation_photo_get(
    *, attendee: Attendee, conversation_id: uuid.UUID, photo_id: uuid.UUID
) -> ConversationPhoto:
    """A photo of one of the attendee's live conversations; NotFound for anyone else's."""
    photo = (
        ConversationPhoto.objects.filter(
            pk=photo_id,
            conversation_id=conversation_id,
            conversation__attendee=attendee,
            conversation__deleted_at__isnull=True,
        )
        .order_by()
        .first()
    )
    if photo is None:
        raise NotFound("Not found.")
    return photo


# --- changes feed ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ChangeCursor:
    """A position in the feed: just after the row with this key. Opaque to clients."""

    updated_at: dt.datetime
    type: str
    id: uuid.UUID

    def encode(self) -> str:
        stamp = self.updated_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        raw = f"{_CURSOR_VERSION}|{stamp}|{self.type}|{self.id.hex}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> ChangeCursor:
        """Raises ValidationFailed on ``cursor`` for anything this feed did not hand out."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            version, stamp, kind, hex_id = raw.split("|")
            parsed = dt.datetime.fromisoformat(stamp)
            entry_id = uuid.UUID(hex=hex_id)
            if version != _CURSOR_VERSION or kind not in CHANGE_TYPES or parsed.tzinfo is None:
                raise ValueError(raw)
            updated_at = parsed.astimezone(dt.UTC)
        except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
            raise ValidationFailed(CURSOR_INVALID, field="cursor") from None
        return cls(updated_at=updated_at, type=kind, id=entry_id)


@dataclass(frozen=True)
class Change:
    type: str
    entry: PosterConversation | Meetup

    @property
    def cursor(self) -> ChangeCursor:
        return ChangeCursor(updated_at=self.entry.updated_at, type=self.type, id=self.entry.pk)


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    next_cursor: ChangeCursor | None
    has_more: bool


def _after(entries: QuerySet[Any], kind: str, cursor: ChangeCursor | None) -> QuerySet[Any]:
    """Rows whose (updated_at, type, id) comes after ``cursor``: at the cursor's timestamp
    a later type comes wholly after it, an earlier type wholly before it."""
    if cursor is None:
        return entries
    if kind > cursor.type:
        return entries.filter(updated_at__gte=cursor.updated_at)
    if kind < cursor.type:
        return entries.filter(updated_at__gt=cursor.updated_at)
    return entries.filter(
        Q(updated_at__gt=cursor.updated_at) | Q(updated_at=cursor.updated_at, id__gt=cursor.id)
    )


def logbook_changes(
    *, attendee: Attendee, after: ChangeCursor | None, limit: int = DEFAULT_CHANGES_LIMIT
) -> ChangesPage:
    """Conversations and meetups of the attendee changed after ``after`` (tombstones too),
    oldest change first, at most ``limit``. Three queries whatever the page size."""
    sources: dict[str, QuerySet[Any]] = {
        "conversation": PosterConversation.objects.filter(attendee=attendee).prefetch_related(
            "photos"
        ),
        "meetup": Meetup.objects.filter(attendee=attendee),
    }
    changes: list[Change] = []
    for kind, entries in sources.items():
        page = _after(entries, kind, after).order_by("updated_at", "id")[: limit + 1]
        changes.extend(Change(type=kind, entry=entry) for entry in page)
    changes.sort(key=lambda change: change.cursor)
    has_more = len(changes) > limit
    changes = changes[:limit]
    next_cursor = changes[-1].cursor if changes else after
    return ChangesPage(changes=changes, next_cursor=next_cursor, has_more=has_more)
