"""What an organizer (staff, not superuser, organizing some conferences) may do in the admin:
never move personal data between accounts or conferences.

The second half walks ``admin.site._registry``: every registered model must be listed in
``ROWS`` (a row the organizer could reach), so a new ModelAdmin is covered by these tests the
day it is registered, or fails them until someone says which row to try it on.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from planner import models as m
from tests import factories as f
from tests.admin.forms import form_data

pytestmark = pytest.mark.django_db
User = get_user_model()


def _organizer(*conferences) -> Any:
    organizer = f.UserFactory(username="org", is_staff=True)
    organizer.user_permissions.add(*Permission.objects.filter(content_type__app_label="planner"))
    for conference in conferences:
        conference.organizers.add(organizer)
    return organizer


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _logbook(user, conference) -> dict[str, list[str]]:
    api = _api(user)
    conversations = api.get(
        reverse("personal-conversation-list", kwargs={"slug": conference.slug})
    ).json()
    meetups = api.get(reverse("personal-meetup-list", kwargs={"slug": conference.slug})).json()
    return {
        "conversations": [c["talked_to"] for c in conversations["results"]],
        "meetups": [c["contact_name"] for c in meetups["results"]],
    }


# --- defect 1: re-pointing an attendee row to an account the organizer controls ------------------


def test_organizer_cannot_repoint_attendee_to_another_account(client):
    conference = f.ConferenceFactory()
    victim = f.UserFactory(username="victim")
    attendee = f.AttendeeFactory(user=victim, conference=conference, display_name="Victim")
    f.PosterConversationFactory(attendee=attendee, talked_to="First author, private notes")
    f.MeetupFactory(attendee=attendee, contact_name="Dana (phone 050-1234567)")
    organizer = _organizer(conference)
    sock_puppet = f.UserFactory(username="puppet")  # an account the organizer controls
    client.force_login(organizer)
    change = reverse("admin:planner_attendee_change", args=[attendee.pk])
    data = form_data(client.get(change).content.decode(), "attendee_form")
    data["user"] = [str(sock_puppet.pk)]
    data["display_name"] = ["Victim (badge reprint)"]

    response = client.post(change, data)

    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.user_id == victim.pk
    assert attendee.display_name == "Victim (badge reprint)"  # the rest of the form still saves
    assert _logbook(victim, conference) == {
        "conversations": ["First author, private notes"],
        "meetups": ["Dana (phone 050-1234567)"],
    }
    assert _logbook(sock_puppet, conference) == {"conversations": [], "meetups": []}


def test_organizer_cannot_add_attendee_for_an_existing_account(client):
    conference = f.ConferenceFactory()
    victim = f.UserFactory(username="victim")
    organizer = _organizer(conference)
    client.force_login(organizer)
    add = reverse("admin:planner_attendee_add")

    page = client.get(add)
    response = client.post(
        add,
        {
            "user": str(victim.pk),
            "conference": str(conference.pk),
            "display_name": "Victim",
            "shared_fields": '["display_name", "email"]',
            "reminder_minutes": "10",
            "reminder_channels": '["push"]',
        },
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert not m.Attendee.objects.filter(user=victim).exists()


def test_superuser_may_add_an_attendee_for_support(client):
    conference = f.ConferenceFactory()
    member = f.UserFactory(username="member")
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:planner_attendee_add"),
        {
            "user": str(member.pk),
            "conference": str(conference.pk),
            "display_name": "Member",
            "affiliation": "",
            "homepage": "",
            "orcid": "",
            "openreview_id": "",
            "shared_fields": '["display_name"]',
            "reminder_minutes": "10",
            "reminder_channels": '["push"]',
            "language": "en",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert m.Attendee.objects.get(user=member).conference_id == conference.pk


def test_superuser_cannot_repoint_attendee_either(client):
    attendee = f.AttendeeFactory()
    other = f.UserFactory(username="other")
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:planner_attendee_change", args=[attendee.pk])
    data = form_data(client.get(change).content.decode(), "attendee_form")
    data["user"] = [str(other.pk)]
    data["conference"] = [str(f.ConferenceFactory().pk)]

    response = client.post(change, data)

    assert response.status_code == 302
    moved = m.Attendee.objects.get(pk=attendee.pk)
    assert (moved.user_id, moved.conference_id) == (attendee.user_id, attendee.conference_id)


# --- every admin form and action an organizer can reach ------------------------------------------


@dataclass
class World:
    """Conferences A and B are the organizer's, C is not. ``victim`` attends A with a full
    personal graph; ``puppet`` is an account the organizer controls, attending B."""

    ns: SimpleNamespace

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ns, name)


@pytest.fixture
def world() -> World:
    a, b, c = f.ConferenceFactory(), f.ConferenceFactory(), f.ConferenceFactory()
    organizer = _organizer(a, b)
    victim, puppet, stranger = (f.UserFactory(username=n) for n in ("victim", "puppet", "stranger"))
    room = f.RoomFactory(conference=a)
    session = f.SessionFactory(conference=a, room=room, track=f.TrackFactory(conference=a))
    oral = f.OralFactory(session=session)
    f.AuthorshipFactory(paper=oral.paper)
    poster = f.PosterFactory(session__conference=a)
    booth = f.BoothFactory(conference=a, room=room)
    f.BoothHoursFactory(booth=booth)
    meal = f.MealFactory(conference=a, room=room)
    f.MenuItemFactory(meal=meal)
    attendee = f.AttendeeFactory(user=victim, conference=a, display_name="Victim")
    plan_item = f.PlanItemFactory(attendee=attendee, session=session)
    puppet_attendee = f.AttendeeFactory(user=puppet, conference=b, display_name="Puppet")
    ns = SimpleNamespace(
        a=a,
        b=b,
        c=c,
        organizer=organizer,
        victim=victim,
        puppet=puppet,
        stranger=stranger,
        group=Group.objects.create(name="helpers"),
        room=room,
        track=session.track,
        session=session,
        oral=oral,
        poster=poster,
        paper=oral.paper,
        person=oral.paper.authors.first(),
        booth=booth,
        meal=meal,
        attendee=attendee,
        plan_item=plan_item,
        reminder=f.ReminderFactory(plan_item=plan_item),
        notification=m.Notification.objects.create(
            attendee=attendee, kind="schedule_change", title="Your session moved"
        ),
        conversation=f.PosterConversationFactory(attendee=attendee, poster=poster),
        meetup=f.MeetupFactory(attendee=attendee, contact_name="Dana (phone 050-1234567)"),
        push=m.PushSubscription.objects.create(
            user=victim, endpoint="https://push.example.org/victim", p256dh="k", auth="a"
        ),
        import_run=f.ImportRunFactory(conference=a, created_by=organizer),
        schedule_change=f.ScheduleChangeFactory(conference=a, session=session),
        puppet_attendee=puppet_attendee,
        puppet_plan_item=f.PlanItemFactory(attendee=puppet_attendee),
        puppet_conversation=f.PosterConversationFactory(attendee=puppet_attendee),
        stranger_attendee=f.AttendeeFactory(user=stranger, conference=c),
    )
    ns.stranger_plan_item = f.PlanItemFactory(attendee=ns.stranger_attendee)
    return World(ns)


def _login_record(model_name: str, **extra: Any) -> models.Model:
    """A login-lockout record (django-axes): the victim failed to sign in."""
    from django.apps import apps

    model = apps.get_model("axes", model_name)
    fields = {
        "username": "victim",
        "ip_address": "203.0.113.7",
        "user_agent": "phone",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
        **extra,
    }
    if model_name == "AccessAttempt":
        fields["failures_since_start"] = 3
    return model.objects.create(**fields)


# One row per registered model, in the organizer's conference A (or the victim's own), to try
# every form and action on. A model registered in the admin and missing here fails the tests.
ROWS = {
    "auth.group": lambda w: w.group,
    "auth.user": lambda w: w.victim,
    "axes.accessattempt": lambda w: _login_record("AccessAttempt", get_data="", post_data=""),
    "axes.accessfailurelog": lambda w: _login_record("AccessFailureLog"),
    "axes.accesslog": lambda w: _login_record("AccessLog"),
    "planner.conference": lambda w: w.a,
    "planner.room": lambda w: w.room,
    "planner.track": lambda w: w.track,
    "planner.session": lambda w: w.session,
    "planner.oral": lambda w: w.oral,
    "planner.poster": lambda w: w.poster,
    "planner.paper": lambda w: w.paper,
    "planner.person": lambda w: w.person,
    "planner.booth": lambda w: w.booth,
    "planner.meal": lambda w: w.meal,
    "planner.attendee": lambda w: w.attendee,
    "planner.planitem": lambda w: w.plan_item,
    "planner.reminder": lambda w: w.reminder,
    "planner.notification": lambda w: w.notification,
    "planner.posterconversation": lambda w: w.conversation,
    "planner.meetup": lambda w: w.meetup,
    "planner.pushsubscription": lambda w: w.push,
    "planner.importrun": lambda w: w.import_run,
    "planner.schedulechange": lambda w: w.schedule_change,
}

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _owner_targets(w: World, *, organized: bool) -> dict[type[models.Model], models.Model]:
    """Where an attack would move a row: to the organizer's puppet account in their other
    conference B (``organized``), or to a stranger's in conference C."""
    if organized:
        return {
            User: w.puppet,
            m.Attendee: w.puppet_attendee,
            m.PlanItem: w.puppet_plan_item,
            m.PosterConversation: w.puppet_conversation,
            m.Conference: w.b,
        }
    return {
        User: w.stranger,
        m.Attendee: w.stranger_attendee,
        m.PlanItem: w.stranger_plan_item,
        m.PosterConversation: w.puppet_conversation,
        m.Conference: w.c,
    }


