"""Schedule imports in the admin: an upload page, and a run page that follows the import live."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from planner import safe_fetch
from planner.admin.base import ConferenceScopedAdmin, conference_ids_for
from planner.enums import ImportFormat, ImportStatus
from planner.exceptions import ValidationFailed
from planner.importers.base import MAX_IMPORT_BYTES
from planner.models import Conference, ImportRun
from planner.services.imports import import_run_submit
from planner.timezones import canonical_zone


class UploadForm(forms.Form):
    conference = forms.ModelChoiceField(queryset=Conference.objects.none())
    file = forms.FileField(
        required=False, help_text="frab XML, schedule JSON, .ics, a CSV template, or a zip."
    )
    url = forms.URLField(
        required=False, assume_scheme="https", help_text="…or fetch it from a URL."
    )
    format = forms.ChoiceField(
        choices=[("", "Detect from the file"), *ImportFormat.choices], required=False
    )
    timezone = forms.CharField(
        required=False,
        help_text="Zone for local times the file does not place. Default: the conference's.",
    )
    source_key = forms.SlugField(
        initial="import",
        help_text="Re-imports with the same key update the same rows; use another key for a second feed.",
    )
    dry_run = forms.BooleanField(required=False, help_text="Show what would change; write nothing.")
    allow_empty = forms.BooleanField(
        required=False,
        help_text="Accept a file that lists no events, cancelling all events it listed before.",
    )

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences

    def clean_timezone(self) -> str:
        zone = self.cleaned_data["timezone"].strip()
        if zone and canonical_zone(zone) is None:
            raise forms.ValidationError("Not an IANA time zone; use a name such as Asia/Jerusalem.")
        return zone

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url") or ""
        safe_fetch.validate_public_url(url)
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("url"):
            raise forms.ValidationError("Choose a file or give a URL.")
        if cleaned.get("file") and cleaned.get("url"):
            raise forms.ValidationError("Choose a file or give a URL, not both.")
        return cleaned


@admin.register(ImportRun)
class ImportRunAdmin(ConferenceScopedAdmin):
    list_display = [
        "created_at",
        "source",
        "format",
        "status_badge",
        "summary",
        "schedule_version",
        "conference",
    ]
    list_filter = ["conference", "status", "format", "dry_run"]
    list_select_related = ["conference"]
    search_fields = ["source", "checksum"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "conference",
        "source",
        "source_key",
        "format",
        "status_badge",
        "stage",
        "dry_run",
        "checksum",
        "schedule_version",
        "created_by",
        "created_at",
        "dispatched_at",
        "dispatch_attempts",
        "started_at",
        "finished_at",
        "timings",
        "counts_table",
        "errors_list",
        "warnings_list",
        "diff_table",
    ]
    fieldsets = [
        (None, {"fields": ["conference", "source", "status_badge", "stage", "schedule_version"]}),
        ("Result", {"fields": ["counts_table", "errors_list", "warnings_list", "diff_table"]}),
        (
            "Details",
            {
                "classes": ["collapse"],
                "fields": [
                    "format",
                    "source_key",
                    "dry_run",
                    "checksum",
                    "created_by",
                    "created_at",
                    "dispatched_at",
                    "dispatch_attempts",
                    "started_at",
                    "finished_at",
                    "timings",
                ],
            },
        ),
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="planner_importrun_upload",
            ),
            path(
                "template/<str:kind>.csv",
                self.admin_site.admin_view(self.template_view),
                name="planner_importrun_template",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:planner_importrun_upload"))

    def _conferences(self, request: HttpRequest):
        ids = conference_ids_for(request)
        return Conference.objects.all() if ids is None else Conference.objects.filter(id__in=ids)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        conferences = self._conferences(request)
        initial = (
            {"conference": request.GET.get("conference")} if request.GET.get("conference") else {}
        )
        if len(conferences[:2]) == 1:
            initial.setdefault("conference", conferences[0].pk)
        form = UploadForm(
            request.POST or None, request.FILES or None, conferences=conferences, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                run = import_run_submit(
                    conference=data["conference"],
                    source=upload.name if upload else data["url"],
                    data=upload.read() if upload else None,
                    fmt=data["format"],
                    zone=data["timezone"],
                    source_key=data["source_key"],
                    dry_run=data["dry_run"],
                    allow_empty=data["allow_empty"],
                    user=request.user,
                )
            except ValidationFailed as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                run.refresh_from_db()  # sent on commit: did the broker take it?
                if run.dispatched_at is None and run.status == ImportStatus.PENDING:
                    messages.warning(
                        request,
                        "Import recorded, but the task queue is unavailable: it starts "
                        "when the queue is back; this page follows it.",
                    )
                else:
                    messages.info(request, "Import queued; this page follows it.")
                return HttpResponseRedirect(
                    reverse("admin:planner_importrun_change", args=[run.pk])
                )
        from planner.importers.csv_templates import TEMPLATES

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import a schedule",
            "form": form,
            "templates": sorted(TEMPLATES),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/planner/importrun/upload.html", context)

    def template_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        from planner.importers.csv_templates import TEMPLATES, template_csv

        if kind not in TEMPLATES:
            return HttpResponse(
                f"No template named {kind!r}.", status=404, content_type="text/plain"
            )
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        live = run is not None and run.status in (ImportStatus.PENDING, ImportStatus.RUNNING)
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "live": live}
        )

    # --- display ------------------------------------------------------------------------------------
    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: ImportRun) -> str:
        colours = {
            ImportStatus.SUCCEEDED: "#2e7d32",
            ImportStatus.NO_CHANGES: "#546e7a",
            ImportStatus.FAILED: "#c62828",
        }
        label = obj.get_status_display() + (" (dry run)" if obj.dry_run else "")
        # A coloured dot (SVG fill, not a `style` attribute: the CSP has no 'unsafe-inline').
        return format_html(
            '<svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">'
            '<circle cx="5" cy="5" r="5" fill="{}"/></svg> <strong>{}</strong>',
            colours.get(obj.status, "#f57c00"),
            label,
        )

    @admin.display(description="summary")
    def summary(self, obj: ImportRun) -> str:
        if obj.status == ImportStatus.FAILED and obj.errors:
            return obj.errors[0].get("text", "")[:120]
        if obj.status == ImportStatus.NO_CHANGES:
            return "no changes"
        if obj.counts:
            return f"{obj.counts.get('changes', 0)} changes"
        return obj.stage

    @admin.display(description="counts")
    def counts_table(self, obj: ImportRun) -> str:
        rows = [
            (kind, stats)
            for kind, stats in obj.counts.items()
            if isinstance(stats, dict) and kind != "parsed"
        ]
        if not rows:
            return "—"
        table = self._counts_rows(rows)
        papers = obj.counts.get("paper")
        if isinstance(papers, dict) and "matched" in papers:
            table = format_html(
                "{}<p>{} papers of the list matched the program's by title; {} of them got "
                "links they lacked.</p>",
                table,
                papers["matched"],
                papers.get("enriched", 0),
            )
        return table

    @staticmethod
    def _counts_rows(rows: list) -> str:
        return format_html(
            "<table><tr><th>item</th><th>created</th><th>updated</th><th>cancelled</th><th>restored</th>"
            "<th>unchanged</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        kind,
                        s.get("created", 0),
                        s.get("updated", 0),
                        s.get("cancelled", 0),
                        s.get("restored", 0),
                        s.get("unchanged", 0),
                    )
                    for kind, s in rows
                ),
            ),
        )

    @admin.display(description="errors")
    def errors_list(self, obj: ImportRun) -> str:
        if not obj.errors:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li><code>{}</code></li>", ((e.get("text", ""),) for e in obj.errors)
            ),
        )

    @admin.display(description="warnings")
    def warnings_list(self, obj: ImportRun) -> str:
        if not obj.warnings:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in obj.warnings))
        )

    @admin.display(description="changes")
    def diff_table(self, obj: ImportRun) -> str:
        if not obj.diff:
            return "—"
        total = obj.counts.get("changes", len(obj.diff))
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    change["action"],
                    change["kind"],
                    change["title"],
                    "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in change["fields"].items()),
                )
                for change in obj.diff
            ),
        )
        more = f" (first {len(obj.diff):,} of {total:,})" if total > len(obj.diff) else ""
        return format_html(
            "<p>{} changes{}</p><table><tr><th>change</th><th>item</th><th>title</th><th>old → new</th></tr>{}</table>",
            total,
            more,
            rows,
        )
