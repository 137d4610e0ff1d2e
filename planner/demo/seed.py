"""Writing the demo into the database: ``demo_seed`` and the writers it calls."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import struct
import time
import uuid
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import qrcode
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Permission
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from planner.demo.data import (
    ADMIN_USERNAME,
    AFFILIATION_PATTERNS,
    ATTENDEE_USERNAME,
    CANCEL_VERSION,
    CONFERENCE_DAYS,
    DEFAULT_SEED,
    DEFAULT_START,
    DEMO_IMPORT_SOURCE,
    DEMO_NAMESPACE,
    DEMO_SLUG,
    DEMO_SOURCE,
    DEMO_TIMEZONE,
    FIRST_NAMES,
    IMPORT_VERSION,
    LAST_NAMES,
    MOVE_BY,
    MOVE_VERSION,
    ORGANIZER_USERNAME,
    PLACES,
    QA_PAIRS,
    SYNTHETIC_ATTENDEES,
    ModelT,
    Row,
)
from planner.demo.program import Program, generate_program
from planner.enums import (
    ChangeAction,
    Channel,
    ImportStatus,
    MeetupSource,
    NotificationKind,
    PlanStatus,
    ReminderState,
    SessionKind,
    ShareableField,
)
from planner.models import (
    Attendee,
    Authorship,
    Booth,
    BoothHours,
    Conference,
    ConversationPhoto,
    ImportRun,
    Meal,
    Meetup,
    MenuItem,
    Notification,
    Oral,
    Outbound,
    Paper,
    Person,
    PlanItem,
    Poster,
    PosterConversation,
    PushSubscription,
    Reminder,
    RetiredBadge,
    Room,
    ScheduleChange,
    Session,
    Track,
)
from planner.models.accounts import hash_token
from planner.notifications.content import item_start
from planner.services.badges import shared_profile
from planner.services.reminders import reminders_sync_for_items

# The session that starts soon relative to now (see _write_starting_soon).
SOON_SOURCE = "demo-live"
SOON_EXTERNAL_ID = "starting-soon"
SOON_FIRES_IN = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class DemoSummary:
    conference_id: int
    slug: str
    name: str
    timezone: str
    start_date: dt.date
    end_date: dt.date
    created: bool
    program_changes: int
    schedule_version: int
    counts: dict[str, int]
    passwords_set: list[str]
    offset_changes: list[str]
    seconds: float


# --- writing helpers ------------------------------------------------------------------------


def _has_updated_at(model: type[models.Model]) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def _diff(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _bulk_update(model: type[ModelT], objs: list[ModelT], names: set[str]) -> None:
    if not objs:
        return
    fields = {model._meta.get_field(name).name for name in names}
    if _has_updated_at(model):
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now  # type: ignore[attr-defined]
        fields.add("updated_at")
    model._default_manager.bulk_update(objs, sorted(fields), batch_size=500)


def _sync_imported(
    model: type[ModelT], conference: Conference, rows: Mapping[str, Row]
) -> tuple[dict[str, ModelT], int]:
    """Create or update the demo rows of ``model``; returns them by external id and the
    number written. Stale demo rows (no longer generated) are cancelled, not deleted."""
    manager = model._default_manager
    existing = {o.external_id: o for o in manager.filter(conference=conference, source=DEMO_SOURCE)}  # type: ignore[attr-defined]
    create: list[ModelT] = []
    update: list[ModelT] = []
    names: set[str] = set()
    for ext, values in rows.items():
        obj = existing.get(ext)
        if obj is None:
            create.append(
                model(conference=conference, source=DEMO_SOURCE, external_id=ext, **values)
            )
            continue
        changed = _diff(obj, values)
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            update.append(obj)
            names.update(changed)
    stale = [
        o for ext, o in existing.items() if ext not in rows and not getattr(o, "cancelled", True)
    ]
    for obj in stale:
        obj.cancelled = True  # type: ignore[attr-defined]
        update.append(obj)
        names.add("cancelled")
    manager.bulk_create(create, batch_size=500)
    _bulk_update(model, update, names)
    if create:
        existing = {
            o.external_id: o for o in manager.filter(conference=conference, source=DEMO_SOURCE)
        }  # type: ignore[attr-defined]
    return existing, len(create) + len(update)


def _resolve(row: Row, **maps: Mapping[str, models.Model]) -> Row:
    """Replace external-id references (``room="room-x"``) with ids (``room_id=7``)."""
    out = dict(row)
    for key, mapping in maps.items():
        ref = out.pop(key)
        out[f"{key}_id"] = mapping[ref].pk if ref is not None else None
    return out


def _sync_links(
    through: type[models.Model],
    left: str,
    right: str,
    scope: models.QuerySet[Any],
    wanted: Iterable[tuple[int, int]],
) -> int:
    """Make the (left id, right id) rows of ``through`` within ``scope`` exactly ``wanted``."""
    desired = set(wanted)
    existing = set(scope.values_list(f"{left}_id", f"{right}_id"))
    create = sorted(desired - existing)
    through._default_manager.bulk_create(
        [through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in create], batch_size=500
    )
    extra = existing - desired
    for a, b in sorted(extra):
        scope.filter(**{f"{left}_id": a, f"{right}_id": b}).delete()
    return len(create) + len(extra)


def _upsert(
    model: type[ModelT],
    lookup: Row,
    values: Row,
    *,
    on_create: Row | None = None,
    bump_version: bool = False,
) -> tuple[ModelT, bool]:
    """Get by ``lookup`` and write ``values`` only where they differ; returns (row, written)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values, **(on_create or {})), True
    changed = _diff(obj, values)
    if not changed:
        return obj, False
    for name in changed:
        setattr(obj, name, values[name])
    if bump_version:
        obj.version += 1  # type: ignore[attr-defined]
        changed.append("version")
    if _has_updated_at(model):
        changed.append("updated_at")
    obj.save(update_fields=changed)
    return obj, True


def _utc_iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _qr_png(text: str, scale: int = 4) -> bytes:
    """A greyscale PNG of a QR code, built by hand so no imaging library is needed."""
    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    lines = []
    for row in matrix:
        line = b"\x00" + bytes(0 if dark else 255 for dark in row for _ in range(scale))
        lines.extend([line] * scale)
    size = len(matrix) * scale

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(lines), 9))
        + chunk(b"IEND", b"")
    )


