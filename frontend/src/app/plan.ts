/**
 * My plan as the screens follow it: one live map of what is starred, kept from IndexedDB and
 * re-read whenever the outbox changes (a star here, a replay), a pull brought changes from
 * another device (the refresher's `mine`), or the account signed out.
 *
 *   const plan = usePlan(slug);                 // Map<"poster/12", PlanRecord> | null while loading
 *   await star(slug, "poster", 12);             // or unstar(...), or savePlanItem(... fields)
 */

import { useEffect, useState } from "preact/hooks";

import { planList, type PlanFields, type PlanKind, type PlanRecord } from "../db";
import { getDb, getOutbox, getRefresher, onSignedOut } from "./runtime";

export type PlanMap = Map<string, PlanRecord>;

export const planKey = (kind: PlanKind, target: number): string => `${kind}/${target}`;

/** What a new star holds: "interested", no note, the attendee's default reminder. */
export const DEFAULT_PLAN_FIELDS: PlanFields = { status: "interested", note: "", reminder_minutes: null };

const listeners = new Set<() => void>();

/** Tell every usePlan that the plan changed (the outbox does on each write it queues or sends). */
export function planChanged(): void {
  for (const listener of listeners) listener();
}

export async function loadPlan(conf: string): Promise<PlanMap> {
  const rows = await planList(await getDb(), conf);
  return new Map(rows.map((row) => [planKey(row.kind, row.target), row]));
}

export function usePlan(conf: string): PlanMap | null {
  const [plan, setPlan] = useState<PlanMap | null>(null);
  useEffect(() => {
    let gone = false;
    let stop: (() => void) | null = null;
    const reload = () => void loadPlan(conf).then((map) => !gone && setPlan(map));
    listeners.add(reload);
    reload();
    const stopSignedOut = onSignedOut(reload);
    let stopPull: (() => void) | null = null;
    void getOutbox().then((outbox) => {
      if (gone) return;
      let first = true;
      stop = outbox.subscribe(() => {
        if (first) first = false;
        else reload();
      });
    });
    void getRefresher().then((refresher) => {
      if (gone) return;
      let pulled = refresher.state().mine;
      stopPull = refresher.subscribe((state) => {
        if (state.mine !== pulled) reload();
        pulled = state.mine;
      });
    });
    return () => {
      gone = true;
      listeners.delete(reload);
      stop?.();
      stopPull?.();
      stopSignedOut();
    };
  }, [conf]);
  return plan;
}

export async function savePlanItem(conf: string, kind: PlanKind, target: number, fields: PlanFields): Promise<void> {
  await (await getOutbox()).setPlanItem(conf, kind, target, fields);
  planChanged();
}

export function star(conf: string, kind: PlanKind, target: number): Promise<void> {
  return savePlanItem(conf, kind, target, DEFAULT_PLAN_FIELDS);
}

export async function unstar(conf: string, kind: PlanKind, target: number): Promise<void> {
  await (await getOutbox()).removePlanItem(conf, kind, target);
  planChanged();
}