def _owner_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields that say whose a row is, or which conference it belongs to."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        and field.related_model
        in {User, m.Attendee, m.PlanItem, m.PosterConversation, m.Conference}
    ]


def _ownership() -> dict[tuple[str, Any], tuple]:
    """Every row's owner fields, across all models (M2M as sorted ids)."""
    snapshot: dict[tuple[str, Any], tuple] = {}
    from django.apps import apps

    for model in apps.get_models():
        fields = _owner_fields(model)
        if not fields or model._meta.label_lower == "admin.logentry":  # the admin's own diary
            continue
        for row in model.objects.all():
            snapshot[(model._meta.label_lower, row.pk)] = tuple(
                sorted(getattr(row, fd.name).values_list("pk", flat=True))
                if fd.many_to_many
                else getattr(row, fd.attname)
                for fd in fields
            )
    return snapshot


def _hostile(
    data: dict[str, list[str]], model, w: World, *, organized: bool, keep_conference=False
) -> list[str]:
    """Point every owner field of ``data`` elsewhere (added even when the form lacks it: a
    hand-made POST can send any field). Returns the names changed."""
    targets = _owner_targets(w, organized=organized)
    names = []
    for field in _owner_fields(model):
        if keep_conference and field.related_model is m.Conference:
            continue
        target = str(targets[field.related_model].pk)
        data[field.name] = [*data.get(field.name, []), target] if field.many_to_many else [target]
        names.append(field.name)
    return names


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _refused(response, names: list[str]) -> bool:
    """A 403, or the form shown again with an error on each field we tampered with that the
    form has (a field the form does not have is ignored, which the ownership check covers)."""
    if response.status_code == 403:
        return True
    if response.status_code != 200 or response.context is None:
        return False
    form = response.context["adminform"].form
    return all(name in form.errors for name in names if name in form.fields)


