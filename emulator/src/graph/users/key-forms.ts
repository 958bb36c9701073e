/**
 * Rewrites the OData key forms `/users('AdeleV@contoso.com')` (quotes doubled
 * inside) and `/users(87d349ed-…)` to `/users/{key}`, so one row serves both.
 * Returns the new URL, or undefined when the path has no key form. A quoted
 * key may start with `$`: it is then a key, never a system segment.
 */
export function rewriteKeyForm(url: string): string | undefined {
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (!/^\/users(\(|%28)/i.test(path)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const m = /^\/users\((?:'((?:[^']|'')*)'|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))\)(\/.*)?$/i.exec(decoded);
  if (!m) return undefined;
  const key = m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] as string);
  return `/users/${encodeURIComponent(key)}${m[3] ?? ""}${q < 0 ? "" : url.slice(q)}`;
}
