// The hall map and the in-app notifications in headless Chromium with the service worker:
// sign in, pick eccv-demo (my starred posters come with the pull), open a poster session's
// map (starred boards, the route in walking order, a board without a position listed under
// it), zoom with the buttons, the keyboard, a two-finger pinch (CDP touch) and a drag, tap a
// board to its poster and back with "Show on map"; booths open now; the venue. Then the bell
// and the list: open one (marked read), a new one arrives (the bell follows when the page
// becomes visible), offline the last list with a note and "mark all read" kept until online.
// Offline + reloaded the map still draws from IndexedDB. Korean once. Sign-out clears the copy.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_NOW=<iso> BOARDWALK_E2E_MAP=<json> \
//     node tests/e2e/map.mjs <base-url> <screenshot-dir>
//
// Stops twice to let the pytest add a notification (`wait notify`, `wait notify-again` …
// `done`). The JSON report is the last line of stdout (tests/e2e/test_map.py judges it).
import { failed, finish, language, serverLink, setOffline, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const { BOARDWALK_E2E_USER: user, BOARDWALK_E2E_PASSWORD: password, BOARDWALK_E2E_NOW: now } = process.env;
const given = JSON.parse(process.env.BOARDWALK_E2E_MAP);
const SLUG = "eccv-demo";
const TIMEOUT = 15000;
const demo = `${base}/conferences/${SLUG}`;

const run = await start({ timeout: TIMEOUT });
const { context, report } = run;
const server = serverLink();
const page = await context.newPage();
await page.clock.install({ time: new Date(now) });
// Offline, the outbox and the refresher's tries fail to connect, as they should.
watch(page, report, ({ text }) => run.offline && /^Failed to load resource: net::ERR_/.test(text));

const ids = (selector) => page.locator(selector).evaluateAll((els) => els.map((el) => Number(el.dataset.id)));
const zoom = () => page.locator(".map-canvas").getAttribute("data-zoom").then(Number);
const viewBox = () => page.locator(".map-canvas__svg").getAttribute("viewBox");
const shot = async (name) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, shots, name, { fullPage: true });
};

/** What a poster session's map shows. */
async function posterMap() {
  const stops = await page.locator(".map-stop").evaluateAll((els) =>
    els.map((el) => [Number(el.dataset.stop), Number(el.dataset.id)]).sort((a, b) => a[0] - b[0]),
  );
  const points = (await page.locator(".map-route").getAttribute("points").catch(() => "")) ?? "";
  return {
    boards: await page.locator(".map-board").count(),
    starred: await ids(".map-board--starred"),
    stops,
    routePoints: points.trim() ? points.trim().split(/\s+/).length : 0,
    walk: await ids(".map-stops__stop"),
    unplaced: await page.locator(".map-unplaced li").allInnerTexts(),
    svgLabel: await page.locator(".map-canvas__svg").getAttribute("aria-label"),
    svgRole: await page.locator(".map-canvas__svg").getAttribute("role"),
  };
}

async function openPosterMap() {
  await page.goto(`${demo}/map?session=${given.session}`);
  // The pull brings my stars a moment after the program: wait for all of them.
  await page.waitForFunction((n) => document.querySelectorAll(".map-stops__stop").length === n, given.starred.length);
}

/** Two fingers spreading over the map (Chrome turns CDP touches into pointer events). */
async function pinchOut(cdp) {
  const box = await page.locator(".map-canvas__svg").boundingBox();
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  const touch = (type, d) =>
    cdp.send("Input.dispatchTouchEvent", {
      type,
      touchPoints: type === "touchEnd" ? [] : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }],
    });
  await touch("touchStart", 20);
  for (const d of [30, 40, 50, 60]) await touch("touchMove", d);
  await touch("touchEnd", 60);
}

