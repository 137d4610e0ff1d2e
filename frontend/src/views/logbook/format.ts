/** How logbook values read on screen (lists and the conflict view), in the current language. */

import type { ConversationFields, ConversationRecord, MeetupRecord } from "../../db";
import type { TimeFormatter } from "../../i18n/time";
import { t } from "../../i18n";
import { isKnownTag, MEETUP_PLACES, type MeetupPlace, type QaPair } from "./entries";
import { placeLabel, type ProgramLabels } from "./program";

export const tagLabel = (tag: string): string => (isKnownTag(tag) ? t(`logbookTag.${tag}`) : tag);

/** A conversation's title: the poster's board and title, or the free title. */
export function conversationTitle(fields: ConversationFields, program: ProgramLabels | null): string {
  if (fields.poster != null) return placeLabel(program, "poster", fields.poster);
  return fields.poster_title || t("logbook.untitled");
}

export function meetupTitle(entry: MeetupRecord): string {
  const f = entry.fields;
  if (entry.scan !== undefined) return t("scan.pendingTitle");
  return f.contact_name || (entry.server?.contact_name ?? "") || t("logbook.untitled");
}

export function entryTitle(type: "conversation" | "meetup", record: ConversationRecord | MeetupRecord | undefined, program: ProgramLabels | null): string {
  if (!record) return t("logbook.untitled");
  return type === "conversation"
    ? conversationTitle((record as ConversationRecord).fields, program)
    : meetupTitle(record as MeetupRecord);
}

/** One field's value as text, for the side-by-side conflict view ("" for nothing). */
export function fieldText(field: string, value: unknown, fmt: TimeFormatter, program: ProgramLabels | null): string {
  if (value === undefined || value === null || value === "") return "";
  if (field === "talked_at" || field === "met_at") return fmt.labelledDateTime(String(value));
  if ((MEETUP_PLACES as readonly string[]).includes(field)) return placeLabel(program, field as MeetupPlace, Number(value));
  if (field === "qa") return (value as QaPair[]).map((p) => `${p.question} — ${p.answer}`).join("\n");
  if (field === "tags") return (value as string[]).map(tagLabel).join(", ");
  if (field === "rating") return t("logbook.ratingValue", { value: String(value) });
  if (typeof value === "boolean") return value ? t("logbook.yes") : t("logbook.no");
  if (typeof value === "object") return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join("\n");
  return String(value);
}

/** The label of a field (of a nested key like "qa.0.question", its field's). */
export function fieldLabel(key: string): string {
  const field = key.split(".")[0] ?? key;
  switch (field) {
    case "poster":
      return t("logbook.poster");
    case "poster_title":
      return t("logbook.freeTitle");
    case "talked_to":
      return t("logbook.with");
    case "talked_at":
      return t("logbook.when");
    case "qa":
      return t("logbook.qaLegend");
    case "rating":
      return t("logbook.rating");
    case "tags":
      return t("logbook.tags");
    case "notes":
      return t("logbook.notes");
    case "follow_up":
      return t("logbook.followUp");
    case "follow_up_done":
      return t("logbook.followUpDone");
    case "contact_name":
      return t("logbook.contactName");
    case "contact_affiliation":
      return t("logbook.contactAffiliation");
    case "contact_email":
      return t("logbook.contactEmail");
    case "contact_details":
      return t("logbook.contactDetails");
    case "met_at":
      return t("logbook.metWhen");
    case "session":
    case "oral":
    case "booth":
    case "meal":
      return `${t("logbook.place")} (${t(`kind.${field}`)})`;
    default:
      return field;
  }
}
