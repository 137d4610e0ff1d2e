#!/usr/bin/env python
"""Seed the reminder benchmark (run by run.py with the benchmark's environment).

    python bench/reminders/seed.py --push 20000 --mails 2000 --endpoint URL --p256dh K --auth A

One conference and one session; ``--push`` attendees, each with a push subscription on
``URL/push/<n>`` and a push reminder, and ``--mails`` other attendees with an e-mail reminder.
Every reminder is pending and far in the future: run.py makes each phase due at once
(``arm``). Bulk inserts: seconds for 22,000 rows of each kind. Prints the ids as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from planner.enums import Channel  # noqa: E402
from planner.models import (  # noqa: E402
    Attendee,
    Conference,
    PlanItem,
    PushSubscription,
    Reminder,
    Room,
    Session,
)

FAR = dt.timedelta(days=1)
UNUSABLE = "!"  # Django's mark of an unusable password: nobody logs in as these


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--push", type=int, required=True)
    parser.add_argument("--mails", type=int, required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--p256dh", required=True)
    parser.add_argument("--auth", required=True)
    parser.add_argument("--slug", default="bench-reminders")
    args = parser.parse_args()
    User = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        conference = Conference.objects.create(
            slug=args.slug,
            name="Reminder Bench",
            timezone="Asia/Jerusalem",
            start_date=(now + FAR).date(),
            end_date=(now + FAR).date(),
        )
        room = Room.objects.create(conference=conference, name="Hall A")
        session = Session.objects.create(
            conference=conference,
            title="Keynote",
            start=now + FAR,
            end=now + FAR + dt.timedelta(hours=1),
            room=room,
        )
        total = args.push + args.mails
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{args.slug}-{i}",
                    email=f"{args.slug}-{i}@example.org",
                    password=UNUSABLE,
                )
                for i in range(total)
            ],
            batch_size=2000,
        )
        attendees = Attendee.objects.bulk_create(
            [
                Attendee(
                    conference=conference,
                    user=user,
                    display_name=f"Attendee {i}",
                    reminder_channels=[Channel.PUSH if i < args.push else Channel.EMAIL],
                )
                for i, user in enumerate(users)
            ],
            batch_size=2000,
        )
        items = PlanItem.objects.bulk_create(
            [PlanItem(attendee=attendee, session=session) for attendee in attendees],
            batch_size=2000,
        )
        PushSubscription.objects.bulk_create(
            [
                PushSubscription(
                    user=users[i],
                    endpoint=f"{args.endpoint}/push/{i}",
                    p256dh=args.p256dh,
                    auth=args.auth,
                )
                for i in range(args.push)
            ],
            batch_size=2000,
        )
        reminders = Reminder.objects.bulk_create(
            [
                Reminder(
                    plan_item=item,
                    channel=Channel.PUSH if i < args.push else Channel.EMAIL,
                    fire_at=now + FAR - dt.timedelta(minutes=10),
                )
                for i, item in enumerate(items)
            ],
            batch_size=2000,
        )
    print(json.dumps({"reminders": len(reminders), "conference": conference.pk}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
