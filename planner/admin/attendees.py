"""Attendee-side rows. Logbooks (conversations, meetups, photos) are private: organizers never
see them; only a superuser may, for support, and only read them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe

from planner.admin.base import PersonalRowAdmin, format_span
from planner.badges import badge_url, qr_svg
from planner.models import (
    Attendee,
    ConversationPhoto,
    Meetup,
    Notification,
    PlanItem,
    PosterConversation,
    PushSubscription,
    Reminder,
)
from planner.services.badges import badge_current
from planner.services.reminders import (
    REMINDER_PREFERENCES,
    reminders_sync_for_attendee,
    reminders_sync_for_items,
)


@admin.register(Attendee)
class AttendeeAdmin(PersonalRowAdmin):
    """Organizers may correct what a badge prints (name, affiliation); the rest is the
    attendee's own choice (what a scan shares, reminders, feeds) and read-only to them."""

    owner_fields = ("user",)
    organizer_editable = ("display_name", "affiliation")
    list_display = ["display_name", "user", "affiliation", "reminder_minutes", "conference"]
    list_filter = ["conference"]
    list_select_related = ["conference", "user"]
    search_fields = ["display_name", "affiliation", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["plan_version"]
    exclude = ["feed_token_hash"]
    actions = ["print_badges"]

    def save_model(self, request, obj: Attendee, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and REMINDER_PREFERENCES & set(form.changed_data):
            reminders_sync_for_attendee(attendee=obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        excluded = set(self.exclude or [])
        return [
            *readonly,
            *(
                f.name
                for f in self.model._meta.fields
                if f.editable
                and f.name not in readonly
                and f.name not in self.organizer_editable
                and f.name not in excluded
                and not f.primary_key
            ),
        ]

    @admin.action(description="Print badges for the selected attendees")
    def print_badges(self, request, queryset):
        """A printable A4 sheet, 8 badges a page. ``queryset`` is the changelist's, so an
        organizer prints only attendees of conferences they organize."""
        attendees = queryset.select_related("conference").order_by(
            "conference__start_date", "conference__name", "display_name", "pk"
        )
        badges = [Badge.of(badge_current(attendee=attendee)) for attendee in attendees]
        if not badges:
            self.message_user(request, "No badges to print.", messages.WARNING)
            return None
        pages = [badges[i : i + BADGES_PER_PAGE] for i in range(0, len(badges), BADGES_PER_PAGE)]
        return TemplateResponse(
            request,
            "admin/planner/attendee/badge_sheet.html",
            {
                "title": f"Badges ({len(badges)})",
                "pages": pages,
                "count": len(badges),
                "back_url": request.get_full_path(),
            },
        )


BADGES_PER_PAGE = 8  # 2 columns x 4 rows of 95 x 68 mm on A4


@dataclass(frozen=True)
class Badge:
    attendee: Attendee
    qr: SafeString
    name_size: str

    @classmethod
    def of(cls, attendee: Attendee) -> Badge:
        name = attendee.display_name
        return cls(
            attendee=attendee,
            # qrcode's own markup: one path of coordinates, nothing taken from the attendee.
            qr=mark_safe(qr_svg(badge_url(attendee))),  # noqa: S308
            # The name must fit 2 lines of the badge: shrink long ones rather than cut them.
            name_size="long" if len(name) > 40 else "medium" if len(name) > 22 else "short",
        )


@admin.register(PlanItem)
class PlanItemAdmin(PersonalRowAdmin):
    owner_fields = ("attendee",)
    conference_path = "attendee__conference"
    list_display = ["attendee", "target", "status", "reminder_minutes", "created_at"]
    list_filter = ["status", "attendee__conference"]
    list_select_related = [
        "attendee__conference",  # the attendee's name says its conference
        "session",
        "oral__paper",
        "poster__paper",
        "booth",
        "meal",
    ]
    search_fields = ["attendee__display_name"]
    raw_id_fields = ["attendee", "session", "oral", "poster", "booth", "meal"]

    def save_model(self, request, obj: PlanItem, form, change: bool) -> None:
        # The attendee's devices and calendar feed follow plan_version: an edit here is a
        # plan change like any other (and a moved booth visit raises its iCal SEQUENCE).
        if change and {"visit_start", "visit_end"} & set(form.changed_data):
            obj.visit_revision += 1
        super().save_model(request, obj, form, change)
        Attendee.objects.filter(pk=obj.attendee_id).update(plan_version=F("plan_version") + 1)
        reminders_sync_for_items(plan_items=[obj])

    @admin.display(description="target")
    def target(self, obj: PlanItem) -> str:
        return f"{obj.target_kind}: {getattr(obj, obj.target_kind)}"


@admin.register(Reminder)
class ReminderAdmin(PersonalRowAdmin):
    owner_fields = ("plan_item",)
    conference_path = "plan_item__attendee__conference"
    list_display = ["plan_item", "channel", "state", "fire_local", "attempts", "last_error"]
    list_filter = ["state", "channel", "plan_item__attendee__conference"]
    list_select_related = ["plan_item__attendee__conference"]
    raw_id_fields = ["plan_item"]
    readonly_fields = ["attempts", "last_error", "claimed_at", "retry_at", "sent_at"]

    # The rows are the dispatcher's state machine, derived from plan items: a hand-set state
    # or time would resend a sent reminder, or break a constraint (``sending`` needs a
    # claim). Everyone reads them; the plan, the preferences and the sync change them.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="fires (local)", ordering="fire_at")
    def fire_local(self, obj: Reminder) -> str:
        return format_span(obj.fire_at, None, obj.plan_item.attendee.conference.tz)


@admin.register(Notification)
class NotificationAdmin(PersonalRowAdmin):
    owner_fields = ("attendee",)
    conference_path = "attendee__conference"
    list_display = ["title", "kind", "attendee", "created_at", "read_at"]
    list_filter = ["kind", "attendee__conference"]
    list_select_related = ["attendee__conference"]  # the attendee's name says its conference
    raw_id_fields = ["attendee"]

    # What the product told the attendee: nobody rewrites it (a title or link changed here
    # would appear on their phone as the product's word).
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SuperuserReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = ConversationPhoto
    extra = 0
    fields = ["id", "image", "content_type", "size", "created_at"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PosterConversation)
class PosterConversationAdmin(SuperuserReadOnly):
    list_display = ["id", "attendee", "poster", "talked_at", "rating", "version", "deleted_at"]
    list_select_related = ["attendee", "poster__paper"]
    inlines = [PhotoInline]


@admin.register(Meetup)
class MeetupAdmin(SuperuserReadOnly):
    list_display = [
        "id",
        "attendee",
        "other",
        "contact_name",
        "source",
        "met_at",
        "version",
        "deleted_at",
    ]
    list_select_related = ["attendee", "other"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(SuperuserReadOnly):
    list_display = ["user", "endpoint", "created_at", "last_success_at", "failures"]
    list_select_related = ["user"]
