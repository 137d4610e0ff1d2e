import { useRoute } from "preact-iso";
import { useEffect, useRef, useState } from "preact/hooks";

import { api } from "../../api/client";
import { fetchBadge, type SharedField } from "../../api/me";
import { getDb, useMe, useOnline } from "../../app/runtime";
import { SignOutButton } from "../../components/SignOut";
import { LanguageSwitch } from "../../i18n/LanguageSwitch";
import { useTranslation } from "../../i18n/hooks";
import { Qr } from "../plan/Qr";
import { storeBadge, storedBadge, type StoredBadge } from "./badge-store";
import { NotificationSettings } from "./NotificationSettings";
import { ScansReceived } from "./ScansReceived";
import { useWakeLock } from "./wake-lock";
import "./me.css";

/**
 * Me: my badge QR (full screen for others to scan, kept on this device for offline use), what
 * a scan shares, who scanned me, notification settings (Web Push on this device, channels,
 * reminder lead time, quiet hours, digest), language, sign out.
 */
export function Me() {
  const { t } = useTranslation();
  const { params } = useRoute();
  const slug = params.slug!;
  const me = useMe();

  if (me === undefined) return null;
  return (
    <section class="me" aria-labelledby="me-title">
      <h1 id="me-title">{t("me.title")}</h1>
      {me === null ? (
        <p class="notice">
          {t("me.signInFirst")} <a href="/signin">{t("auth.signIn")}</a>
        </p>
      ) : (
        <>
          <MyBadge slug={slug} owner={me.email} />
          <ScansReceived slug={slug} />
          <NotificationSettings slug={slug} />
        </>
      )}
      <section class="me__section" aria-labelledby="me-language">
        <h2 id="me-language">{t("language.label")}</h2>
        <LanguageSwitch />
      </section>
      {me !== null && (
        <section class="me__section me__signout" aria-labelledby="me-account">
          <h2 id="me-account">{t("me.account")}</h2>
          <p class="muted">{t("auth.signedInAs", { name: me.display_name || me.email })}</p>
          <SignOutButton class="button me__signout-button" />
        </section>
      )}
    </section>
  );
}

/** My badge: the stored copy at once (offline too), refreshed from the server when online. */
function MyBadge({ slug, owner }: { slug: string; owner: string }) {
  const { t } = useTranslation();
  const online = useOnline();
  const [badge, setBadge] = useState<StoredBadge | null | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const [full, setFull] = useState(false);

  useEffect(() => {
    let gone = false;
    void (async () => {
      const db = await getDb();
      const stored = await storedBadge(db, slug, owner);
      if (gone) return;
      setBadge(stored);
      if (!navigator.onLine) return;
      try {
        const fresh = await fetchBadge(api, slug);
        const kept = await storeBadge(db, slug, owner, fresh);
        if (!gone) setBadge(kept);
      } catch {
        if (!gone) setFailed(stored === null);
      }
    })();
    return () => {
      gone = true;
    };
  }, [slug, owner, online]);

  return (
    <section class="me__section me__badge" aria-labelledby="me-badge">
      <h2 id="me-badge">{t("me.badge")}</h2>
      {badge === undefined ? null : badge === null ? (
        <p class="notice">{failed || !online ? t("me.badgeUnavailable") : t("me.badgeLoading")}</p>
      ) : (
        <>
          <button type="button" class="me__qr-button" onClick={() => setFull(true)} aria-label={t("me.showFull")}>
            <Qr text={badge.url} label={t("me.badgeQr")} />
          </button>
          <p class="muted">{t("me.badgeHint")}</p>
          <p>
            <button type="button" class="button button--primary me__full" onClick={() => setFull(true)}>
              {t("me.showFull")}
            </button>
          </p>
          <SharedFields fields={badge.sharedFields} />
          {full && <FullBadge url={badge.url} onClose={() => setFull(false)} />}
        </>
      )}
    </section>
  );
}

const FIELD_ORDER: SharedField[] = ["display_name", "affiliation", "email", "homepage", "orcid", "openreview"];

function SharedFields({ fields }: { fields: SharedField[] }) {
  const { t } = useTranslation();
  return (
    <div class="me__shared">
      <h3>{t("me.sharedTitle")}</h3>
      <ul class="me__shared-list">
        {FIELD_ORDER.map((field) => {
          const shared = fields.includes(field);
          return (
            <li key={field} class={`me__shared-field${shared ? " me__shared-field--on" : ""}`} data-field={field} data-shared={shared}>
              <span aria-hidden="true">{shared ? "✓" : "—"}</span> {t(`me.field.${field}`)}
              <span class="visually-hidden">{shared ? t("me.shared") : t("me.notShared")}</span>
            </li>
          );
        })}
      </ul>
      <p class="muted">{t("me.sharedHint")}</p>
    </div>
  );
}

/** The badge on a white page the size of the screen, screen kept on; Escape or Close ends it. */
function FullBadge({ url, onClose }: { url: string; onClose: () => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const wake = useWakeLock(true);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    const closed = () => onClose();
    element.addEventListener("close", closed);
    return () => {
      element.removeEventListener("close", closed);
      if (element.open) element.close();
    };
  }, []);

  return (
    <dialog ref={dialog} class="badge-full" aria-labelledby="badge-full-title" data-wake-lock={wake}>
      <h2 id="badge-full-title" class="badge-full__title">
        {t("me.badge")}
      </h2>
      <div class="badge-full__qr">
        <Qr text={url} label={t("me.badgeQr")} />
      </div>
      <p class="badge-full__hint">{t("me.brightness")}</p>
      <p class="badge-full__wake" aria-live="polite">
        {wake === "held" ? t("me.wakeHeld") : wake === "off" ? "" : t("me.wakeUnavailable")}
      </p>
      <button type="button" class="button button--primary badge-full__close" onClick={() => dialog.current?.close()}>
        {t("me.close")}
      </button>
    </dialog>
  );
}
