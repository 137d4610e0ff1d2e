import { describe, expect, it } from "vitest";

import { appScope } from "./scope";

describe("appScope", () => {
  it("lets the router take app links and leaves Django's to the browser", () => {
    for (const href of ["/", "/signin", "/conferences/eccv-demo/", "/conferences/eccv-demo/posters/42", "/b/Zq3-x_9A", "/?pick"]) {
      expect(appScope.test(href), href).toBe(true);
    }
    for (const href of ["/admin/", "/api/v1/docs/", "/feeds/plan/abc.ics", "/healthz", "https://example.org/", "/media/x.png"]) {
      expect(appScope.test(href), href).toBe(false);
    }
  });
});
