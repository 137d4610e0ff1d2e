/**
 * The one way screens get search: `await getSearch(slug)` → a client whose index is the
 * program db/ holds for that conference. Import this module lazily (`await
 * import("../search/session")`): it is its own small chunk, and the search engine lives in the
 * worker's chunk.
 *
 *     const { getSearch } = await import("../../search/session");
 *     const search = await getSearch(slug);          // loads (or, the first time, builds) in the worker
 *     const hits = await search.search("트랜스포머", { limit: 50 });
 *
 * One worker per page; calls for the same conference share one open. The index is loaded from
 * IndexedDB when it is at the stored bundle's version, else built from the stored rows, in the
 * worker, and stored (search/store.ts). After a bundle sync, `searchAfterSync` (app/runtime.ts
 * calls it) brings the index up to date and stores it again.
 */

import type { BundleBody } from "../db";
import { type SearchClient, createSearchWorker, measured } from "./client";
import type { Bundle } from "./documents";
import type { SearchReplies } from "./protocol";

/** Performance measures on the page's timeline (bench/pwa reads them). */
export const OPEN_MEASURE = "boardwalk:search-open";
export const UPDATE_MEASURE = "boardwalk:search-delta";
/** The worker's part of an update: applying the body to the index (no loading, no storing). */
export const UPDATE_APPLY_MEASURE = "boardwalk:search-delta-apply";

export interface SearchSession {
  conf: string;
  /** Where the index came from and the version it is at (after updates, the latest). */
  state: SearchReplies["open"];
  client: SearchClient;
  search: SearchClient["search"];
}

let worker: SearchClient | null = null;
let makeClient: () => SearchClient = createSearchWorker;
/** The open (or opening) session: one index at a time, so one conference. */
let current: { conf: string; session: Promise<SearchSession> } | null = null;

function client(): SearchClient {
  worker ??= makeClient();
  return worker;
}

/** Search over conference `slug`'s stored program. Rejects with a SearchWorkerError named
 * SearchIndexError when no program is stored for it yet (open the conference online). */
export function getSearch(slug: string): Promise<SearchSession> {
  if (current?.conf === slug) return current.session;
  const search = client();
  const session = measured(OPEN_MEASURE, search.open(slug)).then(
    (state): SearchSession => ({ conf: slug, state, client: search, search: search.search }),
  );
  const entry = { conf: slug, session };
  current = entry;
  // A failed open is not kept: the next call tries again (the program may have arrived).
  session.catch(() => {
    if (current === entry) current = null;
  });
  return session;
}

/**
 * db/ has just stored `body` for `slug`. A delta is applied to the index (the open one, else
 * the stored one, in the worker) and the index stored again; a full bundle replaces the open
 * index, and otherwise waits for the next `getSearch` (which sees the version changed and
 * builds). Never rejects: search catches up on its next open.
 */
export async function searchAfterSync(slug: string, body: BundleBody): Promise<void> {
  const open = current?.conf === slug ? current.session : null;
  if (body.full && !open) return;
  try {
    const session = await open;
    const updated = await measured(UPDATE_MEASURE, client().update(slug, body as Bundle));
    if (updated) {
      const { apply } = updated.timings;
      performance.measure(UPDATE_APPLY_MEASURE, { start: performance.now() - apply, duration: apply, detail: updated.timings });
    }
    if (session && updated) session.state = { ...updated, source: session.state.source };
  } catch {
    // An index that cannot be updated is rebuilt by the next getSearch.
    if (current?.conf === slug) current = null;
  }
}

/** Tests only: use this client factory and forget the open session. */
export function resetSearchForTests(factory: () => SearchClient): void {
  worker = null;
  current = null;
  makeClient = factory;
}
