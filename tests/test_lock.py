"""requirements.lock (runtime: the Docker image) and requirements-dev.lock (CI, `make`) pin
what pyproject.toml asks for: a dependency added to pyproject.toml without `make lock` would
be missing from the image and from CI's environment, so this fails until the locks follow."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conf.env import BASE_DIR

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pins(name: str) -> dict[str, str]:
    """name → version for every `name==version` line; each one must carry hashes."""
    text = (BASE_DIR / name).read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match[1]} has no hash"
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def _project() -> dict:
    with (BASE_DIR / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]


def _missing(requirements: list[str], pins: dict[str, str]) -> list[str]:
    problems = []
    for raw in requirements:
        requirement = Requirement(raw)
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{raw}: not pinned")
            continue
        if not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{raw}: pinned at {pins[name]}")
        # What an extra such as psycopg[binary] adds must be pinned too.
        for extra in requirement.extras:
            for sub in metadata.requires(requirement.name) or []:
                sub_requirement = Requirement(sub)
                added = sub_requirement.marker and sub_requirement.marker.evaluate({"extra": extra})
                if added and canonicalize_name(sub_requirement.name) not in pins:
                    problems.append(f"{raw}: {sub_requirement.name} (extra {extra}) not pinned")
    return problems


def test_runtime_lock_pins_every_dependency():
    assert _missing(_project()["dependencies"], _pins("requirements.lock")) == []


@pytest.mark.parametrize("group", ["runtime", "dev"])
def test_dev_lock_pins_every_dependency(group):
    project = _project()
    requirements = (
        project["dependencies"] if group == "runtime" else project["optional-dependencies"]["dev"]
    )
    assert _missing(requirements, _pins("requirements-dev.lock")) == []


def test_both_locks_pin_the_same_versions():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")

    assert {name: dev.get(name) for name in runtime} == runtime


def test_missing_dependency_is_reported():
    # The check itself: a requirement the lock lacks, or pins outside its range, is named.
    pins = {"django": "5.2.8"}
    assert _missing(["Django>=5.2,<5.3", "django-axes>=8"], pins) == ["django-axes>=8: not pinned"]
    assert _missing(["Django>=6"], pins) == ["Django>=6: pinned at 5.2.8"]
