import { readFileSync } from "node:fs";
import { isAscii } from "node:buffer";

/**
 * A file's text, read in one blocking call, as `readFileSync(file, "utf8")`
 * returns it. A file that is all ASCII (state files are: `asciiJson` writes
 * them so) is decoded as Latin-1, which gives the same string without UTF-8
 * decoding: for the hundreds of megabytes of a large state folder that is
 * about half a second less at start. Hand-written because Node's UTF-8
 * decoder does not take this shortcut itself.
 */
export function readText(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

const NON_ASCII = /[\u0080-\uffff]/g;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `JSON.stringify(value)` with every character beyond ASCII written as a
 * `\uXXXX` escape: the same JSON value, in a file `readText` reads without
 * UTF-8 decoding (names such as "Zoë" or "山田" are common in directories).
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(NON_ASCII, escape);
}
