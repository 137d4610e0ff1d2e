// A new version is deployed while a poster conversation is half typed: headless Chromium
// against gunicorn serving build A; the pytest then restarts the same origin on build B (its
// index.html and so its sw.js differ). The app looks for the new version
// (`registration.update()`, as its hourly / on-`online` check does), the prompt appears, the
// page does not reload and the typing goes on undisturbed; after "Update" build B runs and the
// form comes back with everything typed (its draft, `logbook.draft.conversation.new`).
// Screenshots of the prompt at 360 px: light, dark, Korean.
//
//   BOARDWALK_E2E_USER=… BOARDWALK_E2E_PASSWORD=… node tests/e2e/update.mjs <base-url> <shots>
//
// It prints `wait deploy` and waits for `done` on stdin (the server then serves build B).
// The final JSON report is the last line of stdout (tests/e2e/test_update.py judges it).
import { failed, finish, language, serverLink, shoot, signIn, start, watch } from "./lib.mjs";

const [base, shots] = process.argv.slice(2);
const env = process.env;
const TIMEOUT = 15000;
const FORM = `${base}/conferences/eccv-demo/logbook/conversations/new`;
const WITH = "Noa Levi";
const NOTES = ["Asked about the ablation in table 3; ", "she will send the code. ", "Follow up by mail."];
const server = serverLink();

const run = await start({ timeout: TIMEOUT, extra: { deployFetchErrors: [] } });
const { report } = run;
// While the server restarts on build B nothing answers for a moment: an API request caught in
// that gap fails, as it would in a real deploy (the app retries on its next refresh). Counted
// apart; any other console error fails the test.
let deploying = false;
const page = watch(await run.context.newPage(), report, (entry) => {
  if (!(deploying && /ERR_FAILED|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE/.test(entry.text) && /\/api\//.test(entry.url))) return false;
  report.deployFetchErrors.push(entry);
  return true;
});
let loads = 0;
page.on("load", () => loads++);

const build = () => page.evaluate(() => document.querySelector('meta[name="boardwalk-build"]')?.content ?? null);
const typed = async () => ({
  with: await page.locator("#conversation-with").inputValue(),
  notes: await page.locator("#conversation-notes").inputValue(),
});
const prompt = page.locator(".update-prompt");

try {
  await signIn(page, base, env.BOARDWALK_E2E_USER, env.BOARDWALK_E2E_PASSWORD);
  await page.goto(FORM);
  await page.locator("#conversation-with").fill(WITH);
  await page.locator("#conversation-notes").pressSequentially(NOTES[0]);
  await page.evaluate(() => (window.__sameDocument = "kept"));
  report.steps.before = { build: await build(), prompt: await prompt.isVisible() };

  // Build B goes live while the form is open; the typing goes on.
  deploying = true;
  await server.ask("deploy");
  await page.waitForTimeout(200); // a failure of the gap reaches the console a moment later
  deploying = false;
  const loadsBefore = loads;
  await page.locator("#conversation-notes").pressSequentially(NOTES[1]);
  report.steps.check = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration.update();
    return { installing: !!(registration.installing || registration.waiting) };
  });
  await prompt.locator(".update-prompt__update").waitFor();
  await page.waitForTimeout(1500); // would a reload sneak in?
  report.steps.prompt = {
    message: await prompt.locator(".update-prompt__message").innerText(),
    live: await prompt.getAttribute("aria-live"),
    typed: await typed(),
    focus: await page.evaluate(() => document.activeElement?.id ?? null),
    sameDocument: await page.evaluate(() => window.__sameDocument ?? null),
    reloads: loads - loadsBefore,
    waiting: await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration()).waiting),
    build: await build(),
  };
  await shoot(page, shots, "update-prompt");
  await language(page, "ko");
  await prompt.locator(".update-prompt__message", { hasText: "새 버전" }).waitFor();
  await page.screenshot({ path: `${shots}/update-prompt-ko-light.png` });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/update-prompt-ko-dark.png` });
  await page.emulateMedia({ colorScheme: "light" });
  report.steps.korean = {
    message: await prompt.locator(".update-prompt__message").innerText(),
    update: await prompt.locator(".update-prompt__update").innerText(),
  };
  await language(page, "en");

  // The last words typed, and straight away "Update": the draft's debounce has not run yet;
  // leaving the page must still keep them.
  await page.locator("#conversation-notes").click();
  await page.locator("#conversation-notes").press("End");
  await page.locator("#conversation-notes").pressSequentially(NOTES[2]);
  const loadsAtClick = loads;
  await Promise.all([page.waitForEvent("load"), prompt.locator(".update-prompt__update").click()]);
  await page.locator("#conversation-with").waitFor();
  await page.waitForFunction(async () => !(await navigator.serviceWorker.getRegistration()).waiting);
  report.steps.applied = {
    reloads: loads - loadsAtClick,
    path: new URL(page.url()).pathname,
    build: await build(),
    sameDocument: await page.evaluate(() => window.__sameDocument ?? null),
    controller: await page.evaluate(() => navigator.serviceWorker.controller?.state ?? null),
    promptHidden: await prompt.isHidden(),
    typed: await typed(),
    restored: await page.locator(".logbook-editor > .notice").first().innerText(),
  };
  await shoot(page, shots, "update-applied");
} catch (err) {
  await failed(run, page, shots, err);
}
server.close();
await finish(run);
