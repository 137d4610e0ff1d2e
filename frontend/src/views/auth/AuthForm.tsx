import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";

import { api } from "../../api/client";
import { setMe } from "../../app/runtime";
import { signIn, signUp, type FormFailure, type FormResult } from "../../app/session";
import { errorMessage } from "../../i18n/errors";
import { useTranslation } from "../../i18n/hooks";

/** The message above the form: the lockout's wait, else the API's detail in our words. */
export function failureSummary(failure: FormFailure, t: ReturnType<typeof useTranslation>["t"]): string {
  if (failure.retryAfter !== null) return t("auth.lockedOut", { count: Math.max(1, Math.ceil(failure.retryAfter / 60)) });
  if (failure.error.status === 400 && !Object.keys(failure.errors).length) return t("auth.invalidCredentials");
  return errorMessage(failure.error);
}

function FieldErrors({ id, messages }: { id: string; messages: string[] | undefined }) {
  if (!messages?.length) return null;
  return (
    <ul class="field__errors" id={id}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

export function AuthForm({ mode }: { mode: "signin" | "signup" }) {
  const { t } = useTranslation();
  const { route } = useLocation();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<FormFailure | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? "");
    setBusy(true);
    setError(null);
    setFailure(null);
    try {
      const result: FormResult =
        mode === "signin"
          ? await signIn(api, field("email"), field("password"))
          : await signUp(api, field("email"), field("password"), field("display_name"));
      if (result.ok) {
        setMe(result.me);
        route("/");
      } else {
        setFailure(result.failure);
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const errors = failure?.errors ?? {};
  const input = (name: string, type: "text" | "email" | "password", label: string, autocomplete: string) => (
    <div class="field">
      <label for={`auth-${name}`}>{label}</label>
      <input
        id={`auth-${name}`}
        name={name}
        type={type as "text"} // preact types each input type apart; all three take the same props here
        autocomplete={autocomplete}
        required={name !== "display_name"}
        aria-invalid={errors[name] ? "true" : undefined}
        aria-describedby={errors[name] ? `auth-${name}-errors` : undefined}
      />
      <FieldErrors id={`auth-${name}-errors`} messages={errors[name]} />
    </div>
  );

  return (
    <section class="auth" aria-labelledby="auth-title">
      <h1 id="auth-title">{mode === "signin" ? t("auth.signIn") : t("auth.signUp")}</h1>
      {(failure || error !== null) && (
        <p class="notice notice--error" role="alert">
          {failure ? failureSummary(failure, t) : errorMessage(error)}
        </p>
      )}
      <form class="form" onSubmit={submit} noValidate={false}>
        {input(
          "email",
          mode === "signin" ? "text" : "email",
          t(mode === "signin" ? "auth.emailOrUsername" : "auth.email"),
          "username",
        )}
        {mode === "signup" && input("display_name", "text", t("auth.displayName"), "name")}
        {input("password", "password", t("auth.password"), mode === "signin" ? "current-password" : "new-password")}
        <button type="submit" class="button button--primary" disabled={busy}>
          {mode === "signin" ? t("auth.signIn") : t("auth.signUp")}
        </button>
      </form>
      <p class="auth__switch">
        {mode === "signin" ? t("auth.noAccount") : t("auth.haveAccount")}{" "}
        <a href={mode === "signin" ? "/signup" : "/signin"}>{mode === "signin" ? t("auth.signUp") : t("auth.signIn")}</a>
      </p>
    </section>
  );
}
