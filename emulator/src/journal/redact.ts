/** Query and header names whose values never reach the journal or the log. */
const SECRET_PARAMS = new Set([
  "code",
  "client_secret",
  "client_assertion",
  "refresh_token",
  "access_token",
  "id_token",
  "password",
  "code_verifier",
  "assertion",
  "device_code",
  "request",
  "$skiptoken",
]);

/** A URL with secret query values replaced by "[redacted]". */
export function redactUrl(originalUrl: string): string {
  const q = originalUrl.indexOf("?");
  if (q < 0) return originalUrl;
  const params = new URLSearchParams(originalUrl.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAMS.has(key.toLowerCase())) params.set(key, "[redacted]");
  return `${originalUrl.slice(0, q)}?${params.toString()}`;
}

/** "Bearer eyJ0eXAi…[redacted]": the scheme and a few characters, never the token. */
export function redactAuthorization(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // The scheme is the text before the first white space of any kind. Usually that is one
  // space after a short scheme, so only that short text needs the regex.
  const space = value.indexOf(" ");
  const head = space < 0 ? value : value.slice(0, space);
  const scheme = /\s/.test(head) ? (value.split(/\s+/, 1)[0] as string) : head;
  // A value with no scheme is all credential: nothing of it is kept.
  return scheme.length <= 32 ? `${scheme} [redacted]` : "[redacted]";
}
