// The app's runtime in headless Chromium: the conference tab bar, the status bar's states,
// a schedule change on the server reaching the open Now & Next as a delta (no reload), a
// plan item written "on another device" pulled in, the Logbook badge for an unsynced write,
// offline reload, Korean, sign-out clearing this account's data.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_NOW=<iso> \
//   BOARDWALK_E2E_MOVED=<title> BOARDWALK_E2E_QUEUED=<session id> \
//     node tests/e2e/runtime.mjs <base-url> <screenshot-dir>
//
// Twice it prints a line `wait <what>` (`move`: change the session on the server; `plan`:
// star something through the API as another device) and waits for one line on stdin
// (tests/e2e/test_runtime.py). The final JSON report is the last line of stdout.
import { failed, finish, language, serverLink, setOffline, shoot, signIn, start, watch as watchErrors } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const env = process.env;
const SLUG = "eccv-demo";
const QUEUED = Number(env.BOARDWALK_E2E_QUEUED);
const TIMEOUT = 15000;
const server = serverLink();

const run = await start({ timeout: TIMEOUT, extra: { offlineApiErrors: [] } });
const { context, report } = run;
let failing = false; // the bundle is answered 503 on purpose (step 4)

/** Console errors and page errors of a tab go to the report. */
function watch(tab) {
  return watchErrors(tab, report, (entry) => {
    // Offline, the outbox tries its queued write and fails, as it must: kept apart.
    if (failing && /status of 503/.test(entry.text) && /\/bundle/.test(entry.url)) return true;
    if (!(run.offline && /ERR_INTERNET_DISCONNECTED|ERR_FAILED|network error/.test(entry.text))) return false;
    report.offlineApiErrors.push(entry);
    return true;
  });
}

const page = watch(await context.newPage());
await page.clock.install({ time: new Date(env.BOARDWALK_E2E_NOW) });

// What the phone shows (the viewport, from the top): the tab bar is fixed at its bottom, which
// a full-page capture would paint in the middle of the page.
async function shot(name) {
  await page.evaluate(() => {
    document.activeElement?.blur?.();
    window.scrollTo(0, 0);
  });
  await shoot(page, shots, name);
}

const movedSlot = () => page.locator(".slot--session", { has: page.locator(".slot__title", { hasText: env.BOARDWALK_E2E_MOVED }) }).first();
const movedTime = async () => {
  const time = movedSlot().locator(".slot__time time");
  return { datetime: await time.getAttribute("datetime"), text: await time.innerText() };
};

/** Read stores of the app's IndexedDB: counts, and one plan record. */
function readDb(planKey) {
  return page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("boardwalk");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = ["plan", "outbox", "conversations", "sessions"];
          const tx = db.transaction(names);
          const counts = Object.fromEntries(names.map((n) => [n, tx.objectStore(n).count()]));
          const item = key ? tx.objectStore("plan").get(key) : null;
          tx.oncomplete = () => {
            db.close();
            resolve({
              counts: Object.fromEntries(Object.entries(counts).map(([n, r]) => [n, r.result])),
              item: item ? item.result ?? null : null,
            });
          };
        };
      }),
    planKey,
  );
}

