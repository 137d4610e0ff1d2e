// The Scan screen in headless Chromium with a fake camera that films a QR code (a Y4M video
// made by tests/e2e/test_scan.py). Three launches (the camera is a launch switch):
//
// 1. Dana's badge: the attendee scans it online (the meetup opens with her name and where =
//    the starred session on now), then again (the same meetup); signed out, the organizer
//    scans it offline twice (one queued meetup, "synced later"), then online (synced, her
//    name appears in the open form).
// 2. A poster board's code: it opens that poster's new conversation; a code of another
//    conference, an unknown code and a typed board number are answered; the badge link pasted
//    opens the meetup the first browser logged (the server keeps one per pair).
// 3. Chromium's own fake camera (no code in its picture): its permission prompt denied → the
//    typed fallback, focused; granted → the live picture, turned off by "Stop camera" and by
//    leaving the screen.
//
//   BOARDWALK_E2E_USER/_PASSWORD, BOARDWALK_E2E_USER2/_PASSWORD2, BOARDWALK_E2E_BADGE_VIDEO,
//   BOARDWALK_E2E_POSTER_VIDEO, BOARDWALK_E2E_POSTER, BOARDWALK_E2E_BOARD, BOARDWALK_E2E_FOREIGN,
//   BOARDWALK_E2E_BADGE_URL
//   node tests/e2e/scan.mjs <base-url> <screenshot-dir>
//
// The final JSON report is the last line of stdout (tests/e2e/test_scan.py judges it).
import { failed, finish, laps, language, offlineFetch, setOffline, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const env = process.env;
const SLUG = "eccv-demo";
const CONF = `${base}/conferences/${SLUG}`;
const TIMEOUT = 20000;
const camera = (video) => [
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  `--use-file-for-fake-video-capture=${video}`,
];
const MEETUP = /\/logbook\/meetups\/[0-9a-f-]{36}(\?again=1)?$/;

let run = await start({ timeout: TIMEOUT, args: camera(env.BOARDWALK_E2E_BADGE_VIDEO), extra: { offlineFetchErrors: 0, base } });
const report = run.report;
const lap = laps(report);
const wasm = [];

async function openTab(current) {
  const tab = watch(await current.context.newPage(), report, offlineFetch(current));
  tab.on("dialog", (dialog) => void dialog.accept());
  tab.on("request", (request) => request.url().endsWith(".wasm") && wasm.push(request.url()));
  return tab;
}

let page = await openTab(run);

async function shot(name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, shots, name, { fullPage: true });
}

/** The conference open, its program stored (the session on now listed) and my plan pulled. */
async function openConference() {
  await page.goto(`${CONF}/`);
  await page.locator(".slot__title", { hasText: "Hallway demos" }).first().waitFor();
  await page.locator(".conference-nav__link--plan").click();
  await page.locator(".plan-item", { hasText: "Hallway demos" }).first().waitFor();
}

async function toScan() {
  await page.locator(".conference-nav__link--scan").click();
  await page.locator("#scan-title").waitFor();
}

/** Keep a hand on every camera stream the pages get, to see that the screen turns it off. */
const keepStreams = (context) =>
  context.addInitScript(() => {
    const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    window.__streams = [];
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await ask(constraints);
      window.__streams.push(stream);
      return stream;
    };
  });
const trackStates = () => page.evaluate(() => window.__streams.flatMap((s) => s.getTracks().map((t) => t.readyState)));

const meetupId = () => new URL(page.url()).pathname.split("/").pop();
const inputValue = (selector) => page.locator(selector).inputValue();

