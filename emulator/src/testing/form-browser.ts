/**
 * A minimal cookie-keeping "browser" that drives the emulator's sign-in and consent pages over
 * plain HTTP, the way a user without JavaScript would: for tests of the authorization-code flow
 * without a real browser. The pages are plain HTML forms, so a small form reader is enough here.
 */
export interface HtmlForm {
  action: string;
  fields: Record<string, string>;
  buttons: { name: string; value: string }[];
}

/** The HTML entities the emulator's pages escape, decoded. */
export const decodeEntities = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&#96;/g, "`").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(tag);
  return m ? decodeEntities(m[1] as string) : undefined;
};

export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const fields: Record<string, string> = {};
    const buttons: { name: string; value: string }[] = [];
    for (const input of (m[2] as string).matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(input[0], "name");
      const type = attr(input[0], "type") ?? "text";
      if (name && type !== "checkbox") fields[name] = attr(input[0], "value") ?? "";
    }
    for (const b of (m[2] as string).matchAll(/<button\b[^>]*>/gi)) {
      const name = attr(b[0], "name");
      if (name) buttons.push({ name, value: attr(b[0], "value") ?? "" });
    }
    forms.push({ action: attr(m[1] as string, "action") ?? "", fields, buttons });
  }
  return forms;
}

export interface Step {
  status: number;
  location: string | undefined;
  html: string;
  url: string;
}

export class FormBrowser {
  readonly cookies = new Map<string, string>();
  /**
   * `origin` is the emulator's base URL; `fetchFn` the fetch to send with (default the global one,
   * which must trust the emulator's CA; `emu.fetch` always does).
   */
  constructor(
    readonly origin: string,
    fetchFn: (input: string, init: RequestInit) => Promise<Response> = fetch,
  ) {
    this.#fetch = fetchFn;
  }

  readonly #fetch: (input: string, init: RequestInit) => Promise<Response>;

  async #send(url: string, init: RequestInit): Promise<Step> {
    const res = await this.#fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = (pair as string).indexOf("=");
      const name = (pair as string).slice(0, eq);
      const value = (pair as string).slice(eq + 1);
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get("location") ?? undefined, html: await res.text(), url };
  }

  get(url: string): Promise<Step> {
    return this.#send(url, { method: "GET" });
  }

  /** Submits a form of the page, with `extra` fields (e.g. a clicked button or typed values). */
  submit(page: Step, form: HtmlForm, extra: Record<string, string> = {}): Promise<Step> {
    const action = new URL(form.action, page.url).toString();
    return this.#send(action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...form.fields, ...extra }).toString(),
    });
  }

  /** Fills in the sign-in form (the one with a password field) and submits it. */
  signIn(page: Step, username: string, password: string): Promise<Step> {
    const form = parseForms(page.html).find((f) => "password" in f.fields);
    if (!form) throw new Error(`No sign-in form on the page:\n${page.html.slice(0, 500)}`);
    return this.submit(page, form, { username, password });
  }

  /** Clicks Accept or Cancel on the consent page. */
  consent(page: Step, accept: boolean, forOrganization = false): Promise<Step> {
    const form = parseForms(page.html).find((f) => f.buttons.some((b) => b.name === "consent"));
    if (!form) throw new Error(`No consent form on the page:\n${page.html.slice(0, 500)}`);
    return this.submit(page, form, { consent: accept ? "accept" : "decline", ...(forOrganization ? { consent_for_org: "1" } : {}) });
  }
}

/** The query parameters of a redirect to the app. */
export function redirectParams(step: Step): URLSearchParams {
  if (step.status !== 302 || !step.location) throw new Error(`Expected a redirect, got ${step.status}:\n${step.html.slice(0, 800)}`);
  return new URL(step.location).searchParams;
}
