"""`make` checks Node's version before npm: Vite needs ^20.19 || >=22.12 and Debian 12's own
nodejs is 18, which otherwise fails late with an obscure Vite error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conf.env import BASE_DIR


def _run_with_node(tmp_path, version: str | None) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if version is not None:
        node = bin_dir / "node"
        node.write_text(f"#!/bin/sh\necho {version}\n")
        node.chmod(0o755)
    env = {**os.environ, "PATH": str(bin_dir)}
    return subprocess.run(
        [sys.executable, "scripts/check_node.py"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("version", ["v18.19.0", "v20.18.1", "v21.7.3", "v22.11.0"])
def test_too_old_node_fails_with_the_reason(tmp_path, version):
    result = _run_with_node(tmp_path, version)

    assert result.returncode == 1
    assert f"Node.js ^20.19.0 || >=22.12.0 is required (Vite), found {version}" in result.stderr


@pytest.mark.parametrize("version", ["v20.19.0", "v20.20.2", "v22.12.0", "v24.1.0"])
def test_supported_node_passes(tmp_path, version):
    result = _run_with_node(tmp_path, version)

    assert (result.returncode, result.stderr) == (0, "")


def test_missing_node_fails_with_the_reason(tmp_path):
    result = _run_with_node(tmp_path, None)

    assert result.returncode == 1
    assert "`node` is not on PATH" in result.stderr


def test_make_checks_node_before_npm(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "node").write_text("#!/bin/sh\necho v18.19.0\n")
    (bin_dir / "node").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}

    # -n: print what would run, run nothing; the check comes before `npm ci`.
    result = subprocess.run(
        ["make", "-n", "-B", "frontend/node_modules/.installed"],  # noqa: S607
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    lines = result.stdout.splitlines()
    check = next(i for i, line in enumerate(lines) if "scripts/check_node.py" in line)
    npm = next(i for i, line in enumerate(lines) if "npm ci" in line)
    assert check < npm
