/**
 * The calendar link as this device keeps it: the server shows it once, when issued, so it is
 * stored in IndexedDB's meta store (per conference) to be shown again, offline included.
 */

import { metaDelete, metaGet, metaSet, type BoardwalkDb } from "../../db";

export interface StoredFeed {
  /** https:// (opens or downloads the .ics) and webcal:// (subscribes). */
  url: string;
  webcal: string;
  issuedAt: string;
}

const key = (conf: string) => `calendarFeed:${conf}`;

export const storedFeed = (db: BoardwalkDb, conf: string): Promise<StoredFeed | undefined> => metaGet<StoredFeed>(db, key(conf));

export const storeFeed = (db: BoardwalkDb, conf: string, feed: StoredFeed): Promise<void> => metaSet(db, key(conf), feed);

/** The server says no feed is active (revoked elsewhere): the stored URL answers 404 now. */
export const forgetFeed = (db: BoardwalkDb, conf: string): Promise<void> => metaDelete(db, key(conf));