def _demo_uuid(conference: Conference, name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{conference.slug}/{name}")


# --- writing the program --------------------------------------------------------------------


@dataclass
class _Ids:
    rooms: dict[str, Room]
    sessions: dict[str, Session]
    orals: dict[str, Oral]
    posters: dict[str, Poster]
    papers: dict[str, Paper]
    booths: dict[str, Booth]
    meals: dict[str, Meal]


def _write_program(conference: Conference, program: Program) -> tuple[_Ids, int]:
    writes = 0
    rooms, n = _sync_imported(Room, conference, program.rooms)
    writes += n

    tracks = {t.slug: t for t in conference.tracks.all()}
    for slug, values in program.tracks.items():
        if slug not in tracks:
            tracks[slug] = Track.objects.create(conference=conference, slug=slug, **values)
            writes += 1
        elif _diff(tracks[slug], values):
            _upsert(Track, {"pk": tracks[slug].pk}, values)
            writes += 1

    people, n = _sync_imported(Person, conference, program.people)
    writes += n
    papers, n = _sync_imported(Paper, conference, program.papers)
    writes += n

    # Authorships keyed by (paper, position); a changed author is replaced, not updated,
    # so the unique (paper, person) constraint never sees a transient duplicate.
    wanted = {
        (papers[p].pk, pos): people[a].pk
        for p, names in program.authors.items()
        for pos, a in enumerate(names, start=1)
    }
    existing = {
        (a.paper_id, a.position): a
        for a in Authorship.objects.filter(paper__conference=conference, paper__source=DEMO_SOURCE)
    }
    stale = [a.pk for key, a in existing.items() if wanted.get(key) != a.person_id]
    Authorship.objects.filter(pk__in=stale).delete()
    create = [
        Authorship(paper_id=paper, position=pos, person_id=person)
        for (paper, pos), person in wanted.items()
        if (paper, pos) not in existing or existing[(paper, pos)].pk in stale
    ]
    Authorship.objects.bulk_create(create, batch_size=500)
    writes += len(stale) + len(create)

    sessions, n = _sync_imported(
        Session,
        conference,
        {ext: _resolve(row, room=rooms, track=tracks) for ext, row in program.sessions.items()},
    )
    writes += n
    writes += _sync_links(
        Session.chairs.through,
        "session",
        "person",
        Session.chairs.through.objects.filter(
            session__conference=conference, session__source=DEMO_SOURCE
        ),
        ((sessions[s].pk, people[p].pk) for s, names in program.chairs.items() for p in names),
    )
    orals, n = _sync_imported(
        Oral,
        conference,
        {ext: _resolve(row, session=sessions, paper=papers) for ext, row in program.orals.items()},
    )
    writes += n
    writes += _sync_links(
        Oral.speakers.through,
        "oral",
        "person",
        Oral.speakers.through.objects.filter(oral__conference=conference, oral__source=DEMO_SOURCE),
        ((orals[o].pk, people[p].pk) for o, names in program.speakers.items() for p in names),
    )
    posters, n = _sync_imported(
        Poster,
        conference,
        {
            ext: _resolve(row, session=sessions, paper=papers)
            for ext, row in program.posters.items()
        },
    )
    writes += n

    booths, n = _sync_imported(
        Booth, conference, {ext: _resolve(row, room=rooms) for ext, row in program.booths.items()}
    )
    writes += n
    wanted_hours = {
        (booths[b].pk, start): end
        for b, windows in program.booth_hours.items()
        for start, end in windows
    }
    existing_hours = list(
        BoothHours.objects.filter(booth__conference=conference, booth__source=DEMO_SOURCE)
    )
    stale = [h.pk for h in existing_hours if wanted_hours.get((h.booth_id, h.start)) != h.end]
    kept = {(h.booth_id, h.start) for h in existing_hours if h.pk not in stale}
    BoothHours.objects.filter(pk__in=stale).delete()
    create_hours = [
        BoothHours(booth_id=b, start=s, end=e)
        for (b, s), e in wanted_hours.items()
        if (b, s) not in kept
    ]
    BoothHours.objects.bulk_create(create_hours)
    writes += len(stale) + len(create_hours)

    meals, n = _sync_imported(
        Meal, conference, {ext: _resolve(row, room=rooms) for ext, row in program.meals.items()}
    )
    writes += n
    existing_items = {
        (m.meal_id, m.name): m
        for m in MenuItem.objects.filter(meal__conference=conference, meal__source=DEMO_SOURCE)
    }
    wanted_items = {
        (meals[m].pk, item["name"]): item for m, items in program.menus.items() for item in items
    }
    create_items: list[MenuItem] = []
    update_items: list[MenuItem] = []
    for (meal_id, name), item in wanted_items.items():
        values = {k: v for k, v in item.items() if k != "name"}
        current = existing_items.get((meal_id, name))
        if current is None:
            create_items.append(MenuItem(meal_id=meal_id, name=name, **values))
        elif _diff(current, values):
            for key, value in values.items():
                setattr(current, key, value)
            update_items.append(current)
    extra = [m.pk for key, m in existing_items.items() if key not in wanted_items]
    MenuItem.objects.filter(pk__in=extra).delete()
    MenuItem.objects.bulk_create(create_items)
    _bulk_update(MenuItem, update_items, {"description", "dietary", "position"})
    writes += len(create_items) + len(update_items) + len(extra)

    return _Ids(rooms, sessions, orals, posters, papers, booths, meals), writes


# --- users, attendees and their data --------------------------------------------------------


@dataclass
class _Logins:
    organizer: AbstractUser
    attendee: AbstractUser
    admin: AbstractUser
    passwords_set: list[str]


def _login(
    username: str,
    password: str,
    *,
    first: str,
    last: str,
    staff: bool,
    superuser: bool,
    reset: bool,
    passwords_set: list[str],
) -> AbstractUser:
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=username).first()
    created = user is None
    if user is None:
        user = user_model(username=username)
    values = {
        "email": f"{username}@example.org",
        "first_name": first,
        "last_name": last,
        "is_staff": staff,
        "is_superuser": superuser,
        "is_active": True,
    }
    changed = created or bool(_diff(user, values))
    for key, value in values.items():
        setattr(user, key, value)
    if created or reset:
        user.set_password(password)
        passwords_set.append(username)
        changed = True
    if changed:
        user.save()
    return user  # type: ignore[return-value]


