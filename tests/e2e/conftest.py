import pytest

from conf.env import in_ci
from tests.e2e.harness import missing_tools


@pytest.fixture
def browser_tools():
    """Fail in CI, skip elsewhere, when Chromium, Node, playwright-core or the build is missing."""
    missing = missing_tools()
    if missing and in_ci():
        pytest.fail(f"CI=true but the browser test cannot run: {missing}")
    if missing:
        pytest.skip(missing)
