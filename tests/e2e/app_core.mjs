// The app core in headless Chromium: a wrong password, then sign in as the demo attendee, pick
// eccv-demo, go offline, reload: Now & Next from IndexedDB. Then Korean, and `/` offline.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_NOW=<iso> \
//     node tests/e2e/app_core.mjs <base-url> <screenshot-dir>
//
// The final JSON report is the last line of stdout (tests/e2e/test_app_core.py judges it).
import { failed, fillSignIn, finish, language, offlineFetch, setOffline, shoot, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const { BOARDWALK_E2E_USER: user, BOARDWALK_E2E_PASSWORD: password, BOARDWALK_E2E_NOW: now } = process.env;
const TIMEOUT = 20000;

const run = await start({ timeout: TIMEOUT, extra: { offlineFetchErrors: 0 } });
const { report } = run;

const page = await run.context.newPage();
// Inside the conference, whatever today's date is; time keeps flowing from there.
await page.clock.install({ time: new Date(now) });
// Expected: the deliberate wrong password's 400 (the browser logs it like any failed
// request), and a request cut when the network goes (offline only).
const cut = offlineFetch(run);
watch(page, report, (entry) => (/status of 400/.test(entry.text) && /\/api\/v1\/auth\/login$/.test(entry.url)) || cut(entry));

const shot = (name) => shoot(page, shots, name, { fullPage: true });

const sessionTitles = () => page.locator(".slot--session .slot__title").allInnerTexts();

try {
  // 1. Sign in: a wrong password first (the API's 400 in our words), then the right one.
  await page.goto(`${base}/signin`);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === "activated");
  await fillSignIn(page, user, `${password}-wrong`);
  report.steps.wrongPassword = await page.locator(".auth .notice--error").innerText();
  await shot("signin-error-en");
  await fillSignIn(page, user, password);
  report.steps.signedIn = await page.locator(".account__name").innerText();

  // 2. The picker (from the API): pick eccv-demo, its program goes into IndexedDB.
  const pick = page.locator('.conference__pick[data-slug="eccv-demo"]');
  await pick.waitFor();
  await shot("picker-en");
  await pick.click();
  await page.waitForURL("**/conferences/eccv-demo/");
  await page.locator(".slot__title").first().waitFor();
  report.steps.picked = {
    url: page.url(),
    ...(await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("boardwalk");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(["meta", "sessions"]);
            const last = tx.objectStore("meta").get("lastConference");
            const count = tx.objectStore("sessions").count(IDBKeyRange.bound(["eccv-demo"], ["eccv-demo", []]));
            tx.oncomplete = () => {
              db.close();
              resolve({ last: last.result?.value ?? last.result, storedSessions: count.result });
            };
          };
        }),
    )),
  };

  // 3. Offline and reloaded: the shell from the worker, the program from IndexedDB.
  await setOffline(run, true);
  const reloaded = await page.reload();
  await page.locator(".slot--session .slot__title").first().waitFor();
  report.steps.offline = {
    fromServiceWorker: reloaded.fromServiceWorker(),
    banner: await page.locator(".status-bar__offline").innerText(),
    onNow: await sessionTitles(),
    signedIn: await page.locator(".account__name").innerText(),
  };
  await shot("now-offline-en");

  // 4. Korean.
  await language(page, "ko");
  await page.locator("#now-title", { hasText: "지금" }).waitFor();
  report.steps.korean = { title: await page.locator("#now-title").innerText(), onNow: await sessionTitles() };
  await shot("now-offline-ko");
  await page.goto(`${base}/signin`);
  await page.locator("#auth-email").waitFor();
  await shot("signin-ko");
  await language(page, "en");

  // 5. `/` offline goes straight to the last conference.
  await page.goto(`${base}/`);
  await page.waitForURL("**/conferences/eccv-demo/");
  await page.locator(".slot__title").first().waitFor();
  report.steps.rootRedirect = page.url();
  await page.waitForTimeout(300);
} catch (err) {
  await failed(run, page, shots, err);
}
await finish(run);
