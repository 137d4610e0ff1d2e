from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe

from planner.admin.base import (
    ConferenceScopedAdmin,
    DayFilter,
    SameConferenceForm,
    SameConferenceInlineFormSet,
    TimetableActionsMixin,
    format_span,
)
from planner.badges import poster_url, qr_svg
from planner.enums import SessionKind
from planner.models import (
    Authorship,
    Booth,
    BoothHours,
    Meal,
    MenuItem,
    Oral,
    Paper,
    Person,
    Poster,
    Session,
)
from planner.selectors.program import board_sort_key


def _child_count(model, parent: str) -> Coalesce:
    sub = (
        model.objects.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub), 0)


class ConferenceInline(admin.TabularInline):
    formset = SameConferenceInlineFormSet
    form = SameConferenceForm
    extra = 0
    show_change_link = True
    can_delete = False  # cancel instead: plans and logbooks point at these rows


class OralInline(ConferenceInline):
    model = Oral
    fields = ["order", "paper", "title", "start", "end", "cancelled"]
    autocomplete_fields = ["paper"]
    ordering = ["order"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paper")


class PosterInline(ConferenceInline):
    model = Poster
    fields = ["board", "paper", "title", "cancelled"]
    autocomplete_fields = ["paper"]
    ordering = ["board"]
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paper")


class SessionDayFilter(DayFilter):
    time_field = "start"


@admin.register(Session)
class SessionAdmin(TimetableActionsMixin, ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = [
        "title",
        "kind",
        "when",
        "room",
        "track",
        "n_orals",
        "n_posters",
        "cancelled",
        "conference",
    ]
    list_filter = [
        "conference",
        "kind",
        SessionDayFilter,
        ("room", admin.RelatedOnlyFieldListFilter),
        "track",
        "cancelled",
    ]
    list_select_related = ["conference", "room", "track"]
    search_fields = ["title", "external_id", "room__name", "track__name"]
    autocomplete_fields = ["room", "track", "chairs"]
    inlines = [OralInline, PosterInline]
    ordering = ["start", "room__position"]
    actions = [*TimetableActionsMixin.actions, "print_poster_boards"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "conference",
                    "title",
                    "kind",
                    ("start", "end"),
                    "room",
                    "track",
                    "cancelled",
                ]
            },
        ),
        ("Details", {"fields": ["description", "chairs", "url"]}),
        (
            "Import identity",
            {"classes": ["collapse"], "fields": ["source", "external_id", "external_ref"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                orals_count=_child_count(Oral, "session"),
                posters_count=_child_count(Poster, "session"),
            )
        )

    @admin.display(description="when (local)", ordering="start")
    def when(self, obj: Session) -> str:
        return format_span(obj.start, obj.end, obj.conference.tz)

    @admin.display(description="orals", ordering="orals_count")
    def n_orals(self, obj: Session) -> int:
        return obj.orals_count

    @admin.display(description="posters", ordering="posters_count")
    def n_posters(self, obj: Session) -> int:
        return obj.posters_count

    @admin.action(description="Print poster-board QR codes")
    def print_poster_boards(self, request, queryset):
        """A printable A4 sheet per 4 boards: board number, title and the QR of the poster's
        page in the app. Cancelled posters get no card; sessions that are not poster
        sessions, are cancelled or have no live posters are skipped with a warning."""
        sessions = list(queryset.select_related("conference").order_by("start", "pk"))
        posters_by_session: dict[int, list[Poster]] = {session.pk: [] for session in sessions}
        for poster in Poster.objects.filter(session__in=sessions, cancelled=False).select_related(
            "conference", "paper"
        ):
            posters_by_session[poster.session_id].append(poster)

        pages: list[BoardPage] = []
        for session in sessions:
            problem = _unprintable(session, posters_by_session[session.pk])
            if problem:
                self.message_user(
                    request, f"Skipped “{session.title}”: {problem}.", messages.WARNING
                )
                continue
            heading = format_span(session.start, session.end, session.conference.tz)
            cards = [
                BoardCard.of(poster)
                for poster in sorted(
                    posters_by_session[session.pk], key=lambda p: (board_sort_key(p.board), p.pk)
                )
            ]
            pages.extend(
                BoardPage(session=session, when=heading, cards=cards[i : i + BOARDS_PER_PAGE])
                for i in range(0, len(cards), BOARDS_PER_PAGE)
            )
        if not pages:
            self.message_user(request, "No poster boards to print.", messages.WARNING)
            return None
        return TemplateResponse(
            request,
            "admin/planner/session/poster_boards.html",
            {
                "title": "Poster-board QR codes",
                "pages": pages,
                "count": sum(len(page.cards) for page in pages),
                "back_url": request.get_full_path(),
            },
        )


BOARDS_PER_PAGE = 4  # 2 x 2 cards of 95 x 128 mm under a session heading on A4


def _unprintable(session: Session, posters: list[Poster]) -> str:
    if session.kind != SessionKind.POSTER:
        return f"not a poster session ({session.get_kind_display().lower()})"
    if session.cancelled:
        return "the session is cancelled"
    if not posters:
        return "no posters (or all cancelled)"
    return ""


@dataclass(frozen=True)
class BoardCard:
    poster: Poster
    qr: SafeString

    @classmethod
    def of(cls, poster: Poster) -> BoardCard:
        # qrcode's own markup: one path of coordinates, nothing taken from the poster.
        return cls(poster=poster, qr=mark_safe(qr_svg(poster_url(poster))))  # noqa: S308


@dataclass(frozen=True)
class BoardPage:
    session: Session
    when: str
    cards: list[BoardCard]


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["person"]
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Paper)
class PaperAdmin(ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["title", "author_list", "arxiv_id", "openreview_id", "conference"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["title", "authors__name", "arxiv_id", "openreview_id", "external_id"]
    inlines = [AuthorshipInline]

    def get_queryset(self, request):
        authorships = Authorship.objects.select_related("person").order_by("position")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("authorships", queryset=authorships))
        )

    @admin.display(description="authors")
    def author_list(self, obj: Paper) -> str:
        names = [a.person.name for a in obj.authorships.all()]
        return ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")


