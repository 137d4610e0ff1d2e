// The quality gates in headless Chromium against a real gunicorn serving the production build:
//
// - axe-core (the frontend's devDependency, read from node_modules and evaluated in the page
//   through the DevTools protocol — never shipped, never a <script> the CSP would have to allow)
//   on every screen of $BOARDWALK_SCREENS, in light and in dark;
// - Chromium's own installability check (`Page.getInstallabilityErrors`) and the manifest as
//   Chromium parsed it (`Page.getAppManifest`), in a persistent profile (an incognito context
//   is never installable) under the service worker;
// - the install button: a `beforeinstallprompt` offer shown on Home, its dialog asked for on
//   click, gone once accepted; Safari on iOS (its user agent) gets "Share → Add to Home Screen".
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… BOARDWALK_SCREENS='[{"name", "path",
//   "ready", "signedIn"}, …]' node tests/e2e/quality.mjs <base-url> <screenshot-dir>
//
// The JSON report is the last line of stdout (tests/e2e/test_quality.py judges it).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { failed, finish, language, shoot, signIn, start, VIEWPORT, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const env = process.env;
const TIMEOUT = 20000;
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "frontend", "package.json"));
const { chromium } = require("playwright-core");
const AXE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
/** WCAG 2.0/2.1/2.2 A and AA plus axe's best practices. */
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

const screens = JSON.parse(env.BOARDWALK_SCREENS);
const run = await start({ timeout: TIMEOUT, extra: { axe: {}, installability: null, install: {}, ios: {} } });
const { browser, context, report } = run;
let page = watch(await context.newPage(), report);

/** axe on the page as it is: every violation (impact, rule, where), the counts of the others. */
async function axe(tab) {
  if (!(await tab.evaluate(() => typeof window.axe !== "undefined"))) await tab.evaluate(AXE);
  return tab.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 6).map((n) => ({ target: n.target.join(" "), summary: (n.failureSummary || "").slice(0, 300) })),
      })),
      passes: result.passes.length,
    };
  }, AXE_TAGS);
}

