#!/usr/bin/env python
"""Lighthouse 12.2.3 (mobile) on the key screens of the production build, served as `make run`
serves it (gunicorn + whitenoise on 127.0.0.1, the built frontend/dist, the seeded demo).

    python bench/lighthouse/run.py [--no-build] [--runs 3]
        [--postgres postgres://postgres@127.0.0.1:5432/boardwalk_bench_lighthouse]
        [--redis redis://127.0.0.1:6379/13] [--out var/lighthouse]

A fresh PostgreSQL database (dropped and created: give it one of your own) and Redis db,
migrated and seeded (`seed_demo`); `npm run build` unless --no-build; then lighthouse.mjs in
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) with Lighthouse's mobile defaults
(Moto G Power screen, simulated slow 4G and 4x CPU slowdown), each run a fresh profile (a first
visit). With --runs N each screen runs N times and the run of median performance is reported.
Prints a Markdown table for bench/README.md and the audits under 90; the HTML and JSON reports
go to --out. Lighthouse 12 has no PWA category any more: installability is
tests/e2e/test_quality.py's (Chromium's Page.getInstallabilityErrors).

Targets (issue 12): performance ≥ 90, accessibility ≥ 95, best practices ≥ 95. Not a test:
it reports, and exits 1 when a screen misses a target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import common

ROOT = common.ROOT
HERE = Path(__file__).resolve().parent
SLUG = "eccv-demo"
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}


def screens(env: dict[str, str]) -> dict[str, str]:
    """The key screens a visitor opens first: name → path (ids from the seeded demo). Signed
    out: Scan shows its typed fallback until the camera is started (the decoder is not
    loaded), the hall map draws from the stored program."""
    poster = common.manage(
        env,
        "shell",
        "-c",
        "from planner.models import Poster; "
        f"print(Poster.objects.filter(conference__slug='{SLUG}').order_by('id').first().id)",
        capture=True,
    ).split()[-1]  # the shell may print what it imported first
    conf = f"/conferences/{SLUG}"
    return {
        "Home (conference picker)": "/",
        "Sign in": "/signin",
        "Now & Next": f"{conf}/",
        "Schedule": f"{conf}/schedule",
        "Poster page": f"{conf}/posters/{poster}",
        "Scan": f"{conf}/scan",
        "Hall map": f"{conf}/map",
    }


def lighthouse(base: str, paths: list[str], out: Path) -> list[dict]:
    run = subprocess.run(
        ["node", str(HERE / "lighthouse.mjs"), str(out), *[base + p for p in paths]],
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        capture_output=True,
        text=True,
        timeout=300 * len(paths),
        check=False,
    )
    if run.returncode != 0:
        sys.exit(f"lighthouse.mjs failed:\n{run.stderr[-3000:]}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/boardwalk_bench_lighthouse"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "lighthouse")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    var = args.out / "var"
    var.mkdir(exist_ok=True)
    env = common.fresh_stack(args.postgres, args.redis, var)
    common.manage(env, "seed_demo", "-v0")
    if not args.no_build:
        subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT / "frontend", check=True)
    dist = ROOT / "frontend" / "dist"
    named = screens(env)
    results: dict[str, list[dict]] = {name: [] for name in named}
    with common.gunicorn({**env, "FRONTEND_DIST": str(dist)}, args.out, workers=2) as server:
        base = f"http://127.0.0.1:{server.port}"
        for n in range(args.runs):
            folder = args.out / f"run{n + 1}"
            folder.mkdir(exist_ok=True)
            for name, result in zip(
                named, lighthouse(base, list(named.values()), folder), strict=True
            ):
                results[name].append(result)

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    first = next(iter(results.values()))[0]
    print(
        f"\nLighthouse {first['lighthouse']}, {first['chrome']}, {first['formFactor']}, "
        f"{first['throttling']} throttling, {args.runs} run(s) per screen, commit {commit}\n"
    )
    print(
        "| screen | performance | accessibility | best practices | SEO | FCP ms | LCP ms | TBT ms | CLS |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    missed = []
    for name, runs in results.items():
        perf = statistics.median_low([r["scores"]["performance"] for r in runs])
        r = next(r for r in runs if r["scores"]["performance"] == perf)
        s = r["scores"]
        if r["runtimeError"]:
            missed.append(f"{name}: Lighthouse could not run ({r['runtimeError']})")
            continue
        m = r["metrics"]
        print(
            f"| {name} (`{named[name]}`) | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} | {m['fcp']:.0f} | {m['lcp']:.0f} | "
            f"{m['tbt']:.0f} | {m['cls']:.3f} |"
        )
        missed += [f"{name}: {c} {s[c]} < {t}" for c, t in TARGETS.items() if s[c] < t]
        for line in r["failing"]:
            print(f"  - {line}", file=sys.stderr)
    print(f"\nreports: {args.out}")
    for line in missed:
        print(f"MISSED {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
