"""The importer tests read the real schedules in ../shared/data/real (beside the repository,
as on CI). Without them these tests are not collected, and the run says why; with CI=true
their absence fails the run at the start (see tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.infra import REAL_DATA, in_ci

if not REAL_DATA.is_dir() and not in_ci():
    # Modules that need the files; the CSV template tests make their own data.
    collect_ignore_glob = [
        "test_frab_xml.py",
        "test_schedule_json.py",
        "test_ical.py",
        "test_miniconf.py",
        "test_import_command.py",
        "test_import_entrypoints.py",
        "test_import_worker.py",
        "test_parity_and_changes.py",
        "test_acl_miniconf.py",
        "test_paper_copilot.py",
        "test_miniconf_yaml.py",
        "test_xcal_pretalx_api.py",
    ]


@pytest.fixture
def eager():
    """Tasks run inline, as a worker would run them."""
    from conf.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def organizer(conference):
    from tests import factories as f

    user = f.UserFactory(username="org", is_staff=True)
    conference.organizers.add(user)
    return user