@admin.register(Person)
class PersonAdmin(ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["name", "affiliation", "conference"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "affiliation"]


class PosterDayFilter(DayFilter):
    time_field = "session__start"


@admin.register(Poster)
class PosterAdmin(TimetableActionsMixin, ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["board", "poster_title", "session", "when", "cancelled", "conference"]
    list_filter = [
        "conference",
        PosterDayFilter,
        ("session", admin.RelatedOnlyFieldListFilter),
        "cancelled",
    ]
    list_select_related = ["conference", "session", "paper"]
    search_fields = ["board", "title", "paper__title", "paper__authors__name"]
    autocomplete_fields = ["session", "paper"]
    ordering = ["session__start", "board"]

    @admin.display(description="title", ordering="paper__title")
    def poster_title(self, obj: Poster) -> str:
        return obj.display_title

    @admin.display(description="when (local)", ordering="session__start")
    def when(self, obj: Poster) -> str:
        return format_span(obj.session.start, obj.session.end, obj.conference.tz)


class OralDayFilter(DayFilter):
    time_field = "start"


@admin.register(Oral)
class OralAdmin(TimetableActionsMixin, ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["oral_title", "session", "order", "when", "cancelled", "conference"]
    list_filter = ["conference", OralDayFilter, "cancelled"]
    list_select_related = ["conference", "session", "paper"]
    search_fields = ["title", "paper__title", "paper__authors__name", "session__title"]
    autocomplete_fields = ["session", "paper", "speakers"]
    ordering = ["start", "order"]

    @admin.display(description="title", ordering="paper__title")
    def oral_title(self, obj: Oral) -> str:
        return obj.display_title

    @admin.display(description="when (local)", ordering="start")
    def when(self, obj: Oral) -> str:
        return format_span(obj.start, obj.end, obj.conference.tz)


class BoothHoursInline(admin.TabularInline):
    model = BoothHours
    extra = 0
    ordering = ["start"]


@admin.register(Booth)
class BoothAdmin(TimetableActionsMixin, ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["number", "exhibitor", "tier", "tags", "room", "opening_hours", "conference"]
    list_filter = ["conference", "tier", "cancelled"]
    list_select_related = ["conference", "room"]
    search_fields = ["exhibitor", "number", "description"]
    autocomplete_fields = ["room"]
    inlines = [BoothHoursInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("hours", queryset=BoothHours.objects.order_by("start")))
        )

    @admin.display(description="opening hours (local)")
    def opening_hours(self, obj: Booth) -> str:
        return (
            "; ".join(format_span(h.start, h.end, obj.conference.tz) for h in obj.hours.all())
            or "—"
        )


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    extra = 0


class MealDayFilter(DayFilter):
    time_field = "start"


@admin.register(Meal)
class MealAdmin(TimetableActionsMixin, ConferenceScopedAdmin):
    form = SameConferenceForm
    list_display = ["title", "kind", "when", "room", "dietary_options", "cancelled", "conference"]
    list_filter = ["conference", "kind", MealDayFilter, "cancelled"]
    list_select_related = ["conference", "room"]
    search_fields = ["title", "menu_items__name"]
    autocomplete_fields = ["room"]
    inlines = [MenuItemInline]

    @admin.display(description="when (local)", ordering="start")
    def when(self, obj: Meal) -> str:
        return format_span(obj.start, obj.end, obj.conference.tz)
