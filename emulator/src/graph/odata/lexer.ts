/**
 * Tokenizer shared by the $filter and $orderby parsers.
 *
 * Literal forms recognised: 'single quoted' strings ('' escapes a quote), integers and decimals
 * (optional leading '-', optional exponent), unquoted ISO 8601 dates/datetimes
 * (2024-01-01, 2024-01-01T00:00:00Z, …+02:00), unquoted GUIDs. Identifiers may start with '$'
 * (for `$count`, `$it`). Keywords (eq, and, true, …) are plain identifiers here; the parser
 * decides by context. Every bad character throws ODataSyntaxError; the lexer never loops without
 * consuming input.
 */
import { syntaxError } from "./errors.ts";

export type Punct = "(" | ")" | "," | "/" | ":";
export type Token =
  | { type: "ident"; text: string; pos: number }
  | { type: "string"; value: string; pos: number }
  | { type: "number"; value: number; text: string; pos: number }
  | { type: "datetime"; text: string; pos: number }
  | { type: "guid"; text: string; pos: number }
  | { type: "punct"; text: Punct; pos: number }
  | { type: "eof"; pos: number };

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_]*/;
const IDENT_CHAR = /[A-Za-z0-9_]/;
const WHITESPACE = /\s/;

/** Date.parse accepts e.g. 2024-02-30 (rolling over to March); OData does not. */
function isRealDateTime(s: string): boolean {
  if (Number.isNaN(Date.parse(s))) return false;
  const [y, m, d] = s.slice(0, 10).split("-").map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Returns true if `s` is a syntactically valid ISO date or datetime literal that denotes a real instant. */
export function isDateTimeText(s: string): boolean {
  const m = DATETIME.exec(s);
  return m !== null && m[0].length === s.length && isRealDateTime(s);
}

export function describeToken(t: Token): string {
  switch (t.type) {
    case "eof": return "the end of the expression";
    case "string": return `string literal '${t.value.replace(/'/g, "''")}'`;
    case "number": return `'${t.text}'`;
    default: return `'${t.text}'`;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.test(ch)) { i++; continue; }
    const rest = text.slice(i);
    if (ch === "'") {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw syntaxError("unterminated string literal", start, text);
        const c = text[i]!;
        if (c === "'") {
          if (text[i + 1] === "'") { value += "'"; i += 2; continue; }
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ type: "string", value, pos: start });
      continue;
    }
    if ("(),/:".includes(ch)) {
      tokens.push({ type: "punct", text: ch as Punct, pos: i });
      i++;
      continue;
    }
    // Order matters: a datetime or GUID also starts like a number (or an identifier, for GUIDs).
    const dt = /\d/.test(ch) ? DATETIME.exec(rest) : null;
    if (dt && !IDENT_CHAR.test(text[i + dt[0].length] ?? "")) {
      if (!isRealDateTime(dt[0])) throw syntaxError(`'${dt[0]}' is not a valid date/time`, i, text);
      tokens.push({ type: "datetime", text: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    if (/^\d{4}-\d{2}-\d{2}/.test(rest)) {
      throw syntaxError("invalid date/time literal (use 2024-01-01 or 2024-01-01T00:00:00Z; a time needs 'Z' or a ±hh:mm offset)", i, text);
    }
    const guid = GUID.exec(rest);
    if (guid && !IDENT_CHAR.test(text[i + guid[0].length] ?? "") && text[i + guid[0].length] !== "-") {
      tokens.push({ type: "guid", text: guid[0], pos: i });
      i += guid[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) throw syntaxError(`number '${num[0]}' is out of range`, i, text);
      tokens.push({ type: "number", value, text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      tokens.push({ type: "ident", text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw syntaxError(`character '${ch}' is not valid`, i, text);
  }
  tokens.push({ type: "eof", pos: text.length });
  return tokens;
}

/** A cursor over a token list with helpers that produce uniform error messages. */
export class TokenStream {
  private index = 0;
  constructor(readonly text: string, private readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }
  isPunct(text: Punct, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "punct" && t.text === text;
  }
  /** True if the next token is the (case-insensitive) keyword. */
  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "ident" && t.text.toLowerCase() === word;
  }
  expectPunct(text: Punct, context: string): Token {
    const t = this.peek();
    if (t.type === "punct" && t.text === text) return this.next();
    throw this.error(`expected '${text}' ${context} but found ${describeToken(t)}`, t);
  }
  error(problem: string, at: Token = this.peek()) {
    return syntaxError(problem, at.pos, this.text);
  }
}
