// The PWA benchmark's browser half (bench/pwa/run.py starts it): headless Chromium with its CPU
// throttled, the production build served by gunicorn, a 20,000-item program.
//
//   BENCH_USER=… BENCH_PASSWORD=… BENCH_SLUG=… BENCH_QUERIES='["…", …]' BENCH_DIST=frontend/dist \
//     node bench/pwa/measure.mjs <base-url>
//
// Steps: sign in; (a) first visit to the schedule with no program stored; the search index the
// app builds in its worker after that download; (b) offline reload to the schedule; (c) the
// queries through the app's search client (the Schedule's search field when the build has
// one); then it prints {"need": "delta"} and waits for a line on stdin (run.py re-imports the
// moved program meanwhile); (d) online reload: the delta into IndexedDB and into the index;
// (e) navigator.storage.estimate(). Every figure is read from the app's own performance
// marks and measures. The final JSON report is the last line of stdout.
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "frontend", "package.json"));
const { chromium } = require("playwright-core");

const [base] = process.argv.slice(2);
const env = process.env;
const slug = env.BENCH_SLUG;
const queries = JSON.parse(env.BENCH_QUERIES);
const RATE = Number(env.BENCH_THROTTLE || 4);
// Generous: a 4x-throttled first download and index build of 20,000 items takes a while.
const LONG = 240_000;

/** What the build has: the Schedule screen's ready mark, and the chunk of search/session.ts. */
function inspectBuild(dist) {
  const assets = path.join(dist, "assets");
  let schedule = false;
  let session = null;
  for (const name of readdirSync(assets)) {
    if (!name.endsWith(".js")) continue;
    const text = readFileSync(path.join(assets, name), "utf8");
    if (text.includes("boardwalk:schedule-ready")) schedule = true;
    if (text.includes("boardwalk:search-open") && /export\s*\{[^}]*\bas getSearch\b/.test(text)) session = `/assets/${name}`;
  }
  return { schedule, session };
}

const build = inspectBuild(env.BENCH_DIST);
// Until the Schedule screen lands, Now & Next is the screen measured: ready when its
// "last updated" line (rendered with the program from IndexedDB) is in the page.
const target = build.schedule
  ? { path: `/conferences/${slug}/schedule`, mark: "boardwalk:schedule-ready" }
  : { path: `/conferences/${slug}/`, mark: "bench:now-ready" };

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en-US" });
context.setDefaultTimeout(60_000);
const report = { screen: target.path, readyMark: target.mark, throttle: RATE, steps: {}, consoleErrors: [], pageErrors: [] };

await context.addInitScript(() => {
  const mark = () => {
    if (!document.querySelector(".now__updated") || performance.getEntriesByName("bench:now-ready").length) return;
    performance.mark("bench:now-ready");
  };
  new MutationObserver(mark).observe(document, { subtree: true, childList: true });
});

const page = await context.newPage();
page.on("console", (msg) => {
  if (msg.type() === "error") report.consoleErrors.push({ text: msg.text().slice(0, 300), url: msg.location().url, at: step });
});
page.on("pageerror", (err) => report.pageErrors.push(String(err).slice(0, 300)));
const cdp = await context.newCDPSession(page);
/** The step running, to tell where a console error came from. */
let step = "sign-in";

async function throttle() {
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: RATE });
}

/**
 * Offline (or back) for the page's requests AND its `navigator.onLine`. context.setOffline
 * alone is not enough here: with this second CDP session attached, the reloaded document's
 * navigator.onLine stays true (this session's Network agent restores "online"), so the app
 * believed it was online and its requests failed (net::ERR_FAILED in the console). A phone in
 * airplane mode reports false; telling this session too makes the page see what a phone sees.
 */
async function setOffline(offline) {
  await context.setOffline(offline);
  await cdp.send("Network.emulateNetworkConditions", { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

/** Milliseconds from the navigation's start to the first entry named `name`. */
async function entryTime(name, timeout = LONG) {
  await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, { timeout, polling: 100 });
  return page.evaluate((n) => performance.getEntriesByName(n)[0].startTime, name);
}

/** The durations of the measures named `name`, and their details. */
function measures(name) {
  return page.evaluate(
    (n) => performance.getEntriesByName(n, "measure").map((m) => ({ ms: m.duration, detail: m.detail ?? null })),
    name,
  );
}

async function waitForMeasure(name, count = 1, timeout = LONG) {
  await page.waitForFunction(
    ([n, c]) => performance.getEntriesByName(n, "measure").length >= c,
    [name, count],
    { timeout, polling: 100 },
  );
  return measures(name);
}

const round = (ms) => Math.round(ms * 10) / 10;

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(Math.ceil(sorted.length * p) - 1, 0)];
}

