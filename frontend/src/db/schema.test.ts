import "fake-indexeddb/auto";

import { describe, expect, it } from "vitest";

import { bundleRows, DB_VERSION, metaGet, MIGRATIONS, openDb, type Migration } from "./index";

const STORES = [
  "booths", "bundleMeta", "conflicts", "conversations", "failed", "meals", "meta", "meetups",
  "orals", "outbox", "papers", "people", "photos", "plan", "posters", "rooms", "sessions", "tracks",
];

describe("the IndexedDB schema", () => {
  it("creates every store at version 1", async () => {
    const db = await openDb({ name: "schema-v1" });

    expect(DB_VERSION).toBe(1);
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames].sort()).toEqual([...STORES].sort());
    const tx = db.transaction(["sessions", "posters", "outbox"]);
    expect([...tx.objectStore("sessions").indexNames]).toEqual(["by-start"]);
    expect([...tx.objectStore("posters").indexNames]).toEqual(["by-session"]);
    expect([...tx.objectStore("outbox").indexNames].sort()).toEqual(["by-entity", "by-path"]);
    expect(tx.objectStore("outbox").autoIncrement).toBe(true);
    db.close();
  });

  it("upgrades a version 1 database to a version 2 in place, keeping its data", async () => {
    const v1 = await openDb({ name: "schema-upgrade" });
    await v1.put("papers", { conf: "eccv", id: 5, title: "Depth from Nothing", authors: [] });
    await v1.put("meta", "en", "locale");
    v1.close();
    // What a v2 might do: a new store, and data changed inside the same upgrade transaction.
    const v2: Migration = (db, tx) => {
      (db as unknown as IDBDatabase).createObjectStore("drafts", { keyPath: "id" });
      void tx.objectStore("meta").put("ko", "locale");
    };

    const upgraded = await openDb({ name: "schema-upgrade", migrations: [...MIGRATIONS, v2] });

    expect(upgraded.version).toBe(2);
    expect([...upgraded.objectStoreNames]).toContain("drafts");
    expect(await bundleRows(upgraded, "papers", "eccv")).toEqual([{ conf: "eccv", id: 5, title: "Depth from Nothing", authors: [] }]);
    expect(await metaGet(upgraded, "locale")).toBe("ko");
    upgraded.close();
  });

  it("closes an open older connection when another tab upgrades, and says so", async () => {
    let told = 0;
    const old = await openDb({ name: "schema-blocking", onVersionChange: () => told++ });
    const noop: Migration = () => undefined;

    const upgraded = await openDb({ name: "schema-blocking", migrations: [...MIGRATIONS, noop] });

    expect(upgraded.version).toBe(2);
    expect(told).toBe(1);
    await expect(old.get("meta", "x")).rejects.toThrow();
    upgraded.close();
  });
});
