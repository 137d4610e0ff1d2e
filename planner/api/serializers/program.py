"""Read-only serializers of the public program. Times are UTC instants (ISO 8601, "Z");
the conference object carries the IANA ``timezone`` to render them in."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from planner.api.filters import INSTANT_HELP, InstantField
from planner.api.schema import ErrorSerializer
from planner.api.serializers.fields import OptionalUrlField
from planner.api.serializers.query import QuerySerializer
from planner.enums import MealKind, RoomKind, SessionKind
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
    Room,
    Session,
    Track,
)
from planner.selectors.program import board_sort_key

ProgramErrorSerializer = ErrorSerializer  # the one error shape (planner/api/schema.py)


class EnumField(serializers.ChoiceField):
    """A read-only choice rendered in the schema as a reference to one named enum component
    (``<Choices class name>Enum``), shared by every serializer that shows it.

    Three choice sets are called ``kind`` here (room, session, meal kinds), each in several
    components; drf-spectacular's enum post-processing cannot name those without an
    ENUM_NAME_OVERRIDES setting and warns. A $ref is left alone by that step."""

    def __init__(self, choices_class: type[models.TextChoices], **kwargs) -> None:
        self.choices_class = choices_class
        kwargs.setdefault("read_only", True)
        super().__init__(choices=choices_class.choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction):
        choices_class = self.target.choices_class
        name = f"{choices_class.__name__}Enum"
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.SCHEMA,
            object=name,
            schema={
                "type": "string",
                "enum": list(choices_class.values),
                "description": build_choice_description_list(choices_class.choices),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


# --- small nested shapes -------------------------------------------------------------------


class RoomBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name"]
        read_only_fields = fields


class TrackBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "colour"]
        read_only_fields = fields


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]
        read_only_fields = fields


class AuthorSerializer(serializers.ModelSerializer):
    """One author of a paper, in author order."""

    id = serializers.IntegerField(source="person.id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    affiliation = serializers.CharField(source="person.affiliation", read_only=True)

    class Meta:
        model = Authorship
        fields = ["position", "id", "name", "affiliation"]
        read_only_fields = fields


class AuthorBriefSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="person.id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Authorship
        fields = ["id", "name"]
        read_only_fields = fields


class PaperBriefSerializer(serializers.ModelSerializer):
    """A paper inside an oral or poster: title, author names in order, keywords."""

    authors = serializers.SerializerMethodField()

    class Meta:
        model = Paper
        fields = ["id", "title", "authors", "keywords"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_authors(self, paper: Paper) -> list[str]:
        return [a.person.name for a in paper.authorships.all()]


class SessionBriefSerializer(serializers.ModelSerializer):
    kind = EnumField(SessionKind)
    room = RoomBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Session
        fields = ["id", "title", "kind", "start", "end", "room", "cancelled"]
        read_only_fields = fields


# --- rooms, tracks -------------------------------------------------------------------------


class RoomSerializer(serializers.ModelSerializer):
    kind = EnumField(RoomKind)

    class Meta:
        model = Room
        fields = [
            "id",
            "name",
            "kind",
            "building",
            "floor",
            "capacity",
            "map_x",
            "map_y",
            "position",
        ]
        read_only_fields = fields


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "slug", "colour"]
        read_only_fields = fields


# --- sessions ------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    kind = EnumField(SessionKind)
    room = RoomBriefSerializer(read_only=True, allow_null=True)
    track = TrackBriefSerializer(read_only=True, allow_null=True)
    speakers = PersonBriefSerializer(many=True, read_only=True)
    chairs = PersonBriefSerializer(many=True, read_only=True)
    oral_count = serializers.IntegerField(read_only=True, help_text="Orals not cancelled.")
    poster_count = serializers.IntegerField(read_only=True, help_text="Posters not cancelled.")

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "kind",
            "start",
            "end",
            "room",
            "track",
            "speakers",
            "chairs",
            "cancelled",
            "oral_count",
            "poster_count",
        ]
        read_only_fields = fields


class SessionOralSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    paper = PaperBriefSerializer(read_only=True, allow_null=True)
    speakers = PersonBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Oral
        fields = ["id", "order", "title", "start", "end", "paper", "speakers", "cancelled"]
        read_only_fields = fields


class SessionPosterSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    paper = serializers.IntegerField(source="paper_id", read_only=True, allow_null=True)

    class Meta:
        model = Poster
        fields = ["id", "board", "title", "paper", "map_x", "map_y", "cancelled"]
        read_only_fields = fields


class SessionDetailSerializer(SessionSerializer):
    orals = SessionOralSerializer(many=True, read_only=True)
    posters = serializers.SerializerMethodField(help_text="In natural board order.")
    url = OptionalUrlField()

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "description", "url", "orals", "posters"]
        read_only_fields = fields

    @extend_schema_field(SessionPosterSerializer(many=True))
    def get_posters(self, session: Session) -> list[dict]:
        posters = sorted(session.posters.all(), key=lambda p: (board_sort_key(p.board), p.pk))
        return SessionPosterSerializer(posters, many=True, context=self.context).data


# --- papers --------------------------------------------------------------------------------


class PaperLinksSerializer(serializers.Serializer):
    """Links built from the paper's identifiers; null when the paper has none."""

    arxiv = serializers.SerializerMethodField()
    openreview = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()
    project = serializers.SerializerMethodField()
    code = serializers.SerializerMethodField()
    video = serializers.SerializerMethodField()
    site = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_arxiv(self, paper: Paper) -> str | None:
        return f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_openreview(self, paper: Paper) -> str | None:
        return (
            f"https://openreview.net/forum?id={paper.openreview_id}"
            if paper.openreview_id
            else None
        )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf(self, paper: Paper) -> str | None:
        return paper.pdf_url or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_project(self, paper: Paper) -> str | None:
        return paper.project_url or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_code(self, paper: Paper) -> str | None:
        return paper.code_url or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_video(self, paper: Paper) -> str | None:
        return paper.video_url or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_site(self, paper: Paper) -> str | None:
        return paper.site_url or None


