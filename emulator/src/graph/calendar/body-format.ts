import type { ItemBody } from "../../store/calendar-types.ts";

/** Body conversions Outlook applies for `Prefer: outlook.body-content-type`. */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", nbsp: " " };

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\r\n")
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, "\r\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, name: string) => {
      const lower = name.toLowerCase();
      if (ENTITIES[lower] !== undefined) return ENTITIES[lower] as string;
      if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith("#")) return String.fromCodePoint(Number(lower.slice(1)));
      return m;
    })
    .replace(/[ \t]+\r\n/g, "\r\n")
    .replace(/(\r\n){3,}/g, "\r\n\r\n")
    .trim();
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Wraps HTML the way Exchange stores it (see the recurring example of api/user-post-events.md). */
export function wrapHtml(inner: string): string {
  if (/<html[\s>]/i.test(inner)) return inner;
  return `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n${inner}\r\n</body>\r\n</html>\r\n`;
}

export function textToHtml(text: string): string {
  return wrapHtml(escapeHtml(text).replace(/\r?\n/g, "<br>\r\n"));
}

/**
 * A stored body is never changed in place (the calendar model assigns a new one; see
 * event-codec.ts), so what is made from it — its HTML and text forms, its preview — is kept beside
 * it, made once instead of on every read. The forms are shared: views are serialised at once.
 */
const htmlForms = new WeakMap<ItemBody, ItemBody>();
const textForms = new WeakMap<ItemBody, ItemBody>();
const previews = new WeakMap<ItemBody, string>();

/** The body in the format asked for; HTML when nothing was asked. */
export function bodyAs(body: ItemBody, wanted: "text" | "html" | undefined): ItemBody {
  const html = (wanted ?? "html") === "html";
  const forms = html ? htmlForms : textForms;
  let form = forms.get(body);
  if (form === undefined) {
    form = html
      ? { contentType: "html", content: body.contentType === "html" ? wrapHtml(body.content) : body.content ? textToHtml(body.content) : "" }
      : { contentType: "text", content: body.contentType === "text" ? body.content : htmlToText(body.content) };
    forms.set(body, form);
  }
  return form;
}

/** Outlook's bodyPreview: the first 255 characters of the text. */
export function previewOf(body: ItemBody): string {
  let preview = previews.get(body);
  if (preview === undefined) {
    const text = body.contentType === "text" ? body.content : htmlToText(body.content);
    preview = text.replace(/\s+/g, " ").trim().slice(0, 255);
    previews.set(body, preview);
  }
  return preview;
}
