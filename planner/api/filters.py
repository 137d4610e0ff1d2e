"""Query-string filters of the public program API (django-filter FilterSets).

Every FilterSet gets the conference from the view (``ConferenceFilterBackend``): a local
day is a day in the conference's zone, and naive date-times are read in that zone too.
Bad values answer 400 with the parameter named under ``errors``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend

from planner.api.serializers.query import EMPTY_VALUE
from planner.enums import BoothTag, Dietary, MealKind, SessionKind
from planner.models import Booth, BoothHours, Conference, Meal, MenuItem, Paper, Poster, Session
from planner.selectors.search import (
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    JSONListHas,
    paper_author_filter,
    paper_search,
    search_terms,
)


class ConferenceFilterBackend(DjangoFilterBackend):
    """Hands ``view.conference`` to the FilterSet."""

    def get_filterset_kwargs(self, request: Any, queryset: QuerySet, view: Any) -> dict:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["conference"] = view.conference
        return kwargs


# --- fields --------------------------------------------------------------------------------

# An unencoded "+03:00" in a query string arrives as " 03:00".
_SPACE_FOR_PLUS = re.compile(r" (\d{2}(?::?\d{2})?)$")


def parse_instant(value: str) -> dt.datetime | None:
    """An ISO 8601 date-time ("2026-10-22T10:00:00+03:00", "…Z"); naive stays naive."""
    text = _SPACE_FOR_PLUS.sub(r"+\1", value.strip())
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def aware_in(conference: Conference, value: dt.datetime) -> dt.datetime:
    """``value`` as a UTC date-time; a naive one is wall-clock time at the conference.

    Always UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 (and Python)
    allow up to ±23:59."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=conference.tz)
    return value.astimezone(dt.UTC)


# Far enough from datetime.min/max that shifting by a zone offset or a day cannot overflow.
MIN_YEAR, MAX_YEAR = 2, 9998


