"""The committed OpenAPI schema (from which the PWA's TypeScript types are generated) is the
schema the code serves. When this fails, run `make api-types` and commit the two files."""

import json
from pathlib import Path

from django.core.management import call_command

from conf.env import BASE_DIR

COMMITTED = BASE_DIR / "frontend" / "src" / "api" / "openapi.json"


def test_committed_schema_matches_the_code(tmp_path: Path):
    fresh = tmp_path / "openapi.json"

    call_command("spectacular", "--format", "openapi-json", "--file", str(fresh))

    assert json.loads(fresh.read_text()) == json.loads(COMMITTED.read_text()), (
        "run `make api-types`"
    )