def _write_logins(
    *,
    organizer_password: str,
    attendee_password: str,
    admin_password: str,
    reset: bool,
    conference: Conference,
) -> _Logins:
    passwords_set: list[str] = []
    organizer = _login(
        ORGANIZER_USERNAME,
        organizer_password,
        first="Demo",
        last="Organizer",
        staff=True,
        superuser=False,
        reset=reset,
        passwords_set=passwords_set,
    )
    attendee = _login(
        ATTENDEE_USERNAME,
        attendee_password,
        first="Demo",
        last="Attendee",
        staff=False,
        superuser=False,
        reset=reset,
        passwords_set=passwords_set,
    )
    admin = _login(
        ADMIN_USERNAME,
        admin_password,
        first="Demo",
        last="Admin",
        staff=True,
        superuser=True,
        reset=reset,
        passwords_set=passwords_set,
    )
    organizer.user_permissions.add(*Permission.objects.filter(content_type__app_label="planner"))
    conference.organizers.add(organizer)
    return _Logins(organizer, attendee, admin, passwords_set)


def _synthetic_usernames() -> list[str]:
    return [f"demo-attendee-{i:02d}" for i in range(1, SYNTHETIC_ATTENDEES + 1)]


def _write_attendees(conference: Conference, logins: _Logins, seed: int) -> list[Attendee]:
    """The demo attendee, the organizer and the synthetic crowd, in that order."""
    rng = random.Random(f"{seed}:attendees")  # noqa: S311 -- deterministic demo data
    user_model = get_user_model()
    names = rng.sample([(f, la) for f in FIRST_NAMES for la in LAST_NAMES], SYNTHETIC_ATTENDEES)
    usernames = _synthetic_usernames()
    users = {u.username: u for u in user_model._default_manager.filter(username__in=usernames)}
    new_users = []
    for username, (first, last) in zip(usernames, names, strict=True):
        if username not in users:
            user = user_model(
                username=username, first_name=first, last_name=last, email=f"{username}@example.org"
            )
            user.set_unusable_password()
            new_users.append(user)
    user_model._default_manager.bulk_create(new_users)
    users = {u.username: u for u in user_model._default_manager.filter(username__in=usernames)}

    places = rng.sample(PLACES, 10)
    rows: list[tuple[Any, Row]] = [
        (
            logins.attendee,
            {
                "display_name": "Demo Attendee",
                "affiliation": f"{places[0]} University",
                "homepage": "https://example.org/~demo-attendee",
                "orcid": "0000-0002-1825-0097",
                "openreview_id": "~Demo_Attendee1",
                "shared_fields": [
                    ShareableField.DISPLAY_NAME,
                    ShareableField.AFFILIATION,
                    ShareableField.EMAIL,
                    ShareableField.ORCID,
                ],
                "reminder_minutes": 10,
                "reminder_channels": [Channel.PUSH, Channel.IN_APP],
            },
        ),
        (
            logins.organizer,
            {
                "display_name": "Demo Organizer",
                "affiliation": "ECCV Demo Organizing Committee",
                "homepage": "",
                "orcid": "",
                "openreview_id": "",
                "shared_fields": [
                    ShareableField.DISPLAY_NAME,
                    ShareableField.AFFILIATION,
                    ShareableField.EMAIL,
                ],
                "reminder_minutes": 15,
                "reminder_channels": [Channel.IN_APP, Channel.EMAIL],
            },
        ),
    ]
    optional = [
        ShareableField.EMAIL,
        ShareableField.HOMEPAGE,
        ShareableField.ORCID,
        ShareableField.OPENREVIEW,
    ]
    for username, (first, last) in zip(usernames, names, strict=True):
        orcid = (
            (
                f"0000-000{rng.randint(1, 3)}-{rng.randint(0, 9999):04d}-"
                f"{rng.randint(0, 999):03d}{rng.choice('0123456789X')}"
            )
            if rng.random() < 0.4
            else ""
        )
        shared = [ShareableField.DISPLAY_NAME, ShareableField.AFFILIATION]
        shared += [
            f for f in optional if rng.random() < 0.4 and (f != ShareableField.ORCID or orcid)
        ]
        rows.append(
            (
                users[username],
                {
                    "display_name": f"{first} {last}",
                    "affiliation": rng.choice(AFFILIATION_PATTERNS[:5]).format(
                        place=rng.choice(places), company=""
                    ),
                    "homepage": f"https://example.org/~{slugify(f'{first} {last}')}"
                    if rng.random() < 0.5
                    else "",
                    "orcid": orcid,
                    "openreview_id": f"~{first}_{last}1".replace(" ", "_")
                    if rng.random() < 0.3
                    else "",
                    "shared_fields": [str(f) for f in shared],
                    "reminder_minutes": rng.choice([5, 10, 10, 15, 30]),
                    "reminder_channels": [
                        str(c)
                        for c in rng.choice(
                            [
                                [Channel.PUSH, Channel.IN_APP],
                                [Channel.IN_APP],
                                [Channel.EMAIL, Channel.IN_APP],
                            ]
                        )
                    ],
                },
            )
        )
    for _user, values in rows:
        values["shared_fields"] = [str(f) for f in values["shared_fields"]]
        values["reminder_channels"] = [str(c) for c in values["reminder_channels"]]

    existing = {a.user_id: a for a in conference.attendees.all()}
    create: list[Attendee] = []
    update: list[Attendee] = []
    names_changed: set[str] = set()
    for user, values in rows:
        current = existing.get(user.pk)
        if current is None:
            create.append(Attendee(conference=conference, user=user, **values))
        elif changed := _diff(current, values):
            for key in changed:
                setattr(current, key, values[key])
            update.append(current)
            names_changed.update(changed)
    Attendee.objects.bulk_create(create)
    _bulk_update(Attendee, update, names_changed)
    by_user = {a.user_id: a for a in conference.attendees.all()}
    return [by_user[user.pk] for user, _ in rows]


