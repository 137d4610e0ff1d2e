/**
 * My badge as this device keeps it, per conference, in IndexedDB's meta store: the URL its QR
 * holds (`<SITE_URL>/b/<token>`) and what a scan shares, so the QR shows offline (it is drawn
 * here, from the URL). The key starts with `mine:`: signing out clears it (db/
 * PERSONAL_META_PREFIXES), and the next person on the phone never shows my badge.
 */

import type { BadgeInfo, SharedField } from "../../api/me";
import { metaGet, metaSet, type BoardwalkDb } from "../../db";

export interface StoredBadge {
  url: string;
  sharedFields: SharedField[];
  rotatedAt: string | null;
  /** Whose badge (the account's e-mail): another account's is never shown. */
  owner: string;
}

export const badgeKey = (conf: string) => `mine:badge:${conf}`;

export async function storedBadge(db: BoardwalkDb, conf: string, owner: string): Promise<StoredBadge | null> {
  const stored = await metaGet<StoredBadge>(db, badgeKey(conf));
  return stored && stored.owner === owner ? stored : null;
}

export async function storeBadge(db: BoardwalkDb, conf: string, owner: string, badge: BadgeInfo): Promise<StoredBadge> {
  const value: StoredBadge = { url: badge.url, sharedFields: [...badge.shared_fields], rotatedAt: badge.rotated_at, owner };
  await metaSet(db, badgeKey(conf), value);
  return value;
}
