import { readFileSync } from "node:fs";
import { isAscii } from "node:buffer";

/**
 * A file's text, read in one blocking call, as `readFileSync(file, "utf8")`
 * returns it. A file that is all ASCII (state files of generated data
 * usually are) is decoded as Latin-1, which gives the same string without
 * UTF-8 decoding: for the hundreds of megabytes of a large state folder that
 * is about half a second less at start. Hand-written because Node's UTF-8
 * decoder does not take this shortcut itself.
 */
export function readText(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}
