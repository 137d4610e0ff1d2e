#!/usr/bin/env python3
"""Fail early, saying why, when `node` is missing or older than frontend/package.json's
`engines.node` (Vite needs ^20.19 || >=22.12; Debian 12's own nodejs is 18).

Understands the range forms package.json uses: alternatives joined by `||`, each `^X.Y.Z`
(same major, at least X.Y.Z) or `>=X.Y.Z`. Standard library only: it runs before any install.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE_JSON = Path(__file__).resolve().parent.parent / "frontend" / "package.json"


def _version(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text.strip())
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(part or 0) for part in match.groups())  # type: ignore[return-value]


def satisfies(version: tuple[int, int, int], spec: str) -> bool:
    for alternative in spec.split("||"):
        alternative = alternative.strip()
        if alternative.startswith("^"):
            low = _version(alternative[1:])
            if version[0] == low[0] and version >= low:
                return True
        elif alternative.startswith(">="):
            if version >= _version(alternative[2:]):
                return True
        else:
            raise ValueError(f"unsupported engines.node range: {alternative!r}")
    return False


def main() -> int:
    spec = json.loads(PACKAGE_JSON.read_text())["engines"]["node"]
    node = shutil.which("node")
    if node is None:
        print(f"Node.js {spec} is required (Vite), but `node` is not on PATH.", file=sys.stderr)
        return 1
    found = subprocess.run(  # noqa: S603 - the node on PATH, fixed argument
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        ok = satisfies(_version(found), spec)
    except ValueError:
        ok = False
    if not ok:
        print(
            f"Node.js {spec} is required (Vite), found {found or 'nothing'} at {node}. "
            "Debian 12's nodejs package is 18: install Node 22 LTS (e.g. from nodejs.org or "
            "NodeSource) and put it first on PATH.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
