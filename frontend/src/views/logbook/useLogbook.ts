/**
 * The logbook as the screens follow it: entries, refused writes and conflicts from IndexedDB,
 * re-read whenever the outbox changes (a save, a replay, another tab) and whenever the
 * refresher pulled my data (`mine`: entries logged on another device) or stored a new program
 * version (`useProgramVersion`: the labels of posters and places), plus the program labels.
 */

import { useEffect, useRef, useState } from "preact/hooks";

import { getDb, getOutbox, useProgramVersion, useRefreshState } from "../../app/runtime";
import {
  conversationList,
  failedList,
  meetupList,
  photosOf,
  type BoardwalkDb,
  type ConflictRecord,
  type ConversationRecord,
  type FailedWrite,
  type MeetupRecord,
} from "../../db";
import { listConflicts } from "../../sync/conflicts";
import { loadProgram, type ProgramLabels } from "./program";

export interface LogbookData {
  program: ProgramLabels;
  conversations: ConversationRecord[];
  meetups: MeetupRecord[];
  /** Photos per conversation: the ones on this device and the ones only on the server. */
  photoCounts: Map<string, number>;
  failed: FailedWrite[];
  conflicts: ConflictRecord[];
}

async function photoCount(db: BoardwalkDb, entry: ConversationRecord): Promise<number> {
  const ids = new Set((await photosOf(db, entry.id)).map((p) => p.id));
  for (const photo of entry.server?.photos ?? []) ids.add(photo.id);
  return ids.size;
}

export async function loadLogbook(db: BoardwalkDb, conf: string, program: ProgramLabels): Promise<LogbookData> {
  const [conversations, meetups, failed, conflicts] = await Promise.all([
    conversationList(db, conf),
    meetupList(db, conf),
    failedList(db),
    listConflicts(db, conf),
  ]);
  const counts = await Promise.all(conversations.map((c) => photoCount(db, c)));
  return {
    program,
    conversations,
    meetups,
    photoCounts: new Map(conversations.map((c, i) => [c.id, counts[i]!])),
    failed: failed.filter((write) => write.conf === conf),
    conflicts,
  };
}

export function useLogbook(conf: string): LogbookData | null {
  const [data, setData] = useState<LogbookData | null>(null);
  const version = useProgramVersion(conf);
  const mine = useRefreshState()?.mine ?? 0;
  useEffect(() => {
    let gone = false;
    let stop: (() => void) | null = null;
    void (async () => {
      const db = await getDb();
      const program = await loadProgram(db, conf);
      const reload = () => void loadLogbook(db, conf, program).then((next) => !gone && setData(next));
      reload();
      const outbox = await getOutbox();
      if (gone) return;
      stop = outbox.subscribe(reload);
    })();
    return () => {
      gone = true;
      stop?.();
    };
  }, [conf, version, mine]);
  return data;
}

/**
 * A form's program labels (its poster and place pickers): the ones it opened with, re-read
 * when the refresher stored a new program version, so a poster added meanwhile can be picked.
 */
export function useProgramLabels(conf: string, opened: ProgramLabels): ProgramLabels {
  const [labels, setLabels] = useState(opened);
  const version = useProgramVersion(conf);
  // The version the form opened with (null: none stored then): its labels are `opened`.
  const shown = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (version === undefined) return;
    if (shown.current === undefined) return void (shown.current = version);
    if (version === null || version === shown.current) return;
    let gone = false;
    void getDb()
      .then((db) => loadProgram(db, conf))
      .then((next) => {
        if (gone) return;
        shown.current = version;
        setLabels(next);
      });
    return () => {
      gone = true;
    };
  }, [conf, version]);
  return labels;
}
