import { useEffect, useRef, useState } from "preact/hooks";

import { api } from "../../api/client";
import { feedSettings, issueFeed } from "../../api/feed";
import { getDb, useMe, useOnline } from "../../app/runtime";
import { errorMessage } from "../../i18n/errors";
import { useTranslation } from "../../i18n/hooks";
import { forgetFeed, storedFeed, storeFeed, type StoredFeed } from "./feed-store";
import { Qr } from "./Qr";

type ServerState = "unknown" | "none" | "active" | "other";

/**
 * The private iCal feed: issue the link, then subscribe (webcal), copy it, open it as https,
 * scan its QR, or reset it. The link is kept in IndexedDB, so it shows offline and later.
 */
export function CalendarFeed({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const online = useOnline();
  const me = useMe();
  // Who is signed in, as a value the effect can follow (undefined: not known yet).
  const who = me === undefined ? undefined : (me?.email ?? null);
  const [feed, setFeed] = useState<StoredFeed | null | undefined>(undefined);
  const [server, setServer] = useState<ServerState>("unknown");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState<"yes" | "manual" | null>(null);
  const [revoked, setRevoked] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let gone = false;
    void (async () => {
      const db = await getDb();
      const stored = (await storedFeed(db, slug)) ?? null;
      if (gone) return;
      setFeed(stored);
      // Signed out, the server would only answer 403 (which the browser logs as an error).
      if (!navigator.onLine || !who) return;
      try {
        const settings = await feedSettings(api, slug);
        if (gone) return;
        if (!settings.active) {
          // Turned off elsewhere: the stored URL answers 404 now, so stop showing it.
          if (stored) {
            await forgetFeed(db, slug);
            if (!gone) setRevoked(true);
          }
          setFeed(null);
          setServer("none");
        } else {
          // Issued again on another device: the stored URL is the old, dead one.
          const same = stored !== null && stored.issuedAt === settings.created_at;
          if (stored && !same) await forgetFeed(db, slug);
          if (!gone) {
            setFeed(same ? stored : null);
            setServer(same ? "active" : "other");
          }
        }
      } catch {
        // Offline after all, or signed out: the stored link (if any) is what we have.
      }
    })();
    return () => {
      gone = true;
    };
  }, [slug, who]);

  async function issue() {
    if ((feed || server === "other") && !window.confirm(t("calendar.resetConfirm"))) return;
    setBusy(true);
    setError(null);
    setCopied(null);
    try {
      const issued = await issueFeed(api, slug);
      const next: StoredFeed = { url: issued.url, webcal: issued.webcal_url, issuedAt: issued.created_at ?? new Date().toISOString() };
      await storeFeed(await getDb(), slug, next);
      setFeed(next);
      setServer("active");
      setRevoked(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!feed) return;
    try {
      await navigator.clipboard.writeText(feed.webcal);
      setCopied("yes");
    } catch {
      // No clipboard (an insecure context, an old browser, permission refused): select it.
      input.current?.focus();
      input.current?.select();
      setCopied("manual");
    }
  }

  if (feed === undefined || me === undefined) return null;
  return (
    <section class="calendar" aria-labelledby="calendar-title">
      <h2 id="calendar-title">{t("calendar.title")}</h2>
      <p class="muted">{t("plan.subscribeHint")}</p>
      {revoked && <p class="notice">{t("calendar.revoked")}</p>}
      {feed ? (
        <>
          <p>
            <a class="button button--primary calendar__subscribe" href={feed.webcal}>
              {t("calendar.webcal")}
            </a>
          </p>
          <label class="calendar__field">
            <span>{t("calendar.linkLabel")}</span>
            <input ref={input} class="calendar__url" type="text" readOnly value={feed.webcal} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <p class="calendar__actions">
            <button type="button" class="button" onClick={() => void copy()}>
              {t("plan.copyLink")}
            </button>
            <a class="calendar__https" href={feed.url}>
              {t("calendar.https")}
            </a>
          </p>
          <p class="calendar__copied" aria-live="polite">
            {copied === "yes" ? t("plan.copied") : copied === "manual" ? t("calendar.copyFallback") : ""}
          </p>
          <figure class="calendar__qr">
            <Qr text={feed.webcal} label={t("plan.qrLabel")} />
            <figcaption class="muted">{t("calendar.scanHint")}</figcaption>
          </figure>
          <p class="muted">{t("calendar.private")}</p>
          <p>
            <button type="button" class="button calendar__reset" disabled={busy || !online} onClick={() => void issue()}>
              {t("calendar.reset")}
            </button>
          </p>
          {!online && <p class="muted">{t("calendar.resetOffline")}</p>}
        </>
      ) : (
        <>
          {server === "other" && <p class="notice">{t("calendar.shownOnce")}</p>}
          <p>
            <button type="button" class="button button--primary calendar__issue" disabled={busy || !online || me === null} onClick={() => void issue()}>
              {busy ? t("calendar.issuing") : server === "other" ? t("calendar.reset") : t("calendar.issue")}
            </button>
          </p>
          {!online && <p class="notice">{t("calendar.issueOffline")}</p>}
          {online && me === null && (
            <p class="notice">
              {t("errors.signInRequired")} <a href="/signin">{t("auth.signIn")}</a>
            </p>
          )}
        </>
      )}
      <p role="alert" class="calendar__error">
        {error !== null ? errorMessage(error) : ""}
      </p>
    </section>
  );
}
