// Issue 10's acceptance flow in headless Chromium, through the UI only: sign in, star from the
// Schedule and a poster's page, My Plan; offline + reload, search a poster by an author, log a
// conversation with a photo and a meetup; a new page offline; online, the writes replay; a
// conflicting edit from a second browser context, kept mine; a re-import reaching the open My
// Plan as a delta.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_JPEG=<path> \
//   BOARDWALK_E2E_GIVEN=<json from the pytest> node tests/e2e/acceptance.mjs <base-url> <screenshot-dir>
//
// Twice it prints a line `wait <what>` (`synced`: the writes replayed, the server is checked;
// `reimport`: import the moved program) and waits for `done` on stdin
// (tests/e2e/test_acceptance.py). The final JSON report is the last line of stdout.
import { failed, finish, laps, laptopEdit, offlineFetch, serverLink, setOffline, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const env = process.env;
const given = JSON.parse(env.BOARDWALK_E2E_GIVEN);
const typed = given.typed;
const SLUG = "eccv-demo";
const CONF = `${base}/conferences/${SLUG}`;
const TIMEOUT = 15000;
const server = serverLink();

const run = await start({ timeout: TIMEOUT, extra: { offlineFetchErrors: 0 } });
const { browser, context, report } = run;
// Inside the conference, on the day of the imported sessions (the Schedule opens on "today").
await context.clock.install({ time: new Date(given.now) });
const lap = laps(report);

/** A tab, watched for console and page errors. */
async function openTab() {
  return watch(await context.newPage(), report, offlineFetch(run));
}

let page = await openTab();

// What the phone shows (the tab bar is fixed at the viewport's bottom, so not full-page): from
// the top, or scrolled to what the step is about (centred, clear of the sticky header).
async function shot(name, focus = null) {
  await page.evaluate((selector) => {
    document.activeElement?.blur?.();
    if (selector) document.querySelector(selector).scrollIntoView({ block: "center" });
    else window.scrollTo(0, 0);
  }, focus);
  await shoot(page, shots, name);
}

const sessionHref = (id) => `/conferences/${SLUG}/sessions/${id}`;
const posterHref = (id) => `/conferences/${SLUG}/posters/${id}`;
/** The status bar's count of queued writes is 0 and My Plan marks nothing unsynced. */
const allSynced = () =>
  page.waitForFunction(() => document.querySelector(".status-bar__count")?.dataset.pending === "0" && !document.querySelector(".plan-item__unsynced"));
const planKeys = () => page.locator(".plan-item").evaluateAll((els) => els.map((el) => el.dataset.key));
const entry = (text) => page.locator(".entry", { hasText: text });
const waitPending = (n, timeout = TIMEOUT) => page.locator(`.sync-panel__count[data-pending="${n}"]`).waitFor({ timeout });
const logbookState = async () => ({
  entries: await page.locator(".entry").count(),
  unsyncedMarks: await page.locator(".entry .mark--unsynced").count(),
  pending: Number(await page.locator(".sync-panel__count").getAttribute("data-pending")),
  count: await page.locator(".sync-panel__count").innerText(),
});
const importedItem = () => page.locator(`.plan-item[data-key="session/${given.imported}"]`);
const importedTime = async () => {
  const time = importedItem().locator(".plan-item__time time");
  return { datetime: await time.getAttribute("datetime"), text: await time.innerText() };
};

/** Star an entry of the Schedule's day list by its link. */
async function starFromSchedule(id) {
  const row = page.locator(".entry", { has: page.locator(`.entry__title[href="${sessionHref(id)}"]`) });
  await row.locator(".star:not([disabled])").click();
  await row.locator(".star--on").waitFor();
}

try {
  // 2. Sign in through the form, pick the conference: its program goes into IndexedDB.
  // The first visit precaches the whole shell: on a loaded 2-core box that takes its time.
  await signIn(page, base, env.BOARDWALK_E2E_USER, env.BOARDWALK_E2E_PASSWORD, { swTimeout: 2 * TIMEOUT });
  await page.locator(`.conference__pick[data-slug="${SLUG}"]`).click();
  await page.waitForURL(`**/conferences/${SLUG}/`);
  await page.locator('.status-bar__updated[data-state="idle"]').waitFor();

  // Star the imported session and a demo session from the Schedule (today's list).
  await page.locator('.conference-nav__link[href$="/schedule"]').click();
  await page.locator(`.entry__title[href="${sessionHref(given.imported)}"]`).waitFor();
  await starFromSchedule(given.imported);
  await starFromSchedule(given.demoSession);
  await shot("1-schedule-starred", `.entry__title[href="${sessionHref(given.imported)}"]`);
  // A poster, starred from its page.
  await page.goto(`${base}${posterHref(given.starredPoster)}`);
  await page.locator(".item__header .star:not([disabled])").click();
  await page.locator('.item__header .star[aria-pressed="true"]').waitFor();
  await shot("2-poster-starred");
  // My Plan lists the three, sent to the server.
  await page.locator('.conference-nav__link[href$="/plan"]').click();
  await page.locator(".plan-item").nth(2).waitFor();
  await allSynced();
  report.steps.plan = { keys: await planKeys(), unsynced: await page.locator(".plan-item__unsynced").count() };
  await shot("3-plan-online");
  lap("starred");

  // 3. Offline, reloaded: My Plan from the service worker and IndexedDB.
  await setOffline(run, true);
  const reloaded = await page.reload();
  await page.locator(".plan-item").nth(2).waitFor();
  report.steps.offlinePlan = {
    fromServiceWorker: reloaded.fromServiceWorker(),
    keys: await planKeys(),
    banner: await page.locator(".status-bar__offline").innerText(),
  };
  await shot("4-plan-offline");
  // The Schedule's search, offline: a poster by one of its authors.
  await page.locator('.conference-nav__link[href$="/schedule"]').click();
  await page.locator("#schedule-search").fill(given.author);
  await page.waitForFunction((q) => document.querySelector(".search__status")?.dataset.query === q, given.author);
  report.steps.search = {
    query: await page.locator(".search__status").getAttribute("data-query"),
    hrefs: await page.locator(".result__title").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
  };
  await shot("5-search-offline");
  await page.locator(`.result__title[href="${posterHref(given.loggedPoster)}"]`).click();
  await page.locator(".item__authors li").first().waitFor();
  report.steps.search.posterAuthors = await page.locator(".item__authors li").allInnerTexts();
  await shot("6-poster-offline");
  lap("search");

  // 4. From that poster: a conversation with a photo, then a meetup.
  await page.locator(`a[href="/conferences/${SLUG}/logbook/conversations/new?poster=${given.loggedPoster}"]`).click();
  await page.locator(`.picker__chosen[data-id="${given.loggedPoster}"]`).waitFor();
  await page.locator("#conversation-with").fill(typed.talkedTo);
  await page.locator(".pairs__add").click();
  await page.locator("#conversation-qa-0-0").fill(typed.question);
  await page.locator("#conversation-qa-0-1").fill(typed.answer);
  await page.locator("#conversation-rating").selectOption("5");
  await page.locator("#conversation-notes").fill(typed.notes);
  await page.locator(".photos__gallery").setInputFiles(env.BOARDWALK_E2E_JPEG);
  await page.locator(".thumb img").first().waitFor();
  const chosenPoster = await page.locator(".picker__chosen").getAttribute("data-id");
  await shot("7-conversation-offline", ".thumb");
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(`${CONF}/logbook`);
  const conversationId = await entry(typed.talkedTo).getAttribute("data-id");
  await page.locator(".logbook__new .button:not(.button--primary)").click();
  await page.waitForURL("**/logbook/meetups/new");
  await page.locator("#meetup-contact_name").fill(typed.contact);
  await page.locator("#meetup-notes").fill(typed.meetupNotes);
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(`${CONF}/logbook`);
  await entry(typed.contact).locator(".mark--unsynced").waitFor();
  report.steps.logged = { ...(await logbookState()), conversationId, chosenPoster };
  await shot("8-logbook-offline", ".entry .mark--unsynced");
  lap("logged");

  // 5. The page closed, a new one opened, still offline.
  await page.close();
  page = await openTab();
  const reopened = await page.goto(`${CONF}/logbook`);
  await page.locator("#logbook-title").waitFor();
  await entry(typed.contact).locator(".mark--unsynced").waitFor();
  report.steps.reopened = { fromServiceWorker: reopened.fromServiceWorker(), ...(await logbookState()) };
  await shot("9-logbook-reopened-offline", ".entry .mark--unsynced");
  lap("reopened");

  // 6. Online: the outbox replays on `online` by itself; "Sync now" only if that first try met
  //    the network still down. The page hears `online` before its service worker has the
  //    network back (the browser sets them one after the other): a request failing in that gap
  //    is the offline kind, not the app's, so the offline tolerance lasts until the replay.
  await context.setOffline(false);
  report.steps.replayedBy = "online";
  try {
    await waitPending(0, 5000);
  } catch {
    report.steps.replayedBy = "sync now";
    await page.locator(".sync-panel__now:not([disabled])").click();
    await waitPending(0);
  }
  await page.locator(".entry .mark--unsynced").first().waitFor({ state: "detached" });
  run.offline = false;
  report.steps.synced = {
    pending: Number(await page.locator(".sync-panel__count").getAttribute("data-pending")),
    unsyncedMarks: await page.locator(".entry .mark--unsynced").count(),
  };
  await shot("10-logbook-synced", `.entry[data-id="${conversationId}"]`);
  await server.ask("synced");
  lap("synced");

  // 7. The phone walks out of the network; meanwhile the laptop (a second browser context,
  // same account) edits the conversation. (Offline, the phone cannot pull the laptop's copy
  // first, which online it may at any moment, e.g. after its last replay: then there is
  // nothing to conflict with.)
  await setOffline(run, true);
  report.steps.laptop = await laptopEdit(browser, base, {
    user: env.BOARDWALK_E2E_USER,
    password: env.BOARDWALK_E2E_PASSWORD,
    slug: SLUG,
    id: conversationId,
    notes: typed.laptopNotes,
  });
  // The phone edits its older copy; back online, its write meets the laptop's: the conflict,
  // both versions shown; keep mine.
  await entry(typed.talkedTo).click();
  await page.locator("#conversation-notes").fill(typed.mineNotes);
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(`${CONF}/logbook`);
  await context.setOffline(false);
  await page.locator(".conflict").waitFor();
  run.offline = false;
  report.steps.conflict = {
    rows: await page.locator(".conflict__table tbody tr").evaluateAll((rows) =>
      rows.map((r) => ({ field: r.dataset.field, mine: r.querySelector(".conflict__mine").textContent, theirs: r.querySelector(".conflict__theirs").textContent })),
    ),
  };
  await shot("11-conflict", ".conflict");
  await page.locator(".conflict__keep-mine").click();
  await page.locator(".conflict").waitFor({ state: "detached" });
  await waitPending(0);
  await entry(typed.talkedTo).locator(".mark--conflict, .mark--unsynced").first().waitFor({ state: "detached" });
  report.steps.resolved = { pending: Number(await page.locator(".sync-panel__count").getAttribute("data-pending")), conflicts: await page.locator(".conflict").count() };
  lap("conflict");

  // 8. My Plan open; the program re-imported with the session moved: the delta, no reload.
  await page.locator('.conference-nav__link[href$="/plan"]').click();
  await importedItem().waitFor();
  await page.locator('.status-bar__updated[data-state="idle"]').waitFor();
  const before = await importedTime();
  await page.evaluate(() => (window.__sameDocument = true));
  // The bundle requests (through the service worker, so the context's route sees them).
  const bundleRequests = [];
  await context.route("**/api/v1/conferences/*/bundle*", (route) => {
    bundleRequests.push(new URL(route.request().url()).search);
    return route.continue();
  });
  await server.ask("reimport");
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await page.waitForFunction(
    ([key, old]) => document.querySelector(`.plan-item[data-key="${key}"] .plan-item__time time`)?.getAttribute("datetime") !== old,
    [`session/${given.imported}`, before.datetime],
  );
  const after = await importedTime();
  await shot("12-plan-moved", `.plan-item[data-key="session/${given.imported}"]`);
  // Its page, reached from My Plan in the same document.
  await importedItem().locator(".plan-item__title a").click();
  await page.locator(".item__title", { hasText: given.importedTitle }).waitFor();
  const when = await page.locator(".facts__row").allInnerTexts();
  await context.unroute("**/api/v1/conferences/*/bundle*");
  report.steps.delta = {
    requests: bundleRequests,
    before,
    after,
    sameDocument: await page.evaluate(() => window.__sameDocument === true),
    page: { when: when.join(" | "), sameDocument: await page.evaluate(() => window.__sameDocument === true) },
  };
  await shot("13-session-moved");
  lap("delta");
  await page.waitForTimeout(300);
} catch (err) {
  await failed(run, page, shots, err);
}
await finish(run);
server.close();
