// My Plan, the calendar link and a session's Posters in headless Chromium: sign in, pick
// eccv-demo, star posters on the Posters screen (filter, walking order), open My Plan with the
// items the schedule's star would have stored (two that clash, the welcome reception listed
// twice, an oral in its session, a cancelled workshop, one gone from the program), edit status,
// note and reminder, issue the calendar link and see its QR; then offline + reload: all there.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_NOW=<iso> BOARDWALK_E2E_PLAN=<json> \
//     node tests/e2e/plan.mjs <base-url> <screenshot-dir>
//
// The final JSON report is the last line of stdout (tests/e2e/test_plan.py judges it).
import { failed, finish, language, setOffline, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const { BOARDWALK_E2E_USER: user, BOARDWALK_E2E_PASSWORD: password, BOARDWALK_E2E_NOW: now } = process.env;
const given = JSON.parse(process.env.BOARDWALK_E2E_PLAN);
const SLUG = "eccv-demo";
const TIMEOUT = 15000;

const run = await start({ timeout: TIMEOUT });
const { context, report } = run;
// The copy button (navigator.clipboard needs the permission in a headless browser).
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });

const page = await context.newPage();
await page.clock.install({ time: new Date(now) });
// Offline, a write's replay attempt fails to connect, as it should; the browser logs that.
watch(page, report, ({ text }) => run.offline && /^Failed to load resource: net::ERR_/.test(text));

// The whole page for My Plan; the first screenful for a list of hundreds of posters.
async function shot(name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, shots, name, { fullPage: name.startsWith("plan") });
}

/** Put plan records into IndexedDB as the schedule's star does (already on the server). */
function seedPlan(items) {
  return page.evaluate(
    ({ items, slug }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("boardwalk");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("plan", "readwrite");
          for (const [kind, target] of items) {
            tx.objectStore("plan").put({ conf: slug, kind, target, status: "interested", note: "", reminder_minutes: null, synced: true, updatedAt: new Date().toISOString() });
          }
          tx.oncomplete = () => (db.close(), resolve(items.length));
          tx.onerror = () => reject(tx.error);
        };
      }),
    { items, slug: SLUG },
  );
}

const planUrl = `${base}/conferences/${SLUG}/plan`;
const postersUrl = `${base}/conferences/${SLUG}/sessions/${given.posterSession}/posters`;
const rowBoards = () => page.locator(".poster-row .poster-row__board").allTextContents();
// The outbox is empty (the status bar's count) and no plan item is marked unsynced.
const allSynced = () =>
  page.waitForFunction(
    () => document.querySelector(".status-bar__count")?.dataset.pending === "0" && !document.querySelector(".plan-item__unsynced"),
  );

async function planState() {
  return {
    keys: await page.locator(".plan-item").evaluateAll((els) => els.map((el) => el.dataset.key)),
    conflicted: await page.locator(".plan-item--conflict").evaluateAll((els) => els.map((el) => el.dataset.key)),
    cancelled: await page.locator(".plan-item--cancelled").evaluateAll((els) => els.map((el) => el.dataset.key)),
    removed: await page.locator(".plan-item--removed .plan-item__title").allInnerTexts(),
    days: await page.locator(".my-plan__day h2").allInnerTexts(),
    summary: await page.locator(".my-plan__summary").innerText(),
  };
}

