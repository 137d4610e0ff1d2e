import { describe, expect, it } from "vitest";

import { ABSTRACT_TERMS, fold, fuzzyFor, indexTerms, prefixFor, queryTerms } from "./text";

describe("fold", () => {
  it("folds case and Latin diacritics, spelling out letters NFKD keeps", () => {
    expect(fold("Crème BRÛLÉE Şentürk Abeßer Løvås Łódź ﬁne")).toBe("creme brulee senturk abesser lovas lodz fine");
  });

  it("keeps Hangul syllables whole", () => {
    expect(fold("트랜스포머를 이용한")).toBe("트랜스포머를 이용한");
  });

  it("drops Hebrew niqqud and folds final letters", () => {
    expect(fold("לְמִידָה עֲמֻקָּה שָׁלוֹם")).toBe("למידה עמקה שלומ");
  });

  it("removes gershayim inside a Hebrew word", () => {
    expect(fold("צה״ל")).toBe("צהל");
  });
});

describe("indexTerms", () => {
  it("indexes every suffix of a Hangul word", () => {
    expect(indexTerms("트랜스포머를")).toEqual(["트랜스포머를", "랜스포머를", "스포머를", "포머를", "머를", "를"]);
  });

  it("splits Latin from Hangul inside one word", () => {
    expect(indexTerms("BERT를")).toEqual(["bert", "를"]);
  });

  it("indexes Hebrew words without up to three one-letter prefixes, keeping three letters", () => {
    // Whether a leading מ is a prefix or the word's own is not known, so "ודל" comes too.
    expect(indexTerms("והמודל")).toEqual(["והמודל", "המודל", "מודל", "ודל"]);
    expect(indexTerms("לספר")).toEqual(["לספר", "ספר"]);
  });

  it("joins codes and keeps their pieces", () => {
    expect(indexTerms("A-12 GPT-4 O'Brien self-supervised")).toEqual([
      "a12",
      "a",
      "12",
      "gpt4",
      "gpt",
      "4",
      "obrien",
      "o",
      "brien",
      "self",
      "supervised",
    ]);
  });

  it("strips leading zeros of numbers and adds digit runs of codes", () => {
    expect(indexTerms("042\nB14\nE-0012", "codes")).toEqual(["42", "b14", "14", "e12", "e", "12"]);
  });

  it("indexes an arXiv id as one term without its version", () => {
    expect(indexTerms("see arXiv:2403.01234v2 and 2401.0001")).toEqual(["see", "2403.01234", "and", "2401.0001"]);
  });
});

describe("queryTerms", () => {
  it("gives only the joined form of a code", () => {
    expect(queryTerms("A-12")).toEqual(["a12"]);
    expect(queryTerms("a12")).toEqual(["a12"]);
    expect(queryTerms("042")).toEqual(["42"]);
  });

  it("reads arXiv ids with or without prefix and version", () => {
    for (const query of ["2403.01234", "arXiv:2403.01234v2", "ARXIV 2403.01234", "arxiv.2403.01234v11"]) {
      expect(queryTerms(query)).toEqual(["2403.01234"]);
    }
  });

  it("drops a trailing Korean particle but keeps short words", () => {
    expect(queryTerms("트랜스포머를 모델의 사이")).toEqual(["트랜스포머", "모델", "사이"]);
  });

  it("is empty for punctuation only", () => {
    expect(queryTerms(" -- ?! ")).toEqual([]);
  });
});

describe("prefix and fuzzy", () => {
  it("expands words and Hangul but not numbers or one Latin letter", () => {
    expect([prefixFor("tr"), prefixFor("포"), prefixFor("42"), prefixFor("a")]).toEqual([true, true, false, false]);
  });

  it("forgives typos only in longer alphabetic words", () => {
    expect([fuzzyFor("transformer"), fuzzyFor("lee"), fuzzyFor("트랜스포머다"), fuzzyFor("gpt44")]).toEqual([
      0.2,
      false,
      false,
      false,
    ]);
  });
});

describe("English function words", () => {
  it("are not indexed in abstracts, but are in titles", () => {
    expect(indexTerms("We study the role of attention", "abstract")).toEqual(["study", "role", "attention"]);
    expect(indexTerms("The role of attention", "title")).toEqual(["the", "role", "of", "attention"]);
  });

  it("are dropped from a query unless it has nothing else", () => {
    expect(queryTerms("the role of attention")).toEqual(["role", "attention"]);
    expect(queryTerms("The Of")).toEqual(["the", "of"]);
  });
});

describe("abstracts", () => {
  it("index their first ABSTRACT_TERMS distinct terms, without function words", () => {
    const words = Array.from({ length: ABSTRACT_TERMS + 10 }, (_, i) => `word${i}`);
    const terms = indexTerms(["the", ...words, "word0", "of"].join(" "), "abstract");
    expect(terms).toEqual(words.slice(0, ABSTRACT_TERMS));
    expect(indexTerms(words.join(" "), "title")).toHaveLength(ABSTRACT_TERMS + 10);
  });
});