def test_every_registered_model_has_a_row_to_try():
    registered = {model._meta.label_lower for model, _ in REGISTERED}

    assert registered - set(ROWS) == set(), "add a row for each new ModelAdmin to ROWS"


# Changing: every model with a field saying whose a row is or where it belongs.
CHANGE_CASES = [
    pytest.param(model, model_admin, organized, id=f"{model._meta.label_lower}-{kind}")
    for model, model_admin in REGISTERED
    for organized, kind in [(True, "to-own-account"), (False, "to-stranger")]
    if _owner_fields(model)
]


@pytest.mark.parametrize(("model", "model_admin", "organized"), CHANGE_CASES)
def test_change_form_cannot_move_personal_data(client, world, model, model_admin, organized):
    row = ROWS[model._meta.label_lower](world)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
    client.force_login(world.organizer)
    page = client.get(url)
    before = _ownership()
    can_change = model_admin.has_change_permission(_request(world.organizer), row)
    if can_change:
        assert page.status_code == 200
        data = form_data(page.content.decode(), f"{model._meta.model_name}_form")
        # The untouched form saves: the tampered one below is refused for what we changed,
        # not because this helper built an invalid form.
        assert client.post(url, data).status_code == 302
    else:
        data = {}

    names = _hostile(data, model, world, organized=organized)
    response = client.post(url, data)

    assert response.status_code in (302, 200, 403)
    if not can_change:
        assert response.status_code in (302, 403)
    elif response.status_code == 200:
        assert _refused(response, names)
    assert _ownership() == before


