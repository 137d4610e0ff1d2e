/**
 * Text → search terms, the same way for the index and for queries.
 *
 * MiniSearch's default tokenizer splits on spaces and punctuation and lowercases; that is
 * not enough for a conference program:
 *
 * - Latin text is folded (NFKD, combining marks stripped, lowercased, ß/ø/æ/œ/ł… spelled
 *   out), so "Müller" and "muller" meet. Hebrew loses its niqqud the same way (they are
 *   combining marks) and its final letters fold to the plain forms (ם → מ).
 * - Hangul words carry particles ("트랜스포머를") and Chinese/Japanese are written without
 *   spaces. For runs of those scripts the index also holds every suffix, so a prefix query
 *   finds the word anywhere in the run ("포머" in "트랜스포머를"); a query word that ends
 *   in a common Korean particle is searched without it.
 * - Hebrew words take one-letter prefixes (ו ה ב כ ל מ ש); the index also holds the word
 *   without up to three of them (keeping at least three letters; a
 *   leading letter that belongs to the word is stripped too, which only adds terms), so
 *   "מודל" finds "והמודל".
 * - Codes: digit runs lose leading zeros ("042" → "42"); a word joined by - . / _ ' that
 *   holds a digit is also indexed as one term ("A-12" → "a12", "GPT-4" → "gpt4"), and a
 *   query gives only that joined term. arXiv ids are one term without their version
 *   ("arXiv:2403.01234v2" → "2403.01234").
 *
 * Changing anything here changes the index: bump SEARCH_INDEX_FORMAT (index.ts) so stored
 * indexes are rebuilt.
 */

const FOLD_EXTRA: Record<string, string> = {
  ß: "ss",
  ø: "o",
  æ: "ae",
  œ: "oe",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ĸ: "q",
  // Hebrew final letters
  ך: "כ",
  ם: "מ",
  ן: "נ",
  ף: "פ",
  ץ: "צ",
};
const FOLD_EXTRA_RE = new RegExp(`[${Object.keys(FOLD_EXTRA).join("")}]`, "gu");
// Geresh/gershayim (and the ASCII quotes typed for them) inside a Hebrew word: צה״ל.
const HEBREW_QUOTE_RE = /(?<=\p{sc=Hebrew})[\u05F3\u05F4'"](?=\p{sc=Hebrew})/gu;

/** Case, compatibility and diacritic folding; Hangul syllables survive (NFC recomposes them). */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{Mn}+/gu, "")
    .toLowerCase()
    .replace(FOLD_EXTRA_RE, (c) => FOLD_EXTRA[c] ?? c)
    .replace(HEBREW_QUOTE_RE, "")
    .normalize("NFC");
}

