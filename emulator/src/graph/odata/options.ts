/** $select and $top. */
import { checkInput, ODataSyntaxError, syntaxError } from "./errors.ts";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** $select=a,b,c -> ["a","b","c"], trimmed, duplicates (case-insensitive) dropped; rejects empty items and invalid identifiers. */
export function parseSelect(text: string): string[] {
  checkInput(text, "$select");
  const out: string[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const raw of text.split(",")) {
    const item = raw.trim();
    const pos = offset + (raw.length - raw.trimStart().length);
    if (item === "") throw syntaxError("empty item in $select", pos, text);
    if (!IDENTIFIER.test(item)) throw syntaxError(`'${item}' is not a valid property name in $select`, pos, text);
    if (!seen.has(item.toLowerCase())) {
      seen.add(item.toLowerCase());
      out.push(item);
    }
    offset += raw.length + 1;
  }
  return out;
}

/** $top: a non-negative integer (surrounding whitespace allowed); throws ODataSyntaxError otherwise. Feature code applies its own maximum. */
export function parseTop(text: string): number {
  if (typeof text !== "string" || !/^\s*\d{1,16}\s*$/.test(text)) {
    const shown = typeof text === "string" ? text.slice(0, 100) : String(text);
    throw new ODataSyntaxError(`Syntax error: $top must be a non-negative integer, but was '${shown}'.`);
  }
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n)) throw new ODataSyntaxError(`Syntax error: $top value '${text.trim()}' is too large.`);
  return n;
}