# Adding: program rows may go in the organizer's own conference B; what must be refused is a
# row tied to an account (any), or to a conference they do not organize (C).
ADD_CASES = [
    pytest.param(model, model_admin, organized, id=f"{label}-{kind}")
    for model, model_admin in REGISTERED
    for organized, kind in [(True, "to-own-account"), (False, "to-stranger")]
    if (label := model._meta.label_lower)
    and any(
        not organized or field.related_model is not m.Conference for field in _owner_fields(model)
    )
]


@pytest.mark.parametrize(("model", "model_admin", "organized"), ADD_CASES)
def test_add_form_cannot_create_rows_for_other_accounts(
    client, world, model, model_admin, organized
):
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    client.force_login(world.organizer)
    can_add = model_admin.has_add_permission(_request(world.organizer))
    page = client.get(add)
    data: dict[str, list[str]] = {}
    is_form = can_add and page.status_code == 200
    if is_form:
        data = form_data(page.content.decode(), f"{model._meta.model_name}_form")
        # Fill it like the existing row, so the only thing wrong is where it points.
        change = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[ROWS[model._meta.label_lower](world).pk],
        )
        filled = form_data(client.get(change).content.decode(), f"{model._meta.model_name}_form")
        data.update({k: v for k, v in filled.items() if k in data and "-" not in k})
    names = _hostile(data, model, world, organized=organized, keep_conference=organized)
    before = _ownership()
    count = model.objects.count()

    response = client.post(add, data)

    if is_form:
        assert _refused(response, names)
    else:
        # No add form for the organizer: 403, or a page of its own (the import upload,
        # tested below).
        assert response.status_code in (302, 403)
    assert model.objects.count() == count
    assert _ownership() == before


def _visible_pks(client, model, model_admin, organizer) -> list[str]:
    queryset = model_admin.get_queryset(_request(organizer))
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m_._meta.label_lower for m_, _ in REGISTERED]
)
def test_actions_cannot_move_personal_data(client, world, model, model_admin):
    request = _request(world.organizer)
    actions = (
        list(model_admin.get_actions(request))
        if model_admin.has_view_or_change_permission(request)
        else []
    )
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.force_login(world.organizer)
    pks = _visible_pks(client, model, model_admin, world.organizer)
    before = _ownership()

    for action in actions:
        response = client.post(
            changelist,
            {"action": action, "_selected_action": pks, "index": "0", "post": "yes"},
        )
        # 403: a delete that would cascade into rows the organizer may not delete.
        assert response.status_code in (200, 302, 403), action
        after = _ownership()
        # Rows an action creates (schedule changes, notifications of a cancellation) are
        # new; rows that were there keep their owners.
        assert {key: after[key] for key in before if key in after} == {
            key: before[key] for key in before if key in after
        }, action


def test_import_upload_refuses_a_conference_the_organizer_does_not_run(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.organizer)
    upload = reverse("admin:planner_importrun_upload")

    response = client.post(
        upload,
        {
            "conference": str(world.c.pk),
            "file": SimpleUploadedFile("s.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
            "source_key": "import",
        },
    )

    assert response.status_code == 200
    assert "conference" in response.context["form"].errors
    assert not m.ImportRun.objects.filter(conference=world.c).exists()


@pytest.mark.parametrize("row", ["attendee", "plan_item", "reminder", "notification"])
def test_organizer_cannot_delete_personal_rows(client, world, row):
    """Deleting an attendee deletes their plan and logbook: personal data an organizer may not
    destroy any more than read. Neither through the delete page nor the bulk action."""
    obj = getattr(world, row)
    model = type(obj)
    info = (model._meta.app_label, model._meta.model_name)
    client.force_login(world.organizer)

    page = client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:{}_{}_changelist".format(*info)),
        {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"},
    )

    assert page.status_code == 403
    assert bulk.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).exists()
    assert m.PosterConversation.objects.filter(pk=world.conversation.pk).exists()
