// Loads each kind of page Boardwalk serves in headless Chromium and reports, per page, every
// Content-Security-Policy violation the browser saw and whether the page rendered.
//
//   node tests/e2e/csp.mjs <base-url> <screenshot-dir>   (login from BOARDWALK_E2E_USER/_PASSWORD)
//
// Prints one JSON object on stdout; tests/e2e/test_csp.py runs it against a real gunicorn and
// asserts on it. Violations are caught three ways: the `securitypolicyviolation` DOM event
// (through a binding installed before any page script runs), console errors ("Refused to …",
// "… Content Security Policy …"), and, in the pytest, the reports the server's /csp-report
// endpoint logged. A canary at the end breaks the policy on purpose, so a listener that
// never fires cannot pass for a clean run.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
// playwright-core is a pinned devDependency of the frontend; resolve it from there.
const require = createRequire(path.join(here, "..", "..", "frontend", "package.json"));
const { chromium } = require("playwright-core");

const [base, shots] = process.argv.slice(2);
const user = process.env.BOARDWALK_E2E_USER;
const password = process.env.BOARDWALK_E2E_PASSWORD;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 15000;

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    // Deliver Reporting API reports (report-to) within ~100 ms instead of a minute.
    "--short-reporting-delay",
  ],
});
// No service worker here: it would answer the canary's navigation from its precache, out of
// page.route's reach. The PWA under its worker is checked by tests/e2e/pwa_offline.mjs.
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
context.setDefaultTimeout(TIMEOUT);

let current = null; // the result of the page being checked
const results = [];

await context.exposeBinding("__cspViolation", ({ frame }, v) => {
  (current ?? results.at(-1)).violations.push({ ...v, frame: frame.url() });
});
await context.addInitScript(() => {
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolation({
      directive: e.effectiveDirective,
      blocked: e.blockedURI,
      source: `${e.sourceFile}:${e.lineNumber}`,
      sample: e.sample,
      page: location.href,
    });
  });
});

const page = await context.newPage();
page.on("console", (msg) => {
  const text = msg.text();
  if (msg.type() === "error" && /Refused to|Content Security Policy/i.test(text)) {
    (current ?? results.at(-1))?.consoleErrors.push(text.slice(0, 500));
  }
});
page.on("pageerror", (err) => (current ?? results.at(-1))?.pageErrors.push(String(err).slice(0, 500)));

async function check(name, action) {
  current = { name, url: null, violations: [], consoleErrors: [], pageErrors: [], rendered: false };
  results.push(current);
  try {
    current.detail = await action();
    current.rendered = true;
  } catch (err) {
    current.error = String(err).slice(0, 1000);
  }
  // Give late violations (styles applied after render) a moment to surface.
  await page.waitForTimeout(300);
  current.url = page.url();
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false }).catch(() => {});
  current = null;
}

const text = (selector) => page.locator(selector).first().innerText();

await check("pwa", async () => {
  await page.goto(`${base}/`);
  await page.locator(".shell__header").waitFor();
  return { brand: await text(".shell__brand") };
});

// The canary, before any conference page (a visited conference can make `/` go on to it):
// an inline style without the nonce must be refused and reported. Chromium sends `report-to`
// reports in batches a minute or more later, so for this page only the policy is served
// without `report-to`: Chromium then POSTs at once to `report-uri`, the same endpoint, which
// proves the report path end to end within the test.
await page.route("**/?csp-canary", async (route) => {
  const response = await route.fetch();
  const headers = response.headers();
  headers["content-security-policy"] = headers["content-security-policy"]
    .split(";")
    .filter((directive) => directive.trim().split(" ")[0] !== "report-to")
    .join(";");
  delete headers["reporting-endpoints"];
  await route.fulfill({ response, headers });
});
await check("canary", async () => {
  await page.goto(`${base}/?csp-canary`);
  await page.locator(".shell__header").waitFor();
  await page.evaluate(() => {
    const style = document.createElement("style");
    style.textContent = "body { outline: 1px solid red }";
    document.head.append(style);
  });
  return {};
});

