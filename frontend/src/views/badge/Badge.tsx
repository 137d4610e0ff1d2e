import { useTranslation } from "../../i18n/hooks";

/** A scanned badge link (`/b/<token>`): the meetup form comes with the logbook screens. */
export function Badge() {
  const { t } = useTranslation();
  return (
    <section class="badge">
      <h1>{t("meetupSource.badge_scan")}</h1>
      <p class="notice">{t("badge.later")}</p>
      <a href="/">{t("nav.conferences")}</a>
    </section>
  );
}
