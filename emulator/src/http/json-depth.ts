/**
 * Where JSON nests deeper than `limit` levels of arrays and objects: the path
 * of the first value found past it (e.g. `tenants[0].users[3].a.a.a…`), or
 * undefined. Walked without recursion, so that input nested thousands deep
 * is refused before anything recursive (cloning, serializing) overflows the stack.
 */
export function tooDeepAt(value: unknown, limit: number): string | undefined {
  const pending: [unknown, number, string[]][] = [[value, 1, []]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [v, depth, path] = item;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) return describe(path);
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((c, i) => [`[${i}]`, c]) : Object.entries(v).map(([k, c]) => [k, c]);
    for (const [key, child] of entries) {
      // The path is kept only as far as it is shown.
      if (child !== null && typeof child === "object") pending.push([child, depth + 1, path.length < 12 ? [...path, key] : path]);
    }
  }
  return undefined;
}

function describe(path: string[]): string {
  const text = path.map((p, i) => (p.startsWith("[") || i === 0 ? p : `.${p}`)).join("");
  return path.length >= 12 ? `${text}…` : text || "(the body)";
}
