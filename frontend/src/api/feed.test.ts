import { describe, expect, it, vi } from "vitest";

import { ApiError, createClient, type FetchLike } from "./client";
import { feedPath, feedSettings, issueFeed } from "./feed";

const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** A fake server: auth/csrf answers a token, feed/ answers `answer`. */
function serving(answer: () => Response) {
  const fetch = vi.fn<FetchLike>((url) => Promise.resolve(url.endsWith("/auth/csrf") ? json({ csrf_token: "t0k" }, 200) : answer()));
  return { fetch, api: createClient({ fetch }) };
}

const issued = {
  active: true,
  created_at: "2026-10-22T08:00:00Z",
  include_followups: false,
  include_meetups: false,
  url: "https://boardwalk.example/feeds/abc.ics",
  webcal_url: "webcal://boardwalk.example/feeds/abc.ics",
  qr_svg: "<svg/>",
};

describe("the private feed", () => {
  it("issues with a CSRF-protected POST and returns the URL shown once", async () => {
    const { fetch, api } = serving(() => json(issued, 201));
    await expect(issueFeed(api, "eccv demo")).resolves.toMatchObject({ url: issued.url, webcal_url: issued.webcal_url });
    const [url, init] = fetch.mock.calls.at(-1)!;
    expect(url).toBe("/api/v1/conferences/eccv%20demo/feed/");
    expect(init?.method).toBe("POST");
    expect((init?.headers as Record<string, string>)["X-CSRFToken"]).toBe("t0k");
    expect(feedPath("x")).toBe("/api/v1/conferences/x/feed/");
  });

  it("reads whether a feed is active", async () => {
    const { api } = serving(() => json({ active: false, created_at: null, include_followups: false, include_meetups: false }, 200));
    await expect(feedSettings(api, "c")).resolves.toMatchObject({ active: false });
  });

  it("throws the API's detail for a refusal and a parse error for a body without a URL", async () => {
    const refused = await issueFeed(serving(() => json({ detail: "Not a participant.", errors: {} }, 404)).api, "c").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ kind: "http", status: 404, message: "Not a participant." });
    const odd = await issueFeed(serving(() => json({ active: true }, 201)).api, "c").catch((e: unknown) => e);
    expect(odd).toMatchObject({ kind: "parse" });
  });
});
