import iconv from "iconv-lite";

/**
 * Express's body parsers decode every request body through iconv-lite, which loads its table of
 * encodings (a dozen modules, about 5 ms) on the first body it sees. A server that will read bodies
 * loads it with the app, so that the first POST does not pay for it.
 */
export function loadBodyDecoders(): void {
  iconv.getCodec("utf-8");
}
