import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");

/**
 * Debian's Chromium, headless. playwright-core starts it with a fresh
 * temporary profile of its own (it refuses a --user-data-dir argument to
 * launch(), and removes the profile on close), so no state survives a run.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A new browser context (own cookies) that accepts the emulator's locally issued certificate. */
export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 }, locale: "en-US", ...options });
}

const SIZES = [
  { width: 1280, height: 800 },
  { width: 375, height: 812 },
] as const;

/** Elements that stick out of the viewport on the right, for a readable failure. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${el.className} right=${Math.round(r.right)}`);
      if (out.length > 8) break;
    }
    return out.length ? out : [`scrollWidth ${document.documentElement.scrollWidth} > ${width}`];
  });
}

/**
 * Screenshots the page at 1280x800 and at a phone's 375px width (whole page),
 * into test-results/screenshots/<name>-<width>.png, after checking that nothing
 * overflows sideways at either width. Leaves the page at 1280x800.
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.evaluate(() => document.fonts.ready);
    expect(await overflowing(page), `${name} at ${size.width}px overflows sideways`).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES[0]);
}
