/**
 * One place that turns a failure into words: the screens show `errorMessage(error)`.
 *
 * The API's own `detail` is shown for a 400/409/412 (it says which field or rule: the server
 * knows best); for the rest a message from our catalog in the user's language, since
 * "Offline or server unreachable" or "502 Bad Gateway" help nobody.
 */

import { t } from "./index";

/** The shape of `api/client.ts`'s `ApiError` (structural, so i18n does not depend on api/). */
export interface FailureLike {
  kind: "network" | "http" | "parse";
  status: number | null;
  message: string;
}

function isFailure(error: unknown): error is FailureLike {
  return (
    typeof error === "object" &&
    error !== null &&
    "kind" in error &&
    (error.kind === "network" || error.kind === "http" || error.kind === "parse") &&
    "status" in error &&
    "message" in error
  );
}

export function errorMessage(error: unknown): string {
  if (!isFailure(error)) return t("errors.generic");
  if (error.kind === "network") return t("errors.network");
  if (error.kind === "parse") return t("errors.server");
  const status = error.status ?? 0;
  if (status === 401) return t("errors.signInRequired");
  if (status === 403) return t("errors.forbidden");
  if (status === 404) return t("errors.notFound");
  if (status === 429) return t("errors.tooMany");
  if (status >= 500) return t("errors.server");
  return error.message.trim() || t("errors.validation");
}
