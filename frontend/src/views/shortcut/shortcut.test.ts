import "fake-indexeddb/auto";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { openDb, metaSet, type BoardwalkDb } from "../../db";

let db: BoardwalkDb;
vi.mock("../../app/runtime", () => ({
  getDb: () => Promise.resolve(db),
  lastConference: () => import("../../db").then(({ metaGet }) => metaGet<string>(db, "lastConference")),
}));

const { shortcutTarget } = await import("./Shortcut");

async function storeBundle(conf: string) {
  await db.put("bundleMeta", { conf, format: 1, version: 1, conference: {} as never, etag: null, etagSince: null, updatedAt: "", checkedAt: "" });
}

beforeEach(async () => {
  db = await openDb({ name: `shortcut-${crypto.randomUUID()}` });
});

describe("shortcutTarget", () => {
  it("opens the screen of the conference used last", async () => {
    await storeBundle("eccv-demo");
    await storeBundle("neurips");
    await metaSet(db, "lastConference", "neurips");
    expect(await shortcutTarget("scan")).toBe("/conferences/neurips/scan");
    expect(await shortcutTarget("logbook")).toBe("/conferences/neurips/logbook");
    expect(await shortcutTarget("now")).toBe("/conferences/neurips/");
  });

  it("else the only conference stored here, else the picker", async () => {
    expect(await shortcutTarget("now")).toBe("/?pick");
    await storeBundle("eccv-demo");
    expect(await shortcutTarget("logbook")).toBe("/conferences/eccv-demo/logbook");
    await storeBundle("neurips");
    expect(await shortcutTarget("logbook")).toBe("/?pick");
  });
});