/** Each query typed into the Schedule's search field; one `boardwalk:search` measure each. */
async function searchThroughField() {
  const field = page.locator("#schedule-search");
  for (const [i, query] of queries.entries()) {
    const before = (await measures("boardwalk:search")).length;
    await field.fill(query);
    // The first query waits for the index too (the field searches once it is ready).
    await waitForMeasure("boardwalk:search", before + 1, i === 0 ? LONG : 30_000);
  }
}

/** Each query through the app's own search session (search/session.ts's getSearch, the module
 * instance the app itself loaded): the same client, worker and measure the screens use. */
async function searchThroughSession() {
  await page.evaluate(
    async ([url, conf, list]) => {
      const { getSearch } = await import(url);
      const search = await getSearch(conf);
      for (const query of list) await search.search(query, { limit: 50 });
    },
    [build.session, slug, queries],
  );
}

/** The line run.py answers once the moved program is imported. */
async function askForDelta() {
  process.stdout.write(`${JSON.stringify({ need: "delta" })}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    if (line.trim() !== "go") throw new Error(`run.py answered ${line}`);
    return;
  }
}

try {
  await page.goto(`${base}/signin`);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === "activated");
  await page.locator("#auth-email").fill(env.BENCH_USER);
  await page.locator("#auth-password").fill(env.BENCH_PASSWORD);
  await page.locator("form button[type=submit]").click();
  await page.locator(".account__name").waitFor();

  // (a) First visit: no program in IndexedDB (the shell is in the service worker's cache).
  step = "first-visit";
  await throttle();
  await page.goto(`${base}${target.path}`, { waitUntil: "commit" });
  const cold = await entryTime(target.mark);
  const [download] = await waitForMeasure("boardwalk:bundle-apply");
  // The app then builds the search index in its worker and stores it.
  const [built] = await waitForMeasure("boardwalk:search-open");
  // Where the cold visit goes: the bundle's request (resource timing), then storing it.
  const [applyStart, fetched] = await page.evaluate(() => {
    const apply = performance.getEntriesByName("boardwalk:bundle-apply", "measure")[0];
    const bundle = performance.getEntriesByType("resource").find((r) => /\/bundle(\?|$)/.test(r.name));
    return [apply.startTime, bundle ? { start: bundle.startTime, end: bundle.responseEnd, bytes: bundle.encodedBodySize } : null];
  });
  report.steps.firstVisit = {
    readyMs: round(cold), bundleApplyMs: round(download.ms), rows: download.detail?.rows, searchBuildMs: round(built.ms),
    bundleApplyStartMs: round(applyStart),
    bundleFetch: fetched && { startMs: round(fetched.start), responseEndMs: round(fetched.end), bytes: fetched.bytes },
  };

  // (b) Offline reload.
  step = "offline-reload";
  await setOffline(true);
  await page.reload({ waitUntil: "commit" });
  await throttle();
  report.steps.offlineReload = { readyMs: round(await entryTime(target.mark)) };

  // (c) Search, offline: the index loaded from IndexedDB, then the queries.
  step = "search";
  const viaField = (await page.locator("#schedule-search").count()) > 0;
  if (!viaField && !build.session) throw new Error("The build has neither a search field nor search/session.ts's chunk");
  if (viaField) await searchThroughField();
  else await searchThroughSession();
  const [opened] = await measures("boardwalk:search-open");
  const times = (await measures("boardwalk:search")).map((m) => m.ms);
  report.steps.search = {
    via: viaField ? "#schedule-search" : "getSearch",
    openMs: opened ? round(opened.ms) : null,
    queries: times.length,
    p50Ms: round(percentile(times, 0.5)),
    p95Ms: round(percentile(times, 0.95)),
    maxMs: round(Math.max(...times)),
    // Measures are in query order: the slowest queries, to see what costs.
    slowest: times
      .map((ms, i) => [queries[i], round(ms)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8),
  };

  // (d) The 1% delta: run.py re-imports the moved program; an online reload fetches it.
  step = "delta";
  await setOffline(false);
  await askForDelta();
  await page.reload({ waitUntil: "commit" });
  await throttle();
  const [apply] = await waitForMeasure("boardwalk:bundle-apply");
  const [update] = await waitForMeasure("boardwalk:search-delta");
  const [indexApply] = await measures("boardwalk:search-delta-apply");
  report.steps.delta = {
    full: apply.detail?.full,
    rows: apply.detail?.rows,
    bundleApplyMs: round(apply.ms),
    indexApplyMs: indexApply ? round(indexApply.ms) : null,
    indexUpdateMs: round(update.ms),
    worker: indexApply?.detail ?? null,
  };

  // (e) What the origin stores (IndexedDB, and the service worker's caches).
  report.steps.storage = await page.evaluate(async () => {
    const estimate = await navigator.storage.estimate();
    return { usage: estimate.usage, details: estimate.usageDetails ?? null };
  });
} catch (err) {
  report.error = String(err.stack || err).slice(0, 2000);
}
await browser.close();
process.stdout.write(`${JSON.stringify(report)}\n`);