def supported_range(value: dt.date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise forms.ValidationError(f"Use a year from {MIN_YEAR} to {MAX_YEAR}.")


INSTANT_HELP = (
    "ISO 8601 date-time, e.g. 2026-10-22T10:00:00+03:00 or …Z; without an offset it is "
    "local time in the conference's zone."
)


class InstantField(forms.Field):
    default_error_messages = {
        "invalid": "Enter an ISO 8601 date-time, e.g. 2026-10-22T10:00:00+03:00.",
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value
        parsed = parse_instant(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        supported_range(parsed)
        return parsed


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error instead of being ignored, which is
    what django-filter's BooleanFilter does with "yes"."""

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise forms.ValidationError("Use true or false.", code="invalid")


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantField


class IdFilter(django_filters.NumberFilter):
    """An integer id; filtered by ``ConferenceFilterSet.filter_id``, whose ``int`` hint
    gives the schema its type."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("method", "filter_id")
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)  # beyond bigint the database would fail
        super().__init__(*args, **kwargs)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def _max_terms(value: str) -> None:
    if len(search_terms(value)) > MAX_TERMS:
        raise forms.ValidationError(f"Use at most {MAX_TERMS} words.")


# --- FilterSets ----------------------------------------------------------------------------


class EmptyValueRefused(forms.Form):
    """``?day=`` is refused, not read as "no filter": the schema allows no empty date, id,
    boolean or choice, and a client that sends one has a bug. Text filters may be blank."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if self.data.get(name) == "" and not isinstance(field, forms.CharField):
                self.add_error(name, EMPTY_VALUE)
        return cleaned


class ConferenceFilterSet(django_filters.FilterSet):
    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conference = conference

    def get_form_class(self) -> type[forms.Form]:
        form = super().get_form_class()
        return type(form.__name__, (EmptyValueRefused, form), {})

    def filter_id(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(**{name: value})

    def filter_day(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        """Items starting on ``value`` in the conference's zone (23 or 25 hours on a DST day)."""
        start, end = self.conference.day_bounds(value)
        return queryset.filter(start__gte=start, start__lt=end)

    def filter_start_from(self, queryset: QuerySet, name: str, value: dt.datetime) -> QuerySet:
        return queryset.filter(start__gte=aware_in(self.conference, value))

    def filter_start_before(self, queryset: QuerySet, name: str, value: dt.datetime) -> QuerySet:
        return queryset.filter(start__lt=aware_in(self.conference, value))


_DAY_HELP = "A local date in the conference's time zone (YYYY-MM-DD): items starting that day."
_CANCELLED_HELP = "true: only cancelled; false: hide cancelled. Default: both, flagged."


class SessionFilter(ConferenceFilterSet):
    kind = django_filters.ChoiceFilter(choices=SessionKind.choices)
    day = django_filters.DateFilter(
        method="filter_day", validators=[supported_range], help_text=_DAY_HELP
    )
    room = IdFilter(field_name="room_id", help_text="Room id.")
    track = IdFilter(field_name="track_id", help_text="Track id.")
    cancelled = StrictBooleanFilter(help_text=_CANCELLED_HELP)
    starts_after = InstantFilter(
        method="filter_start_from", help_text=f"Sessions starting at or after. {INSTANT_HELP}"
    )
    starts_before = InstantFilter(
        method="filter_start_before", help_text=f"Sessions starting before. {INSTANT_HELP}"
    )
    ordering = django_filters.ChoiceFilter(
        choices=[("start", "start"), ("-start", "-start")],
        method="filter_ordering",
        help_text="start (default) or -start.",
    )

    class Meta:
        model = Session
        fields = [
            "kind",
            "day",
            "room",
            "track",
            "cancelled",
            "starts_after",
            "starts_before",
            "ordering",
        ]

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by("-start", "-pk") if value == "-start" else queryset


class PaperFilter(ConferenceFilterSet):
    # strip=False: the form field would trim first and measure what is left, taking a
    # value the schema's maxLength refuses; the search splits on whitespace anyway.
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        strip=False,
        validators=[_max_terms],
        help_text=(
            "Search title, abstract, keywords and author names; every word must match. "
            "Ranked by relevance on PostgreSQL, by title on SQLite."
        ),
    )
    keyword = django_filters.CharFilter(
        method="filter_keyword", help_text="Papers with this keyword (case-insensitive)."
    )
    author = django_filters.CharFilter(
        method="filter_author", help_text="Papers with an author whose name contains this."
    )
    has_poster = StrictBooleanFilter(
        method="filter_has_poster", help_text="Papers presented (or not) as a poster."
    )

    class Meta:
        model = Paper
        fields = ["q", "keyword", "author", "has_poster"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return paper_search(conference=self.conference, query=value, papers=queryset)

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(JSONListHas("keywords", value.strip()))

    def filter_author(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(paper_author_filter(conference=self.conference, name=value.strip()))

    def filter_has_poster(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        posters = Poster.objects.filter(paper=OuterRef("pk"), cancelled=False)
        return queryset.filter(Exists(posters) if value else ~Exists(posters))


class PosterFilter(ConferenceFilterSet):
    session = IdFilter(field_name="session_id", help_text="Session id.")
    board = django_filters.CharFilter(field_name="board", help_text="Board label, exactly.")
    keyword = django_filters.CharFilter(
        method="filter_keyword", help_text="Posters of papers with this keyword."
    )
    author = django_filters.CharFilter(
        method="filter_author",
        help_text="Posters of papers with an author whose name contains this.",
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=MAX_QUERY_LENGTH, strip=False, help_text="Title contains."
    )
    cancelled = StrictBooleanFilter(help_text=_CANCELLED_HELP)

    class Meta:
        model = Poster
        fields = ["session", "board", "keyword", "author", "q", "cancelled"]

    def _papers(self) -> QuerySet[Paper]:
        return Paper.objects.filter(conference=self.conference)

    def filter_keyword(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        papers = self._papers().filter(JSONListHas("keywords", value.strip()))
        return queryset.filter(paper__in=papers.values("pk"))

    def filter_author(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        papers = self._papers().filter(
            paper_author_filter(conference=self.conference, name=value.strip())
        )
        return queryset.filter(paper__in=papers.values("pk"))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return queryset.filter(Q(title__icontains=text) | Q(paper__title__icontains=text))


class BoothFilter(ConferenceFilterSet):
    tag = django_filters.ChoiceFilter(choices=BoothTag.choices, method="filter_tag")
    tier = django_filters.CharFilter(
        field_name="tier", lookup_expr="iexact", help_text="Sponsor tier (case-insensitive)."
    )
    open_at = InstantFilter(
        method="filter_open_at", help_text=f"Booths open at this instant. {INSTANT_HELP}"
    )
    open_now = StrictBooleanFilter(
        method="filter_open_now", help_text="true: booths open now; false: booths closed now."
    )
    cancelled = StrictBooleanFilter(help_text=_CANCELLED_HELP)

    class Meta:
        model = Booth
        fields = ["tag", "tier", "open_at", "open_now", "cancelled"]

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(JSONListHas("tags", value))

    @staticmethod
    def _open(at: dt.datetime) -> Exists:
        return Exists(BoothHours.objects.filter(booth=OuterRef("pk"), start__lte=at, end__gt=at))

    def filter_open_at(self, queryset: QuerySet, name: str, value: dt.datetime) -> QuerySet:
        return queryset.filter(self._open(aware_in(self.conference, value)))

    def filter_open_now(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        is_open = self._open(timezone.now())
        return queryset.filter(is_open if value else ~is_open)


class MealFilter(ConferenceFilterSet):
    kind = django_filters.ChoiceFilter(choices=MealKind.choices)
    day = django_filters.DateFilter(
        method="filter_day", validators=[supported_range], help_text=_DAY_HELP
    )
    dietary = django_filters.ChoiceFilter(
        choices=Dietary.choices,
        method="filter_dietary",
        help_text="Meals offering this option, overall or in a menu item.",
    )
    cancelled = StrictBooleanFilter(help_text=_CANCELLED_HELP)

    class Meta:
        model = Meal
        fields = ["kind", "day", "dietary", "cancelled"]

    def filter_dietary(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        items = MenuItem.objects.filter(JSONListHas("dietary", value)).values("meal_id")
        return queryset.filter(Q(JSONListHas("dietary_options", value)) | Q(pk__in=items))
