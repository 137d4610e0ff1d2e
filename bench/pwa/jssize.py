#!/usr/bin/env python
"""The initial JavaScript of the production build, gzipped: what the browser must fetch before
the first render (index.html's module scripts and modulepreloads, and their static imports).

    python bench/pwa/jssize.py [frontend/dist]

Lazily loaded chunks (screens, the search worker) are not counted; the budget is 100 KB.
Prints JSON: {"files": {name: gzip bytes}, "gzip_bytes": total}.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 100 * 1024
# Static imports only (`import … from "./x.js"`, `import "./x.js"`, `export … from`): a
# dynamic `import("./x.js")` is lazy and stays out.
STATIC_IMPORT = re.compile(
    r"""(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']"""
)
ENTRY = re.compile(
    r"""<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)\""""
)


def initial_files(dist: Path) -> list[Path]:
    """index.html's scripts and everything they import statically, each once."""
    html = (dist / "index.html").read_text()
    todo = [dist / src.lstrip("/") for src in ENTRY.findall(html)]
    seen: list[Path] = []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.append(path)
        for ref in STATIC_IMPORT.findall(path.read_text()):
            todo.append(
                (path.parent / ref).resolve() if ref.startswith(".") else dist / ref.lstrip("/")
            )
    return seen


def gzip_sizes(dist: Path) -> dict[str, int]:
    return {
        str(path.relative_to(dist)): len(gzip.compress(path.read_bytes(), compresslevel=9))
        for path in initial_files(dist)
    }


def main() -> int:
    dist = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "frontend" / "dist"
    files = gzip_sizes(dist)
    total = sum(files.values())
    print(json.dumps({"files": files, "gzip_bytes": total, "budget_bytes": BUDGET}))
    return 0 if total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
