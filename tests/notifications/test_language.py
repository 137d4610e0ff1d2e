"""Messages in the attendee's language: a Korean attendee's reminders, alerts, digest and
e-mails are written in Korean (local times as ``10월 26일 (월) 14:30``), an English one's
stay as they were, and one batch that mixes them renders each in their own language
without leaving Korean switched on for whatever runs next."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from planner.enums import Channel, Language, NotificationKind
from planner.models import (
    Conference,
    Notification,
    Oral,
    PlanItem,
    Poster,
    Session,
)
from planner.notifications import Message, email, push
from planner.notifications.content import (
    PLAN_ITEM_RELATED,
    attendee_language,
    item_place,
    local_moment,
)
from planner.services.digest import digests_send_due
from planner.services.reminder_dispatch import reminders_dispatch_due
from tests import factories as f
from tests.notifications.conftest import make_poster_plan, subscribe
from tests.notifications.test_change_alerts import _alerts, _import, _program
from tests.notifications.test_digest import _attendee, _digests, _plan, program, utc
from tests.notifications.test_dispatch import _due, _subscribe

pytestmark = pytest.mark.django_db

__all__ = ["program"]  # the digest tests' program, used here as a fixture

# Latin words our messages are made of; a Korean message may hold Latin letters only in
# names from the program (rooms, titles, zones) and "Boardwalk".
ENGLISH = re.compile(
    r"\b(Starts|Poster|Oral|board|booth|moved|cancelled|back on|Today|Tomorrow|items?|"
    r"Times in|more|Open|Turn|e-mail|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Oct)\b"
)


def korean_plan():
    plan = make_poster_plan()
    plan.attendee.language = Language.KOREAN
    plan.attendee.save(update_fields=["language"])
    return plan


def test_local_moment_in_korean_reads_month_day_weekday_then_the_clock():
    conference = f.ConferenceFactory.build(timezone="Asia/Seoul")
    instant = dt.datetime(2026, 10, 22, 4, 20, tzinfo=dt.UTC)  # 13:20 in Seoul

    with attendee_language("ko"):
        korean = local_moment(conference, instant)
    english = local_moment(conference, instant)

    assert korean == "10월 22일 (목) 13:20 (Asia/Seoul)"
    assert english == "Thu 22 Oct, 13:20 (Asia/Seoul)"


def test_an_unknown_language_writes_english_and_the_block_leaves_none_behind():
    conference = f.ConferenceFactory.build(timezone="Asia/Seoul")
    instant = dt.datetime(2026, 10, 22, 4, 20, tzinfo=dt.UTC)

    with attendee_language("fr"):
        text = local_moment(conference, instant)
    with pytest.raises(RuntimeError), attendee_language("ko"):
        raise RuntimeError("boom")

    assert text == "Thu 22 Oct, 13:20 (Asia/Seoul)"
    assert translation.get_language() == "en"


def test_korean_reminder_by_push_and_in_app_with_the_korean_local_time(
    reminder_rows, vapid, push_service, own_cache
):
    plan = korean_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    browser = _subscribe(plan, push_service, "/push/ada")
    _due(plan, Channel.PUSH, now=now)
    _due(plan, Channel.IN_APP, now=now)

    report = reminders_dispatch_due(now=now)

    assert report.outcomes == {("push", "sent"): 1, ("in_app", "sent"): 1}
    body = "10분 후 시작: 10월 26일 (월) 14:30 (Asia/Jerusalem)\nHall B, 보드 042\nSparse attention"
    [request] = push_service.to("/push/ada")
    payload = browser.decrypt(request.body)
    assert (payload["title"], payload["body"]) == ("포스터 042", body)
    notification = Notification.objects.get(attendee=plan.attendee)
    assert (notification.kind, notification.title, notification.body) == (
        NotificationKind.REMINDER,
        "포스터 042",
        body,
    )
    assert translation.get_language() == "en"


def test_korean_reminder_e_mail_subject_text_and_html(
    reminder_rows, smtp_server, own_cache, settings
):
    settings.SITE_URL = "https://boardwalk.example.org"
    plan = korean_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    _due(plan, Channel.EMAIL, now=now)

    reminders_dispatch_due(now=now)

    [mail] = smtp_server.messages
    link = email.unsubscribe_url(plan.attendee.pk)
    assert mail["Subject"].strip() == "[ECCV 2026] 포스터 042"  # encoded, folded
    assert mail["List-Unsubscribe"].strip() == f"<{link}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    url = (
        f"https://boardwalk.example.org/conferences/{plan.conference.slug}/posters/{plan.poster.pk}"
    )
    assert text == (
        "포스터 042\n\n"
        "10분 후 시작: 10월 26일 (월) 14:30 (Asia/Jerusalem)\n"
        "Hall B, 보드 042\n"
        "Sparse attention\n\n"
        f"{url}\n\n"
        "--\n"
        "Boardwalk에서 보내는 ECCV 2026 알림입니다. 리마인더, 일정 변경, 저녁 요약을 이메일로 "
        "받도록 설정하셔서 이 메일을 받으셨습니다.\n"
        f"이메일 끄기: {link}\n\n"
    )
    assert '<html lang="ko">' in html
    assert "<h1>포스터 042</h1>" in html
    assert "<p>10분 후 시작: 10월 26일 (월) 14:30 (Asia/Jerusalem)</p>" in html
    assert f'<a href="{url}">Boardwalk에서 열기</a>' in html
    assert f'<a href="{link}">이메일 끄기</a>' in html
    assert not ENGLISH.search(text.replace(url, "").replace(link, ""))
    assert not ENGLISH.search(re.sub(r'"[^"]*"', "", html))


def test_english_e_mail_keeps_lang_en(reminder_rows, smtp_server, own_cache):
    plan = make_poster_plan()
    now = plan.session.start - dt.timedelta(minutes=10)
    _due(plan, Channel.EMAIL, now=now)

    reminders_dispatch_due(now=now)

    html = smtp_server.messages[0].get_body(preferencelist=("html",)).get_content()
    html = html.replace("\r\n", "\n")
    assert html.startswith('<!doctype html>\n<html lang="en">\n')
    assert ">Open in Boardwalk</a>" in html
    assert ">Turn e-mail off</a>" in html


def test_one_sweep_writes_each_attendee_in_their_own_language(reminder_rows, own_cache):
    # English before and after the Korean one: nothing leaks either way.
    first = make_poster_plan(email="bob@example.org")
    korean = korean_plan()
    last = make_poster_plan(email="cy@example.org")
    now = korean.session.start - dt.timedelta(minutes=10)
    for plan in (first, korean, last):
        _due(plan, Channel.IN_APP, now=now)

    report = reminders_dispatch_due(now=now)

    assert report.outcomes == {("in_app", "sent"): 3}
    rows = dict(Notification.objects.values_list("attendee_id", "title"))
    assert rows == {
        first.attendee.pk: "Poster 042",
        korean.attendee.pk: "포스터 042",
        last.attendee.pk: "Poster 042",
    }
    bodies = dict(Notification.objects.values_list("attendee_id", "body"))
    for plan in (first, last):
        assert bodies[plan.attendee.pk].startswith(
            "Starts at Mon 26 Oct, 14:30 (Asia/Jerusalem), in 10 min\nHall B, board 042"
        )
    assert bodies[korean.attendee.pk].startswith("10분 후 시작: 10월 26일 (월) 14:30")
    assert translation.get_language() == "en"


def test_korean_booth_and_oral_places_and_labels():
    conference = f.ConferenceFactory()
    expo = f.RoomFactory(conference=conference, name="Expo")
    booth = f.BoothFactory(conference=conference, number="B14", room=expo, exhibitor="Acme")
    attendee = f.AttendeeFactory(conference=conference, language=Language.KOREAN)
    item = f.PlanItemFactory(attendee=attendee, session=None, booth=booth)
    item = PlanItem.objects.select_related(*PLAN_ITEM_RELATED).get(pk=item.pk)

    with attendee_language(attendee.language):
        place = item_place(item)

    assert place == "Expo, B14번 부스"


def test_a_schedule_change_alert_in_korean_beside_an_english_one(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _import(_program(tmp_path / "v1"), django_capture_on_commit_callbacks)
    conference = Conference.objects.get(slug="eccv")
    ada = f.AttendeeFactory(conference=conference, language=Language.KOREAN)
    bob = f.AttendeeFactory(conference=conference, language=Language.ENGLISH)
    PlanItem.objects.create(attendee=ada, poster=Poster.objects.get(board="042"))
    PlanItem.objects.create(attendee=ada, oral=Oral.objects.get(external_id="O-1"))
    PlanItem.objects.create(attendee=bob, session=Session.objects.get(external_id="S-O1"))

    _import(_program(tmp_path / "v2", shift=30), django_capture_on_commit_callbacks)
    _import(
        _program(tmp_path / "v3", shift=30, cancel_orals=True), django_capture_on_commit_callbacks
    )

    assert _alerts(ada) == [
        (
            "내 일정 중 2개 항목이 변경되었습니다",
            "포스터 042 일정 변경: Hall B, 14:30\n구두 발표 ‘Sparse attention’ 일정 변경: Room 1, 09:30",
        ),
        ("구두 발표 ‘Sparse attention’ 취소됨", "구두 발표 ‘Sparse attention’ 취소됨"),
    ]
    assert _alerts(bob) == [
        ("Orals 1 moved to Room 1, 09:30", "Orals 1 moved to Room 1, 09:30"),
        ("Orals 1 cancelled", "Orals 1 cancelled"),
    ]
    assert translation.get_language() == "en"


def test_a_digest_in_korean_beside_an_english_one_on_every_channel(
    program, vapid, push_service, smtp_server
):
    conference, keynote, poster, *_ = program
    ada = _attendee(
        conference, channels=(Channel.PUSH, Channel.EMAIL, Channel.IN_APP), email="ada@example.org"
    )
    ada.language = Language.KOREAN
    ada.save(update_fields=["language"])
    bob = _attendee(conference)
    _plan(ada, sessions=[keynote], posters=[poster])
    _plan(bob, sessions=[keynote], posters=[poster])
    browser = subscribe(ada.user, push_service, "/push/ada")

    digests_send_due(now=utc(24, 18, 0))
    reminders_dispatch_due(now=utc(24, 18, 0) + dt.timedelta(seconds=20))

    title = "내일 10월 25일 (일): 내 일정 2개"
    body = (
        "09:00 Keynote · Hall A\n14:30 포스터 042 · Hall B, 보드 042\n"
        "시각은 학회 현지 시간대(Europe/Berlin) 기준입니다."
    )
    assert _digests(ada) == [(title, body, "digest:2026-10-25")]
    assert _digests(bob)[0][:2] == (
        "Tomorrow, Sun 25 Oct: 2 items in your plan",
        "09:00 Keynote · Hall A\n14:30 Poster 042 · Hall B, board 042\nTimes in Europe/Berlin.",
    )
    data = browser.decrypt(push_service.to("/push/ada")[0].body)
    assert (data["title"], data["body"]) == (title, body)
    [mail] = smtp_server.messages
    assert mail["Subject"].strip() == f"[IROS 2026] {title}"
    assert "Boardwalk에서 보내는 IROS 2026 알림입니다." in mail.get_body(("plain",)).get_content()
    assert '<html lang="ko">' in mail.get_body(("html",)).get_content()


def test_a_push_too_long_for_one_message_says_how_many_more_in_korean():
    lines = tuple(f"포스터 {n:03d} 일정 변경: Hall B, 14:30" for n in range(400))
    message = Message(
        attendee_id=1,
        user_id=1,
        conference_slug="eccv",
        conference_name="ECCV 2026",
        kind=NotificationKind.SCHEDULE_CHANGE,
        title="내 일정 중 400개 항목이 변경되었습니다",
        lines=lines,
        url="/conferences/eccv/plan",
        dedupe_key="schedule-change:v2",
        language=Language.KOREAN,
    )

    body = str(push.payload(message)["body"])

    assert re.search(r"\n… 외 \d+개$", body)
    assert translation.get_language() == "en"


def test_the_unsubscribe_page_speaks_the_attendees_language(client):
    plan = korean_plan()
    path = f"/unsubscribe/{email.unsubscribe_token(plan.attendee.pk)}"

    asked = client.get(path)
    done = client.post(path)

    page = asked.content.decode()
    assert '<html lang="ko"' in page
    assert "<h1>이메일을 끌까요?</h1>" in page
    assert "ECCV 2026의 이메일 리마인더와 알림을 그만 받으시겠습니까?" in page
    assert '<button type="submit">이메일 끄기</button>' in page
    assert "<h1>이메일을 껐습니다</h1>" in done.content.decode()
    assert translation.get_language() == "en"


def test_a_bad_unsubscribe_link_answers_in_the_browsers_language(client):
    korean = client.get("/unsubscribe/nope", headers={"accept-language": "ko-KR,ko;q=0.9"})
    english = client.get("/unsubscribe/nope")

    assert korean.status_code == english.status_code == 400
    assert "<h1>유효하지 않은 링크</h1>" in korean.content.decode()
    assert "<h1>Link not valid</h1>" in english.content.decode()


def test_a_korean_digest_sent_after_a_switch_to_english_stays_korean_throughout(
    program, smtp_server
):
    """The digest's rows are written (in Korean) at 20:00 and sent later; the reader picks
    English in between. The mail must not be Korean above the line and English below it:
    its own words follow the language its text was written in."""
    conference, keynote, poster, *_ = program
    ada = _attendee(conference, channels=(Channel.EMAIL, Channel.IN_APP), email="ada@example.org")
    ada.language = Language.KOREAN
    ada.save(update_fields=["language"])
    _plan(ada, sessions=[keynote], posters=[poster])
    digests_send_due(now=utc(24, 18, 0))
    ada.language = Language.ENGLISH
    ada.save(update_fields=["language"])

    reminders_dispatch_due(now=utc(24, 18, 0) + dt.timedelta(seconds=20))

    [mail] = smtp_server.messages
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert mail["Subject"].strip() == "[IROS 2026] 내일 10월 25일 (일): 내 일정 2개"
    assert "Boardwalk에서 보내는 IROS 2026 알림입니다." in text
    assert "이메일 끄기: " in text
    assert '<html lang="ko">' in html
    assert translation.get_language() == "en"
