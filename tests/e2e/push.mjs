// The Me screen and Web Push in headless Chromium (driven by tests/e2e/test_push.py):
//
//   node tests/e2e/push.mjs <base-url> <screenshot-dir>
//   env: BOARDWALK_E2E_USER/_PASSWORD, BOARDWALK_E2E_PUSH (JSON, below)
//
// 1. Me: the badge QR (kept in IndexedDB), full screen with the screen wake lock, the shared
//    fields, who scanned me + share back, the preferences (saved; a refused one shows the
//    server's field message).
// 2. Push opt-in: Chromium's own pushManager.subscribe first (headless Chromium has no push
//    service to register with: what it says is reported), then with PushManager replaced by a
//    fake in the page (only the browser's side is fake: the POST/DELETE reach the server),
//    on → off → on; then "blocked" after the permission is denied.
// 3. A push delivered to the service worker through CDP (ServiceWorker.deliverPushMessage)
//    with the server's payload: the notification shown (registration.getNotifications()), the
//    page told; a malformed one shows the generic notification; a click on the notification
//    (a NotificationEvent dispatched in the worker) takes the open window to the item.
// 4. Korean, offline (the badge from IndexedDB), sign out from Me (push forgotten, badge gone).
import {
  failed,
  finish,
  laps,
  language,
  offlineFetch,
  serverLink,
  setOffline,
  shoot,
  signIn,
  start,
  watch,
} from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const user = process.env.BOARDWALK_E2E_USER;
const password = process.env.BOARDWALK_E2E_PASSWORD;
// {slug, payload, itemTitle, scanner, fake: {endpoint, p256dh, auth}}
const given = JSON.parse(process.env.BOARDWALK_E2E_PUSH);
const { slug } = given;
const origin = new URL(base).origin;
const mePath = `/conferences/${slug}/me`;

const run = await start({ timeout: 20000, extra: { offlineFetchErrors: 0 } });
const { browser, context, report } = run;
const steps = report.steps;
const lap = laps(report);
const link = serverLink();

await context.grantPermissions(["notifications"], { origin });

// The fake PushManager, in the page only and only once the test turns it on (localStorage).
await context.addInitScript((fake) => {
  if (localStorage.getItem("e2e.fakePush") !== "on" || !("PushManager" in window)) return;
  const stored = "e2e.fakePush.subscription";
  const make = (keyBytes) => ({
    endpoint: fake.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(keyBytes).buffer },
    toJSON: () => ({ endpoint: fake.endpoint, expirationTime: null, keys: { p256dh: fake.p256dh, auth: fake.auth } }),
    unsubscribe: async () => {
      localStorage.removeItem(stored);
      localStorage.setItem("e2e.fakePush.unsubscribed", String(Number(localStorage.getItem("e2e.fakePush.unsubscribed") ?? 0) + 1));
      return true;
    },
  });
  PushManager.prototype.subscribe = async function (options) {
    const keyBytes = Array.from(new Uint8Array(options.applicationServerKey));
    localStorage.setItem(stored, JSON.stringify({ userVisibleOnly: options.userVisibleOnly, keyBytes }));
    return make(keyBytes);
  };
  PushManager.prototype.getSubscription = async function () {
    const json = localStorage.getItem(stored);
    return json ? make(JSON.parse(json).keyBytes) : null;
  };
}, given.fake);

// Count the screen wake locks taken and whether each was released.
await context.addInitScript(() => {
  window.__locks = [];
  const api = navigator.wakeLock;
  if (!api) return;
  const request = api.request.bind(api);
  api.request = async (type) => {
    const sentinel = await request(type);
    window.__locks.push(sentinel);
    return sentinel;
  };
});

// Expected console errors: the 400 the test provokes on purpose (half the quiet hours), and
// Chromium's word that Playwright's (incognito) contexts have no Push API; counted apart.
report.expectedErrors = [];
const offline = offlineFetch(run);
const expected = (entry) => {
  if (offline(entry)) return true;
  const provoked = /status of 400/.test(entry.text) && entry.url.endsWith(`/conferences/${slug}/preferences/`);
  const incognito = /does not support the Push API in incognito mode/.test(entry.text);
  if (provoked || incognito) report.expectedErrors.push(entry.text.slice(0, 120));
  return provoked || incognito;
};
const page = watch(await context.newPage(), report, expected);

/** Evaluate `fn(arg)` (may be async) in the page until it answers something truthy; that answer.
 * (page.waitForFunction takes a pending Promise for a truthy answer.) */
