import { decodeEntities, FormBrowser, parseForms, redirectParams, type HtmlForm, type Step } from "./form-browser.ts";

export interface SignInOptions {
  /** The authorization URL your app (or MSAL's getAuthCodeUrl) sends the browser to. */
  authorizeUrl: string;
  username: string;
  password: string;
  /** What to do on the consent page if one is shown: "accept" (default), "accept-for-organization" or "decline". */
  consent?: "accept" | "accept-for-organization" | "decline";
  /** The fetch to send with; default the global one, which must trust the emulator's CA (`emu.fetch` does). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * Plays the user in the authorization-code flow, headlessly: opens `authorizeUrl`, fills the
 * sign-in form, answers the consent page if one appears, and returns the redirect to your app's
 * redirect URI: its URL and query (`code` and `state`, or `error` and `error_description`).
 * Throws, with the page's start, when a page is not what the flow expects.
 */
export async function signInWithCode(options: SignInOptions): Promise<{ redirectUrl: string; params: URLSearchParams }> {
  const browser = new FormBrowser(new URL(options.authorizeUrl).origin, options.fetch);
  const page = await browser.get(options.authorizeUrl);
  let step: Step = page.status === 200 ? await browser.signIn(page, options.username, options.password) : page;
  if (step.status === 200 && !isFormPost(step) && /name="consent"/.test(step.html)) {
    const choice = options.consent ?? "accept";
    step = await browser.consent(step, choice !== "decline", choice === "accept-for-organization");
  }
  if (isFormPost(step)) {
    // response_mode=form_post: an auto-submitting form to the redirect URI.
    const form = parseForms(step.html)[0] as HtmlForm;
    return { redirectUrl: form.action, params: new URLSearchParams(form.fields) };
  }
  if (step.status < 300 || step.status >= 400) throw new Error(`Sign-in did not reach the app (${step.status}); the page says:\n${textOf(step.html)}`);
  const params = redirectParams(step);
  const location = step.location as string;
  // response_mode=fragment puts the answer after '#'.
  return { redirectUrl: location, params: params.size > 0 ? params : new URLSearchParams(new URL(location).hash.slice(1)) };
}

export interface DeviceCodeSignInOptions {
  /** `verification_uri` from the device code answer (MSAL's deviceCodeCallback gets it). */
  verificationUri: string;
  /** `user_code` from the same answer. */
  userCode: string;
  username: string;
  password: string;
  /** What to do on the consent page if one is shown (default "accept"). */
  consent?: "accept" | "accept-for-organization" | "decline";
  /** The fetch to send with; default the global one, which must trust the emulator's CA. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * Plays the person in the device code flow, headlessly: opens the verification page, types the
 * code, signs in and answers the consent page if one appears. Resolves with the final page's
 * title ("You're signed in" or "Sign-in declined"); the polling client then gets its tokens (or
 * `authorization_declined`). Throws, with the page's text, when a page is not what the flow expects.
 */
export async function signInWithDeviceCode(options: DeviceCodeSignInOptions): Promise<{ title: string }> {
  const browser = new FormBrowser(new URL(options.verificationUri).origin, options.fetch);
  const page = await browser.get(options.verificationUri);
  const codeForm = parseForms(page.html).find((f) => "otc" in f.fields);
  if (page.status !== 200 || !codeForm) throw new Error(`No code form at ${options.verificationUri}:\n${textOf(page.html)}`);
  const signInPage = await browser.submit(page, codeForm, { otc: options.userCode });
  if (signInPage.status !== 200) throw new Error(`The code was refused:\n${textOf(signInPage.html)}`);
  let step = await browser.signIn(signInPage, options.username, options.password);
  if (step.status === 200 && /name="consent"/.test(step.html)) {
    const choice = options.consent ?? "accept";
    step = await browser.consent(step, choice !== "decline", choice === "accept-for-organization");
  }
  const title = /<h1[^>]*>([^<]*)<\/h1>/i.exec(step.html)?.[1]?.trim() ?? "";
  if (step.status !== 200 || !/signed in|declined/i.test(title)) throw new Error(`Sign-in did not complete:\n${textOf(step.html)}`);
  return { title: decodeEntities(title) };
}

const isFormPost = (step: Step) => step.status === 200 && /<form[^>]+name="hiddenform"/i.test(step.html);
/** What a page says: its Entra error (AADSTSnnnn: ...) when it shows one, else the start of its text. */
const textOf = (html: string) =>
  decodeEntities(/AADSTS\d+:[^<]*/.exec(html)?.[0] ?? html.replace(/<style[\s\S]*?<\/style>/gi, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim().slice(0, 400));
