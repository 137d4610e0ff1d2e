import { isAppRoute } from "../sw-routes";

/**
 * The links the router handles in the page: app routes only. `/admin/`, `/api/v1/docs/`,
 * `/feeds/…` (server-paths.json) are Django's and must load as documents. preact-iso asks its
 * `scope` RegExp `test(href)`; this one answers with the service worker's own rule.
 */
export class AppScope extends RegExp {
  constructor() {
    super("^/");
  }

  override test(href: string): boolean {
    const url = new URL(href, "http://app.invalid/");
    return url.origin === "http://app.invalid" && isAppRoute(url.pathname);
  }
}

export const appScope = new AppScope();
