"""The bundle of the 20,000-item benchmark program stays within 3 MB gzip-compressed.

Slow (~10-15 s, mostly the import). Figures for the README: bench/api/bundle_size.py.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.importers import parse_schedule
from planner.importers.base import ImportOptions
from planner.services.schedule_upsert import schedule_upsert

GENERATOR = Path(__file__).resolve().parents[3] / "bench" / "import" / "generate.py"
BUDGET = 3 * 1024 * 1024


def _generator():
    # bench/import is not a package ("import" is a keyword): load the generator by path.
    spec = importlib.util.spec_from_file_location("bench_import_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.django_db
def test_bundle_of_the_20k_benchmark_program_fits_in_3_mb_gzip(client, conference):
    generate = _generator()
    program = generate.build(20000, 1)
    parsed = parse_schedule(
        generate.csv_zip(program),
        ImportOptions(filename="program.zip", timezone="Asia/Jerusalem"),
        "csv",
    )
    schedule_upsert(conference=conference, parsed=parsed)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            f"/api/v1/conferences/{conference.slug}/bundle", HTTP_ACCEPT_ENCODING="gzip"
        )
    built_with = len(queries)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) <= BUDGET
    assert built_with == 16  # the same as for a two-session program
    document = json.loads(gzip.decompress(response.content))
    assert {k: len(v) for k, v in document.items() if isinstance(v, list)} == {
        "rooms": 40,
        "tracks": 41,
        "people": 37366,
        "papers": 12444,
        "sessions": 136,
        "orals": 1000,
        "posters": 6000,
        "booths": 400,
        "meals": 20,
    }