def _write_plans(conference: Conference, attendees: list[Attendee], ids: _Ids, seed: int) -> int:
    """Plan items for everyone; the demo attendee's cover every kind of target."""
    rng = random.Random(f"{seed}:plans")  # noqa: S311 -- deterministic demo data
    demo = attendees[0]
    posters = sorted(ids.posters)
    wanted: list[tuple[Attendee, str, models.Model, str, str, int | None]] = []
    demo_targets: list[tuple[str, str, str, str, int | None]] = [
        ("session", "d2-opening", PlanStatus.GOING, "", None),
        (
            "session",
            "d2-keynote",
            PlanStatus.MUST_SEE,
            "Sit near the front; slides go up afterwards.",
            20,
        ),
        ("session", "d3-keynote", PlanStatus.GOING, "", None),
        (
            "session",
            "d3-poster-pm",
            PlanStatus.MUST_SEE,
            "Moved 15 min later; check the new time.",
            None,
        ),
        ("session", "d1-ws-r101-pm", PlanStatus.INTERESTED, "", None),
        (
            "session",
            "d0-tut-plenary-am",
            PlanStatus.GOING,
            "Bring a laptop with the notebooks.",
            30,
        ),
        ("session", "d2-oral-am-a", PlanStatus.GOING, "", None),
        ("session", "d2-reception", PlanStatus.GOING, "", None),
        ("session", "d4-closing", PlanStatus.INTERESTED, "", None),
        ("oral", "d2-oral-am-b-1", PlanStatus.MUST_SEE, "Ask about the failure cases.", None),
        ("oral", "d2-oral-am-b-2", PlanStatus.INTERESTED, "", None),
        ("oral", "d3-oral-am-a-1", PlanStatus.GOING, "", None),
        ("oral", "d4-oral-pm-b-3", PlanStatus.GOING, "", 5),
        ("booth", "booth-01", PlanStatus.INTERESTED, "Ask about internships.", None),
        ("booth", "booth-05", PlanStatus.GOING, "", None),
        ("booth", "booth-12", PlanStatus.INTERESTED, "", None),
        ("meal", "d2-lunch", PlanStatus.GOING, "", None),
        ("meal", "d2-reception", PlanStatus.GOING, "", None),
        ("meal", "d4-breakfast", PlanStatus.INTERESTED, "", None),
    ]
    for index, ext in enumerate(_demo_posters(ids)):
        status = PlanStatus.MUST_SEE if index < 2 else PlanStatus.GOING
        demo_targets.append(("poster", ext, status, "", None))
    lookup: dict[str, Mapping[str, models.Model]] = {
        "session": ids.sessions,
        "oral": ids.orals,
        "poster": ids.posters,
        "booth": ids.booths,
        "meal": ids.meals,
    }
    for kind, ext, status, note, minutes in demo_targets:
        wanted.append((demo, kind, lookup[kind][ext], str(status), note, minutes))
    popular = [
        s
        for s, row in ids.sessions.items()
        if row.kind
        in (SessionKind.KEYNOTE, SessionKind.ORAL, SessionKind.TUTORIAL, SessionKind.WORKSHOP)
    ]
    orals = sorted(o for o in ids.orals if not o.endswith("keynote-talk"))
    for attendee in attendees[1:]:
        for ext in rng.sample(sorted(popular), rng.randint(2, 5)):
            wanted.append(
                (
                    attendee,
                    "session",
                    ids.sessions[ext],
                    str(rng.choice(list(PlanStatus))),
                    "",
                    None,
                )
            )
        for ext in rng.sample(orals, rng.randint(0, 3)):
            wanted.append((attendee, "oral", ids.orals[ext], str(PlanStatus.INTERESTED), "", None))
        for ext in rng.sample(posters, rng.randint(2, 8)):
            wanted.append(
                (attendee, "poster", ids.posters[ext], str(rng.choice(list(PlanStatus))), "", None)
            )

    # The demo attendee chose when to visit one booth: right after lunch on day 2 (it shows
    # in their calendar feed).
    after_lunch = ids.meals["d2-lunch"].end
    visits = {
        (demo.pk, ids.booths["booth-05"].pk): (after_lunch, after_lunch + dt.timedelta(minutes=20))
    }
    existing = {
        (p.attendee_id, p.target_kind, p.target_id): p
        for p in PlanItem.objects.filter(attendee__conference=conference)
    }
    create: list[PlanItem] = []
    update: list[PlanItem] = []
    touched: set[int] = set()
    for attendee, kind, target, status, note, minutes in wanted:
        visit = (
            visits.get((attendee.pk, target.pk), (None, None)) if kind == "booth" else (None, None)
        )
        values = {
            "status": status,
            "note": note,
            "reminder_minutes": minutes,
            "visit_start": visit[0],
            "visit_end": visit[1],
        }
        current = existing.get((attendee.pk, kind, target.pk))
        if current is None:
            create.append(PlanItem(attendee=attendee, **{kind: target}, **values))
            touched.add(attendee.pk)
        elif _diff(current, values):
            for key, value in values.items():
                setattr(current, key, value)
            update.append(current)
            touched.add(attendee.pk)
    PlanItem.objects.bulk_create(create, batch_size=500)
    _bulk_update(
        PlanItem, update, {"status", "note", "reminder_minutes", "visit_start", "visit_end"}
    )
    # Clients sync plans by version: anything the seed wrote is a change they must fetch.
    Attendee.objects.filter(pk__in=touched).update(
        plan_version=models.F("plan_version") + 1, updated_at=timezone.now()
    )
    return len(create) + len(update)


def _demo_posters(ids: _Ids) -> list[str]:
    """Six posters the demo attendee stars, two of which they talk to the authors about."""
    picks = []
    for session_ext, index in (
        ("d2-poster-am", 4),
        ("d2-poster-am", 17),
        ("d2-poster-pm", 2),
        ("d3-poster-am", 9),
        ("d3-poster-pm", 21),
        ("d4-poster-am", 1),
    ):
        boards = sorted(
            e for e, p in ids.posters.items() if p.session_id == ids.sessions[session_ext].pk
        )
        picks.append(boards[index])
    return picks


