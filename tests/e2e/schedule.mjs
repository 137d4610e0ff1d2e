// The Schedule, its search and the item pages in headless Chromium: sign in as the demo
// attendee, open eccv-demo's schedule, filter by a room, search a poster by an author and by
// its board, open a poster, a session, a booth and a meal from the results; then offline and
// reloaded, the schedule and the search again, and the same screens in Korean.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_NOW=<iso> \
//   BOARDWALK_E2E_EXPECT=<json from the pytest> node tests/e2e/schedule.mjs <base-url> <screenshot-dir>
//
// The final JSON report is the last line of stdout (tests/e2e/test_schedule.py judges it).
import { VIEWPORT, failed, finish, language, offlineFetch, setOffline, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const { BOARDWALK_E2E_USER: user, BOARDWALK_E2E_PASSWORD: password, BOARDWALK_E2E_NOW: now } = process.env;
const expect = JSON.parse(process.env.BOARDWALK_E2E_EXPECT);
const TIMEOUT = 20000;
const SLUG = "eccv-demo";
const schedule = `${base}/conferences/${SLUG}/schedule`;

const run = await start({ timeout: TIMEOUT, extra: { offlineFetchErrors: 0 } });
const { browser, context, report } = run;

const page = await context.newPage();
await page.clock.install({ time: new Date(now) });
// A pull in flight when the network goes is cut: the browser logs it; expected only while offline.
watch(page, report, offlineFetch(run));

const shot = (name) => shoot(page, shots, name, { fullPage: true });

const texts = (selector) => page.locator(selector).allInnerTexts();
const entryTitles = () => texts(".entry__title");

/** Type a query and wait for the results of exactly that query (the status line counts them). */
async function search(query) {
  await page.locator("#schedule-search").fill(query);
  await page.waitForURL((url) => new URL(url).searchParams.get("q") === query);
  await page.waitForFunction((q) => document.querySelector(".search__status")?.dataset.query === q, query);
  return {
    status: await page.locator(".search__status").innerText(),
    kinds: await texts(".results__kind"),
    hrefs: await page.locator(".result__title").evaluateAll((links) => links.map((a) => a.getAttribute("href"))),
  };
}

/** The item page's heading, kind, facts and links (what the pytest compares with the database). */
async function detail() {
  await page.locator(".item__title").waitFor();
  return {
    kind: await page.locator(".item__kind").innerText(),
    title: await page.locator(".item__title").innerText(),
    facts: await texts(".facts__row"),
    starred: await page.locator(".item__header .star").getAttribute("aria-pressed"),
    back: await page.locator(".item__back a").getAttribute("href"),
  };
}

const href = (kind, id) => `/conferences/${SLUG}/${kind}s/${id}`;

/**
 * The benchmark's mark, once per page load and not again on a filter change. In a context of its
 * own: the fake clock (page.clock, context-wide) stubs performance.mark.
 */
async function readyMarks() {
  const plainContext = await browser.newContext({ viewport: VIEWPORT });
  const plain = await plainContext.newPage();
  watch(plain, report);
  await plain.goto(schedule);
  await plain.locator(".entry__title").first().waitFor();
  await plain.waitForFunction(() => performance.getEntriesByName("boardwalk:schedule-ready").length > 0);
  await plain.locator("#filter-kind").selectOption("meal");
  await plain.waitForURL(/kind=meal/);
  await plain.locator(".entry__title").first().waitFor();
  const marks = await plain.evaluate(() => performance.getEntriesByName("boardwalk:schedule-ready").length);
  await plainContext.close();
  return marks;
}

try {
  report.steps.marks = await readyMarks();

  // 1. Sign in (the service worker takes the page first, so the shell is there offline).
  await signIn(page, base, user, password);

  // 2. The schedule of today (the clock is inside the conference): the program goes into IndexedDB.
  await page.goto(schedule);
  await page.locator(".entry__title").first().waitFor();
  report.steps.day = {
    current: await page.locator(".days__day[aria-current=page]").innerText(),
    days: (await texts(".days__day")).length,
    titles: await entryTitles(),
  };
  // The search index is built in the worker from the stored program: wait for it before shots.
  await page.locator(".search__status", { hasText: "Preparing search" }).waitFor({ state: "detached" });
  await shot("schedule-en");

  // 3. Filter by a room: kept in the URL, so a reload keeps it.
  await page.locator("#filter-room").selectOption({ label: expect.room });
  await page.waitForURL(/[?&]room=/);
  await page.locator(".filters__clear").waitFor();
  const filtered = await entryTitles();
  await page.reload();
  await page.locator(".entry__title").first().waitFor();
  report.steps.room = {
    titles: filtered,
    afterReload: await entryTitles(),
    metas: await texts(".entry__meta"),
    selected: await page.locator("#filter-room option:checked").innerText(),
    url: page.url(),
  };
  await shot("schedule-filtered-en");
  await page.locator(".filters__clear").click();
  await page.waitForURL((url) => !new URL(url).searchParams.has("room"));
  report.steps.cleared = (await entryTitles()).length;
  // Booths have hours, not slots: the day's open booths are a kind of their own.
  await page.locator(`.days__day[href*="day=${expect.boothDay}"]`).click();
  await page.waitForURL(new RegExp(`day=${expect.boothDay}`));
  await page.locator(".schedule__booths button").click();
  await page.waitForURL(/kind=booth/);
  await page.locator(".entry--booth .entry__title").first().waitFor();
  report.steps.booths = await entryTitles();
  await shot("schedule-booths-en");
  await page.locator(".filters__clear").click();
  await page.waitForURL((url) => !new URL(url).searchParams.has("kind"));
  // A cancelled session: still in its day's list, marked, and on its own page.
  await page.goto(`${schedule}?day=${expect.cancelledDay}`);
  await page.locator(".entry--cancelled").first().waitFor();
  report.steps.cancelled = {
    listed: await texts(".entry--cancelled .entry__title"),
    badge: await page.locator(".entry--cancelled .badge--cancelled").first().innerText(),
  };
  await shot("schedule-cancelled-en");
  await page.locator(`.entry__title[href="${href("session", expect.cancelled)}"]`).click();
  report.steps.cancelled.page = (await detail()).title;
  report.steps.cancelled.note = await page.locator(".item__cancelled").innerText();
  await page.goto(schedule);
  await page.locator(".entry__title").first().waitFor();

  // 4. Search a poster by an author, then by its board; open it from the results.
  report.steps.byAuthor = await search(expect.author);
  await shot("search-author-en");
  report.steps.byBoard = await search(expect.board);
  await page.locator(`.result__title[href="${href("poster", expect.poster)}"]`).click();
  report.steps.poster = {
    ...(await detail()),
    board: await page.locator(".item__board").innerText(),
    authors: await texts(".item__authors li"),
    log: await page.locator(`a[href="/conferences/${SLUG}/logbook/conversations/new?poster=${expect.poster}"]`).count(),
    external: await page.locator(".item__link").evaluateAll((links) => links.map((a) => [a.href, a.rel])),
  };
  await page.locator(".item__header .star").click();
  await page.locator(".item__header .star[aria-pressed=true]").waitFor();
  await shot("poster-en");

  // Back (the browser's) lands on the results of the last search.
  await page.goBack();
  await page.locator(".result__title").first().waitFor();
  report.steps.backToResults = new URL(page.url()).searchParams.get("q");

  // 5. A session, a booth and a meal, each found by its name.
  for (const [kind, query, id] of [
    ["session", expect.sessionTitle, expect.session],
    ["booth", expect.exhibitor, expect.booth],
    ["meal", expect.mealTitle, expect.meal],
  ]) {
    await search(query);
    await page.locator(`.result__title[href="${href(kind, id)}"]`).first().click();
    report.steps[kind] = await detail();
    if (kind === "session") {
      report.steps.session.talks = await texts(".talk__title");
      report.steps.session.posters = await page.locator(".item__posters").count();
    }
    if (kind === "booth") report.steps.booth.hours = await texts(".hours li");
    if (kind === "meal") report.steps.meal.menu = await texts(".menu__name");
    await shot(`${kind}-en`);
    await page.goBack();
    await page.locator("#schedule-search").waitFor();
  }
  await page.goto(`${base}/conferences/${SLUG}/posters/999999999`);
  await page.locator(".item .notice--error").waitFor();
  report.steps.notFound = await page.locator(".item .notice--error p").innerText();

  // 6. Offline and reloaded: the schedule from IndexedDB, the search from the kept index.
  await setOffline(run, true);
  const reloaded = await page.goto(schedule);
  await page.locator(".entry__title").first().waitFor();
  report.steps.offline = {
    fromServiceWorker: reloaded.fromServiceWorker(),
    banner: await page.locator(".status-bar__offline").innerText(),
    titles: await entryTitles(),
  };
  await shot("schedule-offline-en");
  report.steps.offline.byAuthor = await search(expect.author);
  await shot("search-offline-en");
  await page.locator(`.result__title[href="${href("poster", expect.poster)}"]`).click();
  report.steps.offline.poster = await detail();

  // 7. Korean, offline: the same screens.
  await language(page, "ko");
  await page.locator(".item__back a", { hasText: "프로그램" }).waitFor();
  report.steps.korean = { poster: await detail() };
  await shot("poster-offline-ko");
  for (const [kind, id] of [["session", expect.session], ["booth", expect.booth], ["meal", expect.meal]]) {
    await page.goto(`${base}${href(kind, id)}`);
    report.steps.korean[kind] = await detail();
    await shot(`${kind}-offline-ko`);
  }
  await page.goto(`${schedule}?room=${expect.roomId}`);
  await page.locator(".entry__title").first().waitFor();
  report.steps.korean.schedule = { title: await page.locator("#schedule-title").innerText(), titles: await entryTitles() };
  await shot("schedule-filtered-offline-ko");
  await page.locator(".filters__clear").click();
  report.steps.korean.search = await (async () => {
    await page.locator("#schedule-search").fill(expect.author);
    await page.waitForURL((url) => new URL(url).searchParams.get("q") === expect.author);
    await page.waitForFunction((q) => document.querySelector(".search__status")?.dataset.query === q, expect.author);
    return { status: await page.locator(".search__status").innerText(), kinds: await texts(".results__kind") };
  })();
  await shot("search-offline-ko");
  await language(page, "en");
} catch (err) {
  await failed(run, page, shots, err);
}
await finish(run);
