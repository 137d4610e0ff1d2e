import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { useTranslation } from "../../i18n/hooks";
import { shortcutTarget } from "../shortcut/Shortcut";

/** Where a badge link opens: the Scan screen of the conference used last (or the only one
 * stored here), with the link filled in, one tap from logging the meetup. */
export async function badgeTarget(href: string): Promise<string | null> {
  const scan = await shortcutTarget("scan");
  return scan.startsWith("/conferences/") ? `${scan}?code=${encodeURIComponent(href)}` : null;
}

/** A badge link (`/b/<token>`) opened outside the app's Scan screen (a phone's camera app):
 * on to Scan with the link; with no conference on this device, the way to one. */
export function Badge() {
  const { t } = useTranslation();
  const { route } = useLocation();
  const [nowhere, setNowhere] = useState(false);
  useEffect(() => {
    void badgeTarget(location.href).then(
      (to) => (to ? route(to, true) : setNowhere(true)),
      () => setNowhere(true),
    );
  }, []);
  if (!nowhere)
    return (
      <p class="notice" role="status">
        {t("app.loading")}
      </p>
    );
  return (
    <section class="badge">
      <h1>{t("meetupSource.badge_scan")}</h1>
      <p class="notice">{t("badge.noConference")}</p>
      <a href="/?pick">{t("nav.conferences")}</a>
    </section>
  );
}
