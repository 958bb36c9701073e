import { readFileSync } from "node:fs";

/**
 * A file's text, read in one blocking call. Node decodes an all-ASCII file
 * (partition and meta files are: `asciiJson` writes them so) at memory speed,
 * against about 3.5 ms per megabyte for text beyond ASCII (a 98 MB users file
 * with names such as "Zoë" took 340 ms). The text is decoded as UTF-8 even
 * when it is all ASCII: as Latin-1, Node gives a text of a megabyte or more
 * its own copy outside V8's heap, freed only when the string is collected,
 * and a large state folder loaded that way kept about 200 MiB more resident
 * memory and took longer to load.
 */
export function readText(file: string): string {
  return readFileSync(file, "utf8");
}

const NON_ASCII = /[\u0080-\uffff]/g;
const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `JSON.stringify(value)` with every character beyond ASCII written as a
 * `\uXXXX` escape: the same JSON value, in a file `readText` decodes at
 * memory speed (names such as "Zoë" or "山田" are common in directories).
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(NON_ASCII, escape);
}
