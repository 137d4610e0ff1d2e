"""Organizer-only schedule imports: POST a file or URL, then follow the run."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from planner.access import conference_for_organizer
from planner.api.parsers import JSONParser
from planner.api.serializers.imports import (
    ImportMismatchSerializer,
    ImportRequestSerializer,
    ImportRunSerializer,
)
from planner.exceptions import ValidationFailed
from planner.importers import parse_schedule
from planner.importers.base import ImportOptions, ScheduleFormatError
from planner.models import ImportRun
from planner.services.import_guard import schedule_mismatch_check
from planner.services.imports import import_run_create, import_run_fail, import_run_submit


class ImportRunListCreate(generics.ListCreateAPIView):
    """A conference's import runs (newest first); POST starts one.

    An uploaded file is parsed at once: a file that cannot be imported answers 400 with the
    file, line or element and field, and is recorded as a failed run. A file that seems to be
    another conference's program (its own name or dates disagree, or items fall outside the
    conference's dates by more than a day) answers 409 with what was found, also recorded as
    a failed run, unless ``force`` is true. A valid file (or a URL) is queued and answers 202;
    GET the run to follow it (a URL's file is checked by the run, which fails the same way)."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = ImportRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no request
            return ImportRun.objects.none()
        conference = conference_for_organizer(user=self.request.user, slug=self.kwargs["slug"])
        return (
            ImportRun.objects.filter(conference=conference)
            .select_related("conference")
            .order_by("-created_at")
        )

    @extend_schema(
        request={
            "multipart/form-data": ImportRequestSerializer,
            "application/json": ImportRequestSerializer,
        },
        responses={
            202: ImportRunSerializer,
            400: OpenApiResponse(description="Invalid input"),
            404: OpenApiResponse(description="Not an organizer of this conference"),
            409: OpenApiResponse(
                response=ImportMismatchSerializer,
                description="The file seems to be another conference's program; send "
                "force=true to import it anyway",
            ),
        },
    )
    def post(self, request, slug: str):
        conference = conference_for_organizer(user=request.user, slug=slug)
        incoming = ImportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = data.get("file")
        common = {
            "conference": conference,
            "fmt": data["format"],
            "zone": data["timezone"],
            "source_key": data["source_key"],
            "dry_run": data["dry_run"],
            "allow_empty": data["allow_empty"],
            "force": data["force"],
            "user": request.user,
        }
        if upload is None:
            with transaction.atomic():
                run = import_run_submit(source=data["url"], **common)
            return self._accepted(run)
        content = upload.read()
        try:
            parsed = parse_schedule(
                content,
                ImportOptions(
                    filename=upload.name, timezone=data["timezone"] or conference.timezone
                ),
                data["format"],
            )
        except ScheduleFormatError as error:
            run = import_run_create(source=upload.name, data=content, **common)
            import_run_fail(import_run=run, error=error)
            return Response(
                {"detail": str(error), "errors": {"file": [str(error)]}, "import_run": run.pk},
                status=status.HTTP_400_BAD_REQUEST,
            )
        report = schedule_mismatch_check(
            conference=conference, parsed=parsed, source=data["source_key"]
        )
        if report.findings and not data["force"]:
            mismatch = report.error(conference)
            run = import_run_create(source=upload.name, data=content, **common)
            import_run_fail(import_run=run, error=mismatch)
            return Response(
                {
                    "detail": mismatch.message,
                    "errors": {"file": mismatch.findings},
                    "mismatch": {
                        "findings": mismatch.findings,
                        "found": mismatch.found,
                        "conference": mismatch.target,
                        "outside": mismatch.warnings,
                    },
                    "import_run": run.pk,
                },
                status=status.HTTP_409_CONFLICT,
            )
        try:
            with transaction.atomic():
                run = import_run_submit(source=upload.name, data=content, **common)
        except ValidationFailed as error:
            return Response(
                {"detail": error.message, "errors": {error.field or "file": [error.message]}},
                status=400,
            )
        return self._accepted(run)

    def _accepted(self, run: ImportRun) -> Response:
        # Sent on commit, after the run was saved: show the stage the dispatch left. With the
        # broker down the run is recorded all the same and answers 202, pending with stage
        # "queued, waiting for the broker"; the sweeper sends it when the broker is back.
        run.refresh_from_db()
        body = ImportRunSerializer(run, context={"request": self.request}).data
        location = self.request.build_absolute_uri(f"{run.pk}/")
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ImportRunDetail(generics.RetrieveAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ImportRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportRun.objects.none()
        conference = conference_for_organizer(user=self.request.user, slug=self.kwargs["slug"])
        return ImportRun.objects.filter(conference=conference).select_related("conference")
