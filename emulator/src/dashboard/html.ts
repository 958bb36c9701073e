/**
 * Auto-escaping HTML templates for the dashboard. `html` escapes every
 * interpolated value unless it is itself the result of `html` (or `raw`),
 * so a forgotten escape cannot happen by accident.
 */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

export function escape(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof SafeHtml) return part.text;
  if (Array.isArray(part)) return part.map((p) => render(p as Part)).join("");
  return escape(part);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** Markup the caller vouches for (constants only). */
export function raw(text: string): SafeHtml {
  return new SafeHtml(text);
}
