// The PWA shell in headless Chromium: the service worker takes the page, the shell opens
// offline at `/` and at a deep app route, the API is not answered from a cache, and a new
// build waits behind the update prompt without reloading a page that has typed content.
//
//   node tests/e2e/pwa_offline.mjs <base-url> <screenshot-dir>
//
// Halfway it prints the line `deploy` on stdout and waits for one line on
// stdin: tests/e2e/test_pwa_offline.py then restarts the server on the same origin with a new
// build. The final JSON report is the last line of stdout.
import { failed, finish, serverLink, setOffline, shoot, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const TIMEOUT = 15000;
const TYPED = "Asked about the ablation in table 3; follow up by mail";
const server = serverLink();

const run = await start({ timeout: TIMEOUT, locale: null, extra: { offlineApiErrors: [] } });
const { context, report } = run;

const page = watch(await context.newPage(), report, (entry) => {
  // Offline API calls fail, as they must (the worker never answers the API from a cache):
  // kept apart and asserted.
  // No conference is seeded here: the conference view's bundle request is answered 404.
  if (/status of 404/.test(entry.text) && /\/api\/v1\/conferences\/eccv-demo\/bundle$/.test(entry.url)) return true;
  if (!(run.offline && /ERR_INTERNET_DISCONNECTED|ERR_FAILED/.test(entry.text) && /\/api\//.test(entry.url))) return false;
  report.offlineApiErrors.push(entry);
  return true;
});
let documentLoads = 0;
page.on("load", () => documentLoads++);

const shot = (name) => shoot(page, shots, name);

const cacheSummary = () =>
  page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
    }
    return out;
  });

try {
  // 1. Online: the worker installs, precaches and takes this page (clientsClaim).
  await page.goto(`${base}/`);
  await page.locator(".shell__header").waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === "activated");
  report.steps.controlled = {
    script: await page.evaluate(() => new URL(navigator.serviceWorker.controller.scriptURL).pathname),
    scope: await page.evaluate(async () => new URL((await navigator.serviceWorker.ready).scope).pathname),
    caches: await cacheSummary(),
  };
  await shot("shell-online");

  // 2. Offline: the shell at `/` and at a deep route, from the worker; the API fails.
  await setOffline(run, true);
  const root = await page.reload();
  await page.locator(".shell__header").waitFor();
  const deep = await page.goto(`${base}/conferences/eccv-demo/`);
  await page.locator(".shell__header").waitFor();
  await page.locator(".notice--error").waitFor(); // no program stored for it, said so
  report.steps.offline = {
    root: { status: root.status(), fromServiceWorker: root.fromServiceWorker() },
    deep: { status: deep.status(), fromServiceWorker: deep.fromServiceWorker(), url: page.url() },
    brand: await page.locator(".shell__brand").innerText(),
    api: await page.evaluate(() =>
      fetch("/api/v1/conferences/").then((r) => `status ${r.status}`, (e) => `rejected ${e.name}`),
    ),
    notice: await page.locator(".notice--error").innerText(),
  };
  await shot("shell-offline");
  let admin;
  try {
    await page.goto(`${base}/admin/`);
    admin = "loaded";
  } catch (err) {
    admin = String(err).match(/net::\w+/)?.[0] ?? String(err).slice(0, 200);
  }
  report.steps.offline.admin = admin;

  // 3. A new build while the user types: the prompt appears; nothing reloads.
  await setOffline(run, false);
  await page.goto(`${base}/conferences/eccv-demo/`);
  await page.locator(".shell__header").waitFor();
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.id = "e2e-draft";
    input.setAttribute("aria-label", "Draft");
    document.querySelector(".shell__main").prepend(input);
    window.__sameDocument = "kept";
  });
  await page.locator("#e2e-draft").pressSequentially(TYPED.slice(0, 20));
  await page.locator("#e2e-draft").press("End");
  const loadsBefore = documentLoads;
  process.stdout.write("deploy\n");
  await server.nextLine(); // the server now serves the new build
  await page.locator("#e2e-draft").pressSequentially(TYPED.slice(20));
  // Coming back online is one of the app's update checks (the others: hourly, on load).
  // Playwright brings the page back online a moment before its service worker: the app waits
  // a beat after `online` before it sends anything (ONLINE_SETTLE_MS), so no request fails here.
  await context.setOffline(true);
  await context.setOffline(false);
  const prompt = page.locator(".update-prompt");
  await prompt.locator(".update-prompt__update").waitFor();
  await page.waitForTimeout(1500); // would a reload sneak in?
  report.steps.update = {
    prompt: await prompt.locator(".update-prompt__message").innerText(),
    live: await prompt.getAttribute("aria-live"),
    typed: await page.locator("#e2e-draft").inputValue(),
    sameDocument: await page.evaluate(() => window.__sameDocument ?? null),
    reloads: documentLoads - loadsBefore,
    waiting: await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration()).waiting),
  };
  await shot("update-prompt");

  // 4. The user presses Update: the new worker takes over and the page reloads once.
  const loadsAtClick = documentLoads;
  await Promise.all([page.waitForEvent("load"), prompt.locator(".update-prompt__update").click()]);
  await page.locator(".shell__header").waitFor();
  await page.waitForFunction(async () => !(await navigator.serviceWorker.getRegistration()).waiting);
  report.steps.applied = {
    reloads: documentLoads - loadsAtClick,
    promptHidden: await prompt.isHidden(),
    sameDocument: await page.evaluate(() => window.__sameDocument ?? null),
    controller: await page.evaluate(() => navigator.serviceWorker.controller?.state ?? null),
  };
  await page.waitForTimeout(300);
} catch (err) {
  await failed(run, page, shots, err);
}
server.close();
await finish(run);
