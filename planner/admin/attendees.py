"""Attendee-side rows. Logbooks (conversations, meetups, photos) are private: organizers never
see them; only a superuser may, for support, and only read them."""

from __future__ import annotations

from django.contrib import admin

from planner.admin.base import ConferenceScopedAdmin, format_span
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


@admin.register(Attendee)
class AttendeeAdmin(ConferenceScopedAdmin):
    list_display = ["display_name", "user", "affiliation", "reminder_minutes", "conference"]
    list_filter = ["conference"]
    list_select_related = ["conference", "user"]
    search_fields = ["display_name", "affiliation", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["plan_version"]
    exclude = ["feed_token_hash"]


@admin.register(PlanItem)
class PlanItemAdmin(ConferenceScopedAdmin):
    conference_path = "attendee__conference"
    list_display = ["attendee", "target", "status", "reminder_minutes", "created_at"]
    list_filter = ["status", "attendee__conference"]
    list_select_related = ["attendee", "session", "oral__paper", "poster__paper", "booth", "meal"]
    search_fields = ["attendee__display_name"]
    raw_id_fields = ["attendee", "session", "oral", "poster", "booth", "meal"]

    @admin.display(description="target")
    def target(self, obj: PlanItem) -> str:
        return f"{obj.target_kind}: {getattr(obj, obj.target_kind)}"


@admin.register(Reminder)
class ReminderAdmin(ConferenceScopedAdmin):
    conference_path = "plan_item__attendee__conference"
    list_display = ["plan_item", "channel", "state", "fire_local", "attempts", "last_error"]
    list_filter = ["state", "channel", "plan_item__attendee__conference"]
    list_select_related = ["plan_item__attendee__conference"]
    raw_id_fields = ["plan_item"]
    readonly_fields = ["attempts", "last_error", "claimed_at", "sent_at"]

    @admin.display(description="fires (local)", ordering="fire_at")
    def fire_local(self, obj: Reminder) -> str:
        return format_span(obj.fire_at, None, obj.plan_item.attendee.conference.tz)


@admin.register(Notification)
class NotificationAdmin(ConferenceScopedAdmin):
    conference_path = "attendee__conference"
    list_display = ["title", "kind", "attendee", "created_at", "read_at"]
    list_filter = ["kind", "attendee__conference"]
    list_select_related = ["attendee"]
    raw_id_fields = ["attendee"]


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
