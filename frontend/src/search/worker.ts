/**
 * The search Web Worker: builds, loads, updates and queries the index off the main thread.
 * Start it through client.ts (`createSearchWorker()`); messages are in protocol.ts.
 */

/// <reference lib="webworker" />

import { openDb } from "../db";
import { createHandler, serve } from "./protocol";

serve(self as unknown as Parameters<typeof serve>[0], createHandler(() => openDb()));
