from django.db.models import QuerySet

from planner.models import Conference


def conference_list() -> QuerySet[Conference]:
    return Conference.objects.order_by("-start_date", "name")
