/**
 * $search for directory objects: `"displayName:adele" AND ("mail:x" OR "mail:y")`.
 * Each term is double-quoted (as Graph requires) and has the form property:value; `\"` and `\\` escape inside quotes.
 * AND binds tighter than OR; AND/OR are accepted in any case; parentheses group.
 *
 * Matching follows Graph's directory $search: the property value is tokenized (on spaces, punctuation, case changes
 * and letter/digit changes) and a term matches when the search value, case-insensitively, is a prefix of the text
 * starting at any token boundary. "adele" and "vance" and "adele v" match "Adele Vance"; "dele" does not.
 */
import { checkInput, MAX_NESTING_DEPTH, syntaxError } from "./errors.ts";
import type { SearchExpr } from "./types.ts";
import { getProperty } from "./values.ts";

type SearchToken = { type: "term"; text: string; pos: number } | { type: "and" | "or" | "(" | ")" | "eof"; pos: number };

const PROPERTY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function tokenize(text: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "(" || ch === ")") { tokens.push({ type: ch, pos: i++ }); continue; }
    if (ch === '"') {
      const start = i++;
      let value = "";
      for (;;) {
        if (i >= text.length) throw syntaxError("unterminated quoted search term", start, text);
        const c = text[i]!;
        if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) { value += text[i + 1]; i += 2; continue; }
        if (c === '"') { i++; break; }
        value += c;
        i++;
      }
      tokens.push({ type: "term", text: value, pos: start });
      continue;
    }
    const word = /^[^\s()"]+/.exec(text.slice(i))![0];
    const upper = word.toUpperCase();
    if (upper === "AND" || upper === "OR") {
      tokens.push({ type: upper === "AND" ? "and" : "or", pos: i });
    } else {
      throw syntaxError(`search terms must be enclosed in double quotes, e.g. "displayName:${word}", but found '${word}'`, i, text);
    }
    i += word.length;
  }
  tokens.push({ type: "eof", pos: text.length });
  return tokens;
}

function describe(t: SearchToken): string {
  return t.type === "eof" ? "the end of the search" : t.type === "term" ? `"${t.text}"` : t.type === "and" || t.type === "or" ? t.type.toUpperCase() : `'${t.type}'`;
}

export function parseSearch(text: string): SearchExpr {
  checkInput(text, "$search");
  const tokens = tokenize(text);
  let i = 0;
  let depth = 0;
  const peek = () => tokens[Math.min(i, tokens.length - 1)]!;
  const fail = (problem: string, t: SearchToken = peek()) => syntaxError(problem, t.pos, text);

  const parseOr = (): SearchExpr => {
    let left = parseAnd();
    while (peek().type === "or") { i++; left = { kind: "or", left, right: parseAnd() }; }
    return left;
  };
  const parseAnd = (): SearchExpr => {
    let left = parsePrimary();
    while (peek().type === "and") { i++; left = { kind: "and", left, right: parsePrimary() }; }
    return left;
  };
  const parsePrimary = (): SearchExpr => {
    const t = peek();
    if (t.type === "(") {
      if (++depth > MAX_NESTING_DEPTH) throw fail(`search nesting exceeds the maximum depth of ${MAX_NESTING_DEPTH}`, t);
      i++;
      const inner = parseOr();
      if (peek().type !== ")") throw fail(`expected ')' to close the '(' at position ${t.pos} but found ${describe(peek())}`);
      i++;
      depth--;
      return inner;
    }
    if (t.type !== "term") throw fail(`expected a quoted search term but found ${describe(t)}`, t);
    i++;
    const colon = t.text.indexOf(":");
    if (colon < 0) throw fail(`search term "${t.text}" must have the form "property:value"`, t);
    const property = t.text.slice(0, colon).trim();
    const value = t.text.slice(colon + 1).trim();
    if (!PROPERTY.test(property)) throw fail(`'${property}' is not a valid property name in search term "${t.text}"`, t);
    if (value === "") throw fail(`search term "${t.text}" has an empty value`, t);
    return { kind: "term", property, value };
  };

  const expr = parseOr();
  const rest = peek();
  if (rest.type === ")") throw fail("unexpected ')' without a matching '('", rest);
  if (rest.type !== "eof") throw fail(`expected AND, OR or the end of the search but found ${describe(rest)}`, rest);
  return expr;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** True when a token starts at index i of s (see the module comment). */
function isTokenStart(s: string, i: number): boolean {
  const c = s[i]!;
  if (/\s/.test(c)) return false;
  if (i === 0) return true;
  const p = s[i - 1]!;
  const alnum = (x: string) => LETTER.test(x) || DIGIT.test(x);
  if (!alnum(c)) return true;
  if (!alnum(p)) return true;
  if (LOWER.test(p) && UPPER.test(c)) return true;
  return LETTER.test(p) !== LETTER.test(c);
}

/** Case-insensitive "starts with a word" match of `query` in `text`. */
export function matchesWordPrefix(text: string, query: string): boolean {
  const q = query.toLowerCase();
  if (q === "") return true;
  const lower = text.toLowerCase();
  // Lower-casing can change lengths for a few characters (e.g. 'İ'); then indexes must be mapped per position.
  const sameIndexes = lower.length === text.length;
  for (let i = 0; i < text.length; i++) {
    const hit = sameIndexes ? lower.startsWith(q, i) : text.slice(i).toLowerCase().startsWith(q);
    if (hit && isTokenStart(text, i)) return true;
  }
  return false;
}

export function evaluateSearch(expr: SearchExpr, entity: Record<string, unknown>): boolean {
  switch (expr.kind) {
    case "and": return evaluateSearch(expr.left, entity) && evaluateSearch(expr.right, entity);
    case "or": return evaluateSearch(expr.left, entity) || evaluateSearch(expr.right, entity);
    case "term": {
      const v = getProperty(entity, expr.property);
      const values = Array.isArray(v) ? v : [v];
      return values.some((x) => typeof x === "string" && matchesWordPrefix(x, expr.value));
    }
  }
}
