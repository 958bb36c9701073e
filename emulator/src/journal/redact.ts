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
  const [scheme] = value.split(/\s+/, 1);
  return `${scheme} [redacted]`;
}