async function checkScreen(screen) {
  await page.goto(`${base}${screen.path}`);
  await page.locator(screen.ready).first().waitFor();
  // Let lazy parts (counts, search status) settle: axe judges what a person would see.
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.waitForTimeout(300);
  const result = { path: new URL(page.url()).pathname };
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    result[scheme] = await axe(page);
    await page.screenshot({ path: path.join(shots, `axe-${screen.name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
  report.axe[screen.name] = result;
}

async function installability() {
  // A persistent profile: Chromium never offers installing from an incognito one.
  const profile = await mkdtemp(path.join(os.tmpdir(), "boardwalk-install-"));
  const persistent = await chromium.launchPersistentContext(profile, {
    executablePath: env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
    viewport: VIEWPORT,
  });
  try {
    const tab = persistent.pages()[0] ?? (await persistent.newPage());
    tab.setDefaultTimeout(TIMEOUT);
    await tab.addInitScript(() => {
      window.__offered = false;
      window.addEventListener("beforeinstallprompt", () => (window.__offered = true));
    });
    await tab.goto(`${base}/?pick`);
    await tab.waitForFunction(() => navigator.serviceWorker.controller?.state === "activated");
    const cdp = await persistent.newCDPSession(tab);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    const manifest = await cdp.send("Page.getAppManifest");
    const parsed = JSON.parse(manifest.data);
    // Chromium fires beforeinstallprompt once it judged the page installable (may take a moment).
    const natural = await tab.waitForFunction(() => window.__offered, null, { timeout: 10000 }).then(() => true, () => false);
    return {
      errors: installabilityErrors,
      manifestErrors: manifest.errors,
      manifestUrl: new URL(manifest.url).pathname,
      manifest: {
        display: parsed.display,
        start_url: parsed.start_url,
        id: parsed.id,
        icons: parsed.icons.map((icon) => `${icon.src} ${icon.sizes} ${icon.purpose ?? "any"}`),
        shortcuts: (parsed.shortcuts ?? []).map((s) => s.url),
      },
      beforeinstallprompt: natural,
    };
  } finally {
    await persistent.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** The manifest's shortcuts open that screen of the conference on this device. */
async function shortcuts() {
  const landed = {};
  for (const shortcut of ["/now", "/scan", "/logbook"]) {
    await page.goto(`${base}${shortcut}`);
    await page.waitForURL((url) => url.pathname.startsWith("/conferences/"));
    landed[shortcut] = new URL(page.url()).pathname;
  }
  return landed;
}

/** axe must see what it is there to see: Home with a button without a name (critical) and
 * grey-on-white text (serious) added on purpose. */
async function canary() {
  await page.goto(`${base}/?pick`);
  await page.locator("#home-title").waitFor();
  await page.evaluate(() => {
    const main = document.querySelector("main");
    main.append(document.createElement("button"));
    const faint = document.createElement("p");
    faint.textContent = "Barely readable";
    faint.style.color = "#cccccc";
    faint.style.background = "#ffffff";
    main.append(faint);
  });
  return (await axe(page)).violations.map((v) => `${v.id} ${v.impact}`).sort();
}

/** Home with a browser offer to install (the event as Chromium sends it, recorded here). */
async function installButton() {
  const tab = watch(await context.newPage(), report);
  await tab.goto(`${base}/?pick`);
  await tab.locator("#home-title").waitFor();
  const before = await tab.locator(".install").count();
  await tab.evaluate(() => {
    const offer = new Event("beforeinstallprompt", { cancelable: true });
    window.__prompted = 0;
    offer.prompt = async () => void window.__prompted++;
    offer.userChoice = Promise.resolve({ outcome: "accepted", platform: "web" });
    window.__offerDefaultPrevented = () => offer.defaultPrevented;
    window.dispatchEvent(offer);
  });
  const button = tab.locator(".install__button");
  await button.waitFor();
  await tab.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await shoot(tab, shots, "install-button");
  const shown = {
    title: await tab.locator("#install-title").innerText(),
    button: await button.innerText(),
    defaultPrevented: await tab.evaluate(() => window.__offerDefaultPrevented()),
  };
  const a11y = await axe(tab);
  await button.click();
  await tab.locator(".install").waitFor({ state: "detached" });
  const prompted = await tab.evaluate(() => window.__prompted);
  await tab.close();
  return { before, ...shown, prompted, axe: a11y };
}

/** Safari on an iPhone: no offer event, so the steps to add the app to the home screen. */
async function iosSteps() {
  const iphone = await browser.newContext({ viewport: VIEWPORT, userAgent: IPHONE_UA, isMobile: true, hasTouch: true, locale: "en-US" });
  iphone.setDefaultTimeout(TIMEOUT);
  const tab = watch(await iphone.newPage(), report);
  try {
    await tab.goto(`${base}/?pick`);
    await tab.locator(".install__steps").waitFor();
    await tab.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await shoot(tab, shots, "install-ios");
    const steps = await tab.locator(".install__steps li").allInnerTexts();
    const installButtons = await tab.locator(".install__button").count();
    const a11y = { light: await axe(tab) };
    await tab.emulateMedia({ colorScheme: "dark" });
    a11y.dark = await axe(tab);
    await tab.emulateMedia({ colorScheme: "light" });
    await language(tab, "ko");
    await tab.locator("#install-title", { hasText: "설치" }).waitFor();
    await tab.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await tab.screenshot({ path: path.join(shots, "install-ios-ko-light.png") });
    const stepsKo = await tab.locator(".install__steps li").allInnerTexts();
    await tab.locator(".install__later").click();
    const dismissed = (await tab.locator(".install").count()) === 0;
    return { steps, stepsKo, installButtons, dismissed, axe: a11y };
  } finally {
    await iphone.close();
  }
}

try {
  for (const screen of screens) {
    if (screen.signedIn && !report.signedIn) {
      await signIn(page, base, env.BOARDWALK_E2E_USER, env.BOARDWALK_E2E_PASSWORD);
      report.signedIn = true;
    }
    await checkScreen(screen);
  }
  report.shortcuts = await shortcuts();
  report.canary = await canary();
  report.install = await installButton();
  report.ios = await iosSteps();
  report.installability = await installability();
} catch (err) {
  await failed(run, page, shots, err);
}
await finish(run);
