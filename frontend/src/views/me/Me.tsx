import { useRoute } from "preact-iso";
import { useEffect, useRef, useState } from "preact/hooks";

import { api } from "../../api/client";
import { fetchBadge, patchSharedFields, type BadgeInfo, type SharedField } from "../../api/me";
import { getDb, useMe, useOnline } from "../../app/runtime";
import { InstallButton } from "../../components/InstallButton";
import { SignOutButton } from "../../components/SignOut";
import { errorMessage } from "../../i18n/errors";
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
 * reminder lead time, quiet hours, digest), installing the app (where the browser can), language,
 * sign out.
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
      <InstallButton />
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
          <SharedFields
            slug={slug}
            fields={badge.sharedFields}
            onSaved={async (fresh) => setBadge(await storeBadge(await getDb(), slug, owner, fresh))}
          />
          {full && <FullBadge url={badge.url} onClose={() => setFull(false)} />}
        </>
      )}
    </section>
  );
}

const FIELD_ORDER: SharedField[] = ["display_name", "affiliation", "email", "homepage", "orcid", "openreview"];

/** What a scan of my badge shares: ticked fields, saved with one PATCH (online only). */
function SharedFields({ slug, fields, onSaved }: { slug: string; fields: SharedField[]; onSaved: (badge: BadgeInfo) => Promise<void> }) {
  const { t } = useTranslation();
  const online = useOnline();
  const [chosen, setChosen] = useState<SharedField[]>(fields);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => setChosen(fields), [fields.join()]);

  const ordered = FIELD_ORDER.filter((field) => chosen.includes(field));
  const dirty = ordered.join() !== FIELD_ORDER.filter((field) => fields.includes(field)).join();

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSaved(await patchSharedFields(api, slug, ordered));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="me__shared" onSubmit={(event) => void save(event)}>
      <fieldset class="me__fieldset">
        <legend>{t("me.sharedTitle")}</legend>
        <div class="me__shared-list">
          {FIELD_ORDER.map((field) => (
            <label key={field} class="me__check me__shared-field" data-field={field} data-shared={fields.includes(field)}>
              <input
                type="checkbox"
                name={field}
                checked={chosen.includes(field)}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setChosen((current) => (on ? [...current, field] : current.filter((f) => f !== field)));
                  setSaved(false);
                }}
              />
              {t(`me.field.${field}`)}
            </label>
          ))}
        </div>
        <p class="muted me__fieldset-hint">{t("me.sharedHint")}</p>
        <p class="me__actions">
          <button type="submit" class="button me__shared-save" disabled={!dirty || busy || !online}>
            {busy ? t("me.working") : t("me.sharedSave")}
          </button>
          <span class="me__saved" aria-live="polite">
            {saved && !dirty ? t("me.saved") : ""}
          </span>
        </p>
        {!online && dirty && <p class="muted">{t("me.needsConnection")}</p>}
        <p role="alert" class="me__error">
          {error !== null ? errorMessage(error) : ""}
        </p>
      </fieldset>
    </form>
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