try {
  // 1. Sign in and pick eccv-demo: its program goes into IndexedDB.
  await signIn(page, base, user, password);
  await page.locator(`.conference__pick[data-slug="${SLUG}"]`).click();
  await page.waitForURL(`**/conferences/${SLUG}/`);
  await page.locator(".slot__title").first().waitFor();

  // 2. Posters of a poster session: board order, star three through the UI, filter, walk.
  await page.goto(postersUrl);
  await page.locator(".poster-row").first().waitFor();
  const first = await rowBoards();
  report.steps.posters = { boards: first, count: await page.locator(".posters__count").innerText(), more: await page.locator(".posters__more").count() };
  await page.locator(".posters__more").click();
  report.steps.posters.afterMore = (await rowBoards()).length;
  for (const id of given.starPosters) await page.locator(`.poster-row[data-id="${id}"] .star`).click();
  await page.locator(".poster-row .star--on").nth(given.starPosters.length - 1).waitFor();
  await allSynced();
  await shot("posters-online-en");
  await page.locator(".posters__filter input").fill(given.authorQuery);
  await page.waitForFunction((n) => document.querySelectorAll(".poster-row").length < n, first.length + 100);
  report.steps.filter = {
    titles: await page.locator(".poster-row__title").allTextContents(),
    count: await page.locator(".posters__count").innerText(),
  };
  await shot("posters-filter-online-en");
  await page.locator(".posters__filter input").fill("");
  await page.locator(".posters__mode", { hasText: "My walking order" }).click();
  await page.locator(".poster-rows--walk").waitFor();
  report.steps.walk = await page.locator(".poster-rows--walk .poster-row").evaluateAll((els) => els.map((el) => Number(el.dataset.id)));
  await shot("posters-walk-online-en");

  // 3. My Plan with what the schedule's star stored, plus the posters just starred.
  await seedPlan(given.seed);
  await page.goto(planUrl);
  await page.locator(".plan-item").first().waitFor();
  report.steps.plan = await planState();

  // Edit one item: status, reminder, and a note typed key by key (saved as typed).
  const edited = page.locator(`.plan-item[data-key="${given.edit}"]`);
  await edited.locator(".plan-item__edit summary").click();
  await edited.locator(".plan-item__status").selectOption("must_see");
  await edited.locator(".plan-item__reminder").selectOption("15");
  await edited.locator(".plan-item__note").pressSequentially(given.note, { delay: 20 });
  await page.waitForTimeout(900); // past the note's debounce
  await allSynced();
  report.steps.edited = {
    status: await edited.locator(".plan-item__status").inputValue(),
    reminder: await edited.locator(".plan-item__reminder").inputValue(),
    note: await edited.locator(".plan-item__note").inputValue(),
    summary: await edited.locator(".plan-item__edit summary").innerText(),
  };

  // The calendar link: issue it, see the link and its QR, copy it, fetch the feed.
  await page.locator(".calendar__issue").click();
  await page.locator("svg.qr").waitFor();
  const webcal = await page.locator(".calendar__url").inputValue();
  const https = await page.locator(".calendar__https").getAttribute("href");
  await page.locator(".calendar button", { hasText: "Copy link" }).click();
  // The link names the configured SITE_URL; the feed is fetched from this test's server.
  const feed = await page.request.get(`${base}${new URL(https).pathname}`);
  report.steps.calendar = {
    webcal,
    https,
    qrModules: await page.locator("svg.qr").getAttribute("viewBox"),
    copied: await page.locator(".calendar__copied").innerText(),
    clipboard: await page.evaluate(() => navigator.clipboard.readText()),
    feedStatus: feed.status(),
    feedIsCalendar: (await feed.text()).startsWith("BEGIN:VCALENDAR"),
  };
  // Reset: confirmed, a new link replaces the old one, which the server no longer serves.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.locator(".calendar__reset").click();
  await page.waitForFunction((old) => document.querySelector(".calendar__url")?.value !== old, webcal);
  const renewed = await page.locator(".calendar__https").getAttribute("href");
  report.steps.reset = {
    webcal: await page.locator(".calendar__url").inputValue(),
    oldStatus: (await page.request.get(`${base}${new URL(https).pathname}`)).status(),
    newStatus: (await page.request.get(`${base}${new URL(renewed).pathname}`)).status(),
  };
  await shot("plan-online-en");

  // 4. Offline and reloaded: the plan, its conflicts, the stored link; the posters and the walk.
  // One planned session leaves the stored program (as a full bundle without it would do).
  await page.evaluate(
    ({ slug, id }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("boardwalk");
        open.onsuccess = () => {
          const tx = open.result.transaction("sessions", "readwrite");
          tx.objectStore("sessions").delete([slug, id]);
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    { slug: SLUG, id: given.vanish },
  );
  await setOffline(run, true);
  const reloaded = await page.reload();
  await page.locator(".plan-item").first().waitFor();
  await page.locator("svg.qr").waitFor();
  report.steps.offline = {
    fromServiceWorker: reloaded.fromServiceWorker(),
    ...(await planState()),
    webcal: await page.locator(".calendar__url").inputValue(),
    resetDisabled: await page.locator(".calendar__reset").isDisabled(),
    note: await page.locator(`.plan-item[data-key="${given.edit}"] .plan-item__note-preview`).innerText(),
  };
  // An edit offline: kept, marked unsynced until the connection is back.
  const other = page.locator(`.plan-item[data-key="${given.editOffline}"]`);
  await other.locator(".plan-item__edit summary").click();
  await other.locator(".plan-item__status").selectOption("going");
  report.steps.offline.unsynced = await other.locator(".plan-item__unsynced").innerText();
  await shot("plan-offline-en");
  await page.goto(postersUrl);
  await page.locator(".poster-row").first().waitFor();
  report.steps.offlinePosters = { boards: (await rowBoards()).slice(0, 5), count: await page.locator(".posters__count").innerText() };
  await shot("posters-offline-en");
  await page.locator(".posters__mode", { hasText: "My walking order" }).click();
  report.steps.offlineWalk = await page.locator(".poster-rows--walk .poster-row").evaluateAll((els) => els.map((el) => Number(el.dataset.id)));

  // 5. Korean, offline then online.
  await language(page, "ko");
  await page.locator("#posters-title", { hasText: "포스터" }).waitFor();
  await shot("posters-walk-offline-ko");
  await page.goto(planUrl);
  await page.locator(".plan-item").first().waitFor();
  report.steps.korean = { title: await page.locator("#plan-title").innerText(), summary: await page.locator(".my-plan__summary").innerText() };
  await shot("plan-offline-ko");
  await setOffline(run, false);
  await page.reload();
  await page.locator("svg.qr").waitFor();
  await allSynced();
  report.steps.backOnline = await page.locator(`.plan-item[data-key="${given.editOffline}"] .plan-item__unsynced`).count();
  await shot("plan-online-ko");
  await page.goto(postersUrl);
  await page.locator(".poster-row").first().waitFor();
  await shot("posters-online-ko");
  await page.waitForTimeout(300);
} catch (err) {
  await failed(run, page, shots, err, { fullPage: true });
}
await finish(run);
