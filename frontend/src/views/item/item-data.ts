/**
 * What each item page shows, read from IndexedDB by id: the row, and the rows it names
 * (paper, people in their order, session, orals in order, the poster count).
 */

import { bundleRow, ofSession, type BoardwalkDb, type BundleRows, type Stored } from "../../db";

type Row<K extends keyof BundleRows> = Stored<BundleRows[K]>;

export interface PaperView {
  paper: Row<"papers">;
  /** Author names in the paper's order. */
  authors: string[];
}

export interface OralView {
  oral: Row<"orals">;
  title: string;
  speakers: string[];
  paper: PaperView | undefined;
}

export interface SessionView {
  session: Row<"sessions">;
  chairs: string[];
  orals: OralView[];
  posterCount: number;
}

export interface PosterView {
  poster: Row<"posters">;
  paper: PaperView | undefined;
  session: Row<"sessions"> | undefined;
}

export interface OralPageView extends OralView {
  session: Row<"sessions"> | undefined;
}

/** Names of people by id, in the given order; ids not in the program are left out. */
export async function peopleNames(db: BoardwalkDb, conf: string, ids: readonly number[] | undefined): Promise<string[]> {
  const rows = await Promise.all((ids ?? []).map((id) => bundleRow(db, "people", conf, id)));
  return rows.flatMap((row) => (row ? [row.name] : []));
}

export async function paperView(db: BoardwalkDb, conf: string, id: number | undefined): Promise<PaperView | undefined> {
  if (id === undefined) return undefined;
  const paper = await bundleRow(db, "papers", conf, id);
  return paper && { paper, authors: await peopleNames(db, conf, paper.authors) };
}

/** Talks in their running order (`order`, then start, then id). */
export function orderOrals<T extends Pick<BundleRows["orals"], "order" | "start" | "id">>(orals: readonly T[]): T[] {
  return [...orals].sort((a, b) => a.order - b.order || a.start.localeCompare(b.start) || a.id - b.id);
}

async function oralView(db: BoardwalkDb, conf: string, oral: Row<"orals">): Promise<OralView> {
  const [paper, speakers] = await Promise.all([paperView(db, conf, oral.paper), peopleNames(db, conf, oral.speakers)]);
  return { oral, paper, speakers, title: paper?.paper.title ?? oral.title ?? "" };
}

export async function loadSession(db: BoardwalkDb, conf: string, id: number): Promise<SessionView | null> {
  const session = await bundleRow(db, "sessions", conf, id);
  if (!session) return null;
  const [chairs, orals, posters] = await Promise.all([
    peopleNames(db, conf, session.chairs),
    ofSession(db, "orals", conf, id),
    ofSession(db, "posters", conf, id),
  ]);
  return {
    session,
    chairs,
    orals: await Promise.all(orderOrals(orals).map((oral) => oralView(db, conf, oral))),
    posterCount: posters.length,
  };
}

export async function loadOral(db: BoardwalkDb, conf: string, id: number): Promise<OralPageView | null> {
  const oral = await bundleRow(db, "orals", conf, id);
  if (!oral) return null;
  const [view, session] = await Promise.all([oralView(db, conf, oral), bundleRow(db, "sessions", conf, oral.session)]);
  return { ...view, session };
}

export async function loadPaper(db: BoardwalkDb, conf: string, id: number): Promise<PaperView | null> {
  return (await paperView(db, conf, id)) ?? null;
}

export async function loadPoster(db: BoardwalkDb, conf: string, id: number): Promise<PosterView | null> {
  const poster = await bundleRow(db, "posters", conf, id);
  if (!poster) return null;
  const [paper, session] = await Promise.all([paperView(db, conf, poster.paper), bundleRow(db, "sessions", conf, poster.session)]);
  return { poster, paper, session };
}

export async function loadBooth(db: BoardwalkDb, conf: string, id: number): Promise<Row<"booths"> | null> {
  return (await bundleRow(db, "booths", conf, id)) ?? null;
}

export async function loadMeal(db: BoardwalkDb, conf: string, id: number): Promise<Row<"meals"> | null> {
  return (await bundleRow(db, "meals", conf, id)) ?? null;
}

type PaperLinkKind = "arxiv" | "openreview" | "pdf" | "project" | "code" | "video" | "site";
const URL_KINDS = ["pdf", "project", "code", "video", "site"] as const;

/** A paper's pages: arXiv and OpenReview (ids as the bundle has them), then its own links
 * (PDF, project, code, video, the conference site's page), http(s) only. */
export function paperLinks(
  paper: Pick<BundleRows["papers"], "arxiv" | "openreview" | (typeof URL_KINDS)[number]>,
): { kind: PaperLinkKind; href: string }[] {
  const links: { kind: PaperLinkKind; href: string }[] = [];
  if (paper.arxiv) links.push({ kind: "arxiv", href: `https://arxiv.org/abs/${encodeURIComponent(paper.arxiv)}` });
  if (paper.openreview) links.push({ kind: "openreview", href: `https://openreview.net/forum?id=${encodeURIComponent(paper.openreview)}` });
  for (const kind of URL_KINDS) {
    const href = paper[kind];
    if (href && /^https?:\/\//i.test(href)) links.push({ kind, href });
  }
  return links;
}
