import { describe, expect, it } from "vitest";

import { isApi, isAppRoute, isHashedAsset, isMedia, isServerPath, isShellMeta } from "./sw-routes";

describe("isAppRoute", () => {
  it.each(["/", "/conferences/eccv-demo/", "/plan/today", "/b/Zq3-x_9AbCdEfGhIjKlMnOpQrStUvWxY"])(
    "answers %s with the shell",
    (path) => expect(isAppRoute(path)).toBe(true),
  );

  it.each([
    "/api/v1/conferences/",
    "/admin/",
    "/feeds/conference/eccv.ics",
    "/static/admin/css/base.css",
    "/media/photo.jpg",
    "/healthz",
    "/csp-report",
    "/assets/index-Ba0sJc0N.js",
    "/sw.js",
    "/manifest.webmanifest",
  ])("leaves %s to Django", (path) => expect(isAppRoute(path)).toBe(false));

  it("does not mistake a route that merely starts like a server path", () => {
    expect(isServerPath("/healthzone/")).toBe(false);
    expect(isAppRoute("/apiary/")).toBe(true);
  });
});

describe("resource kinds", () => {
  it("tells hashed assets from stable names", () => {
    expect(isHashedAsset("/assets/index-Ba0sJc0N.js")).toBe(true);
    expect(isHashedAsset("/assets/workbox-window.prod.es5-Bd17z0YL.js")).toBe(true);
    expect(isHashedAsset("/assets/logo.svg")).toBe(false);
    expect(isShellMeta("/manifest.webmanifest")).toBe(true);
    expect(isShellMeta("/icons/icon.svg")).toBe(true);
    expect(isShellMeta("/index.html")).toBe(false);
  });

  it("keeps the API and media apart", () => {
    expect(isApi("/api/v1/conferences/eccv/conversations/")).toBe(true);
    expect(isMedia("/api/v1/conferences/eccv/conversations/")).toBe(false);
    expect(isMedia("/media/conferences/eccv/logo.png")).toBe(true);
    expect(isApi("/media/conferences/eccv/logo.png")).toBe(false);
  });
});
