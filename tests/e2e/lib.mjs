// What the browser scripts share: Debian's Chromium launched headless with a phone-sized light
// context, CSP violations / console errors / page errors collected into the report, signing in,
// light + dark screenshots, the language switch, going offline, the stdin/stdout handshake with
// the pytest (`wait <what>` … `done`), and the report as the last line of stdout.
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "frontend", "package.json"));
const { chromium } = require("playwright-core");

export const VIEWPORT = { width: 360, height: 740 };

/**
 * Launch Chromium and open the context every script uses: 360×740, light, `locale` (none when
 * null), `timeout` by default; `args`: more Chromium switches for this launch (a fake camera). `report` starts with the fields every script fills, plus
 * `extra`; the context reports CSP violations into it. `run.offline` says whether the network
 * is cut (setOffline), for the console filters.
 */
export async function start({ timeout, locale = "en-US", extra = {}, args = [] }) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", ...args],
  });
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light", ...(locale ? { locale } : {}) });
  context.setDefaultTimeout(timeout);
  const report = { steps: {}, violations: [], consoleErrors: [], pageErrors: [], ...extra };
  await context.exposeBinding("__cspViolation", (_source, v) => report.violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolation({ directive: e.effectiveDirective, blocked: e.blockedURI, page: location.href }),
    );
  });
  return { browser, context, report, offline: false };
}

/**
 * Console errors and page errors of a tab go to the report. `expected(entry)` is asked first
 * about each console error ({text, url}): true leaves it out of consoleErrors (the script may
 * count it elsewhere).
 */
export function watch(tab, report, expected = () => false) {
  tab.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const entry = { text: msg.text().slice(0, 500), url: msg.location().url };
    if (!expected(entry)) report.consoleErrors.push(entry);
  });
  tab.on("pageerror", (err) => report.pageErrors.push(String(err).slice(0, 500)));
  return tab;
}

/** `<name>-light.png` and `<name>-dark.png` in `shots`; the page is left light. */
export async function shoot(page, shots, name, { fullPage = false } = {}) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(shots, `${name}-${scheme}.png`), fullPage });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** The language switch in the header ("en", "ko"); the Me screen has a second one. */
export const language = (page, lang) => page.locator(".shell__header .language-switch select").selectOption(lang);

/** Fill the sign-in form and submit it (the page is on /signin). */
export async function fillSignIn(page, user, password) {
  await page.locator("#auth-email").fill(user);
  await page.locator("#auth-password").fill(password);
  await page.locator("form button[type=submit]").click();
}

/** Open /signin once the service worker controls it, and sign in. */
export async function signIn(page, base, user, password, { swTimeout } = {}) {
  await page.goto(`${base}/signin`);
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === "activated", null, swTimeout ? { timeout: swTimeout } : {});
  await fillSignIn(page, user, password);
  await page.locator(".account__name").waitFor();
}

/**
 * Cut or restore the network of the whole context (every tab and the service worker).
 * `run.offline` is true from before the cut until the network is back, so that the console
 * filters expect the failed requests of either moment.
 */
export async function setOffline(run, offline) {
  if (offline) run.offline = true;
  await run.context.setOffline(offline);
  if (!offline) run.offline = false;
  // Chromium: a CDP session left attached to a tab keeps its navigator.onLine true through
  // the cut, so the app never sees itself offline. Fail loudly instead of testing the wrong
  // thing (a tab navigating or closed meanwhile is not a failure).
  for (const tab of run.context.pages()) {
    const stuck = await tab
      .waitForFunction((want) => navigator.onLine === want, !offline, { timeout: 3000, polling: 50 })
      .then(() => false, (error) => error.name === "TimeoutError");
    if (stuck)
      throw new Error(`navigator.onLine stayed ${offline} in ${tab.url()} after setOffline(${offline}): detach CDP sessions (session.detach()) first`);
  }
}

/** The pytest's side of the talk: `wait <what>` on stdout, then one line on stdin. */
export function serverLink() {
  const stdin = createInterface({ input: process.stdin });
  const nextLine = () => new Promise((resolve) => stdin.once("line", resolve));
  return {
    nextLine,
    async ask(what) {
      process.stdout.write(`wait ${what}\n`);
      const answer = await nextLine();
      if (answer !== "done") throw new Error(`server step ${what}: ${answer}`);
    },
    close: () => stdin.close(),
  };
}

/** What went wrong goes into the report, with a picture of the page at that moment. */
export async function failed(run, page, shots, err, { fullPage = false } = {}) {
  run.report.error = String(err.stack || err).slice(0, 2000);
  await page.screenshot({ path: path.join(shots, "failure.png"), fullPage }).catch(() => {});
}

/** Close the browser; the report is the last line of stdout (the pytest judges it). */
export async function finish(run) {
  await run.browser.close();
  process.stdout.write(`${JSON.stringify(run.report)}\n`);
}

/**
 * For `watch`: offline, the outbox tries to send and the browser logs the failed request. That
 * is expected: counted in report.offlineFetchErrors, not a console error.
 */
export const offlineFetch = (run) => ({ text }) => {
  if (!(run.offline && /ERR_INTERNET_DISCONNECTED|ERR_FAILED|Failed to fetch/.test(text))) return false;
  run.report.offlineFetchErrors++;
  return true;
};

/** `lap(name)` records in report.seconds when a step ended, from now: where the run's time goes. */
export function laps(report) {
  const started = Date.now();
  report.seconds = {};
  return (name) => (report.seconds[name] = (Date.now() - started) / 1000);
}

/**
 * A second browser context (the laptop, same account) changes a conversation's notes through
 * the API, from the version it reads first: the answer's {status, version}.
 */
export async function laptopEdit(browser, base, { user, password, slug, id, notes }) {
  const laptop = await browser.newContext();
  const csrf = async () => (await (await laptop.request.get(`${base}/api/v1/auth/csrf`)).json()).csrf_token;
  const login = await laptop.request.post(`${base}/api/v1/auth/login`, {
    data: { email: user, password },
    headers: { "X-CSRFToken": await csrf(), Referer: `${base}/` },
  });
  if (!login.ok()) throw new Error(`laptop login: ${login.status()}`);
  const url = `${base}/api/v1/conferences/${slug}/conversations/${id}/`;
  const current = await (await laptop.request.get(url)).json();
  const { poster, poster_title, talked_to, talked_at, qa, rating, tags, follow_up, follow_up_done } = current;
  const put = await laptop.request.put(url, {
    data: { poster, poster_title, talked_to, talked_at, qa, rating, tags, follow_up, follow_up_done, notes, base_version: current.version },
    headers: { "X-CSRFToken": await csrf(), Referer: `${base}/` },
  });
  const answer = { status: put.status(), version: (await put.json()).version };
  await laptop.close();
  return answer;
}
