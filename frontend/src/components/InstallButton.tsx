import { useEffect, useState } from "preact/hooks";

import { installState, promptInstall, subscribeInstall, type InstallState } from "../app/install";
import { useTranslation } from "../i18n/hooks";
import "./install-button.css";

/** The iOS share glyph (a box with an arrow up), as Safari draws it. */
function ShareGlyph() {
  return (
    <svg class="install__share" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path d="M12 3v12M7.5 7.5 12 3l4.5 4.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
      <path d="M8 11H6v10h12V11h-2" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
    </svg>
  );
}

/**
 * "Install Boardwalk": the browser's install dialog where it offers one (`beforeinstallprompt`,
 * Chrome on Android and desktop), the "Share → Add to Home Screen" steps in Safari on iOS, and
 * nothing when the app already runs installed or the browser cannot install it. Placed on Home
 * and on Me; `state` forces a state for tests and stories.
 */
export function InstallButton({ state: forced }: { state?: InstallState }) {
  const { t } = useTranslation();
  const [live, setLive] = useState<InstallState>(installState);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    setLive(installState());
    return subscribeInstall(() => setLive(installState()));
  }, []);
  const state = forced ?? live;
  if (dismissed || state === "installed" || state === "none") return null;

  return (
    <section class="install" aria-labelledby="install-title">
      <h2 id="install-title" class="install__title">
        {t("install.title")}
      </h2>
      <p class="install__why">{t("install.why")}</p>
      {state === "prompt" ? (
        <div class="install__actions">
          <button type="button" class="install__button" onClick={() => void promptInstall()}>
            {t("install.button")}
          </button>
          <button type="button" class="install__later" onClick={() => setDismissed(true)}>
            {t("install.later")}
          </button>
        </div>
      ) : (
        <>
          <ol class="install__steps">
            <li>
              {t("install.iosShare")} <ShareGlyph />
            </li>
            <li>{t("install.iosAdd")}</li>
            <li>{t("install.iosConfirm")}</li>
          </ol>
          <div class="install__actions">
            <button type="button" class="install__later" onClick={() => setDismissed(true)}>
              {t("install.later")}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
