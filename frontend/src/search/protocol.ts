/**
 * The messages between the app and the search worker (worker.ts), and the worker's handler,
 * kept apart from `self` so tests can drive it without a Worker.
 */

import type { BoardwalkDb } from "../db/schema";
import type { Bundle } from "./documents";
import {
  type DeltaResult,
  type SearchHit,
  type SearchIndex,
  type SearchOptions,
  SearchIndexError,
  applyDelta,
  buildIndex,
  deserialize,
  search,
  serialize,
} from "./index";
import { dbLookup } from "./lookup";
import { type IndexSource, type UpdateTimings, openIndex, updateIndex } from "./store";

export type SearchRequest =
  | { op: "build"; bundle: Bundle }
  | { op: "load"; text: string }
  /** `conf` is the conference slug db/ stores the rows under (the lookup reads them there). */
  | { op: "applyDelta"; delta: Bundle; conf: string }
  | { op: "search"; query: string; options?: SearchOptions }
  | { op: "serialize" }
  /** The index of the program db/ holds for `conf`: loaded from db/, or built there and stored. */
  | { op: "open"; conf: string }
  /** db/ has just stored `body` for `conf`: apply it to the index and store the index again. */
  | { op: "update"; conf: string; body: Bundle };

/** What each op answers. `build`, `load` and `applyDelta` answer the index's position. */
export interface SearchReplies {
  build: IndexState;
  load: IndexState;
  applyDelta: DeltaResult & IndexState;
  search: SearchHit[];
  serialize: string;
  open: IndexState & { source: IndexSource };
  /** null: no index in memory nor stored (the next `open` builds one). */
  update: (IndexState & { timings: UpdateTimings }) | null;
}

export interface IndexState {
  conference: number;
  version: number;
  documents: number;
}

export type Envelope = { id: number } & SearchRequest;
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

export interface Handler {
  handle(request: SearchRequest): Promise<unknown>;
}

const state = (index: SearchIndex): IndexState => ({
  conference: index.conference,
  version: index.version,
  documents: index.engine.documentCount,
});

/** The worker's side: one index at a time; `openDb` is how it reaches db/. */
export function createHandler(openDb: () => Promise<BoardwalkDb>): Handler {
  let index: SearchIndex | null = null;
  /** The conference slug `index` was opened for (null: built or loaded from a message). */
  let indexConf: string | null = null;
  let db: Promise<BoardwalkDb> | null = null;
  // `open` and `update` read, change and store the index across awaits: one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const current = (): SearchIndex => {
    if (!index) throw new SearchIndexError("No index: build or load one first.");
    return index;
  };
  const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  const open = (conf: string) =>
    inOrder(async () => {
      db ??= openDb();
      const opened = await openIndex(await db, conf, indexConf === conf ? index : null);
      index = opened.index;
      indexConf = conf;
      return { ...state(opened.index), source: opened.source };
    });
  const update = (conf: string, body: Bundle) =>
    inOrder(async () => {
      db ??= openDb();
      const updated = await updateIndex(await db, conf, indexConf === conf ? index : null, body);
      if (!updated) return null;
      index = updated.index;
      indexConf = conf;
      return { ...state(updated.index), timings: updated.timings };
    });
  return {
    async handle(request) {
      switch (request.op) {
        case "open":
          return open(request.conf);
        case "update":
          return update(request.conf, request.body);
        case "build":
          index = buildIndex(request.bundle);
          indexConf = null;
          return state(index);
        case "load":
          index = deserialize(request.text);
          indexConf = null;
          return state(index);
        case "applyDelta": {
          const target = current();
          db ??= openDb();
          const result = await applyDelta(target, request.delta, dbLookup(await db, request.conf));
          return { ...result, ...state(target) };
        }
        case "search":
          return search(current(), request.query, request.options);
        case "serialize":
          return serialize(current());
      }
    },
  };
}

/** Answer requests arriving on `port` (the worker's global scope, or a MessagePort in tests). */
export function serve(
  port: { postMessage(message: Reply): void; addEventListener(type: "message", listener: (event: MessageEvent<Envelope>) => void): void },
  handler: Handler,
): void {
  port.addEventListener("message", (event) => {
    const { id, ...request } = event.data;
    handler.handle(request as SearchRequest).then(
      (value) => port.postMessage({ id, ok: true, value }),
      (error: unknown) => {
        const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
        port.postMessage({ id, ok: false, name, message });
      },
    );
  });
}
