import { useEffect, useState } from "preact/hooks";

import { api } from "../../api/client";
import { fetchPreferences, fetchPushKey, FieldErrors, isNetwork, patchPreferences, type Preferences } from "../../api/me";
import { useOnline } from "../../app/runtime";
import { errorMessage } from "../../i18n/errors";
import { t } from "../../i18n";
import { useTranslation } from "../../i18n/hooks";
import { changesOf, formOf, LEAD_TIMES, type Form } from "./prefs";
import { currentSubscription, PushTimeout, pushEnvironment, pushSubscribe, pushSupport, pushUnsubscribe } from "./push";

/** What the push block says: the browser's abilities, the server's key, the permission, the subscription. */
export type PushView = "checking" | "unsupported" | "ios-install" | "disabled" | "denied" | "on" | "off";

export function NotificationSettings({ slug }: { slug: string }) {
  const { t } = useTranslation();
  return (
    <section class="me__section me__notifications" aria-labelledby="me-notifications">
      <h2 id="me-notifications">{t("me.notificationsTitle")}</h2>
      <PushOnThisDevice slug={slug} />
      <PreferencesForm slug={slug} />
    </section>
  );
}

function PushOnThisDevice({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const online = useOnline();
  const [view, setView] = useState<PushView>("checking");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState("");

  useEffect(() => {
    let gone = false;
    void (async () => {
      const support = pushSupport(pushEnvironment());
      if (support !== "supported") return setView(support);
      if (Notification.permission === "denied") return setView("denied");
      const subscription = await currentSubscription().catch(() => null);
      if (gone) return;
      if (subscription) return setView("on");
      if (navigator.onLine) {
        const key = await fetchPushKey(api, slug).catch(() => null);
        if (gone) return;
        if (key && !key.enabled) return setView("disabled");
      }
      setView("off");
    })();
    return () => {
      gone = true;
    };
  }, [slug]);

  async function turnOn() {
    setBusy(true);
    setError(null);
    setNote("");
    try {
      const result = await pushSubscribe(api, slug);
      if (result === "subscribed") setView("on");
      else if (result === "denied") setView("denied");
      else if (result === "disabled") setView("disabled");
      else setNote(t("me.pushDismissed"));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function turnOff() {
    setBusy(true);
    setError(null);
    setNote("");
    try {
      await pushUnsubscribe(api, slug);
      setView("off");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const text: Record<PushView, string> = {
    checking: "",
    unsupported: t("me.pushUnsupported"),
    "ios-install": t("me.pushIosInstall"),
    disabled: t("me.pushDisabled"),
    denied: t("me.pushDenied"),
    on: t("me.pushOn"),
    off: t("me.pushOff"),
  };
  return (
    <div class="me__push" data-push={view}>
      <h3>{t("me.pushTitle")}</h3>
      <p class={view === "on" || view === "off" || view === "checking" ? "me__push-state" : "notice me__push-state"} aria-live="polite">
        {text[view]}
      </p>
      {view === "off" && (
        <button type="button" class="button button--primary me__push-on" disabled={busy || !online} onClick={() => void turnOn()}>
          {busy ? t("me.working") : t("me.pushTurnOn")}
        </button>
      )}
      {view === "on" && (
        <button type="button" class="button me__push-off" disabled={busy || !online} onClick={() => void turnOff()}>
          {busy ? t("me.working") : t("me.pushTurnOff")}
        </button>
      )}
      {!online && (view === "on" || view === "off") && <p class="muted">{t("me.needsConnection")}</p>}
      {note && <p class="muted">{note}</p>}
      <p role="alert" class="me__error me__push-error">
        {error !== null ? `${t("me.pushFailed")} ${pushErrorText(error)}` : ""}
      </p>
    </div>
  );
}

/** An API failure in the user's words; the browser's own refusal (push service unreachable) as it said it. */
function pushErrorText(error: unknown): string {
  if (error instanceof PushTimeout) return t("me.pushTimeout");
  if (error instanceof DOMException || (error instanceof Error && !("kind" in error))) return error.message;
  return errorMessage(error);
}

function PreferencesForm({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const online = useOnline();
  const [loaded, setLoaded] = useState<Preferences | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!online || loaded) return;
    let gone = false;
    void fetchPreferences(api, slug)
      .then((p) => {
        if (gone) return;
        setLoaded(p);
        setForm(formOf(p));
        setError(null);
      })
      .catch((caught) => !gone && setError(caught));
    return () => {
      gone = true;
    };
  }, [slug, online, loaded]);

  if (!loaded || !form) {
    return (
      <div class="me__prefs">
        {!online || isNetwork(error) ? (
          <p class="notice">{t("me.prefsOffline")}</p>
        ) : error === null ? (
          <p class="muted">{t("me.prefsLoading")}</p>
        ) : null}
        <p role="alert" class="me__error">
          {error !== null && !isNetwork(error) ? errorMessage(error) : ""}
        </p>
      </div>
    );
  }

  const set = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    setSaved(false);
  };
  const changes = changesOf(formOf(loaded), form);
  const dirty = Object.keys(changes).length > 0;

  async function save(event: Event) {
    event.preventDefault();
    if (!dirty || !form) return;
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const next = await patchPreferences(api, slug, changes);
      setLoaded(next);
      setForm(formOf(next));
      setSaved(true);
    } catch (caught) {
      if (caught instanceof FieldErrors) setFields(caught.fields);
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (name: string) =>
    fields[name]?.length ? (
      <span class="me__field-error" id={`pref-${name}-error`}>
        {fields[name]!.join(" ")}
      </span>
    ) : null;
  const describedBy = (name: string) => (fields[name]?.length ? `pref-${name}-error` : undefined);
  const otherErrors = Object.entries(fields)
    .filter(([name]) => !(name in form))
    .flatMap(([, messages]) => messages);
  const minutes = Number(form.reminder_minutes);
  const leadTimes = LEAD_TIMES.includes(minutes) ? LEAD_TIMES : [...LEAD_TIMES, minutes].sort((a, b) => a - b);

  return (
    <form class="me__prefs" onSubmit={(event) => void save(event)} noValidate>
      <fieldset class="me__fieldset">
        <legend>{t("me.channels")}</legend>
        <label class="me__check">
          <input type="checkbox" name="push" checked={form.push} onChange={(e) => set({ push: e.currentTarget.checked })} aria-describedby={describedBy("push")} />
          {t("me.channelPush")}
        </label>
        {fieldError("push")}
        <label class="me__check">
          <input type="checkbox" name="email" checked={form.email} onChange={(e) => set({ email: e.currentTarget.checked })} aria-describedby={describedBy("email")} />
          {t("me.channelEmail")}
        </label>
        {fieldError("email")}
        <label class="me__check">
          <input type="checkbox" name="in_app" checked disabled />
          {t("me.channelInApp")}
        </label>
      </fieldset>

      <label class="me__field">
        <span>{t("me.leadTime")}</span>
        <select
          name="reminder_minutes"
          value={form.reminder_minutes}
          onChange={(e) => set({ reminder_minutes: e.currentTarget.value })}
          aria-invalid={fields.reminder_minutes ? true : undefined}
          aria-describedby={describedBy("reminder_minutes")}
        >
          {leadTimes.map((m) => (
            <option key={m} value={String(m)}>
              {m === 0 ? t("me.atStart") : t("me.minutesBefore", { count: m })}
            </option>
          ))}
        </select>
        {fieldError("reminder_minutes")}
      </label>

      <fieldset class="me__fieldset">
        <legend>{t("me.quietHours")}</legend>
        <p class="muted me__fieldset-hint">{t("me.quietHint")}</p>
        <div class="me__times">
          <label class="me__field">
            <span>{t("me.from")}</span>
            <input
              type="time"
              name="quiet_hours_start"
              value={form.quiet_hours_start}
              onInput={(e) => set({ quiet_hours_start: e.currentTarget.value })}
              aria-invalid={fields.quiet_hours_start ? true : undefined}
              aria-describedby={describedBy("quiet_hours_start")}
            />
          </label>
          <label class="me__field">
            <span>{t("me.until")}</span>
            <input
              type="time"
              name="quiet_hours_end"
              value={form.quiet_hours_end}
              onInput={(e) => set({ quiet_hours_end: e.currentTarget.value })}
              aria-invalid={fields.quiet_hours_end ? true : undefined}
              aria-describedby={describedBy("quiet_hours_end")}
            />
          </label>
        </div>
        {fieldError("quiet_hours_start")}
        {fieldError("quiet_hours_end")}
      </fieldset>

      <label class="me__field">
        <span>{t("me.digest")}</span>
        <input
          type="time"
          name="digest_time"
          value={form.digest_time}
          onInput={(e) => set({ digest_time: e.currentTarget.value })}
          aria-invalid={fields.digest_time ? true : undefined}
          aria-describedby={describedBy("digest_time")}
        />
        <span class="muted">{t("me.digestHint")}</span>
        {fieldError("digest_time")}
      </label>

      <p class="muted me__zone">{t("me.zoneNote", { zone: loaded.timezone })}</p>
      <p class="me__actions">
        <button type="submit" class="button button--primary me__save" disabled={!dirty || busy || !online}>
          {busy ? t("me.working") : t("me.save")}
        </button>
        <span class="me__saved" aria-live="polite">
          {saved ? t("me.saved") : ""}
        </span>
      </p>
      {!online && <p class="muted">{t("me.needsConnection")}</p>}
      <p role="alert" class="me__error me__prefs-error">
        {error === null ? "" : error instanceof FieldErrors && otherErrors.length === 0 ? t("errors.validation") : [errorMessage(error), ...otherErrors].join(" ")}
      </p>
    </form>
  );
}