async function until(fn, arg, { timeout = 15000, what = "a condition" } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}
const text = (selector) => page.locator(selector).innerText();
const pushState = () => page.locator(".me__push").getAttribute("data-push");
const openMe = async () => {
  await page.goto(`${base}${mePath}`);
  await page.locator(".me__push[data-push]:not([data-push=checking])").waitFor();
};

try {
  await signIn(page, base, user, password, { swTimeout: 60000 });
  lap("signedIn");

  // --- 1. Me ---------------------------------------------------------------------------------
  await openMe();
  await page.locator(".me__qr-button svg.qr path").waitFor();
  const activeTab = await page.locator(".conference-nav__link[aria-current=page]").getAttribute("class");
  const qr = await page.locator(".me__qr-button svg.qr path").getAttribute("d");
  const storedBadge = await page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("boardwalk");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction("meta").objectStore("meta").get(key);
          get.onsuccess = () => resolve(get.result ?? null);
          get.onerror = () => reject(get.error);
        };
      }),
    `mine:badge:${slug}`,
  );
  const shared = await page.locator(".me__shared-field").evaluateAll((items) =>
    items.map((li) => ({ field: li.dataset.field, shared: li.dataset.shared === "true" })),
  );
  const serverBadge = await page.evaluate(async (slug) => (await (await fetch(`/api/v1/conferences/${slug}/badge/`)).json()).url, slug);
  steps.me = { activeTab, qrDrawn: qr.length > 100, storedBadge, serverBadge, shared };
  // Share the homepage too, and stop sharing the e-mail.
  await page.locator(".me__shared input[name=homepage]").check();
  await page.locator(".me__shared input[name=email]").uncheck();
  await page.locator(".me__shared-save").click();
  await page.locator(".me__shared .me__saved", { hasText: "Saved" }).waitFor();
  steps.me.sharedAfter = await page.locator(".me__shared-field[data-shared=true]").evaluateAll((items) => items.map((l) => l.dataset.field));
  await page.locator(".me__scan").first().waitFor();
  steps.me.scans = await page.locator(".me__scan-name").allInnerTexts();
  await shoot(page, shots, "me", { fullPage: true });
  // Who scanned me, page after page until the button goes.
  steps.me.moreLabel = await page.locator(".me__scans-more").innerText();
  for (let i = 0; i < 20 && (await page.locator(".me__scans-more").count()); i++) {
    const before = await page.locator(".me__scan").count();
    await page.locator(".me__scans-more").click();
    await page.waitForFunction(
      (n) => document.querySelectorAll(".me__scan").length > n && !document.querySelector(".me__scans-more[disabled]"),
      before,
    );
  }
  steps.me.scansAfterMore = await page.locator(".me__scan").count();
  steps.me.distinctAfterMore = new Set(await page.locator(".me__scan").evaluateAll((items) => items.map((l) => l.dataset.scan))).size;
  steps.me.moreLeft = await page.locator(".me__scans-more").count();

  // Full screen: the dialog, the wake lock while it is open, released when it closes.
  // Permissions Playwright has no name for, granted in this context through CDP.
  const cdp = await context.newCDPSession(page);
  const { targetInfo } = await cdp.send("Target.getTargetInfo");
  const browserContextId = targetInfo.browserContextId;
  // (setPermission: grantPermissions would revoke every other one, notifications included.)
  await cdp.send("Browser.setPermission", { permission: { name: "screen-wake-lock" }, setting: "granted", origin, browserContextId });
  await page.locator(".me__full").click();
  await page.locator("dialog.badge-full[open] svg.qr path").waitFor();
  await page.waitForFunction(() => document.querySelector("dialog.badge-full")?.dataset.wakeLock !== "off");
  const fullQr = await page.locator("dialog.badge-full svg.qr path").getAttribute("d");
  const box = await page.locator("dialog.badge-full svg.qr").boundingBox();
  steps.full = {
    sameQr: fullQr === qr,
    qrWidth: Math.round(box.width),
    wakeLock: await page.locator("dialog.badge-full").getAttribute("data-wake-lock"),
    brightnessHint: await text(".badge-full__hint"),
    locksHeld: await page.evaluate(() => window.__locks.filter((l) => !l.released).length),
  };
  await shoot(page, shots, "me-full");
  await page.keyboard.press("Escape");
  await page.locator("dialog.badge-full").waitFor({ state: "detached" });
  // Released (asynchronously) once the dialog is gone.
  await page.waitForFunction(() => window.__locks.every((l) => l.released), null, { timeout: 5000 }).catch(() => {});
  steps.full.locksAfterClose = await page.evaluate(() => window.__locks.filter((l) => !l.released).length);
  steps.full.locksTaken = await page.evaluate(() => window.__locks.length);

  // Share back the scanner.
  const scan = page.locator(".me__scan", { hasText: given.scanner });
  await scan.locator(".me__share-back").click();
  await scan.locator(".me__scan-shared").waitFor();
  steps.shareBack = { text: await scan.locator(".me__scan-shared").innerText() };

  // Preferences: saved; then a refused change shows the server's message at its field.
  const prefs = page.locator("form.me__prefs");
  await prefs.locator("select[name=reminder_minutes]").selectOption("30");
  await prefs.locator("input[name=email]").check();
  await prefs.locator("input[name=digest_time]").fill("21:15");
  await prefs.locator(".me__save").click();
  await prefs.locator(".me__saved", { hasText: "Saved" }).waitFor();
  await link.ask("prefs-saved");
  await prefs.locator("input[name=quiet_hours_start]").fill("22:30");
  await prefs.locator(".me__save").click();
  await prefs.locator(".me__field-error").first().waitFor();
  steps.prefs = {
    fieldErrors: await prefs.locator(".me__field-error").allInnerTexts(),
    invalid: await prefs.locator("[aria-invalid=true]").evaluateAll((els) => els.map((e) => e.getAttribute("name"))),
    alert: await text(".me__prefs-error"),
  };
  await shoot(page, shots, "me-prefs-error", { fullPage: true });
  await prefs.locator("input[name=quiet_hours_start]").fill("");
  lap("me");

  // --- 2. Push opt-in ------------------------------------------------------------------------
  steps.push = { initial: await pushState() };
  // Chromium's own push service registration.
  await page.locator(".me__push-on").click();
  await page.waitForFunction(
    () => document.querySelector(".me__push")?.dataset.push === "on" || document.querySelector(".me__push-error")?.textContent,
    null,
    { timeout: 30000 },
  );
  steps.push.real = { state: await pushState(), error: await text(".me__push-error") };
  if (steps.push.real.state === "on") {
    // It worked after all (a Chromium that reaches a push service): turn it off again.
    await page.locator(".me__push-off").click();
    await page.locator(".me__push[data-push=off]").waitFor();
  }
  // The fake PushManager from here on: the page's side of the API calls is the real one.
  await page.evaluate(() => localStorage.setItem("e2e.fakePush", "on"));
  await openMe();
  await page.locator(".me__push-on").click();
  await page.locator(".me__push[data-push=on]").waitFor();
  steps.push.subscribe = await page.evaluate(() => JSON.parse(localStorage.getItem("e2e.fakePush.subscription")));
  steps.push.subscribe.keyBytes = steps.push.subscribe.keyBytes.length;
  await link.ask("subscribed");
  await openMe(); // reloaded, the page asks the browser: still on
  steps.push.afterReload = await pushState();
  await page.locator(".me__push-off").click();
  await page.locator(".me__push[data-push=off]").waitFor();
  steps.push.unsubscribed = await page.evaluate(() => Number(localStorage.getItem("e2e.fakePush.unsubscribed")));
  await link.ask("unsubscribed");
  await page.locator(".me__push-on").click();
  await page.locator(".me__push[data-push=on]").waitFor();
  await page.locator(".me__push").evaluate((el) => el.scrollIntoView({ block: "center" }));
  await shoot(page, shots, "me-push-on");
  lap("optIn");

  // --- 3. A push through CDP, its notification, its click ----------------------------------
  const registration = new Promise((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  const registrationId = await registration;
  await page.evaluate(() => {
    window.__swMessages = [];
    navigator.serviceWorker.addEventListener("message", (event) => window.__swMessages.push(event.data));
  });
  // The notifications shown with `tag`, read as soon as there is one.
  const shownNow = (tag) =>
    until(
      async (tag) => {
        const list = await (await navigator.serviceWorker.ready).getNotifications({ tag });
        if (!list.length) return false;
        return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, badge: n.badge, timestamp: n.timestamp, data: n.data }));
      },
      tag,
      { what: `the notification tagged ${tag}` },
    );
  const deliver = (data) => cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data });

  // The bell: the server stores the in-app notification as the push goes out; the page
  // re-reads the unread count on the worker's message (no reload, no refresher run needed).
  const unread = () => page.locator(".bell").getAttribute("data-unread").then(Number);
  const bellBefore = await unread();
  await link.ask("notification-stored");
  await deliver(JSON.stringify(given.payload));
  const shown = await shownNow(given.payload.tag);
  await page.waitForFunction(() => window.__swMessages.length > 0);
  await page.waitForFunction((n) => Number(document.querySelector(".bell")?.dataset.unread) > n, bellBefore, { timeout: 10_000 }).catch(() => null);
  steps.delivered = { notifications: shown, messages: await page.evaluate(() => window.__swMessages), bell: { before: bellBefore, after: await unread() } };

  // Malformed: still a notification (the generic one), never nothing.
  await deliver("this is not JSON {");
  steps.malformed = await until(
    async (tag) => {
      const list = (await (await navigator.serviceWorker.ready).getNotifications()).filter((n) => n.tag !== tag);
      return list.length ? list.map((n) => ({ title: n.title, body: n.body, data: n.data })) : false;
    },
    given.payload.tag,
    { what: "the generic notification" },
  );

  // The click: a NotificationEvent for the shown notification, dispatched in the worker (the
  // push delivered again just before, from another screen of the app).
  await page.goto(`${base}/conferences/${slug}/plan`);
  await page.locator(".conference-nav").waitFor();
  const worker = context.serviceWorkers().find((w) => w.url().startsWith(origin));
  if (!worker) throw new Error("no service worker target");
  // Close the earlier ones first, so the click finds the new one and not a leftover.
  await worker.evaluate(async () => (await self.registration.getNotifications()).forEach((n) => n.close()));
  await deliver(JSON.stringify(given.payload));
  const clicked = await worker.evaluate(async (tag) => {
    for (let i = 0; i < 100; i++) {
      const [notification] = await self.registration.getNotifications({ tag });
      if (notification) {
        self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
        return "dispatched";
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return "no notification";
  }, given.payload.tag);
  await page.waitForURL(`${base}${given.payload.url}`);
  await page.locator("h1", { hasText: given.itemTitle }).waitFor();
  steps.click = {
    clicked,
    url: new URL(page.url()).pathname,
    heading: await page.locator("h1").first().innerText(),
    closed: await until(async (tag) => (await (await navigator.serviceWorker.ready).getNotifications({ tag })).length === 0, given.payload.tag, {
      timeout: 5000,
    }).catch(() => false),
  };
  await shoot(page, shots, "push-item");
  lap("push");

  // --- 4. Korean, offline, denied, sign out --------------------------------------------------
  await openMe();
  await page.locator(".me .language-switch select").selectOption("ko");
  await page.locator("h1", { hasText: "나" }).waitFor();
  steps.korean = { title: await text("h1#me-title"), tab: await text(".conference-nav__link--me") };
  await shoot(page, shots, "me-ko", { fullPage: true });
  await language(page, "en");
  await page.locator("h1", { hasText: "Me" }).waitFor();

  // An extra CDP session on the page keeps its reload "online" (navigator.onLine stays true
  // under Playwright's offline emulation): detach it first.
  await cdp.detach();
  await setOffline(run, true);
  await page.reload();
  await page.locator(".me__qr-button svg.qr path").waitFor();
  steps.offline = {
    onLine: await page.evaluate(() => navigator.onLine),
    sameQr: (await page.locator(".me__qr-button svg.qr path").getAttribute("d")) === qr,
    scans: await text(".me__scans .notice"),
    prefs: await text(".me__prefs .notice"),
    pushButtonDisabled: await page.locator(".me__push-off").isDisabled(),
  };
  await shoot(page, shots, "me-offline", { fullPage: true });
  await setOffline(run, false);

  const cdp2 = await context.newCDPSession(page);
  await cdp2.send("Browser.setPermission", { permission: { name: "notifications" }, setting: "denied", origin, browserContextId });
  await openMe();
  steps.denied = { state: await pushState(), text: await text(".me__push-state") };
  await page.locator(".me__push").evaluate((el) => el.scrollIntoView({ block: "center" }));
  await shoot(page, shots, "me-push-denied");
  await cdp2.send("Browser.setPermission", { permission: { name: "notifications" }, setting: "granted", origin, browserContextId });

  await openMe();
  // Let the refresher's pull of my data end first: a pull answered after the sign-out is a 403.
  await page.waitForLoadState("networkidle");
  await page.locator(".me__signout-button").click();
  await page.waitForURL(`${base}/signin`);
  steps.signedOut = {
    badgeKept: await page.evaluate(
      (key) =>
        new Promise((resolve) => {
          const open = indexedDB.open("boardwalk");
          open.onsuccess = () => {
            const get = open.result.transaction("meta").objectStore("meta").get(key);
            get.onsuccess = () => resolve(get.result !== undefined);
          };
        }),
      `mine:badge:${slug}`,
    ),
    unsubscribed: await page.evaluate(() => Number(localStorage.getItem("e2e.fakePush.unsubscribed"))),
  };
  lap("end");
} catch (err) {
  await failed(run, page, shots, err, { fullPage: true });
} finally {
  link.close();
}
await finish(run);
