// One Lighthouse run per URL (a fresh Chromium profile each: a first visit), mobile form factor
// with Lighthouse's default simulated throttling (Moto G Power, slow 4G), in Debian's Chromium
// through chrome-launcher. Lighthouse is the frontend's pinned devDependency (12.2.3).
//
//   CHROME_PATH=/usr/bin/chromium node bench/lighthouse/lighthouse.mjs <out-dir> <url>...
//
// Writes <out-dir>/<n>.report.json and .html for each URL; prints one JSON line per URL:
// {url, scores: {performance, accessibility, best-practices, seo}, metrics, failing}.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, "..", "..", "frontend", "node_modules");
const { default: lighthouse } = await import(pathToFileURL(path.join(modules, "lighthouse", "core", "index.js")).href);
const chromeLauncher = await import(pathToFileURL(path.join(modules, "chrome-launcher", "dist", "index.js")).href);

const [out, ...urls] = process.argv.slice(2);
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

for (const [n, url] of urls.entries()) {
  const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH || "/usr/bin/chromium", chromeFlags: FLAGS });
  try {
    const result = await lighthouse(
      url,
      { port: chrome.port, output: ["json", "html"], onlyCategories: CATEGORIES, logLevel: "error", maxWaitForLoad: 60000 },
      undefined,
    );
    const [json, html] = result.report;
    await writeFile(path.join(out, `${n + 1}.report.json`), json);
    await writeFile(path.join(out, `${n + 1}.report.html`), html);
    const { lhr } = result;
    const audit = (id) => lhr.audits[id]?.numericValue ?? null;
    const failing = [];
    for (const category of CATEGORIES) {
      for (const ref of lhr.categories[category].auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 0.9) failing.push(`${category}: ${a.id} (${Math.round(a.score * 100)}) ${a.displayValue ?? ""}`.trim());
      }
    }
    console.log(
      JSON.stringify({
        url,
        lighthouse: lhr.lighthouseVersion,
        chrome: lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0],
        formFactor: lhr.configSettings.formFactor,
        throttling: lhr.configSettings.throttlingMethod,
        runtimeError: lhr.runtimeError?.code ?? null,
        scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)])),
        metrics: {
          fcp: audit("first-contentful-paint"),
          lcp: audit("largest-contentful-paint"),
          tbt: audit("total-blocking-time"),
          cls: audit("cumulative-layout-shift"),
          si: audit("speed-index"),
          bytes: audit("total-byte-weight"),
        },
        failing,
      }),
    );
  } finally {
    await chrome.kill();
  }
}
