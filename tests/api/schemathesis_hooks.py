"""schemathesis hooks for tests/api/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

One exception, and only one: `feed/` is the attendee's calendar-feed *setting*, a singleton,
not a collection item. DELETE turns the private URL off (that URL then answers 404, which
tests/ical and tests/api/personal check); the setting itself stays readable and answers
`{"active": false, …}`, which is what the PWA asks to learn that the feed was turned off
elsewhere. schemathesis' use-after-free check (ST301) takes that read for a deleted resource
still served. The same check also pairs that DELETE with the *public* feeds (`feeds/`,
`feeds/{key}/`: the conference's, a track's… — nothing the API can delete) by their path's
likeness, and takes their next read for the deleted setting. Every other failure, and ST301
on every other path, stands.
"""

from __future__ import annotations

import schemathesis

FEED_SETTING = "/api/v1/conferences/{slug}/feed/"
PUBLIC_FEEDS = "/api/v1/conferences/{slug}/feeds/"


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    path = case.operation.path
    return not (failure.code == "ST301" and (path == FEED_SETTING or path.startswith(PUBLIC_FEEDS)))