/** Poll IndexedDB until `test(readDb(key))` holds (bounded by TIMEOUT). */
async function untilDb(key, test) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const read = await readDb(key);
    if (test(read)) return read;
    if (Date.now() > deadline) throw new Error(`IndexedDB never got there: ${JSON.stringify(read)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Wait until the status bar says the refresher is syncing, shoot, let it finish. The route
 * is the context's: the page's API calls go out through the service worker, which a page
 * route does not see. */
async function syncingShot(name) {
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await context.route("**/api/v1/conferences/*/bundle*", async (route) => {
    await held;
    await route.continue();
  });
  await page.locator(".status-bar__refresh").click();
  await page.locator('.status-bar__updated[data-state="syncing"]').waitFor();
  const words = await page.locator(".status-bar__updated").innerText();
  await shot(name);
  release();
  await page.locator('.status-bar__updated[data-state="idle"]').waitFor();
  await context.unroute("**/api/v1/conferences/*/bundle*");
  return words;
}

try {
  // 1. Sign in, then straight to the conference: the refresher downloads its program.
  await signIn(page, base, env.BOARDWALK_E2E_USER, env.BOARDWALK_E2E_PASSWORD);
  await page.goto(`${base}/conferences/${SLUG}/`);
  await movedSlot().waitFor();
  await page.locator('.status-bar__updated[data-state="idle"]').waitFor();

  // 2. The tab bar: four links under the conference, Now & Next current, reachable by Tab.
  const links = page.locator(".conference-nav__link");
  const labels = page.locator(".conference-nav__label");
  report.steps.nav = {
    label: await page.locator(".conference-nav").getAttribute("aria-label"),
    tabs: await labels.evaluateAll((els) => els.map((e) => e.firstChild.textContent)),
    hrefs: await links.evaluateAll((els) => els.map((a) => a.getAttribute("href"))),
    current: await page.locator('.conference-nav__link[aria-current="page"]').innerText(),
    heights: await links.evaluateAll((els) => els.map((a) => a.getBoundingClientRect().height)),
    bottomGap: await page.evaluate(() => {
      // The last of the page's content must end above the bar when scrolled to the bottom.
      window.scrollTo(0, document.body.scrollHeight);
      const bar = document.querySelector(".conference-nav").getBoundingClientRect();
      const footer = document.querySelector(".shell__footer").getBoundingClientRect();
      return bar.top - footer.bottom;
    }),
  };
  await page.evaluate(() => window.scrollTo(0, 0));
  let reached = null;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.closest(".conference-nav") ? document.activeElement.textContent : null);
  }
  report.steps.nav.keyboard = reached;
  report.steps.status = {
    updated: await page.locator(".status-bar__updated").innerText(),
    live: await page.locator(".status-bar__updated").getAttribute("aria-live"),
    button: await page.locator(".status-bar__refresh").innerText(),
  };
  await shot("now-online-en");

  // 3. A schedule change on the server reaches the open pages as a delta: no reload. Beside
  //    Now & Next, the Schedule's day list and the session's own page, open in other tabs.
  const schedule = watch(await context.newPage());
  await schedule.goto(`${base}/conferences/${SLUG}/schedule`);
  const scheduleTime = () =>
    schedule.locator(".entry", { has: schedule.locator(".entry__title", { hasText: env.BOARDWALK_E2E_MOVED }) }).first().locator(".entry__time time");
  const itemPage = watch(await context.newPage());
  await itemPage.goto(`${base}/conferences/${SLUG}/sessions/${env.BOARDWALK_E2E_MOVED_ID}`);
  const itemWhen = () => itemPage.locator(".facts__row dd").first().innerText();
  const besideBefore = { schedule: await scheduleTime().getAttribute("datetime"), item: await itemWhen() };
  const before = await movedTime();
  for (const tab of [page, schedule, itemPage]) await tab.evaluate(() => (window.__sameDocument = true));
  await server.ask("move");
  for (const tab of [page, schedule, itemPage]) await tab.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await page.waitForFunction(
    ([title, old]) => {
      const slot = [...document.querySelectorAll(".slot--session")].find((s) => s.querySelector(".slot__title")?.textContent === title);
      return slot && slot.querySelector(".slot__time time")?.getAttribute("datetime") !== old;
    },
    [env.BOARDWALK_E2E_MOVED, before.datetime],
  );
  await schedule.waitForFunction(
    ([title, old]) => {
      const entry = [...document.querySelectorAll(".entry")].find((e) => e.querySelector(".entry__title")?.textContent === title);
      return entry && entry.querySelector(".entry__time time")?.getAttribute("datetime") !== old;
    },
    [env.BOARDWALK_E2E_MOVED, besideBefore.schedule],
  );
  await itemPage.waitForFunction((old) => document.querySelector(".facts__row dd")?.textContent !== old, besideBefore.item);
  report.steps.moved = {
    before,
    after: await movedTime(),
    sameDocument: await page.evaluate(() => window.__sameDocument === true),
    schedule: { before: besideBefore.schedule, after: await scheduleTime().getAttribute("datetime") },
    item: { before: besideBefore.item, after: await itemWhen() },
    besideSameDocument: [await schedule.evaluate(() => window.__sameDocument === true), await itemPage.evaluate(() => window.__sameDocument === true)],
  };
  await schedule.close();
  await itemPage.close();

  // 4. The syncing state, held while the bundle request waits.
  report.steps.syncing = await syncingShot("status-syncing-en");

  // 4b. The server fails: the status bar says so in words and offers Retry, which recovers.
  failing = true;
  await context.route("**/api/v1/conferences/*/bundle*", (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ detail: "Down", errors: {} }) }),
  );
  await page.locator(".status-bar__refresh").click();
  await page.locator('.status-bar__updated[data-state="error"]').waitFor();
  report.steps.failed = {
    words: await page.locator(".status-bar__updated").innerText(),
    button: await page.locator(".status-bar__refresh").innerText(),
    stillShown: await movedSlot().count(),
  };
  await shot("status-error-en");
  await context.unroute("**/api/v1/conferences/*/bundle*");
  await page.locator(".status-bar__refresh").click();
  await page.locator('.status-bar__updated[data-state="idle"]').waitFor();
  failing = false;
  report.steps.failed.retried = await page.locator(".status-bar__refresh").innerText();

  // 5. Starred "on another device" (the API, from the test): pulled in on `online`.
  await server.ask("plan");
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  const pulledKey = [SLUG, "session", Number(env.BOARDWALK_E2E_PULLED)];
  report.steps.pulled = (await untilDb(pulledKey, (read) => read.item?.synced === true)).item;

  // 6. Offline: a star queued in the outbox (as the star button does: plan record + queued
  //    PUT in one transaction) shows as the Logbook tab's badge.
  await setOffline(run, true);
  await page.locator(".status-bar__offline").waitFor();
  await page.evaluate(
    ([slug, target]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("boardwalk");
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(["plan", "outbox"], "readwrite");
          const at = new Date().toISOString();
          const fields = { status: "going", note: "queued offline", reminder_minutes: null };
          tx.objectStore("plan").put({ ...fields, conf: slug, kind: "session", target, synced: false, updatedAt: at });
          tx.objectStore("outbox").add({
            id: crypto.randomUUID(), conf: slug, kind: "plan", entity: `session/${target}`, method: "PUT",
            path: `/api/v1/conferences/${slug}/plan/session/${target}/`, body: fields, rev: 0, attempts: 0, createdAt: at,
          });
          tx.oncomplete = () => {
            db.close();
            new BroadcastChannel("boardwalk-outbox").postMessage("changed");
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [SLUG, QUEUED],
  );
  await page.locator(".conference-nav__badge").waitFor();
  report.steps.badge = {
    shown: await page.locator('.conference-nav__badge [aria-hidden="true"]').innerText(),
    spoken: await page.locator(".conference-nav__badge .visually-hidden").innerText(),
  };

  // 7. Reloaded offline: shell from the worker, program from IndexedDB, badge still there.
  const reloaded = await page.reload();
  await movedSlot().waitFor();
  await page.locator(".conference-nav__badge").waitFor();
  report.steps.offline = {
    fromServiceWorker: reloaded.fromServiceWorker(),
    banner: await page.locator(".status-bar__offline").innerText(),
    updated: await page.locator(".status-bar__updated").innerText(),
    moved: await movedTime(),
    refreshButton: await page.locator(".status-bar__refresh").count(),
  };
  await shot("now-offline-en");
  // Signing out now would lose the queued write: the app asks; "Cancel" keeps everything.
  const asked = new Promise((resolve) =>
    page.once("dialog", (dialog) => {
      resolve(dialog.message());
      void dialog.dismiss();
    }),
  );
  await page.locator(".account__signout").click();
  report.steps.offline.signOutWarning = await asked;
  report.steps.offline.keptAfterCancel = (await readDb(null)).counts.outbox;
  await language(page, "ko");
  await page.locator("#now-title", { hasText: "지금" }).waitFor();
  report.steps.korean = {
    tabs: await labels.evaluateAll((els) => els.map((e) => e.firstChild.textContent)),
    updated: await page.locator(".status-bar__updated").innerText(),
  };
  await shot("now-offline-ko");

  // 8. Back online: the queued write is sent (the badge goes), Korean states online.
  await setOffline(run, false);
  await page.locator(".conference-nav__badge").waitFor({ state: "detached" });
  await page.locator('.status-bar__updated[data-state="idle"]').waitFor();
  await shot("now-online-ko");
  report.steps.syncingKo = await syncingShot("status-syncing-ko");
  // Korean was picked offline: back online, my messages' language follows it to the server.
  const serverLanguage = () =>
    page.evaluate(async (slug) => (await (await fetch(`/api/v1/conferences/${slug}/preferences/`)).json()).language, SLUG);
  await page.waitForFunction(
    async (slug) => (await (await fetch(`/api/v1/conferences/${slug}/preferences/`)).json()).language === "ko",
    SLUG,
    { timeout: 10000, polling: 200 },
  ).catch(() => undefined);
  report.steps.serverLanguage = { afterOnline: await serverLanguage() };
  await language(page, "en");
  await page.waitForFunction(
    async (slug) => (await (await fetch(`/api/v1/conferences/${slug}/preferences/`)).json()).language === "en",
    SLUG,
    { timeout: 10000, polling: 200 },
  ).catch(() => undefined);
  report.steps.serverLanguage.afterPick = await serverLanguage();
  report.steps.afterReplay = (await readDb([SLUG, "session", QUEUED])).item;

  // 9. Sign out: this account's data leaves the device; the program stays.
  page.on("dialog", (dialog) => void dialog.accept());
  await page.locator(".account__signout").click();
  await page.waitForURL("**/signin");
  report.steps.signedOut = (await untilDb(null, (read) => read.counts.plan === 0)).counts;
  await page.waitForTimeout(300);
} catch (err) {
  await failed(run, page, shots, err);
}
await finish(run);
server.close();