// Let the browser deliver the canary's reports before the next pages.
await page.waitForTimeout(1500);

await check("logbook", async () => {
  await page.goto(`${base}/conferences/eccv-demo/logbook`);
  await page.locator("#logbook-title").waitFor();
  return { title: await text("#logbook-title") };
});

await check("logbook-conversation-new", async () => {
  await page.goto(`${base}/conferences/eccv-demo/logbook/conversations/new`);
  await page.locator("#conversation-with").waitFor();
  return { title: await text("#conversation-title") };
});

await check("logbook-meetup-new", async () => {
  await page.goto(`${base}/conferences/eccv-demo/logbook/meetups/new`);
  await page.locator("#meetup-contact_name").waitFor();
  return { title: await text("#meetup-title") };
});

await check("admin-login", async () => {
  await page.goto(`${base}/admin/login/`);
  await page.locator("#site-name").waitFor();
  return { header: await text("#site-name") };
});

await check("admin-index", async () => {
  await page.fill("#id_username", user);
  await page.fill("#id_password", password);
  await Promise.all([page.waitForURL(`${base}/admin/`), page.click("input[type=submit]")]);
  await page.locator("#content-main .module").first().waitFor();
  return { header: await text("#site-name"), modules: await page.locator("#content-main .module").count() };
});

await check("admin-changelist", async () => {
  await page.goto(`${base}/admin/planner/session/`);
  await page.locator("#result_list tbody tr").first().waitFor();
  return {
    rows: await page.locator("#result_list tbody tr").count(),
    filters: await page.locator("#changelist-filter").count(),
    title: await text("#content h1"),
  };
});

await check("admin-changeform", async () => {
  await page.locator("#result_list tbody tr th a").first().click();
  await page.locator("#content-main form .submit-row").waitFor();
  // DateTimeShortcuts draws the calendar and clock links: the admin's JS ran.
  await page.locator(".datetimeshortcuts").first().waitFor();
  return { title: await text("#content h1"), shortcuts: await page.locator(".datetimeshortcuts").count() };
});

await check("admin-track-changelist", async () => {
  await page.goto(`${base}/admin/planner/track/`);
  await page.locator("#result_list tbody tr").first().waitFor();
  return { swatches: await page.locator("#result_list svg rect").count() };
});

await check("admin-print-sheet", async () => {
  await page.goto(`${base}/admin/planner/attendee/`);
  await page.locator("#result_list tbody tr").first().waitFor();
  await page.check("#action-toggle");
  await page.selectOption("select[name=action]", "print_badges");
  await Promise.all([page.waitForLoadState("load"), page.click("button[name=index]")]);
  await page.locator(".badge").first().waitFor();
  // The Print button is wired by the sheet's nonce'd inline script.
  await page.evaluate(() => {
    window.__printed = 0;
    window.print = () => window.__printed++;
  });
  await page.click("#print");
  const printed = await page.evaluate(() => window.__printed);
  if (printed !== 1) throw new Error(`the Print button did not call window.print (${printed})`);
  // The toolbar is laid out by the inline stylesheet: display:flex, so the nonce applied.
  const toolbar = await page.locator(".toolbar").evaluate((el) => getComputedStyle(el).display);
  if (toolbar !== "flex") throw new Error(`the sheet's stylesheet did not apply (toolbar ${toolbar})`);
  return { badges: await page.locator(".badge").count(), printed, toolbar };
});

await check("pwa-my-plan", async () => {
  await page.goto(`${base}/conferences/eccv-demo/plan`);
  await page.locator("#plan-title").waitFor();
  return { title: await text("#plan-title") };
});