try {
  // --- 1. the badge, online -----------------------------------------------------------------
  await signIn(page, base, env.BOARDWALK_E2E_USER, env.BOARDWALK_E2E_PASSWORD);
  await openConference();
  lap("opened");
  await toScan();
  await page.locator(".conference-nav__link--scan[aria-current=page]").waitFor();
  await shot("scan-en");
  await language(page, "ko");
  await page.locator("#scan-title", { hasText: "스캔" }).waitFor();
  await shot("scan-ko");
  await language(page, "en");
  await page.locator("#scan-title", { hasText: "Scan" }).waitFor();

  await page.locator(".scan__start").click();
  await page.waitForURL(MEETUP);
  await page.waitForFunction(() => document.querySelector("#meetup-contact_name")?.value === "Dana Cohen");
  report.steps.online = {
    id: meetupId(),
    name: await inputValue("#meetup-contact_name"),
    placeKind: await inputValue("#meetup-place-kind"),
    place: await page.locator(".place .picker__chosen").getAttribute("data-id"),
  };
  report.steps.decoder = { native: await page.evaluate(() => "BarcodeDetector" in window), wasm: [...new Set(wasm)] };
  await shot("meetup-scanned");
  lap("online");

  await toScan();
  await page.locator(".scan__start").click();
  await page.waitForURL(MEETUP);
  await page.locator(".meetup-scan-again").waitFor();
  report.steps.again = { id: meetupId(), notice: await page.locator(".meetup-scan-again").textContent() };
  lap("again");

  // --- the organizer, offline ----------------------------------------------------------------
  await page.locator(".account__signout").click();
  await page.waitForURL(`${base}/signin`);
  await signIn(page, base, env.BOARDWALK_E2E_USER2, env.BOARDWALK_E2E_PASSWORD2);
  await page.goto(`${CONF}/`);
  await page.locator(".slot__title", { hasText: "Hallway demos" }).first().waitFor();
  await toScan();
  await setOffline(run, true);
  await page.locator(".status-bar__offline").waitFor();
  await shot("scan-offline");
  await page.locator(".scan__start").click();
  await page.waitForURL(MEETUP);
  await page.locator(".meetup-scan-pending").waitFor();
  const offline = { id: meetupId(), pendingNotice: await page.locator(".meetup-scan-pending").textContent() };
  await page.locator(".status-bar__count[data-pending='1']").waitFor();
  offline.pending = 1;
  await shot("meetup-offline");
  await toScan();
  await page.locator(".scan__start").click();
  await page.waitForURL(MEETUP);
  await page.locator(".meetup-scan-again").waitFor();
  offline.againId = meetupId();
  await page.locator(".meetup-scan-pending").waitFor();
  lap("offline");
  await setOffline(run, false);
  await page.waitForFunction(() => document.querySelector("#meetup-contact_name")?.value === "Dana Cohen");
  offline.syncedName = await inputValue("#meetup-contact_name");
  await page.locator(".status-bar__count[data-pending='0']").waitFor();
  report.steps.offline = offline;
  lap("synced");
  await run.browser.close();

  // --- 2. a poster board ---------------------------------------------------------------------
  run = await start({ timeout: TIMEOUT, args: camera(env.BOARDWALK_E2E_POSTER_VIDEO), extra: { offlineFetchErrors: 0 } });
  await keepStreams(run.context);
  page = await openTab(run);
  await signIn(page, base, env.BOARDWALK_E2E_USER, env.BOARDWALK_E2E_PASSWORD);
  await openConference();
  await toScan();
  await page.locator(".scan__start").click();
  await page.waitForURL(/\/logbook\/conversations\/new\?poster=\d+$/);
  await page.locator(".picker__chosen").first().waitFor();
  const url = new URL(page.url());
  report.steps.poster = {
    path: url.pathname,
    query: url.search,
    chosen: await page.locator(".picker__chosen").first().getAttribute("data-id"),
    // The camera, once the code was read and the screen left: every track ended.
    tracks: await trackStates(),
  };
  await shot("poster-conversation");
  lap("poster");

  await toScan();
  const manual = async (text) => {
    await page.locator("#scan-manual").fill(text);
    await page.locator(".scan__go").click();
  };
  await manual(env.BOARDWALK_E2E_FOREIGN);
  report.steps.foreign = await page.locator(".scan__message").textContent();
  await manual("https://example.com/wifi");
  await page.locator(".scan__message", { hasText: "not a Boardwalk" }).waitFor();
  report.steps.unknown = await page.locator(".scan__message").textContent();
  await manual(env.BOARDWALK_E2E_BOARD);
  // One poster on that board opens its conversation; several are listed. The race's loser
  // must not reject unheard.
  const listed = page.locator(".scan__choices li").first().waitFor();
  const opened = page.waitForURL(/conversations\/new/);
  await Promise.race([listed, opened]);
  listed.catch(() => {});
  opened.catch(() => {});
  if (page.url().includes("conversations/new")) report.steps.board = { count: 1 };
  else {
    report.steps.board = { count: await page.locator(".scan__choices li").count() };
    await shot("board-choices");
  }
  // Dana's badge link opened on this phone (a fresh one: it never scanned her) as its camera
  // app would open it, /b/<token>: on to Scan with the link filled in, one tap on Find. The
  // server answers with the meetup the first phone logged, and that one opens.
  const badgePath = new URL(env.BOARDWALK_E2E_BADGE_URL).pathname;
  await page.goto(`${base}${badgePath}`);
  await page.waitForURL(/\/scan\?code=/);
  report.steps.badgeLink = {
    path: new URL(page.url()).pathname,
    filled: await page.locator("#scan-manual").inputValue(),
  };
  await page.locator(".scan__go").click();
  await page.waitForURL(MEETUP);
  await page.waitForFunction(() => document.querySelector("#meetup-contact_name")?.value === "Dana Cohen");
  report.steps.pasted = { id: meetupId(), again: await page.locator(".meetup-scan-again").count() };
  lap("manual");

  for (const key of ["violations", "consoleErrors", "pageErrors"]) report[key].push(...run.report[key]);
  await run.browser.close();

  // --- 3. Chromium's own fake camera (a test pattern, no code) -------------------------------
  // Its permission prompt denied first: the camera refused. Then granted: the live picture,
  // turned off by "Stop camera" and by leaving the screen.
  run = await start({ timeout: TIMEOUT, args: ["--use-fake-device-for-media-stream", "--deny-permission-prompts"], extra: {} });
  await keepStreams(run.context);
  page = await openTab(run);
  await page.goto(`${CONF}/scan`);
  await page.locator(".scan__start").click();
  await page.locator(".scan__problem").waitFor();
  report.steps.refused = {
    message: await page.locator(".scan__problem").textContent(),
    focused: await page.evaluate(() => document.activeElement?.id ?? null),
  };
  await shot("camera-refused");

  await run.context.grantPermissions(["camera"], { origin: base });
  await page.reload();
  await page.locator(".scan__start").click();
  await page.locator(".scan__status", { hasText: "Point the camera" }).waitFor();
  await page.waitForFunction(() => document.querySelector(".scan__video")?.videoWidth > 0);
  const live = { problem: await page.locator(".scan__problem").count(), whileOn: await trackStates() };
  await shot("camera-live");
  await page.locator(".scan__stop").click();
  await page.locator(".scan__start").waitFor();
  live.afterStop = await trackStates();
  // The page hidden (another app, the phone locked): the camera goes off.
  await page.locator(".scan__start").click();
  await page.locator(".scan__status", { hasText: "Point the camera" }).waitFor();
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    delete document.visibilityState; // visible again (the prototype's getter)
  });
  await page.locator(".scan__start").waitFor();
  live.afterHidden = await trackStates();
  await page.locator(".scan__start").click();
  await page.locator(".scan__status", { hasText: "Point the camera" }).waitFor();
  await page.locator(".conference-nav__link--logbook").click();
  await page.locator("#logbook-title").waitFor();
  live.afterLeaving = await trackStates();
  report.steps.live = live;
  lap("refused");
  for (const key of ["violations", "consoleErrors", "pageErrors"]) report[key].push(...run.report[key]);
} catch (err) {
  // What the phone holds, for the failure's story: its meetups and queued writes.
  report.stored = await page
    .evaluate(
      () =>
        new Promise((resolve) => {
          const open = indexedDB.open("boardwalk");
          open.onsuccess = () => {
            const tx = open.result.transaction(["meetups", "outbox", "failed"]);
            const all = (name) => new Promise((done) => (tx.objectStore(name).getAll().onsuccess = (e) => done(e.target.result)));
            void Promise.all(["meetups", "outbox", "failed"].map(all)).then(([meetups, outbox, failed]) => resolve({ meetups, outbox, failed }));
          };
          open.onerror = () => resolve(null);
        }),
    )
    .catch(() => null);
  await failed(run, page, shots, err, { fullPage: true });
  report.error = run.report.error;
}
run.report = report;
await finish(run);
