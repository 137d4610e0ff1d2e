/**
 * The conference bundle: downloaded once, then kept current with `?since=<version>` deltas.
 *
 * A delta is upserted row by row (cancelled rows included: they stay, marked cancelled) and the
 * version advances in the same IndexedDB transaction, so a closed page never leaves rows and
 * version apart. A full body (the first download, a `since` the server does not know, another
 * bundle format) replaces every row of the conference. The ETag of the last answer is sent as
 * If-None-Match when the next request asks the same thing (a 304 costs the server one query).
 */

import { ApiError, type ApiClient } from "../api/client";
import { bundleApply, bundleChecked, bundleMetaGet, type BoardwalkDb, type BundleBody, type BundleMeta } from "../db";

/** The bundle layout this app reads (planner/bundle.py BUNDLE_FORMAT). */
export const BUNDLE_FORMAT = 1;

export interface BundleSyncResult {
  /** `full`: everything replaced; `delta`: rows upserted; `not-modified`: 304; `stale`: another
   * tab had already stored a newer version. */
  outcome: "full" | "delta" | "not-modified" | "stale";
  version: number;
  /** Rows written (rooms and tracks included). */
  rows: number;
}

export interface BundleSyncOptions {
  signal?: AbortSignal;
  now?: () => number;
  /** Called with each body once db/ has stored it (the search index follows the rows). */
  onApplied?: (body: BundleBody) => void;
}

/** The performance measure around storing a body in IndexedDB (bench/pwa reads it). */
export const APPLY_MEASURE = "boardwalk:bundle-apply";

/**
 * Bring one conference's program up to date. Throws ApiError: `network` offline (keep showing
 * what is stored, with its `checkedAt`), `http` for a 4xx/5xx, `parse` for a body this app
 * cannot read (a newer bundle format: the app needs an update).
 */
export async function syncBundle(
  db: BoardwalkDb,
  api: ApiClient,
  slug: string,
  options: BundleSyncOptions = {},
): Promise<BundleSyncResult> {
  const now = options.now ?? Date.now;
  const meta = await bundleMetaGet(db, slug);
  const usable = meta !== undefined && meta.format === BUNDLE_FORMAT;
  const since = usable ? meta.version : null;
  const result = await fetchAndApply(db, api, slug, since, usable ? meta : undefined, options, now);
  if (result !== "gap") return result;
  // The stored rows moved under us (another tab, a cleared store): start again from scratch.
  const again = await fetchAndApply(db, api, slug, null, undefined, options, now);
  if (again === "gap") throw new Error("A full bundle cannot leave a gap");
  return again;
}

async function fetchAndApply(
  db: BoardwalkDb,
  api: ApiClient,
  slug: string,
  since: number | null,
  meta: BundleMeta | undefined,
  options: BundleSyncOptions,
  now: () => number,
): Promise<BundleSyncResult | "gap"> {
  // An ETag validates one URL: the full bundle's does not validate a delta, nor one delta another.
  const etag = meta && meta.etagSince === since ? meta.etag : null;
  const answer = await api.bundle(slug, { since, etag, ...(options.signal ? { signal: options.signal } : {}) });
  const at = new Date(now()).toISOString();
  if (answer.notModified) {
    await bundleChecked(db, slug, at);
    return { outcome: "not-modified", version: meta?.version ?? 0, rows: 0 };
  }
  const body = answer.bundle;
  if (body.format !== BUNDLE_FORMAT) {
    throw new ApiError("parse", `Bundle format ${body.format} is newer than this app (${BUNDLE_FORMAT}): update the app`, 200);
  }
  if (!body.full && (meta === undefined || body.since !== since)) return "gap";
  try {
    const started = performance.now();
    const applied = await bundleApply(db, slug, body, { etag: answer.etag, etagSince: since, at });
    performance.measure(APPLY_MEASURE, { start: started, end: performance.now(), detail: { full: body.full, rows: applied.rows } });
    if (applied.applied) options.onApplied?.(body);
    if (!applied.applied) return { outcome: "stale", version: body.version, rows: 0 };
    return { outcome: body.full ? "full" : "delta", version: body.version, rows: applied.rows };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("Delta since")) return "gap";
    throw error;
  }
}