// The Scan screen; "Start camera" loads the QR decoder, whose WebAssembly the policy lets
// compile ('wasm-unsafe-eval'). This browser has no camera: the screen says so.
await check("pwa-scan", async () => {
  await page.goto(`${base}/conferences/eccv-demo/scan`);
  await page.locator("#scan-title").waitFor();
  const wasm = page.waitForResponse((response) => response.url().endsWith(".wasm"));
  await page.locator(".scan__start").click();
  await page.locator(".scan__problem").waitFor();
  const decoder = (await wasm).status();
  // The module compiles once fetched: give it a moment to (not) violate the policy.
  await page.waitForTimeout(1000);
  return { title: await text("#scan-title"), decoder, problem: await text(".scan__problem") };
});

await check("pwa-posters", async () => {
  const session = await page.evaluate(async () => {
    const answer = await fetch("/api/v1/conferences/eccv-demo/sessions/?kind=poster");
    return (await answer.json()).results[0].id;
  });
  await page.goto(`${base}/conferences/eccv-demo/sessions/${session}/posters`);
  await page.locator(".poster-row").first().waitFor();
  const rows = await page.locator(".poster-row").count();
  return { rows };
});

// Me (views/me): signed in through the app (it keeps who is signed in), the badge QR drawn
// inline, full screen in a modal dialog, the notification settings from the API.
await check("pwa-me", async () => {
  await page.goto(`${base}/signin`);
  await page.locator("#auth-email").fill(user);
  await page.locator("#auth-password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.locator(".account__name").waitFor();
  await page.goto(`${base}/conferences/eccv-demo/me`);
  await page.locator(".me__qr-button svg.qr path").waitFor();
  await page.locator("form.me__prefs").waitFor();
  await page.locator(".me__full").click();
  await page.locator("dialog.badge-full[open] svg.qr").waitFor();
  // The dialog is laid out by me.css (a flex column): the stylesheet applied.
  const layout = await page.locator("dialog.badge-full").evaluate((el) => getComputedStyle(el).display);
  if (layout !== "flex") throw new Error(`me.css did not apply to the full-screen badge (${layout})`);
  await page.keyboard.press("Escape");
  return { title: await text("#me-title"), layout };
});

await check("swagger-ui", async () => {
  await page.goto(`${base}/api/v1/docs/`);
  await page.locator(".opblock").first().waitFor();
  return { title: await text(".info .title"), operations: await page.locator(".opblock").count() };
});

// The Schedule and the item pages (views/schedule, views/item): the program comes from the
// bundle API into IndexedDB, the search index is built in its module worker.
const demo = `${base}/conferences/eccv-demo`;
await check("pwa-schedule", async () => {
  await page.goto(`${demo}/schedule`);
  await page.locator(".entry__title").first().waitFor();
  await page.locator(".search__status", { hasText: "Preparing search" }).waitFor({ state: "detached" });
  return { entries: await page.locator(".entry__title").count() };
});

await check("pwa-search", async () => {
  await page.locator("#schedule-search").fill("poster");
  await page.locator(".result__title").first().waitFor();
  return { results: await page.locator(".result__title").count() };
});

// Each item page, opened from a search that finds one of its kind (a board, a booth tag).
for (const [kind, query] of [["session", "poster"], ["poster", "001"], ["booth", "demo"], ["meal", "lunch"]]) {
  await check(`pwa-${kind}`, async () => {
    await page.goto(`${demo}/schedule?q=${query}`);
    await page.locator(`.result__title[href*="/${kind}s/"]`).first().click();
    await page.locator(".item__title").waitFor();
    return { title: await text(".item__title") };
  });
}

// The hall map (an inline SVG drawn by the app) and my notifications (views/map, views/notifications).
await check("pwa-map", async () => {
  const session = await page.evaluate(async () => {
    const answer = await fetch("/api/v1/conferences/eccv-demo/sessions/?kind=poster");
    return (await answer.json()).results[0].id;
  });
  await page.goto(`${demo}/map?session=${session}`);
  await page.locator(".map-board").first().waitFor();
  return { boards: await page.locator(".map-board").count() };
});

await check("pwa-notifications", async () => {
  await page.goto(`${demo}/notifications`);
  await page.locator("#notifications-title").waitFor();
  return { title: await text("#notifications-title") };
});

await browser.close();
process.stdout.write(JSON.stringify({ results }, null, 2));
