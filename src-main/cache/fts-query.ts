/**
 * Turns what a user typed into a safe FTS5 query. User text is never passed through as FTS5
 * syntax: quotes, `*`, `-`, `NEAR`, `AND`/`OR` and parentheses would otherwise be operators (or
 * syntax errors). Each word becomes a quoted term and all must match; the last one is a prefix,
 * so results follow the user's typing ("cat wiz" finds "cat wizard").
 */

/** More terms than this adds nothing to a history search and only slows the query. */
const MAX_TERMS = 16

/** Same notion of a word as FTS5's unicode61 tokenizer: letters, digits and combining marks. */
const WORD_RE = /[\p{L}\p{N}\p{M}]+/gu

/**
 * The FTS5 MATCH expression for `text`, or null when it holds no searchable word (e.g. only
 * punctuation), in which case the caller should not filter by text at all.
 */
export function toFtsQuery(text: string): string | null {
  const words = text.normalize('NFKC').match(WORD_RE)
  if (!words) return null
  const terms = [...new Set(words.map((w) => w.toLowerCase()))].slice(0, MAX_TERMS)
  // Words contain no `"` by construction, so quoting cannot be broken out of.
  return terms.map((w, i) => (i === terms.length - 1 ? `"${w}"*` : `"${w}"`)).join(' AND ')
}
