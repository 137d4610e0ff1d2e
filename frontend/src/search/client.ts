/**
 * The app's side of the search worker. Importing this module loads no search code (MiniSearch
 * lives in the worker's own chunk).
 *
 *     const search = createSearchWorker();
 *     await search.load(text);                        // or build(bundle)
 *     await search.applyDelta(delta, "interspeech-2026");
 *     const hits = await search.search("트랜스포머", { limit: 50 });
 *     await db.put(..., await search.serialize());
 */

import type { Bundle } from "./documents";
import type { Envelope, Reply, SearchReplies, SearchRequest } from "./protocol";
import type { SearchOptions } from "./index";

export interface SearchPort {
  postMessage(message: Envelope): void;
  addEventListener(type: "message", listener: (event: MessageEvent<Reply>) => void): void;
}

/** An error the worker threw (`name` is e.g. "SearchIndexError": rebuild from the bundle). */
export class SearchWorkerError extends Error {
  constructor(
    override name: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SearchClient {
  build(bundle: Bundle): Promise<SearchReplies["build"]>;
  load(text: string): Promise<SearchReplies["load"]>;
  applyDelta(delta: Bundle, conf: string): Promise<SearchReplies["applyDelta"]>;
  search(query: string, options?: SearchOptions): Promise<SearchReplies["search"]>;
  serialize(): Promise<SearchReplies["serialize"]>;
  /** Load the stored index of conference `conf`, or build it from db/'s rows and store it. */
  open(conf: string): Promise<SearchReplies["open"]>;
  /** db/ has just stored `body` (a delta, or a full bundle) for `conf`: update and store the index. */
  update(conf: string, body: Bundle): Promise<SearchReplies["update"]>;
  /** The port itself (a Worker: call terminate() on it when done). */
  port: SearchPort;
}

/** The performance measure each query records, worker round trip included (bench/pwa reads it). */
export const SEARCH_MEASURE = "boardwalk:search";

/** Record `name` on the page's performance timeline from now until `work` settles. */
export function measured<T>(name: string, work: Promise<T>): Promise<T> {
  const start = performance.now();
  const done = () => {
    performance.measure(name, { start, end: performance.now() });
  };
  work.then(done, done);
  return work;
}

/** A client over any port that speaks protocol.ts (a Worker, or a MessagePort in tests). */
export function searchClient(port: SearchPort): SearchClient {
  let next = 1;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  port.addEventListener("message", (event) => {
    const reply = event.data;
    const call = waiting.get(reply.id);
    if (!call) return;
    waiting.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(new SearchWorkerError(reply.name, reply.message));
  });
  const send = <R>(request: SearchRequest) =>
    new Promise<R>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      port.postMessage({ id, ...request });
    });
  return {
    build: (bundle) => send({ op: "build", bundle }),
    load: (text) => send({ op: "load", text }),
    applyDelta: (delta, conf) => send({ op: "applyDelta", delta, conf }),
    search: (query, options) => measured(SEARCH_MEASURE, send(options ? { op: "search", query, options } : { op: "search", query })),
    serialize: () => send({ op: "serialize" }),
    open: (conf) => send({ op: "open", conf }),
    update: (conf, body) => send({ op: "update", conf, body }),
    port,
  };
}

/** Start the search worker (a module worker Vite bundles with its own chunk). */
export function createSearchWorker(): SearchClient & { port: Worker } {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "search" });
  return searchClient(worker) as SearchClient & { port: Worker };
}