def _write_reminders(demo: Attendee, ids: _Ids) -> int:
    """Reminders for the demo attendee's plan, one per channel: fire = start - minutes.

    Existing rows keep their delivery state (the dispatcher owns it); rows whose fire time
    no longer matches the plan are deleted. New rows are pending, except the cancelled
    session's (cancelled) and the earliest in-app one (sent), so every state shows up.
    """
    items = list(demo.plan_items.select_related("session", "oral", "poster__session", "meal"))
    wanted: dict[tuple[int, dt.datetime, str], PlanItem] = {}
    for item in items:
        start = item_start(item)
        if start is None:
            continue
        minutes = (
            item.reminder_minutes if item.reminder_minutes is not None else demo.reminder_minutes
        )
        for channel in demo.reminder_channels:
            wanted[(item.pk, start - dt.timedelta(minutes=minutes), channel)] = item
    existing = {
        (r.plan_item_id, r.fire_at, r.channel): r
        for r in Reminder.objects.filter(plan_item__attendee=demo)
    }
    stale = [r.pk for key, r in existing.items() if key not in wanted]
    Reminder.objects.filter(pk__in=stale).delete()
    cancelled = ids.sessions["d1-ws-r101-pm"].pk
    first_sent = min(
        (k for k in wanted if k[2] == Channel.IN_APP and wanted[k].session_id != cancelled),
        key=lambda k: k[1],
    )
    create = []
    for key, item in sorted(wanted.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        if key in existing:
            continue
        _, fire_at, channel = key
        row = Reminder(plan_item=item, fire_at=fire_at, channel=channel)
        if item.session_id == cancelled:
            row.state = ReminderState.CANCELLED
        elif key == first_sent:
            row.state, row.attempts = ReminderState.SENT, 1
            row.claimed_at, row.sent_at = fire_at, fire_at + dt.timedelta(seconds=2)
        create.append(row)
    Reminder.objects.bulk_create(create)
    return len(create) + len(stale)


def _write_starting_soon(conference: Conference, demo: Attendee, ids: _Ids) -> bool:
    """A session that starts soon *relative to now*, in the demo attendee's plan, so that
    `make run` shows a reminder within a minute: its reminder fires SOON_FIRES_IN after the
    seed (start = then + the attendee's lead). Outside the generated program (its own
    source, so re-runs never cancel it as stale) and on today's date, not a conference day.

    Idempotent: a re-run keeps it while it is still ahead; once it has started, a re-run
    moves it forward again (a program change: schedule version + 1). Its Reminder rows come
    from :func:`planner.services.reminders.reminders_sync_for_items`. Returns whether the
    session was written."""
    now = timezone.now().replace(microsecond=0)
    session = Session.objects.filter(
        conference=conference, source=SOON_SOURCE, external_id=SOON_EXTERNAL_ID
    ).first()
    written = session is None or session.start <= now
    if written:
        start = now + SOON_FIRES_IN + dt.timedelta(minutes=demo.reminder_minutes)
        version = conference.schedule_version + (session is not None)
        values = {
            "title": "Reminder check: coffee with the program chairs",
            "kind": SessionKind.SOCIAL,
            "start": start,
            "end": start + dt.timedelta(minutes=30),
            "room": ids.rooms["room-foyer"],
            "description": "Seeded to start a few minutes after `seed_demo` ran, so the "
            "demo attendee's reminder arrives while you watch.",
            "cancelled": False,
            "changed_in": version,
        }
        session, _ = Session.objects.update_or_create(
            conference=conference,
            source=SOON_SOURCE,
            external_id=SOON_EXTERNAL_ID,
            defaults=values,
        )
        if version != conference.schedule_version:
            conference.schedule_version = version
            conference.save(update_fields=["schedule_version", "updated_at"])
    item, created = PlanItem.objects.get_or_create(
        attendee=demo, session=session, defaults={"status": PlanStatus.MUST_SEE}
    )
    if created or written:
        Attendee.objects.filter(pk=demo.pk).update(plan_version=models.F("plan_version") + 1)
        reminders_sync_for_items(plan_items=[item])
    return written


def _write_logbook(conference: Conference, attendees: list[Attendee], ids: _Ids) -> int:
    """Poster conversations (one with a photo, one free-text, one tombstone) and meetups."""
    demo, other = attendees[0], attendees[2]
    tz = conference.tz
    posters = _demo_posters(ids)
    writes = 0

    def local(session_ext: str, minutes_in: int) -> dt.datetime:
        return ids.sessions[session_ext].start.astimezone(tz) + dt.timedelta(minutes=minutes_in)

    conversations: list[tuple[str, Row]] = [
        (
            "conversation/1",
            {
                "poster_id": ids.posters[posters[0]].pk,
                "poster_title": "",
                "talked_to": "First author",
                "talked_at": local("d2-poster-am", 20),
                "qa": [{"question": q, "answer": a} for q, a in QA_PAIRS[0:2]],
                "rating": 5,
                "tags": ["related-work", "follow-up"],
                "notes": "Very close to our project; their loss could replace our second stage.",
                "follow_up": "E-mail the authors about the dataset split.",
                "follow_up_done": False,
                "deleted_at": None,
            },
        ),
        (
            "conversation/2",
            {
                "poster_id": ids.posters[posters[4]].pk,
                "poster_title": "",
                "talked_to": "Second author",
                "talked_at": local("d3-poster-pm", 25),
                "qa": [{"question": q, "answer": a} for q, a in QA_PAIRS[2:5]],
                "rating": 4,
                "tags": ["baseline"],
                "notes": "Good ablations; code release promised.",
                "follow_up": "Star the repo when it is out.",
                "follow_up_done": True,
                "deleted_at": None,
            },
        ),
        (
            "conversation/3",
            {
                "poster_id": ids.posters[posters[5]].pk,
                "poster_title": "",
                "talked_to": "",
                "talked_at": local("d4-poster-am", 40),
                "qa": [{"question": QA_PAIRS[5][0], "answer": QA_PAIRS[5][1]}],
                "rating": 3,
                "tags": [],
                "notes": "",
                "follow_up": "",
                "follow_up_done": False,
                "deleted_at": None,
            },
        ),
        (
            "conversation/4",
            {
                "poster_id": None,
                "poster_title": "Workshop poster: Cheap Depth from Two Phones (not in the program)",
                "talked_to": "Workshop presenter",
                "talked_at": local("d0-break-pm", 5),
                "qa": [
                    {
                        "question": "Which phones?",
                        "answer": "Any two with a gyroscope; synced over audio.",
                    }
                ],
                "rating": 4,
                "tags": ["workshop", "hardware"],
                "notes": "Fun hack, worth a try for the lab demo.",
                "follow_up": "",
                "follow_up_done": False,
                "deleted_at": None,
            },
        ),
        (
            "conversation/5",
            {
                "poster_id": ids.posters[posters[3]].pk,
                "poster_title": "",
                "talked_to": "",
                "talked_at": local("d3-poster-am", 10),
                "qa": [],
                "rating": None,
                "tags": [],
                "notes": "Logged by mistake.",
                "follow_up": "",
                "follow_up_done": False,
                # A tombstone, as a second device would see after the delete synced.
                "deleted_at": local("d3-poster-am", 12),
            },
        ),
    ]
    rows: dict[str, PosterConversation] = {}
    for name, values in conversations:
        rows[name], written = _upsert(
            PosterConversation,
            {"id": _demo_uuid(conference, name)},
            {"attendee_id": demo.pk, **values},
            bump_version=True,
        )
        writes += written

    photo_id = _demo_uuid(conference, "conversation/1/photo/1")
    photo = ConversationPhoto.objects.filter(id=photo_id).first()
    if photo is None or not photo.image or not photo.image.storage.exists(photo.image.name):
        poster = ids.posters[posters[0]]
        png = _qr_png(f"https://example.org/eccv-demo/posters/{poster.external_id}")
        photo = photo or ConversationPhoto(id=photo_id, conversation=rows["conversation/1"])
        photo.content_type, photo.size = "image/png", len(png)
        photo.image.save(f"{photo_id}.png", ContentFile(png), save=False)
        photo.save()
        writes += 1

    shared = shared_profile(other)
    meetups: list[tuple[str, Row]] = [
        (
            "meetup/1",
            {
                "other_id": other.pk,
                "scanned_id": other.pk,  # a real scan: the other attendee sees it
                "source": MeetupSource.BADGE_SCAN,
                "contact_name": other.display_name,
                "contact_affiliation": other.affiliation,
                "contact_email": shared.get(ShareableField.EMAIL, ""),
                "contact_details": shared,
                "met_at": local("d2-poster-am", 35),
                "poster_id": ids.posters[posters[0]].pk,
                "booth_id": None,
                "notes": "Works on the same benchmark; met at the poster above.",
                "follow_up": "Share our evaluation script.",
                "follow_up_done": False,
            },
        ),
        (
            "meetup/2",
            {
                "other_id": None,
                "source": MeetupSource.MANUAL,
                "contact_name": "Recruiter at booth B05",
                "contact_affiliation": ids.booths["booth-05"].exhibitor,
                "contact_email": "talent@example.com",
                "contact_details": {},
                "met_at": local("d3-break-am", 10),
                "poster_id": None,
                "booth_id": ids.booths["booth-05"].pk,
                "notes": "Summer internships in their Haifa office; apply by December.",
                "follow_up": "Send CV.",
                "follow_up_done": False,
            },
        ),
    ]
    for name, values in meetups:
        _, written = _upsert(
            Meetup,
            {"id": _demo_uuid(conference, name)},
            {"attendee_id": demo.pk, **values},
            bump_version=True,
        )
        writes += written
    # The demo attendee once replaced a lost badge: scanning the old one says "replaced".
    _, created = RetiredBadge.objects.get_or_create(
        token_hash=hash_token(f"{conference.slug}:demo-lost-badge"), defaults={"attendee": demo}
    )
    return writes + int(created)


def _write_notifications(
    conference: Conference, attendees: list[Attendee], ids: _Ids, program: Program
) -> int:
    demo, other = attendees[0], attendees[2]
    tz = conference.tz
    moved = ids.sessions[program.moved_session]
    cancelled = ids.sessions[program.cancelled_session]
    sent = (
        Reminder.objects.filter(plan_item__attendee=demo, state=ReminderState.SENT)
        .select_related(
            "plan_item__session", "plan_item__oral", "plan_item__poster__session", "plan_item__meal"
        )
        .first()
    )
    rows: list[tuple[Attendee, str, Row, dt.datetime | None]] = [
        (
            demo,
            "demo:welcome",
            {
                "kind": NotificationKind.SYSTEM,
                "title": f"Welcome to {conference.name}",
                "body": "Star sessions, posters and booths to build your plan; reminders follow.",
                "url": f"/conferences/{conference.slug}/",
            },
            timezone.now(),
        ),
        (
            demo,
            f"demo:schedule:v{MOVE_VERSION}:session:{moved.external_id}",
            {
                "kind": NotificationKind.SCHEDULE_CHANGE,
                "title": f"{moved.title} moved",
                "body": f"Now {moved.start.astimezone(tz):%a %H:%M} to {moved.end.astimezone(tz):%H:%M} "
                f"(was {(moved.start - MOVE_BY).astimezone(tz):%H:%M}).",
                "url": f"/conferences/{conference.slug}/sessions/{moved.pk}",
            },
            None,
        ),
        (
            demo,
            f"demo:schedule:v{CANCEL_VERSION}:session:{cancelled.external_id}",
            {
                "kind": NotificationKind.SCHEDULE_CHANGE,
                "title": f"Cancelled: {cancelled.title}",
                "body": "The organizers cancelled this session. It stays in your plan, marked cancelled.",
                "url": f"/conferences/{conference.slug}/sessions/{cancelled.pk}",
            },
            None,
        ),
        (
            other,
            f"demo:badge-scan:{demo.pk}",
            {
                "kind": NotificationKind.BADGE_SCAN,
                "title": f"{demo.display_name} scanned your badge",
                "body": "They received the profile fields you chose to share.",
                "url": "",
            },
            None,
        ),
    ]
    if sent is not None:
        item = sent.plan_item
        target = item.session or item.oral or item.poster or item.meal or item.booth
        rows.append(
            (
                demo,
                "demo:reminder:first",
                {
                    "kind": NotificationKind.REMINDER,
                    "title": f"Soon: {target}",
                    "body": f"Starts at {item_start(item).astimezone(tz):%H:%M}.",  # type: ignore[union-attr]
                    "url": f"/conferences/{conference.slug}/plan",
                },
                None,
            )
        )
    writes = 0
    for attendee, key, values, read_at in rows:
        _, written = _upsert(
            Notification,
            {"attendee": attendee, "dedupe_key": key},
            {k: str(v) for k, v in values.items()},
            on_create={"read_at": read_at},
        )
        writes += written
    # The e-mail copy of the cancellation alert, already sent (push and e-mail copies of an
    # import's alert are Outbound rows; this one shows in the admin's delivery counts).
    alerted = cancelled.start - dt.timedelta(days=1)
    _, written = _upsert(
        Outbound,
        {"attendee": demo, "channel": Channel.EMAIL, "dedupe_key": f"demo:cancel:{cancelled.pk}"},
        {
            "kind": NotificationKind.SCHEDULE_CHANGE,
            "title": f"Cancelled: {cancelled.title}"[:200],
            "lines": [f"{cancelled.title} cancelled"],
            "url": f"/conferences/{conference.slug}/sessions/{cancelled.pk}",
            "tag": f"schedule-c{conference.pk}-v{CANCEL_VERSION}",
            "fire_at": alerted,
            "state": ReminderState.SENT,
            "attempts": 1,
            "claimed_at": alerted,
            "sent_at": alerted + dt.timedelta(seconds=2),
        },
    )
    writes += written
    # A browser subscription for the demo attendee; the endpoint is unroutable on purpose.
    endpoint = f"https://push.example.invalid/demo/{_demo_uuid(conference, 'push/1')}"
    keys = random.Random(endpoint)  # noqa: S311 -- fake, deterministic key material
    _, written = _upsert(
        PushSubscription,
        {"endpoint": endpoint},
        {
            "user_id": demo.user_id,
            "p256dh": "B"
            + "".join(
                keys.choices(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=86
                )
            ),
            "auth": "".join(
                keys.choices(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=22
                )
            ),
            "user_agent": "Mozilla/5.0 (Linux; Android 14) Boardwalk demo",
        },
    )
    return writes + written


def _write_history(
    conference: Conference,
    program: Program,
    ids: _Ids,
    *,
    organizer: AbstractUser,
    started_at: dt.datetime,
    version_after_import: int,
    counts: dict[str, int],
    timings: dict[str, int],
    checksum: str,
) -> None:
    """The seed's ImportRun and the organizer's later edits as ScheduleChange rows."""
    run = (
        ImportRun.objects.filter(conference=conference, source=DEMO_IMPORT_SOURCE)
        .order_by("pk")
        .first()
    )
    values = {
        "format": "",
        "status": ImportStatus.SUCCEEDED,
        "dry_run": False,
        "counts": counts,
        "warnings": [],
        "errors": [],
        "timings": timings,
        "schedule_version": version_after_import,
        "checksum": checksum,
        "created_by": organizer,
        "started_at": started_at,
        "finished_at": timezone.now(),
    }
    if run is None:
        run = ImportRun.objects.create(conference=conference, source=DEMO_IMPORT_SOURCE, **values)
    else:
        for key, value in values.items():
            setattr(run, key, value)
        run.save()

    moved = ids.sessions[program.moved_session]
    old_start, old_end = moved.start - MOVE_BY, moved.end - MOVE_BY
    changes: list[tuple[Row, Row]] = [
        (
            {"action": ChangeAction.MOVED_TIME, "session": moved},
            {
                "schedule_version": MOVE_VERSION,
                "fields": {
                    "start": [_utc_iso(old_start), _utc_iso(moved.start)],
                    "end": [_utc_iso(old_end), _utc_iso(moved.end)],
                },
            },
        ),
        (
            {"action": ChangeAction.RETITLED, "paper": ids.papers[program.retitled_paper]},
            {
                "schedule_version": MOVE_VERSION,
                "fields": {"title": [program.old_title, ids.papers[program.retitled_paper].title]},
            },
        ),
        (
            {"action": ChangeAction.CANCELLED, "session": ids.sessions[program.cancelled_session]},
            {
                "schedule_version": CANCEL_VERSION,
                "fields": {"cancelled": [False, True]},
            },
        ),
    ]
    for lookup, change in changes:
        _upsert(ScheduleChange, {"conference": conference, **lookup}, change)


def _count_rows(conference: Conference) -> dict[str, int]:
    c = conference
    usernames = [ORGANIZER_USERNAME, ATTENDEE_USERNAME, ADMIN_USERNAME, *_synthetic_usernames()]
    return {
        "User": get_user_model()._default_manager.filter(username__in=usernames).count(),
        "Room": c.rooms.count(),
        "Track": c.tracks.count(),
        "Person": c.people.count(),
        "Paper": c.papers.count(),
        "Authorship": Authorship.objects.filter(paper__conference=c).count(),
        "Session": c.sessions.count(),
        "Oral": c.orals.count(),
        "Poster": c.posters.count(),
        "Booth": c.booths.count(),
        "BoothHours": BoothHours.objects.filter(booth__conference=c).count(),
        "Meal": c.meals.count(),
        "MenuItem": MenuItem.objects.filter(meal__conference=c).count(),
        "Attendee": c.attendees.count(),
        "PlanItem": PlanItem.objects.filter(attendee__conference=c).count(),
        "PosterConversation": PosterConversation.objects.filter(attendee__conference=c).count(),
        "ConversationPhoto": ConversationPhoto.objects.filter(
            conversation__attendee__conference=c
        ).count(),
        "Meetup": Meetup.objects.filter(attendee__conference=c).count(),
        "Reminder": Reminder.objects.filter(plan_item__attendee__conference=c).count(),
        "PushSubscription": PushSubscription.objects.filter(user__attendances__conference=c)
        .distinct()
        .count(),
        "Notification": Notification.objects.filter(attendee__conference=c).count(),
        "Outbound": Outbound.objects.filter(attendee__conference=c).count(),
        "ImportRun": c.import_runs.count(),
        "ScheduleChange": c.schedule_changes.count(),
    }


def _delete_demo_conference() -> None:
    """Remove the demo conference and everything under it, photos' files included.

    Deleted child-first: rooms and papers are PROTECTed by the rows that use them, so a
    plain ``Conference.delete()`` would refuse.
    """
    conference = Conference.objects.filter(slug=DEMO_SLUG).first()
    if conference is None:
        return
    for photo in ConversationPhoto.objects.filter(conversation__attendee__conference=conference):
        if photo.image:
            photo.image.delete(save=False)
    conference.attendees.all().delete()  # plans, reminders, notifications, logbook
    conference.schedule_changes.all().delete()
    conference.sessions.all().delete()  # orals and posters too
    conference.booths.all().delete()
    conference.meals.all().delete()
    conference.delete()


def _offset_changes(conference: Conference) -> list[str]:
    out = []
    for before, after in itertools.pairwise(conference.days):
        a = dt.datetime.combine(before, dt.time(12), tzinfo=conference.tz).utcoffset()
        b = dt.datetime.combine(after, dt.time(12), tzinfo=conference.tz).utcoffset()
        if a != b:
            out.append(f"between {before} and {after}: UTC{_fmt_offset(a)} → UTC{_fmt_offset(b)}")
    return out


def _fmt_offset(offset: dt.timedelta | None) -> str:
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --- the service ----------------------------------------------------------------------------


def _write_api_token(attendee: Attendee) -> None:
    """A personal API token for the demo attendee's scripts. Its secret is not kept or shown
    (only the hash is stored); create your own in the PWA or API to use one."""
    from planner.models.accounts import ApiToken, new_token

    raw = new_token()
    ApiToken.objects.get_or_create(
        user=attendee.user,
        name="Trip report script",
        defaults={"key_hash": hash_token(raw), "hint": raw[:8]},
    )


def _stamp_versions(conference: Conference, version: int) -> None:
    """Give program rows the schedule version they last changed in (for bundle deltas): rows
    written by this run get ``version``; rows the demo's history changed later get that."""
    from planner.models import Booth, Meal, Oral, Paper, Person, Poster, ScheduleChange, Session

    for model in (Person, Paper, Session, Oral, Poster, Booth, Meal):
        model.objects.filter(conference=conference, changed_in=0).update(changed_in=version)
    for change in ScheduleChange.objects.filter(conference=conference).order_by("schedule_version"):
        for name in ("session", "oral", "poster", "paper", "booth", "meal"):
            target = getattr(change, f"{name}_id")
            if target:
                model = ScheduleChange._meta.get_field(name).related_model
                model.objects.filter(pk=target).update(changed_in=change.schedule_version)


def demo_seed(
    *,
    start: dt.date | None = None,
    organizer_password: str,
    attendee_password: str,
    admin_password: str,
    reset_passwords: bool = False,
    fresh: bool = False,
    seed: int = DEFAULT_SEED,
) -> DemoSummary:
    """Create or refresh the demo conference ``eccv-demo`` in one transaction.

    Side effects:
    - with ``fresh``: deletes the demo conference, its rows and its photo files first;
    - creates or updates the conference, rooms, tracks, people, papers, authorships,
      sessions (with chairs), orals (with speakers), posters, booths and hours, meals and
      menus — only rows whose seeded values differ are written; stale demo program rows
      are marked cancelled;
    - creates the users ``organizer`` (staff, all planner model permissions, conference
      organizer), ``attendee`` and ``admin`` (superuser) plus 30 synthetic users without a
      usable password; sets the three passwords only on creation or with ``reset_passwords``;
    - creates attendees, plan items (bumping ``plan_version`` where they changed),
      reminders, poster conversations, one photo file in the default storage, meetups,
      notifications and a push subscription with an unroutable endpoint;
    - a session starting soon relative to now in the demo attendee's plan, with pending
      reminders due 30 s after the seed (moved forward by a re-run once it has started,
      which bumps ``schedule_version``; see ``_write_starting_soon``);
    - records one ImportRun (source ``seed_demo``), updated in place on re-runs, and the
      demo's ScheduleChange rows; sets ``schedule_version`` to 3 on creation and bumps it
      when a re-run changed the program (e.g. a new ``start``).

    No tasks are enqueued and no notifications are sent.
    """
    began = time.perf_counter()
    started_at = timezone.now()
    first_day = start or DEFAULT_START
    program = generate_program(first_day=first_day, seed=seed)
    generated = time.perf_counter()

    with transaction.atomic():
        if fresh:
            _delete_demo_conference()
        created = not Conference.objects.filter(slug=DEMO_SLUG).exists()
        conference, _ = _upsert(
            Conference,
            {"slug": DEMO_SLUG},
            {
                "name": f"ECCV Demo {first_day.year} (Tel Aviv)",
                "timezone": DEMO_TIMEZONE,
                "start_date": first_day,
                "end_date": first_day + dt.timedelta(days=CONFERENCE_DAYS - 1),
                "venue": "Expo Tel Aviv",
                "city": "Tel Aviv",
                "country": "Israel",
                "website": "https://example.org/eccv-demo/",
            },
        )
        logins = _write_logins(
            organizer_password=organizer_password,
            attendee_password=attendee_password,
            admin_password=admin_password,
            reset=reset_passwords,
            conference=conference,
        )
        ids, changes = _write_program(conference, program)
        if created:
            version_after_import = IMPORT_VERSION
            conference.schedule_version = CANCEL_VERSION
        elif changes:
            version_after_import = conference.schedule_version + 1
            conference.schedule_version = version_after_import
        else:
            run = conference.import_runs.filter(source=DEMO_IMPORT_SOURCE).first()
            version_after_import = (
                run.schedule_version if run else None
            ) or conference.schedule_version
        if created or changes:
            conference.save(update_fields=["schedule_version", "updated_at"])
        _stamp_versions(conference, version_after_import)
        written = time.perf_counter()

        attendees = _write_attendees(conference, logins, seed)
        _write_api_token(attendees[0])
        _write_plans(conference, attendees, ids, seed)
        _write_reminders(attendees[0], ids)
        _write_starting_soon(conference, attendees[0], ids)
        _write_logbook(conference, attendees, ids)
        _write_notifications(conference, attendees, ids, program)
        counts = _count_rows(conference)
        program_counts = {
            k: v
            for k, v in counts.items()
            if k
            in (
                "Room",
                "Track",
                "Person",
                "Paper",
                "Authorship",
                "Session",
                "Oral",
                "Poster",
                "Booth",
                "BoothHours",
                "Meal",
                "MenuItem",
            )
        }
        _write_history(
            conference,
            program,
            ids,
            organizer=logins.organizer,
            started_at=started_at,
            version_after_import=version_after_import,
            counts={**program_counts, "changed": changes},
            timings={
                "generate_ms": round((generated - began) * 1000),
                "program_ms": round((written - generated) * 1000),
                "total_ms": round((time.perf_counter() - began) * 1000),
            },
            checksum=program.checksum(),
        )
        counts = _count_rows(conference)

    return DemoSummary(
        conference_id=conference.pk,
        slug=conference.slug,
        name=conference.name,
        timezone=conference.timezone,
        start_date=conference.start_date,
        end_date=conference.end_date,
        created=created,
        program_changes=0 if created else changes,
        schedule_version=conference.schedule_version,
        counts=counts,
        passwords_set=logins.passwords_set,
        offset_changes=_offset_changes(conference),
        seconds=time.perf_counter() - began,
    )