try {
  // 1. Sign in and pick eccv-demo: the program and my plan go into IndexedDB.
  await signIn(page, base, user, password);
  await page.locator(`.conference__pick[data-slug="${SLUG}"]`).click();
  await page.waitForURL(`**/conferences/${SLUG}/`);
  await page.locator(".slot__title").first().waitFor();
  report.steps.nowLink = await page.locator(".now__map").getAttribute("href");

  // 2. A poster session's map, reached from its Posters screen.
  await page.goto(`${demo}/sessions/${given.session}/posters`);
  await page.locator(".posters__map").click();
  await page.waitForURL(`**/map?session=${given.session}`);
  await page.waitForFunction((n) => document.querySelectorAll(".map-stops__stop").length === n, given.starred.length);
  report.steps.posters = await posterMap();
  await shot("map-posters-online-en");

  // 3. Zoom: buttons, keyboard, a pinch, a drag that does not open the board under it.
  const z0 = await zoom();
  await page.locator(".map-canvas__reset").click();
  const whole = await zoom();
  await page.getByRole("button", { name: "Zoom in" }).click();
  const button = await zoom();
  await page.locator(".map-canvas__svg").focus();
  await page.keyboard.press("+");
  const key = await zoom();
  await page.keyboard.press("0");
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
  await pinchOut(cdp);
  const pinched = await zoom();
  await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: false });
  // A CDP session left open keeps navigator.onLine true through setOffline: close it.
  await cdp.detach();
  const before = await viewBox();
  const box = await page.locator(".map-canvas__svg").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 5; i++) await page.mouse.move(box.x + box.width / 2 - i * 20, box.y + box.height / 2 - i * 8);
  await page.mouse.up();
  const dragged = await viewBox();
  report.steps.zoom = { first: z0, whole, button, key, pinched, before, dragged, urlAfterDrag: new URL(page.url()).pathname };
  await page.locator(".map-canvas__reset").click();

  // 4. Tap a board: its poster; there, "Show on map" rings it.
  const target = given.walk[0];
  await page.locator(`.map-board[data-id="${target}"]`).click();
  await page.waitForURL(`**/posters/${target}`);
  const posterTitle = await page.locator(".item__title").innerText();
  await page.locator(".item__map").click();
  await page.waitForURL(`**/map?poster=${target}`);
  await page.locator(".map-board--ringed").waitFor();
  report.steps.tap = { posterTitle, ringed: await ids(".map-board--ringed"), zoom: await zoom() };

  // 5. The expo floor's booths, open now; the venue's rooms.
  await page.goto(`${demo}/map?room=${given.expo}`);
  await page.locator(".map-booth").first().waitFor();
  report.steps.booths = { booths: await page.locator(".map-booth").count(), open: await ids(".map-booth--open") };
  await shot("map-booths-online-en");
  await page.goto(`${demo}/map`);
  await page.locator(".map-room").first().waitFor();
  report.steps.venue = { rooms: await page.locator(".map-room").count() };
  await shot("map-venue-online-en");

  // 6. Notifications: the bell's count, the list, open one (read), a new one arrives.
  await page.goto(`${demo}/notifications`);
  await page.locator(".notification").first().waitFor();
  const bellBefore = Number(await page.locator(".bell").getAttribute("data-unread"));
  const listed = await ids(".notification");
  const unreadListed = await ids(".notification--unread");
  await shot("notifications-online-en");
  const opened = unreadListed.find((id) => given.openable.includes(id));
  const href = await page.locator(`.notification[data-id="${opened}"] .notification__title a`).getAttribute("href");
  await page.locator(`.notification[data-id="${opened}"] .notification__title a`).click();
  await page.waitForURL(`**${href}`);
  await page.waitForFunction((n) => document.querySelector(".bell")?.dataset.unread === String(n), bellBefore - 1);
  await page.goBack();
  await page.locator(`.notification[data-id="${opened}"]:not(.notification--unread)`).waitFor();
  report.steps.notifications = {
    bellBefore,
    listed,
    unreadListed,
    opened,
    href,
    afterOpen: Number(await page.locator(".notifications__unread").getAttribute("data-unread")),
    bellLabel: await page.locator(".bell").getAttribute("aria-label"),
  };

  // A new one on the server: the bell follows the refresher's next run (here: on `online`)…
  await server.ask("notify");
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.waitForFunction((n) => document.querySelector(".bell")?.dataset.unread === String(n), bellBefore);
  await page.locator(`.notification[data-id="${given.fresh}"]`).waitFor();
  report.steps.fresh = { bell: Number(await page.locator(".bell").getAttribute("data-unread")), first: (await ids(".notification"))[0] };
  // … and the page becoming visible again.
  await server.ask("notify-again");
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await page.waitForFunction((n) => document.querySelector(".bell")?.dataset.unread === String(n), bellBefore + 1);
  await page.locator(`.notification[data-id="${given.fresh + 1}"]`).waitFor();
  report.steps.visible = { bell: Number(await page.locator(".bell").getAttribute("data-unread")), first: (await ids(".notification"))[0] };

  // 7. Offline and reloaded: the last list with a note; "mark all read" shown at once.
  await setOffline(run, true);
  await page.reload();
  await page.locator(".notifications__offline").waitFor();
  const offlineList = await ids(".notification");
  await shot("notifications-offline-en");
  await page.locator(".notifications__all").click();
  await page.waitForFunction(() => document.querySelector(".notifications__unread")?.dataset.unread === "0");
  report.steps.offlineNotifications = {
    listed: offlineList,
    note: await page.locator(".notifications__offline").innerText(),
    unreadAfterAll: Number(await page.locator(".notifications__unread").getAttribute("data-unread")),
    bell: await page.locator(".bell").getAttribute("data-unread"),
  };

  // 8. The map offline, reloaded: IndexedDB only; a board still opens its poster.
  await page.goto(`${demo}/map?session=${given.session}`);
  await page.waitForFunction((n) => document.querySelectorAll(".map-stops__stop").length === n, given.starred.length);
  report.steps.offlineMap = await posterMap();
  report.steps.offlineMap.fromServiceWorker = await page.evaluate(() => Boolean(navigator.serviceWorker.controller));
  await shot("map-posters-offline-en");
  await page.locator(`.map-board[data-id="${given.tapOffline}"]`).click();
  await page.waitForURL(`**/posters/${given.tapOffline}`);
  report.steps.offlineTap = await page.locator(".item__title").innerText();

  // 9. Korean once.
  await page.goto(`${demo}/map?session=${given.session}`);
  await page.waitForFunction((n) => document.querySelectorAll(".map-stops__stop").length === n, given.starred.length);
  await language(page, "ko");
  await page.locator("h1", { hasText: "행사장 지도" }).waitFor();
  report.steps.korean = { title: await page.locator("h1").innerText(), zoomIn: await page.locator(".map-canvas__button").first().getAttribute("aria-label") };
  await shot("map-posters-offline-ko");
  await page.goto(`${demo}/notifications`);
  await page.locator(".notification").first().waitFor();
  await shot("notifications-offline-ko");
  await language(page, "en");

  // 10. Online again: the kept "mark all read" reaches the server.
  await setOffline(run, false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  report.steps.serverUnread = await page.evaluate(async (slug) => {
    for (let i = 0; i < 40; i++) {
      const answer = await fetch(`/api/v1/conferences/${slug}/notifications/?page=1&page_size=1`);
      const { unread } = await answer.json();
      if (unread === 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return -1;
  }, SLUG);

  // 11. Sign out: the stored list is personal and goes.
  const stored = () =>
    page.evaluate(
      (key) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("boardwalk");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction("meta").objectStore("meta").get(key);
            request.onsuccess = () => (open.result.close(), resolve(request.result !== undefined));
          };
        }),
      `mine:notifications:${SLUG}`,
    );
  const storedBefore = await stored();
  await page.locator(".account__signout").click();
  await page.waitForURL("**/signin");
  report.steps.signOut = { storedBefore, storedAfter: await stored() };
} catch (err) {
  await failed(run, page, shots, err, { fullPage: true });
}
server.close();
await finish(run);
