import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";

/**
 * Accessibility checks run inside the page.
 *
 * When the axe-core package is installed, its WCAG 2 A/AA rules run and any
 * "serious" or "critical" violation fails the test. The emulator's own checks
 * always run as well: language, title, a main landmark and one h1, heading
 * order, unique ids, a name for every control, link and button, and text
 * contrast (WCAG AA: 4.5:1, or 3:1 for large text) against the background
 * actually behind the text.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const axe = axeSource();
  if (axe) {
    // Evaluated over the DevTools protocol, which the pages' Content-Security-Policy does not apply to
    // (a <script> tag would be refused, as it should be).
    await page.evaluate(`${axe}\n;undefined`);
    const serious = await page.evaluate(async () => {
      const w = window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[] }> } };
      const result = await w.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3).join(", ")}`);
    });
    expect(serious, `axe-core on ${label}`).toEqual([]);
  }
  expect(await page.evaluate(ownChecks), `accessibility checks on ${label}`).toEqual([]);
}

/** axe-core's browser bundle, when the package is installed (it is optional). */
export function axeSource(): string | undefined {
  try {
    const path = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/** Runs in the browser: returns one line per problem. Self-contained (serialised by Playwright). */
function ownChecks(): string[] {
  const problems: string[] = [];
  const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.split(" ").join(".")}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
  const visible = (el: Element) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.visibility !== "hidden" && s.display !== "none" && r.width > 0 && r.height > 0 && !(el as HTMLElement).hidden;
  };
  const nameOf = (el: Element): string => {
    const labelledBy = el.getAttribute("aria-labelledby");
    if (labelledBy) return labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ").trim();
    const aria = el.getAttribute("aria-label");
    if (aria) return aria.trim();
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
      const labels = Array.from(el.labels ?? []).map((l) => l.textContent ?? "").join(" ").trim();
      return labels || (el.getAttribute("title") ?? "");
    }
    return ((el as HTMLElement).innerText || el.textContent || el.getAttribute("title") || "").trim();
  };

  if (!document.documentElement.lang) problems.push("html has no lang");
  if (!document.title.trim()) problems.push("page has no title");
  if (document.querySelectorAll("main").length !== 1) problems.push("page needs exactly one main landmark");
  const h1s = Array.from(document.querySelectorAll("h1")).filter(visible);
  if (h1s.length !== 1) problems.push(`page has ${h1s.length} visible h1 elements`);
  let level = 0;
  for (const h of Array.from(document.querySelectorAll("h1,h2,h3,h4,h5,h6")).filter(visible)) {
    const n = Number(h.tagName[1]);
    if (level && n > level + 1) problems.push(`heading ${describe(h)} skips from h${level} to h${n}`);
    level = n;
  }
  const ids = new Map<string, number>();
  for (const el of Array.from(document.querySelectorAll("[id]"))) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
  for (const [id, count] of ids) if (count > 1) problems.push(`id "${id}" is used ${count} times`);
  for (const el of Array.from(document.querySelectorAll("input,select,textarea"))) {
    const type = el.getAttribute("type");
    if (type === "hidden" || type === "submit" || type === "button") continue;
    if (!nameOf(el)) problems.push(`form control without a label: ${describe(el)}`);
  }
  for (const el of Array.from(document.querySelectorAll("a[href],button"))) {
    if (visible(el) && !nameOf(el)) problems.push(`link or button without a name: ${describe(el)}`);
  }

  const parse = (c: string): [number, number, number, number] => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const p = (m[1] as string).split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
  };
  const blend = (top: number[], bottom: number[]) => {
    const a = top[3] ?? 1;
    return [0, 1, 2].map((i) => (top[i] as number) * a + (bottom[i] as number) * (1 - a));
  };
  const background = (el: Element | null): number[] => {
    const layers: number[][] = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if ((c[3] ?? 0) > 0) {
        layers.push(c);
        if ((c[3] ?? 0) >= 1) break;
      }
    }
    let bg = [255, 255, 255];
    for (const layer of layers.reverse()) bg = blend(layer, bg);
    return bg;
  };
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a: number[], b: number[]) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
    return (x + 0.05) / (y + 0.05);
  };
  const seen = new Set<string>();
  for (const el of Array.from(document.body.querySelectorAll("*"))) {
    const hasText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() !== "");
    if (!hasText || !visible(el)) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = blend(parse(style.color), bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const r = ratio(fg, bg);
    if (r < (large ? 3 : 4.5)) {
      const key = `${style.color} on ${bg.join(",")}`;
      if (!seen.has(key)) problems.push(`low contrast ${r.toFixed(2)}:1 (${key}) at ${describe(el)}`);
      seen.add(key);
    }
  }
  return problems;
}
