// The logbook in headless Chromium: sign in, open eccv-demo (its program into IndexedDB), log a
// poster conversation with a photo (reloaded half-typed: the draft comes back) and a meetup;
// offline, log and edit more, close the tab and open it again (still there, unsynced, counted); online, sync now: a
// refused write is shown, edited and retried; a conflicting edit from a second browser context
// is shown side by side and resolved. Screenshots of every logbook screen, light and dark,
// English and Korean, online and offline.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_E2E_JPEG=<path> \
//   BOARDWALK_E2E_POSTER=<id> BOARDWALK_E2E_BOARD=<board> BOARDWALK_E2E_SESSION=<id> \
//   BOARDWALK_E2E_SESSION_QUERY=<words> node tests/e2e/logbook.mjs <base-url> <screenshot-dir>
//
// The final JSON report is the last line of stdout (tests/e2e/test_logbook.py judges it).
import { failed, finish, laps, laptopEdit, language, offlineFetch, setOffline, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const env = process.env;
const user = env.BOARDWALK_E2E_USER;
const password = env.BOARDWALK_E2E_PASSWORD;
const SLUG = "eccv-demo";
const LOGBOOK = `${base}/conferences/${SLUG}/logbook`;
const TIMEOUT = 15000;

const run = await start({ timeout: TIMEOUT, extra: { offlineFetchErrors: 0 } });
const { browser, context, report } = run;
/** When each step ended (seconds from the start): where the run's time goes. */
const lap = laps(report);

/** A tab, watched for console errors and page errors; confirm() dialogs are accepted. */
async function openTab() {
  const tab = watch(await context.newPage(), report, offlineFetch(run));
  tab.on("dialog", (dialog) => void dialog.accept());
  return tab;
}

let page = await openTab();

async function shot(name) {
  // From the top: a field focused further down leaves the page scrolled, and the sticky header
  // would be drawn there in a full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, shots, name, { fullPage: true });
}

/** The same screen in Korean too (the language switch, then back to English). */
async function shotBoth(name, readyKo) {
  await shot(`${name}-en`);
  await language(page, "ko");
  await readyKo();
  await shot(`${name}-ko`);
  await language(page, "en");
}

const pending = () => page.locator(".sync-panel__count").getAttribute("data-pending").then(Number);
const waitPending = (n) => page.locator(`.sync-panel__count[data-pending="${n}"]`).waitFor();
const listKo = () => page.locator("#logbook-title", { hasText: "기록" }).waitFor();
const entry = (text) => page.locator(".entry", { hasText: text });

/** Fill the open conversation form's fields (not saved). */
async function fillConversation() {
  await page.locator("#conversation-poster").fill(env.BOARDWALK_E2E_BOARD);
  await page.locator(`.picker__option[data-id="${env.BOARDWALK_E2E_POSTER}"]`).click();
  await page.locator("#conversation-with").fill("Noa Levi");
  await page.locator(".pairs__add").click();
  await page.locator("#conversation-qa-0-0").fill("Does it work on phones?");
  await page.locator("#conversation-qa-0-1").fill("Yes, at 30 fps.");
  await page.locator("#conversation-rating").selectOption("4");
  await page.locator(".tags__toggle", { hasText: "Demo" }).locator("input").check();
  await page.locator("#conversation-notes").fill("Ask for the code release.");
  await page.locator(".photos__gallery").setInputFiles(env.BOARDWALK_E2E_JPEG);
  await page.locator(".thumb img").first().waitFor();
}

try {
  // 1. Sign in, open the conference: its program goes into IndexedDB.
  await signIn(page, base, user, password);
  await page.goto(`${base}/conferences/${SLUG}/`);
  await page.locator("#now-title").waitFor();
  await page.waitForFunction(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open("boardwalk");
        open.onsuccess = () => {
          const tx = open.result.transaction("bundleMeta");
          const get = tx.objectStore("bundleMeta").get("eccv-demo");
          tx.oncomplete = () => {
            open.result.close();
            resolve(Boolean(get.result));
          };
        };
        open.onerror = () => resolve(false);
      }),
    null,
    { polling: 250 },
  );

  lap("signedIn");
  // 2. The logbook: the demo attendee's entries logged elsewhere (the seeder's), pulled from
  //    the server; a new conversation, half typed, then a reload: the draft is back.
  await page.goto(LOGBOOK);
  await page.locator("#logbook-title").waitFor();
  const seeded = Number(env.BOARDWALK_E2E_SEEDED);
  await page.waitForFunction((n) => document.querySelectorAll(".entry").length >= n, seeded, { polling: 100 });
  report.steps.pulled = {
    count: await page.locator(".entry").count(),
    pending: await pending(),
    talkedTo: await page.locator(".entry").allInnerTexts(),
  };
  await page.locator(".logbook__new .button--primary").click();
  await page.waitForURL("**/logbook/conversations/new");
  await fillConversation();
  await page.waitForTimeout(700); // past the draft's debounce
  await page.reload();
  await page.locator("#conversation-with").waitFor();
  report.steps.draft = {
    restored: await page.locator(".logbook-editor > .notice").first().innerText(),
    with: await page.locator("#conversation-with").inputValue(),
    question: await page.locator("#conversation-qa-0-0").inputValue(),
    poster: await page.locator(".picker__chosen").getAttribute("data-id"),
    thumbs: await page.locator(".thumb img").count(),
  };
  // A poster page's "Log a conversation" while the draft exists: the draft's text stays, the
  // poster is the one asked for (another one, then the first again).
  const logFrom = async (posterId) => {
    await page.goto(`${base}/conferences/eccv-demo/posters/${posterId}`);
    await page.locator(`a[href$="/logbook/conversations/new?poster=${posterId}"]`).click();
    await page.locator(`.picker__chosen[data-id="${posterId}"]`).waitFor();
    return { poster: await page.locator(".picker__chosen").getAttribute("data-id"), with: await page.locator("#conversation-with").inputValue() };
  };
  report.steps.fromPosterPage = [await logFrom(env.BOARDWALK_E2E_POSTER2), await logFrom(env.BOARDWALK_E2E_POSTER)];
  await shotBoth("conversation-new-online", () => page.locator("#conversation-title", { hasText: "포스터" }).waitFor());
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);
  await waitPending(0);
  await entry("Noa Levi").locator(".mark--unsynced").waitFor({ state: "detached" });
  const firstId = await entry("Noa Levi").getAttribute("data-id");

  lap("conversation");
  // 3. A meetup, at a session of the program.
  await page.locator(".logbook__new .button:not(.button--primary)").click();
  await page.waitForURL("**/logbook/meetups/new");
  await page.locator("#meetup-contact_name").fill("Dana Cohen");
  await page.locator("#meetup-contact_affiliation").fill("Technion");
  await page.locator("#meetup-email").fill("dana@example.org");
  await page.locator(".pairs__add").click();
  await page.locator("#meetup-details-0-0").fill("Phone");
  await page.locator("#meetup-details-0-1").fill("+972 50 000 0000");
  await page.locator("#meetup-place-kind").selectOption("session");
  await page.locator("#meetup-place").fill(env.BOARDWALK_E2E_SESSION_QUERY);
  await page.locator(`.picker__option[data-id="${env.BOARDWALK_E2E_SESSION}"]`).click();
  await page.locator("#meetup-notes").fill("Wants the slides.");
  await shotBoth("meetup-new-online", () => page.locator("#meetup-title", { hasText: "만남" }).waitFor());
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);
  await waitPending(0);
  await entry("Dana Cohen").locator(".mark--unsynced").waitFor({ state: "detached" });
  const meetupId = await entry("Dana Cohen").getAttribute("data-id");
  report.steps.online = { entries: await page.locator(".entry").count(), pending: await pending(), firstId, meetupId };
  await shotBoth("list-online", listKo);
  await page.goto(`${LOGBOOK}/conversations/${firstId}`);
  await page.locator(".thumb img").first().waitFor();
  report.steps.edit = { thumbs: await page.locator(".thumb img").count(), uploadedMarks: await page.locator(".thumb__mark").count() };
  await shotBoth("conversation-edit-online", () => page.locator("#conversation-title", { hasText: "포스터" }).waitFor());

  lap("meetup");
  // 4. Offline: a new conversation, an edited meetup, a meetup the server will refuse.
  await setOffline(run, true);
  await page.goto(`${LOGBOOK}/conversations/new`);
  await page.locator("#conversation-poster").waitFor();
  await page.locator("#conversation-title-free").fill("Hallway demo, not in the program");
  await page.locator("#conversation-with").fill("Yossi Mizrahi");
  await page.locator(".photos__gallery").setInputFiles(env.BOARDWALK_E2E_JPEG);
  await page.locator(".thumb img").first().waitFor();
  // A second photo, then removed again: only one reaches the server.
  await page.locator(".photos__camera").setInputFiles(env.BOARDWALK_E2E_JPEG);
  await page.locator(".thumb img").nth(1).waitFor();
  await page.locator(".thumb__remove").nth(1).click();
  await page.locator(".thumb img").nth(1).waitFor({ state: "detached" });
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);
  await entry("Dana Cohen").click();
  await page.locator("#meetup-notes").fill("Wants the slides and the dataset.");
  await shotBoth("meetup-edit-offline", () => page.locator("#meetup-title", { hasText: "만남" }).waitFor());
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);
  await page.goto(`${LOGBOOK}/meetups/new`);
  await page.locator("#meetup-contact_name").fill("Ana Silva");
  await page.locator("#meetup-email").fill("ana@example");
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);

  lap("offlineWrites");
  // 5. Close the tab and open the app again, offline: everything still there, marked
  //    unsynced, counted.
  await page.close();
  page = await openTab();
  const reloaded = await page.goto(LOGBOOK);
  await page.locator("#logbook-title").waitFor();
  await waitPending(4);
  report.steps.offline = {
    fromServiceWorker: reloaded.fromServiceWorker(),
    entries: await page.locator(".entry").count(),
    unsyncedMarks: await page.locator(".entry .mark--unsynced").count(),
    pending: await pending(),
    count: await page.locator(".sync-panel__count").innerText(),
    syncDisabled: await page.locator(".sync-panel__now").isDisabled(),
  };
  await shotBoth("list-offline", listKo);
  await entry("Hallway demo").click();
  await page.locator(".thumb img").first().waitFor();
  report.steps.offlineForm = { title: await page.locator("#conversation-title-free").inputValue(), notUploaded: await page.locator(".thumb__mark").count() };
  await shotBoth("conversation-edit-offline", () => page.locator("#conversation-title", { hasText: "포스터" }).waitFor());
  await page.goto(LOGBOOK);
  await page.locator("#logbook-title").waitFor();

  lap("offlineReload");
  // 6. Online, sync now: the refused meetup shows its field message; edit and retry.
  await context.setOffline(false);
  // The page's `online` event can send the outbox before the service worker sees the network:
  // a request failing in that first second is the offline kind, not an error of the app.
  await page.waitForTimeout(1000);
  run.offline = false;
  await page.locator(".sync-panel__now:not([disabled])").click();
  await page.locator(".failed__item").waitFor();
  await waitPending(0);
  report.steps.failed = {
    entry: await page.locator(".failed__entry").innerText(),
    messages: await page.locator(".failed__messages li").allInnerTexts(),
  };
  await shotBoth("failed", () => page.locator("#failed-title", { hasText: "거부" }).waitFor());
  await page.locator(".failed__retry").click();
  await page.waitForURL("**/logbook/meetups/**");
  report.steps.retry = { fieldErrors: await page.locator("#meetup-email-errors").innerText() };
  await shot("meetup-refused-en");
  await page.locator("#meetup-email").fill("ana@example.org");
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);
  await waitPending(0);
  await page.locator(".failed").waitFor({ state: "detached" });
  report.steps.retried = { failed: await page.locator(".failed__item").count(), unsyncedMarks: await page.locator(".entry .mark--unsynced").count() };

  lap("refused");
  // 7. A conflict: a second browser context (the laptop) changes the first conversation,
  //    then the phone edits its older copy.
  report.steps.laptop = await laptopEdit(browser, base, { user, password, slug: SLUG, id: firstId, notes: "Changed on the laptop." });

  await entry("Noa Levi").click();
  await page.locator("#conversation-notes").fill("Ask for the code release, and the weights.");
  await page.locator(".logbook-form__save").click();
  await page.waitForURL(LOGBOOK);
  await page.locator(".conflict").waitFor();
  report.steps.conflict = {
    rows: await page.locator(".conflict__table tbody tr").evaluateAll((rows) =>
      rows.map((r) => ({ field: r.dataset.field, mine: r.querySelector(".conflict__mine").textContent, theirs: r.querySelector(".conflict__theirs").textContent })),
    ),
    mark: await entry("Noa Levi").locator(".mark--conflict").count(),
  };
  await shotBoth("conflict", () => page.locator(".conflict h2", { hasText: "두 곳" }).waitFor());
  await page.locator(".conflict__keep-mine").click();
  await page.locator(".conflict").waitFor({ state: "detached" });
  await waitPending(0);
  await entry("Noa Levi").locator(".mark--conflict, .mark--unsynced").first().waitFor({ state: "detached" });
  report.steps.resolved = { pending: await pending(), conflicts: await page.locator(".conflict").count() };
  lap("conflict");
  await shot("list-final-en");
  await page.waitForTimeout(300);
} catch (err) {
  await failed(run, page, shots, err, { fullPage: true });
}
await finish(run);