class PaperSerializer(serializers.ModelSerializer):
    authors = AuthorBriefSerializer(source="authorships", many=True, read_only=True)
    links = PaperLinksSerializer(source="*", read_only=True)

    class Meta:
        model = Paper
        fields = ["id", "title", "authors", "keywords", "status", "links"]
        read_only_fields = fields


class PaperOralSerializer(serializers.ModelSerializer):
    session = SessionBriefSerializer(read_only=True)

    class Meta:
        model = Oral
        fields = ["id", "order", "start", "end", "cancelled", "session"]
        read_only_fields = fields


class PaperPosterSerializer(serializers.ModelSerializer):
    session = SessionBriefSerializer(read_only=True)

    class Meta:
        model = Poster
        fields = ["id", "board", "cancelled", "session"]
        read_only_fields = fields


class PaperDetailSerializer(serializers.ModelSerializer):
    authors = AuthorSerializer(source="authorships", many=True, read_only=True)
    links = PaperLinksSerializer(source="*", read_only=True)
    orals = PaperOralSerializer(many=True, read_only=True)
    posters = PaperPosterSerializer(many=True, read_only=True)

    class Meta:
        model = Paper
        fields = [
            "id",
            "title",
            "abstract",
            "authors",
            "keywords",
            "arxiv_id",
            "openreview_id",
            "status",
            "links",
            "orals",
            "posters",
        ]
        read_only_fields = fields


# --- posters -------------------------------------------------------------------------------


class PosterSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    session = SessionBriefSerializer(read_only=True)
    paper = PaperBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Poster
        fields = ["id", "board", "title", "session", "paper", "map_x", "map_y", "cancelled"]
        read_only_fields = fields


# --- booths, meals -------------------------------------------------------------------------


class BoothHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoothHours
        fields = ["start", "end"]
        read_only_fields = fields


class BoothSerializer(serializers.ModelSerializer):
    room = RoomBriefSerializer(read_only=True, allow_null=True)
    website = OptionalUrlField()
    hours = BoothHoursSerializer(many=True, read_only=True)

    class Meta:
        model = Booth
        fields = [
            "id",
            "exhibitor",
            "description",
            "number",
            "room",
            "tier",
            "tags",
            "website",
            "map_x",
            "map_y",
            "cancelled",
            "hours",
        ]
        read_only_fields = fields


class MenuItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = MenuItem
        fields = ["id", "name", "description", "dietary"]
        read_only_fields = fields


class MealSerializer(serializers.ModelSerializer):
    kind = EnumField(MealKind)
    room = RoomBriefSerializer(read_only=True, allow_null=True)
    menu_items = MenuItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meal
        fields = [
            "id",
            "kind",
            "title",
            "start",
            "end",
            "room",
            "dietary_options",
            "notes",
            "cancelled",
            "menu_items",
        ]
        read_only_fields = fields


# --- now and next --------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.DATETIME)
class InstantParamField(serializers.Field):
    """A query-string instant parsed like the list filters (naive = conference time)."""

    def to_internal_value(self, data):
        try:
            return InstantField().clean(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class NowParamsSerializer(QuerySerializer):
    at = InstantParamField(required=False, help_text=f"Default: now. {INSTANT_HELP}")
    within = serializers.IntegerField(
        required=False,
        default=60,
        min_value=0,
        max_value=24 * 60,
        help_text="Minutes ahead for what starts next (0–1440, default 60).",
    )


class NowSessionSerializer(serializers.ModelSerializer):
    kind = EnumField(SessionKind)
    room = RoomBriefSerializer(read_only=True, allow_null=True)
    track = TrackBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Session
        fields = ["id", "title", "kind", "start", "end", "room", "track"]
        read_only_fields = fields


class NowMealSerializer(serializers.ModelSerializer):
    kind = EnumField(MealKind)
    room = RoomBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Meal
        fields = ["id", "kind", "title", "start", "end", "room"]
        read_only_fields = fields


class NowItemsSerializer(serializers.Serializer):
    sessions = NowSessionSerializer(many=True, read_only=True)
    meals = NowMealSerializer(many=True, read_only=True)


class NowSerializer(serializers.Serializer):
    at = serializers.DateTimeField(read_only=True)
    within = serializers.IntegerField(read_only=True, help_text="Minutes.")
    timezone = serializers.CharField(read_only=True, help_text="The conference's IANA zone.")
    now = NowItemsSerializer(read_only=True, help_text="Running at ``at``; not cancelled.")
    next = NowItemsSerializer(
        read_only=True, help_text="Starting after ``at`` within ``within`` minutes."
    )