const UNSPACED = "\\p{sc=Hangul}\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\u30FC";
// A run of one unspaced script, or of anything else that is a letter, digit or mark.
const PIECE_RE = new RegExp(`[${UNSPACED}]+|(?:(?![${UNSPACED}])[\\p{L}\\p{N}\\p{M}])+`, "gu");
const UNSPACED_RE = new RegExp(`^[${UNSPACED}]`, "u");
// Words joined by connectors: "a-12", "gpt-4", "o'brien", "2403.01234".
const SPAN_RE = /[\p{L}\p{N}\p{M}]+(?:[-_./'’:][\p{L}\p{N}\p{M}]+)*/gu;
const ARXIV_PREFIX_RE = /\barxiv\s*[:.]?\s*(?=\d{4}\.\d{4,5})/g;
const ARXIV_RE = /^(\d{4}\.\d{4,5})(?:v\d+)?$/;
const HEBREW_WORD_RE = /^\p{sc=Hebrew}+$/u;
const HEBREW_PREFIXES = "והבכלמש";
const KOREAN_PARTICLES = ["으로", "에서", "에게", "까지", "부터", "을", "를", "이", "가", "은", "는", "의", "에", "와", "과", "로", "도", "만"];
/**
 * English function words: in almost every abstract, so indexing them there only makes the
 * index bigger and searches slower. Dropped from abstracts, and from a query that has other
 * words (a query of only these still matches titles, which keep them).
 */
const STOPWORDS = new Set(
  (
    "a an and are as at be by can for from has have in into is it its of on or our than that the " +
    "their these this to was we were which while with"
  ).split(" "),
);
/** Suffixes are indexed for at most this many leading positions of an unspaced run. */
const MAX_SUFFIXES = 24;

/** "042" → "42", "e0001" → "e1"; "0" stays. */
function stripZeros(term: string): string {
  return term.replace(/(^|\D)0+(?=\d)/g, "$1");
}

function isUnspaced(piece: string): boolean {
  return UNSPACED_RE.test(piece);
}

interface Span {
  /** The whole span as one term, when it is an arXiv id or a joined code. */
  joined: string | null;
  pieces: string[];
}

function spans(text: string): Span[] {
  const folded = fold(text).replace(ARXIV_PREFIX_RE, "");
  const found: Span[] = [];
  for (const [span] of folded.matchAll(SPAN_RE)) {
    const arxiv = ARXIV_RE.exec(span);
    if (arxiv?.[1]) {
      found.push({ joined: arxiv[1], pieces: [] });
      continue;
    }
    const pieces = span.match(PIECE_RE) ?? [];
    const joinable =
      pieces.length > 1 && /[\d'’]/.test(span) && !pieces.some((piece) => isUnspaced(piece));
    found.push({
      joined: joinable ? stripZeros(pieces.join("")) : null,
      pieces: pieces.map(stripZeros),
    });
  }
  return found;
}

function unspacedSuffixes(run: string): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 1; i < Math.min(chars.length, MAX_SUFFIXES + 1); i++) out.push(chars.slice(i).join(""));
  return out;
}

function hebrewStems(word: string): string[] {
  const out: string[] = [];
  let rest = word;
  for (let i = 0; i < 3 && rest.length > 3 && HEBREW_PREFIXES.includes(rest[0] ?? ""); i++) {
    rest = rest.slice(1);
    out.push(rest);
  }
  return out;
}

/**
 * An abstract indexes at most this many distinct terms, its first ones (after function words
 * are dropped): abstracts are most of the index, and their opening states what the paper is
 * about. 40 cuts the 20,000-item index from 18.7 to 13.5 MB (scripts/search-bench.mjs).
 */
export const ABSTRACT_TERMS = 40;

/**
 * Terms indexed for one field value. `codes` fields (boards, booth numbers, arXiv and
 * OpenReview ids) also index each digit run alone, so "14" finds board "B14". An `abstract`
 * indexes its first ABSTRACT_TERMS distinct terms, without English function words.
 */
export function indexTerms(text: string, field?: string): string[] {
  const terms: string[] = [];
  const dropStopwords = field === "abstract";
  for (const { joined, pieces } of spans(text)) {
    if (joined) terms.push(joined);
    for (const piece of pieces) {
      if (dropStopwords && STOPWORDS.has(piece)) continue;
      terms.push(piece);
      if (isUnspaced(piece)) terms.push(...unspacedSuffixes(piece));
      else if (HEBREW_WORD_RE.test(piece)) terms.push(...hebrewStems(piece));
      if (field === "codes" && /\D/.test(piece)) {
        for (const [digits] of piece.matchAll(/\d+/g)) terms.push(stripZeros(digits));
      }
    }
  }
  return dropStopwords ? [...new Set(terms)].slice(0, ABSTRACT_TERMS) : terms;
}

function withoutParticle(word: string): string {
  if (!/^\p{sc=Hangul}+$/u.test(word)) return word;
  for (const particle of KOREAN_PARTICLES) {
    if (word.endsWith(particle) && word.length - particle.length >= 2) return word.slice(0, -particle.length);
  }
  return word;
}

/** Terms of a query: codes joined, Korean particles and (if other words remain) English
 * function words dropped, duplicates removed. */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  for (const { joined, pieces } of spans(query)) {
    if (joined) terms.push(joined);
    else terms.push(...pieces.map(withoutParticle));
  }
  const words = terms.filter((term) => !STOPWORDS.has(term));
  return [...new Set(words.length > 0 ? words : terms)];
}

/** Whether a query term also matches longer terms: not for one Latin letter, not for a number. */
export function prefixFor(term: string): boolean {
  if (/^\d+$/.test(term)) return false;
  return term.length > 1 || isUnspaced(term);
}

/** Typo tolerance for longer words of alphabetic scripts (MiniSearch's fractional fuzzy). */
export function fuzzyFor(term: string): number | false {
  return term.length >= 5 && !isUnspaced(term) && !/\d/.test(term) ? 0.2 : false;
}
